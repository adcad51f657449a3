"""The rule form of the settings pages: a name, a trigger, whether it runs, then rows of
conditions and of actions. Each row has a token of its own (`condition-<token>-op`), listed in
page order (`condition` and `action`), so that rows may be added (htmx: automation.views
`rule_row`) and removed in any order. The rows become the lists automation.services checks,
and its refusals (`conditions.0.value`) come back to the row and the input at fault."""

import datetime
import uuid
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from automation.kinds import ACTIONS, OPS, VALUES, BoardNames, ValueType
from automation.models import Rule, Trigger
from csboard.core.widgets import ShownDateInput

# How each type of value is typed in: a select, several boxes ticked, a number, text, lines.
WIDGETS = {
    "column": "select", "tag": "select", "status": "select", "priority": "select",
    "channel": "select", "mode": "select", "tags": "checks", "people": "checks",
    "hours": "number", "domain": "text", "words": "text", "message": "text",
    "note": "textarea", "items": "lines", "flag": "check", "number": "decimal", "date": "date",
    "person": "select", "option": "select", "macro": "select", "template": "select",
}  # fmt: skip
LABELS = {
    "value": "Value", "op": "Test", "users": "People", "tags": "Tags", "mode": "Who",
    "hours": "Hours from now", "column": "Column", "items": "Items, one a line", "body": "Note",
    "message": "Message", "assignees": "The ticket’s assignees too", "macro": "Macro",
    "sender": "Sent as", "template": "Template",
}  # fmt: skip


class RuleForm(forms.Form):
    name = forms.CharField(max_length=Rule._meta.get_field("name").max_length)
    trigger = forms.ChoiceField(choices=Trigger.choices, label="When")
    enabled = forms.BooleanField(required=False, initial=True, label="Runs (enabled)")


@dataclass
class Input:
    """One input of a row: its name in the form, label, widget, value and choices."""

    name: str
    html_name: str
    label: str
    widget: str
    value: object
    choices: list[tuple] = field(default_factory=list)
    error: str = ""

    @property
    def options(self) -> list[tuple]:
        """(value, label, chosen) of each choice."""
        chosen = self.value if isinstance(self.value, list) else [self.value]
        return [(value, label, value in chosen) for value, label in self.choices]

    @property
    def text(self) -> str:
        """The value as a text input holds it (the lines of a list one a line)."""
        if isinstance(self.value, list):
            return "\n".join(self.value)
        if self.widget == "date" and self.value:
            try:  # a day as every page shows it ("7 Oct 2026"); what was typed when not one
                return date_format(datetime.date.fromisoformat(self.value), "DATE_FORMAT")
            except ValueError:
                return self.value
        return "" if self.value is None or isinstance(self.value, bool) else str(self.value)

    @property
    def example(self) -> str:
        """A day as the site writes it, for a date input's hint."""
        return ShownDateInput.example()


@dataclass
class Row:
    part: str  # "condition" or "action"
    token: str
    kind: str  # the condition's field or the action's type
    label: str
    inputs: list[Input]
    error: str = ""


def new_token() -> str:
    return uuid.uuid4().hex[:8]


def _input(
    part: str, token: str, name: str, value_key: str, value, names: BoardNames, own=None
) -> Input:
    """An input for a value of `value_key` (automation.kinds.VALUES), or of `own` type."""
    value_type: ValueType = own or VALUES[value_key]
    choices = value_type.choices
    return Input(
        name=name,
        html_name=f"{part}-{token}-{name}",
        label=LABELS.get(name, name.title()),
        widget=WIDGETS[value_key],
        value=value,
        choices=[(str(key), label) for key, label in choices(names)] if choices else [],
    )


def row_for(part: str, kind: str, names: BoardNames, values: dict | None = None, token=None):
    """The row of a condition (`kind`: its field) or an action (its type), holding `values`
    (as stored), or None for a kind that is no longer offered."""
    token, values = token or new_token(), values or {}
    if part == "condition":
        spec = names.conditions.get(kind)
        if spec is None:
            return None
        op = Input(
            "op", f"condition-{token}-op", "Test", "select", values.get("op", spec.ops[0]),
            [(op, OPS[op][0]) for op in spec.ops],
        )  # fmt: skip
        shown = _shown(values.get("value"))
        value = _input(part, token, "value", spec.value, shown, names, spec.own)
        return Row(part, token, kind, spec.label, [op, value])
    spec = ACTIONS.get(kind)
    if spec is None:
        return None
    inputs = [
        _input(part, token, name, value_type, _shown(values.get(name)), names)
        for name, value_type in spec.params.items()
    ]
    return Row(part, token, kind, spec.label, inputs)


def _shown(value):
    """A stored value as the inputs compare it: ids as strings, lines joined."""
    if isinstance(value, list):
        return [str(each) for each in value]
    return "" if value is None else value if isinstance(value, bool) else str(value)


def rows_of(rule: Rule, names: BoardNames) -> tuple[list[Row], list[Row]]:
    conditions = [row_for("condition", c["field"], names, c) for c in rule.conditions]
    actions = [row_for("action", a["type"], names, a) for a in rule.actions]
    return [r for r in conditions if r], [r for r in actions if r]


def _typed(value_type: str, data, html_name: str):
    """What the form posted for an input, typed as the services expect it."""
    widget = WIDGETS[value_type]
    if widget == "checks":
        return [_number(each) for each in data.getlist(html_name)]
    if widget == "check":
        return html_name in data
    raw = data.get(html_name, "")
    if widget == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if widget == "decimal":
        return _decimal(raw)
    if widget == "date":
        return _day(raw)
    if value_type in WHOLE_NUMBERS:
        return _number(raw)
    return raw


# The values typed in as whole numbers (ids, hours).
WHOLE_NUMBERS = ("column", "tag", "hours", "person", "macro", "option", "template")


def _number(raw: str):
    return int(raw) if raw.strip().isdecimal() else raw


def _day(raw: str) -> str:
    """A day typed as the site shows it ("7 Oct 2026") or as ISO, as ISO; else as typed."""
    try:
        day = forms.DateField().to_python(raw)
    except ValidationError:
        return raw
    return day.isoformat() if day else raw


def _decimal(raw: str):
    """A number typed in (12, 4.5, -3); anything else as typed, for the check to refuse."""
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def rows_posted(data, names: BoardNames) -> tuple[list[Row], list[Row], list[dict], list[dict]]:
    """The rows as posted (to show again) and the conditions and actions they say. The row
    whose Remove button was pressed is left out; an Add button (without JavaScript) adds one."""
    rows = {"condition": [], "action": []}
    said = {"condition": [], "action": []}
    removed = data.get("remove", "")
    for part in rows:
        for token in data.getlist(part):
            if token == removed:
                continue
            kind = data.get(f"{part}-{token}-kind", "")
            row = row_for(part, kind, names, token=token)
            if row is None:
                continue
            if part == "condition":
                spec = names.conditions[kind]
                item = {
                    "field": kind,
                    "op": data.get(f"condition-{token}-op", ""),
                    "value": _typed(spec.value, data, f"condition-{token}-value"),
                }
            else:
                spec = ACTIONS[kind]
                item = {"type": kind}
                for name, value_type in spec.params.items():
                    item[name] = _typed(value_type, data, f"action-{token}-{name}")
            for each in row.inputs:
                each.value = _shown(item[each.name])
            rows[part].append(row)
            said[part].append(item)
        if data.get("add") == part:
            added = row_for(part, data.get(f"new_{part}", ""), names)
            rows[part] += [added] if added else []
    return rows["condition"], rows["action"], said["condition"], said["action"]


def place_errors(fields: dict[str, list[str]], conditions: list[Row], actions: list[Row]) -> list:
    """Put each refusal of a part (`actions.1.column`) on its row's input; the rest returned."""
    left = []
    for key, messages in fields.items():
        part, _, rest = key.partition(".")
        index, _, name = rest.partition(".")
        rows = {"conditions": conditions, "actions": actions}.get(part)
        if rows is None or not index.isdecimal() or int(index) >= len(rows):
            left.append((key, messages))
            continue
        row = rows[int(index)]
        target = next((each for each in row.inputs if each.name == name), None)
        if target is not None:
            target.error = messages[0]
        else:
            row.error = messages[0]
    return left
