from django import forms

from boards.models import Board
from boards.selectors import board_team
from csboard.core.validation import max_length_of
from csboard.core.widgets import QUICK_RENDERER
from sla.priorities import Priority
from ticket_templates.models import TicketTemplate
from ticket_templates.placeholders import HELP
from ticket_templates.services import template_values
from tickets.forms import ColumnChoiceField, ListedChoices, PeopleField, TicketForm

CHECKLIST_HELP = "One item a line."


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class _TemplateChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices


class NewTicketForm(TicketForm):
    """The full new-ticket form: the edit form's fields (the customer's among them), its
    column, checklist items, and the template that filled it (its title's placeholders are
    filled in on create)."""

    template = _TemplateChoiceField(
        queryset=None,
        required=False,
        empty_label="No template",
        help_text="Fills in the fields below; what you change stays yours.",
    )
    column = ColumnChoiceField()
    checklist = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Checklist",
        help_text=CHECKLIST_HELP,
    )
    default_renderer = QUICK_RENDERER

    # The fields a template fills, by form field: a template picked replaces these, and keeps
    # the others (the customer, the status, the due date) as typed.
    FILLED = ("title", "description", "priority", "column", "tags", "assignees", "checklist")

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, board=board, **kwargs)
        self.fields["template"].queryset = TicketTemplate.objects.filter(board=board)
        self.fields["column"].queryset = board.columns.all()
        self.fields["title"].help_text = f"With a template: {HELP}"

    @classmethod
    def filled(cls, board: Board, template: TicketTemplate | None, typed=None) -> "NewTicketForm":
        """The form as a template fills it, over what was `typed` (a posted form's data)."""
        initial = {}
        if typed is not None:
            probe = cls(board=board)
            initial = {
                name: typed.getlist(name) if getattr(field.widget, "allow_multiple_selected", False)
                else typed.get(name, "")
                for name, field in probe.fields.items()
            }  # fmt: skip
        if template is not None:
            values = template_values(template)
            initial |= {name: values[name] for name in cls.FILLED if name in values}
            initial["checklist"] = "\n".join(template.checklist)
            initial["template"] = template.pk
        return cls(board=board, initial=initial)

    def clean_checklist(self) -> list[str]:
        return _lines(self.cleaned_data["checklist"])

    def ticket_data(self) -> dict:
        """What ticket_templates.services.ticket_create_from takes."""
        data = dict(self.cleaned_data)
        if data["template"] is None:
            del data["template"]
        return data


class TemplateForm(forms.Form):
    """A ticket template, from the board's settings."""

    name = forms.CharField(max_length=max_length_of(TicketTemplate, "name"))
    title_pattern = forms.CharField(
        max_length=max_length_of(TicketTemplate, "title_pattern"),
        label="Title",
        help_text=HELP,
    )
    description = forms.CharField(
        required=False,
        max_length=max_length_of(TicketTemplate, "description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown.",
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    column = ColumnChoiceField(required=False, help_text="The board’s first column when empty.")
    checklist = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=CHECKLIST_HELP
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    tags.iterator = ListedChoices
    assignees = PeopleField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members and admins of this board.",
    )
    default_renderer = QUICK_RENDERER

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = board.columns.all()
        self.fields["column"].empty_label = "First column"
        self.fields["tags"].queryset = board.tags.all()
        self.fields["assignees"].queryset = board_team(board)

    @classmethod
    def for_template(cls, template: TicketTemplate, board: Board) -> "TemplateForm":
        initial = {
            "name": template.name,
            "title_pattern": template.title_pattern,
            "description": template.description,
            "priority": template.priority,
            "column": template.column_id,
            "checklist": "\n".join(template.checklist),
            "tags": list(template.tags.all()),
            "assignees": list(template.assignees.all()),
        }
        return cls(initial=initial, board=board)

    def clean_checklist(self) -> list[str]:
        return _lines(self.cleaned_data["checklist"])
