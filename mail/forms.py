from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from workspace.forms import MessageForm


class ReplyForm(MessageForm):
    """A reply to the customer, from the ticket page: its text, and whom to copy."""

    cc = forms.CharField(
        required=False, max_length=2000, label="Cc", help_text="Addresses, separated by commas."
    )

    def clean_cc(self) -> list[str]:
        addresses = [each.strip() for each in self.cleaned_data["cc"].split(",") if each.strip()]
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(f"“{address}” is not an email address.") from None
        return addresses
