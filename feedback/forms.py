from django import forms

from boards.models import Board, Column
from boards.selectors import board_team


class _PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FeedbackSettingsForm(forms.Form):
    intake_column = forms.ModelChoiceField(
        queryset=Column.objects.none(),
        required=False,
        empty_label="The board's first column",
        help_text="Where detractor tickets land.",
    )
    duty = _PeopleField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Feedback duty",
        help_text="Detractor tickets are assigned to these people in turn.",
    )
    csat_on_resolve = forms.BooleanField(
        required=False, label="Ask customers for a CSAT rating when their ticket is resolved"
    )
    guests_see_metrics = forms.BooleanField(
        required=False, label="Guests may see the metrics dashboard"
    )

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intake_column"].queryset = board.columns.order_by("position")
        self.fields["duty"].queryset = board_team(board)


class FeedbackImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
