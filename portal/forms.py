from django import forms

from boards.models import Board
from portal import services
from portal.models import PortalSettings
from sla.priorities import Priority
from workspace.services import MESSAGE_MAX


class PortalSettingsForm(forms.Form):
    """The board's customer portal and request form, from its settings (the origins and the
    link lifetime are checked by portal.services.portal_settings_set)."""

    form_enabled = forms.BooleanField(
        required=False,
        label="Request form on",
        help_text="Anyone with its address can send the team a request.",
    )
    portal_enabled = forms.BooleanField(
        required=False,
        label="Customer portal on",
        help_text="Customers sign in by a link mailed to them and follow their tickets.",
    )
    title = forms.CharField(
        required=False,
        max_length=services.TITLE_MAX,
        label="Form title",
        help_text="Empty: “Contact” and the board’s name.",
    )
    intro = forms.CharField(
        required=False,
        max_length=services.INTRO_MAX,
        label="Introduction",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown, shown above the form.",
    )
    column = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="New requests land in",
        empty_label="The first column",
    )
    ask_priority = forms.BooleanField(
        required=False, label="Ask for a priority", help_text="The customer suggests one."
    )
    ask_company = forms.BooleanField(required=False, label="Ask for a company")
    areas = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Product areas offered",
        widget=forms.CheckboxSelectMultiple,
        help_text="The customer may pick one; it is put on the ticket as its tag.",
    )
    frame_ancestors = forms.CharField(
        required=False,
        max_length=2000,
        label="Sites that may embed the form",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://www.example.com"}),
        help_text=(
            "One origin a line: https:// and a host, an optional port, no path; *.example.com "
            "for every subdomain of one domain; http:// only for localhost. Empty: nowhere."
        ),
    )
    link_minutes = forms.IntegerField(
        min_value=services.LINK_MINUTES_MIN,
        max_value=services.LINK_MINUTES_MAX,
        label="A sign-in link lasts (minutes)",
    )

    def __init__(self, *args, board: Board, instance: PortalSettings, **kwargs):
        if not args and "data" not in kwargs:
            kwargs["initial"] = {
                "form_enabled": instance.form_enabled,
                "portal_enabled": instance.portal_enabled,
                "title": instance.title,
                "intro": instance.intro,
                "column": instance.column_id,
                "ask_priority": instance.ask_priority,
                "ask_company": instance.ask_company,
                "areas": list(instance.areas.all()) if instance.pk else [],
                "frame_ancestors": instance.frame_ancestors,
                "link_minutes": instance.link_minutes,
            }
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = board.columns.order_by("position", "id")
        self.fields["areas"].queryset = board.tags.order_by("name", "id")


class BrandForm(forms.Form):
    """The board's colour and logo on its customer pages."""

    brand_color = forms.CharField(
        required=False,
        max_length=7,
        label="Brand colour",
        widget=forms.TextInput(attrs={"placeholder": "#4f46e5", "pattern": "#[0-9a-fA-F]{6}"}),
        help_text="As #RRGGBB. Empty: the product’s colour.",
    )
    logo = forms.FileField(
        required=False,
        label="Logo",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=f"PNG, JPEG or WebP, at most {services.LOGO_MAX_BYTES // 1024} KB.",
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")


class RequestForm(forms.Form):
    """The public request form: who asks, and what; the optional fields the board's form asks.
    `website` is the trap (people leave it empty); `token` the signed form token."""

    name = forms.CharField(max_length=services.NAME_MAX, label="Your name")
    email = forms.EmailField(label="Your email")
    company = forms.CharField(required=False, max_length=services.COMPANY_MAX, label="Company")
    subject = forms.CharField(max_length=services.SUBJECT_MAX, label="Subject")
    priority = forms.ChoiceField(
        required=False,
        label="How urgent is it?",
        choices=[("", "Choose…"), *Priority.choices],
    )
    area = forms.ModelChoiceField(
        queryset=None, required=False, label="Product area", empty_label="Choose…"
    )
    message = forms.CharField(
        max_length=MESSAGE_MAX,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, settings: PortalSettings, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.ask_company:
            self.fields["company"].required = False
        else:
            del self.fields["company"]
        if not settings.ask_priority:
            del self.fields["priority"]
        areas = settings.areas.order_by("name", "id")
        if settings.pk and areas.exists():
            self.fields["area"].queryset = areas
        else:
            del self.fields["area"]

    def customer_request(self, files) -> services.CustomerRequest:
        data = self.cleaned_data
        return services.CustomerRequest(
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            message=data["message"],
            files=tuple(files),
            priority=data.get("priority") or "",
            company=data.get("company") or "",
            area=data.get("area"),
        )
