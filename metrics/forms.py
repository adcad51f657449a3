"""The date range (and agent, team or board) that every metrics page, CSV and API call reads:
one form each, so that a page, its CSV and the API refuse the same input for the same reasons."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from boards.models import Board
from boards.selectors import board_team
from csboard.core.widgets import ShownDateInput
from metrics import selectors

LONGEST_RANGE = timedelta(days=731)


class _ByName:
    """People listed by their names."""

    def label_from_instance(self, obj):
        return obj.name


class _AgentField(_ByName, forms.ModelChoiceField):
    pass


def _day_input() -> ShownDateInput:
    return ShownDateInput(
        attrs={"size": 11, "aria-describedby": "range-hint", "class": "input--date"}
    )


class _Range(forms.Form):
    """From `start` to `end` (both days included): by default the 8 weeks to today, two years
    at most. `names` gives the parameters their public names (the API's `from` and `to`)."""

    start = forms.DateField(required=False, widget=_day_input())
    end = forms.DateField(required=False, widget=_day_input())
    names: dict[str, str] = {}

    def add_prefix(self, field_name):
        return super().add_prefix(self.names.get(field_name, field_name))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - timedelta(weeks=8)
        if data["start"] > data["end"]:
            raise forms.ValidationError("The start comes after the end.")
        if data["end"] - data["start"] > LONGEST_RANGE:
            raise forms.ValidationError("Choose a range of two years at most.")
        return data

    def api_errors(self) -> dict[str, list[str]]:
        """The errors by parameter name, as DRF words a 400 (`non_field_errors` for the range)."""
        return {
            "non_field_errors" if field == "__all__" else self.names.get(field, field): list(errors)
            for field, errors in self.errors.items()
        }

    @classmethod
    def chosen(cls, data, **kwargs):
        """The cleaned choice, or the defaults with the reasons the choice was refused."""
        form = cls(data, **kwargs)
        if form.is_valid():
            return form.cleaned_data, None
        errors = form.api_errors()
        form = cls({}, **kwargs)
        form.is_valid()
        return form.cleaned_data, errors


class RangeForm(_Range):
    """One board's dashboard: the range, and one agent of its team or the whole team."""

    agent = _AgentField(queryset=None, required=False, empty_label="Whole team")

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = board_team(board)


class BoardApiRangeForm(RangeForm):
    """The board dashboard's choice over the API: `from`, `to`, `agent`."""

    names = {"start": "from", "end": "to"}


class OrgRangeForm(_Range):
    """The company view: the range, one of the boards the viewer administers or all of them,
    and one agent of those boards or one of the viewer's teams (not both). The page and the API
    name the range `from` and `to`."""

    names = {"start": "from", "end": "to"}
    board = forms.ModelChoiceField(queryset=None, required=False, empty_label="All my boards")
    agent = _AgentField(queryset=None, required=False, empty_label="Everyone")
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="No team")

    def __init__(self, *args, boards, agents, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards
        self.fields["agent"].queryset = agents
        self.fields["team"].queryset = teams

    @staticmethod
    def choices_of(user) -> dict:
        """What `user` may choose from: the boards they administer, those boards' agents, and
        their own teams."""
        return {
            "boards": selectors.administered_boards(user),
            "agents": selectors.org_agents(user),
            "teams": selectors.teams_of(user),
        }

    def clean(self):
        data = super().clean()
        if data.get("agent") and data.get("team"):
            raise forms.ValidationError("Choose an agent or a team, not both.")
        return data


def org_choice(user, params, *, team=None) -> dict:
    """The company view as `params` choose it (a team's page has its team): the range, board,
    agent or team, the reasons a choice was refused (`errors`: the page shows the defaults
    instead, the API answers 400), and the figures. The page, its CSV and the API all read it."""
    data, errors = OrgRangeForm.chosen(params, **OrgRangeForm.choices_of(user))
    team = team or data["team"]
    agent = None if team else data["agent"]
    boards = [data["board"]] if data["board"] else list(selectors.administered_boards(user))
    people = [agent] if agent else (team.members.all() if team else None)
    return {
        "data": data,
        "errors": errors,
        "team": team,
        "agent": agent,
        "boards": boards,
        "metrics": selectors.org_metrics(boards, data["start"], data["end"], people),
    }


class _PeopleField(_ByName, forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    members = _PeopleField(
        queryset=None, required=False, label="Agents",
        help_text="The members and admins of the boards you administer.",
    )  # fmt: skip

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = agents
