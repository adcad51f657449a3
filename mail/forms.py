from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mail.models import SupportAddress
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


class SupportAddressForm(forms.Form):
    """A support address from the board's Email settings: the address, and optionally the
    mailbox the board polls for it (the password is stored encrypted and never shown again)."""

    address = forms.EmailField(
        label="Address", help_text="Where customers write, e.g. support@example.com."
    )
    name = forms.CharField(
        required=False,
        max_length=100,
        label="From name",
        help_text="Replies come from this name; the board’s when empty.",
    )
    imap_host = forms.CharField(
        required=False,
        max_length=255,
        label="IMAP server",
        help_text="Leave empty when mail arrives by a provider’s webhook or your mail server’s pipe.",
    )
    imap_port = forms.IntegerField(required=False, min_value=1, max_value=65535, label="Port")
    imap_security = forms.ChoiceField(
        choices=SupportAddress.Security.choices,
        initial=SupportAddress.Security.SSL,
        label="Security",
    )
    imap_username = forms.CharField(required=False, max_length=255, label="Username")
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        label="Password",
        help_text="Stored encrypted. Or name an environment variable below.",
    )
    imap_password_env = forms.CharField(
        required=False, max_length=100, label="Password from the environment variable"
    )
    imap_folder = forms.CharField(max_length=200, initial="INBOX", label="Folder")
    imap_done_folder = forms.CharField(
        required=False,
        max_length=200,
        label="Move processed mail to",
        help_text="Empty: processed mail stays, marked read.",
    )
