from django import forms
from django.utils.text import capfirst

from boards.models import Board, Column
from boards.selectors import board_team
from csboard.core.validation import max_length_of
from csboard.core.widgets import QUICK_RENDERER, ShownDateTimeInput
from tickets.fields import EDITABLE_FIELDS, LABELS
from tickets.models import Ticket


class ListedChoices(forms.models.ModelChoiceIterator):
    """The choices, read once per form: Django's iterator asks the database again on each pass
    (a select's options, then whether its first option is empty), through a server-side cursor
    each time."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ColumnChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices

    def __init__(self, **kwargs):
        super().__init__(queryset=Column.objects.none(), empty_label=None, **kwargs)


class PeopleField(forms.ModelMultipleChoiceField):
    iterator = ListedChoices

    def label_from_instance(self, obj):
        return obj.name


class TicketQuickForm(forms.Form):
    """The one-line form at the bottom of a column."""

    title = forms.CharField(max_length=max_length_of(Ticket, "title"))
    column = ColumnChoiceField()

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = board.columns.all()


def _value_field(name: str) -> forms.Field:
    """The form field of a ticket column: its limit, choices and whether it may be left empty
    come from the model, as the API's do (tickets.fields)."""
    column = Ticket._meta.get_field(name)
    options = {"label": LABELS.get(name, capfirst(column.verbose_name))}
    if name == "description":
        options["widget"] = forms.Textarea(attrs={"rows": 6})
    if name == "due_at":
        # As the pages write it, in the board's time zone (or ISO 8601); not the browser's own.
        example = ShownDateTimeInput.example()
        options["widget"] = ShownDateTimeInput()
        options["help_text"] = f"As {example}"
        options["error_messages"] = {"invalid": f"Enter a date as {example}."}
    return column.formfield(**options)


class TicketForm(forms.Form):
    """The ticket page's edit form: the fields of tickets.fields.EDITABLE_FIELDS, then the
    relations."""

    assignees = PeopleField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members and admins of this board.",
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    tags.iterator = ListedChoices
    default_renderer = QUICK_RENDERER  # the ticket page draws this form on every visit

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {**{name: _value_field(name) for name in EDITABLE_FIELDS}, **self.fields}
        self.fields["assignees"].queryset = board_team(board)
        self.fields["tags"].queryset = board.tags.all()

    @classmethod
    def for_ticket(cls, ticket: Ticket, board: Board) -> "TicketForm":
        initial = {field: getattr(ticket, field) for field in EDITABLE_FIELDS}
        initial["assignees"] = list(ticket.assignees.all())
        initial["tags"] = list(ticket.tags.all())
        return cls(initial=initial, board=board)


class TicketMoveForm(forms.Form):
    column = ColumnChoiceField()
    position = forms.IntegerField(
        min_value=1, required=False, help_text="1 is the top; empty puts it last."
    )
    # The column the page showed the ticket in: a move from a stale page is refused.
    from_column = forms.IntegerField(required=False, widget=forms.HiddenInput)
    default_renderer = QUICK_RENDERER

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = board.columns.all()

    def clean_position(self) -> int | None:
        """People count from 1; the services count from 0."""
        position = self.cleaned_data["position"]
        return None if position is None else position - 1
