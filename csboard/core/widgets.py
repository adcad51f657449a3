"""A form renderer that draws the common widgets in Python, for the forms a busy page shows.

Django draws each widget through its templates (`django/forms/widgets/*.html`), several
includes per input and one per option; the ticket page's edit and move forms spent more time
there than in their queries. `QUICK_RENDERER` writes the same HTML, character for character, for
the inputs, textareas, selects and their options; any other widget falls back to its template.
tests/core/test_widgets.py holds it to the templates' output."""

from django.forms.renderers import DjangoTemplates
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
