from django.core.exceptions import ValidationError

from csboard.core.exceptions import InvalidInput


def full_clean_or_raise(instance, **kwargs) -> None:
    """Run the model's own validation and report failures in the domain's error family."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, fields=fields) from exc
