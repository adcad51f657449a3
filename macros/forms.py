from django import forms
from django.contrib.auth import get_user_model

from boards.models import Board, Tag
from boards.selectors import board_team
from macros.models import Macro
from macros.placeholders import PLACEHOLDERS
from mail.forms import ReplyForm
from tickets.models import Status


class MacroForm(forms.Form):
    """A macro, from the board's Macros page. `shared` is offered to the board's admins only."""

    name = forms.CharField(max_length=80, label="Name", help_text="What you type to find it.")
    kind = forms.ChoiceField(choices=Macro.Kind.choices, label="Kind")
    body = forms.CharField(
        max_length=10_000,
        label="Text",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown. Filled in: "
        + ", ".join("{{" + name + "}}" for name in PLACEHOLDERS)
        + ".",
    )
    set_status = forms.ChoiceField(
        choices=[("", "Leave the status"), *Status.choices], required=False, label="Set status"
    )
    add_tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(), required=False, label="Add tags"
    )
    remove_tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(), required=False, label="Remove tags"
    )
    assign_to_me = forms.BooleanField(required=False, label="Assign whoever applies it")
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Or assign",
        empty_label="Nobody",
    )
    shared = forms.BooleanField(
        required=False, label="Shared with the board", help_text="Everyone on the team can use it."
    )

    def __init__(self, *args, board: Board, may_share: bool, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        tags = board.tags.all()
        self.fields["add_tags"].queryset = tags
        self.fields["remove_tags"].queryset = tags
        self.fields["assignee"].queryset = board_team(board)
        if not may_share or editing:  # a macro stays shared or personal
            del self.fields["shared"]

    @classmethod
    def for_macro(cls, macro: Macro, board: Board, **kwargs) -> "MacroForm":
        initial = {
            "name": macro.name,
            "kind": macro.kind,
            "body": macro.body,
            "set_status": macro.set_status,
            "add_tags": list(macro.add_tags.all()),
            "remove_tags": list(macro.remove_tags.all()),
            "assign_to_me": macro.assign_to_me,
            "assignee": macro.assignee,
        }
        return cls(initial=initial, board=board, may_share=False, editing=True, **kwargs)


class MacroApplyForm(ReplyForm):
    """A macro used from the ticket page's reply or note box: the box's text as sent."""

    macro = forms.IntegerField(min_value=1)
