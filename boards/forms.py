from django import forms

from accounts.selectors import user_by_login
from boards.models import Board, Column, Role, Visibility, time_zone_names
from boards.services import BOARD_TEMPLATES

TEMPLATE_LABELS = {"customer-success": "Customer success", "simple": "Simple"}
ROLE_CHOICES = sorted(Role.choices, reverse=True)  # admin first, as the settings page lists them


class BoardForm(forms.Form):
    name = forms.CharField(
        max_length=Board._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"placeholder": "Customer Success"}),
    )
    key = forms.CharField(
        max_length=Board._meta.get_field("key").max_length,
        help_text="2–10 capital letters or digits. Ticket references look like CS-12.",
        widget=forms.TextInput(attrs={"placeholder": "CS", "class": "input--key"}),
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "What this board is for and who works it."}
        ),
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.PRIVATE, widget=forms.RadioSelect
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=lambda: [(name, name.replace("_", " ")) for name in time_zone_names()],
        initial="UTC",
        required=False,
        help_text="Business hours, reminders and the weekly digest follow this time zone.",
    )

    def clean_timezone(self) -> str:
        return self.cleaned_data["timezone"] or "UTC"

    @classmethod
    def for_board(cls, board: Board) -> "BoardForm":
        fields = ("name", "key", "description", "visibility", "timezone")
        return cls(initial={field: getattr(board, field) for field in fields})


class BoardCreateForm(BoardForm):
    template = forms.ChoiceField(
        choices=[(name, TEMPLATE_LABELS.get(name, name)) for name in BOARD_TEMPLATES],
        initial="customer-success",
        widget=forms.RadioSelect,
        label="Start from",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autofocus"] = True

    def template_previews(self) -> list[tuple[str, str, list[str]]]:
        """Each template as (value, label, the columns it creates), for the choice cards."""
        return [
            (value, label, BOARD_TEMPLATES[value])
            for value, label in self.fields["template"].choices
        ]


class BoardDeleteForm(forms.Form):
    confirm_key = forms.CharField(label="Type the board key to confirm")

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board

    def clean_confirm_key(self):
        value = self.cleaned_data["confirm_key"].strip().upper()
        if value != self.board.key:
            raise forms.ValidationError(f"Type {self.board.key} to delete this board.")
        return value


class ColumnForm(forms.Form):
    name = forms.CharField(max_length=80)
    wip_limit = forms.IntegerField(
        label="WIP limit", min_value=1, required=False, help_text="Empty for no limit."
    )
    # An index from the left, as the API's; the page offers "first" and "after <column>".
    position = forms.IntegerField(label="Place", min_value=0, required=False)


def column_places(columns) -> list[tuple[int, str, bool]]:
    """Where a new column may go, for the add form's select: (index, words, chosen). Chosen: just
    before the first done column, so that a new step of the flow does not land after Done."""
    columns = list(columns)
    first_done = next((i for i, column in enumerate(columns) if column.is_done), len(columns))
    places = [(0, "First", first_done == 0)]
    places += [
        (index + 1, f"After “{column.name}”", index + 1 == first_done)
        for index, column in enumerate(columns)
    ]
    return places


class ColumnsForm(forms.Form):
    """Every column of the board in one form, saved at once (tickets.services.columns_save): per
    column its name, WIP limit, done flag and order (1 = leftmost; ties keep the current order).
    Fields are named after the column's id (`name_12`), so a column added or deleted meanwhile
    cannot shift a value onto another column."""

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = list(columns)
        count = len(self.columns)
        for index, column in enumerate(self.columns):
            key = column.pk
            self.fields[f"name_{key}"] = forms.CharField(
                max_length=80, label="Name", initial=column.name
            )
            self.fields[f"wip_limit_{key}"] = forms.IntegerField(
                label="WIP limit", min_value=1, required=False, initial=column.wip_limit
            )
            self.fields[f"is_done_{key}"] = forms.BooleanField(
                label="Done", required=False, initial=column.is_done
            )
            self.fields[f"order_{key}"] = forms.IntegerField(
                label="Order", min_value=1, max_value=count, initial=index + 1
            )

    def rows(self) -> list[dict]:
        """For the template: each column with its bound fields."""
        return [
            {
                "column": column,
                **{
                    part: self[f"{part}_{column.pk}"]
                    for part in ("name", "wip_limit", "is_done", "order")
                },
            }
            for column in self.columns
        ]

    def changes(self) -> list[dict]:
        """The cleaned rows, in the new order, as columns_save takes them."""
        data = self.cleaned_data
        ordered = sorted(
            enumerate(self.columns), key=lambda pair: (data[f"order_{pair[1].pk}"], pair[0])
        )
        return [
            {
                "column": column,
                "name": data[f"name_{column.pk}"],
                "wip_limit": data[f"wip_limit_{column.pk}"],
                "is_done": data[f"is_done_{column.pk}"],
            }
            for _, column in ordered
        ]

    @staticmethod
    def field_of(key: str) -> str:
        """The field of a refusal's key from columns_save ("12.name" is `name_12`)."""
        return "_".join(reversed(key.split(".", 1)))


class ColumnDeleteForm(forms.Form):
    move_to = forms.ModelChoiceField(
        queryset=None, required=False, label="Move its tickets to", empty_label=None
    )

    def __init__(self, *args, column, **kwargs):
        super().__init__(*args, **kwargs)
        others = Column.objects.filter(board_id=column.board_id).exclude(pk=column.pk)
        self.fields["move_to"].queryset = others


class TagForm(forms.Form):
    name = forms.CharField(max_length=40)
    color = forms.RegexField(
        label="Colour",
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#6366f1",
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": "Use a colour such as #22c55e."},
    )


class MemberAddForm(forms.Form):
    login = forms.CharField(
        label="Username or email",
        widget=forms.TextInput(attrs={"placeholder": "dana or dana@example.com"}),
    )
    role = forms.TypedChoiceField(choices=ROLE_CHOICES, coerce=int, initial=Role.MEMBER)

    def clean_login(self):
        user = user_by_login(self.cleaned_data["login"])
        if user is None:
            raise forms.ValidationError("No account has that username or email address.")
        return user


class MemberRoleForm(forms.Form):
    role = forms.TypedChoiceField(choices=ROLE_CHOICES, coerce=int)
