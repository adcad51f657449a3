"""A form renderer that draws the common widgets in Python, for the forms a busy page shows.

Django draws each widget through its templates (`django/forms/widgets/*.html`), several
includes per input and one per option; the ticket page's edit and move forms spent more time
there than in their queries. `QUICK_RENDERER` writes the same HTML, character for character, for
the inputs, textareas, selects and their options; any other widget falls back to its template.
tests/core/test_widgets.py holds it to the templates' output.

The date inputs are here too: `ShownDateInput` and `ShownDateTimeInput`, text inputs that show
and read the site's one format (csboard.core.formats)."""

from datetime import datetime

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: `name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def _option(option: dict) -> str:
    # The template's file ends with a newline, which the select's include keeps.
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append("\n  ")
            parts.append(DRAWN[option["template_name"]](option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input_option(widget: dict) -> str:
    """A checkbox or radio of a multiple-choice widget, as `{{ option.tag }}` draws it (its
    label is the page's own)."""
    if widget.get("wrap_label"):
        raise LookupError  # drawn by its template
    return _input(widget)


INPUTS = (
    "input",
    "text",
    "email",
    "url",
    "number",
    "password",
    "hidden",
    "date",
    "datetime",
    "time",
)
DRAWN = {
    **{f"django/forms/widgets/{name}.html": _input for name in INPUTS},
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/select_option.html": _option,
    "django/forms/widgets/checkbox_option.html": _input_option,
    "django/forms/widgets/radio_option.html": _input_option,
}


class QuickRenderer(DjangoTemplates):
    """Django's template renderer, but the widgets of DRAWN are written here."""

    def render(self, template_name, context, request=None):
        draw = DRAWN.get(template_name)
        if draw is not None and "widget" in context:
            try:
                return mark_safe(draw(context["widget"]).strip())
            except LookupError:
                pass
        return super().render(template_name, context, request=request)


QUICK_RENDERER = QuickRenderer()


# --- Dates, typed as text ------------------------------------------------------------------------
EXAMPLE = datetime(2026, 10, 7, 14, 0)  # what the hints show: "7 Oct 2026", "7 Oct 2026 14:00"


class _Shown:
    """A date as every page writes it (csboard.core.formats), typed as text. A browser's date
    input shows it in its own locale's order (10/07/2026, 02:00 PM), which reads as another day
    to half the team; the field reads the shown format and ISO 8601 (its *_INPUT_FORMATS).
    `example()` is what its hint shows ("7 Oct 2026"): the field's help text, which Django
    links to the input (`aria-describedby="<id>_helptext"`), or the page's own hint."""

    input_type = "text"
    shown = "DATE_FORMAT"

    @classmethod
    def example(cls) -> str:
        return date_format(EXAMPLE, cls.shown)

    def __init__(self, attrs=None):
        shown = {"autocomplete": "off", "placeholder": self.example()}
        super().__init__(attrs={**shown, **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return date_format(value, self.shown)
        return super().format_value(value)


class ShownDateInput(_Shown, forms.DateInput):
    """A day: "7 Oct 2026"."""


class ShownDateTimeInput(_Shown, forms.DateTimeInput):
    """A moment, in the current time zone as the form gives it: "7 Oct 2026 14:00". Its
    `data-months` names the months for static/js's parser (the ticket panel sends ISO to the
    API)."""

    shown = "DATETIME_INPUT_SHOWN"

    def __init__(self, attrs=None):
        months = " ".join(date_format(EXAMPLE.replace(month=month), "F") for month in range(1, 13))
        super().__init__(attrs={"data-months": months, **(attrs or {})})
