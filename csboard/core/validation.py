from django.core.exceptions import ValidationError
from django.db import models

from csboard.core.exceptions import InvalidInput


def full_clean_or_raise(instance, **kwargs) -> None:
    """Run the model's own validation and report failures in the domain's error family."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, fields=fields) from exc


def max_length_of(model: type[models.Model], field: str) -> int | None:
    """The length of a model's column. API and form fields take their limit from it, so that a
    value too long is refused, naming the field, before anything is written (never a database
    error half-way through a write)."""
    return model._meta.get_field(field).max_length
