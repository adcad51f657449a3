from django import forms

from boards.models import Board, Column
from boards.selectors import board_team
from csboard.core.validation import max_length_of
from tickets.models import Priority, Status, Ticket

DUE_FORMAT = "%Y-%m-%dT%H:%M"


class _ColumnChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Column.objects.none(), empty_label=None, **kwargs)


class _PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TicketQuickForm(forms.Form):
    """The one-line form at the bottom of a column."""

    title = forms.CharField(max_length=max_length_of(Ticket, "title"))
    column = _ColumnChoiceField()

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = board.columns.all()


class TicketForm(forms.Form):
    title = forms.CharField(max_length=max_length_of(Ticket, "title"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    status = forms.ChoiceField(choices=Status.choices)
    priority = forms.ChoiceField(choices=Priority.choices)
    customer_name = forms.CharField(
        max_length=max_length_of(Ticket, "customer_name"), required=False, label="Name"
    )
    customer_email = forms.EmailField(
        max_length=max_length_of(Ticket, "customer_email"), required=False, label="Email"
    )
    customer_company = forms.CharField(
        max_length=max_length_of(Ticket, "customer_company"), required=False, label="Company"
    )
    customer_phone = forms.CharField(
        max_length=max_length_of(Ticket, "customer_phone"), required=False, label="Phone"
    )
    assignees = _PeopleField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members and admins of this board.",
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    due_at = forms.DateTimeField(
        required=False,
        label="Due",
        input_formats=[DUE_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DUE_FORMAT),
    )

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = board_team(board)
        self.fields["tags"].queryset = board.tags.all()

    @classmethod
    def for_ticket(cls, ticket: Ticket, board: Board) -> "TicketForm":
        initial = {field: getattr(ticket, field) for field in cls.base_fields}
        initial["assignees"] = list(ticket.assignees.all())
        initial["tags"] = list(ticket.tags.all())
        return cls(initial=initial, board=board)


class TicketMoveForm(forms.Form):
    column = _ColumnChoiceField()
    position = forms.IntegerField(
        min_value=1, required=False, help_text="1 is the top; empty puts it last."
    )
    # The column the page showed the ticket in: a move from a stale page is refused.
    from_column = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = board.columns.all()

    def clean_position(self) -> int | None:
        """People count from 1; the services count from 0."""
        position = self.cleaned_data["position"]
        return None if position is None else position - 1
