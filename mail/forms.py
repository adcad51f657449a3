from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mail.models import MailSettings, SupportAddress
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


class MailSettingsForm(forms.ModelForm):
    """How the board treats its mail, from its Email settings."""

    class Meta:
        model = MailSettings
        fields = [
            "acknowledge", "acknowledge_subject", "acknowledge_body", "reopen_days",
            "sender_hourly_limit",
        ]  # fmt: skip
        labels = {
            "acknowledge": "Acknowledge each new ticket by email",
            "acknowledge_subject": "Subject",
            "acknowledge_body": "Text",
            "reopen_days": "A reply reopens a resolved ticket for (days)",
            "sender_hourly_limit": "Messages a sender may send in an hour",
        }
        help_texts = {
            "acknowledge": "Never to automatic mail; marked automatic itself.",
            "acknowledge_body": "Markdown. {name}, {reference}, {title} and {board} are filled in.",
            "sender_hourly_limit": "More are kept, but open nothing: a runaway sender stops here.",
        }
        widgets = {"acknowledge_body": forms.Textarea(attrs={"rows": 5})}
