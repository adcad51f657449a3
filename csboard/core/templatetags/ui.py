"""Template tags every page may use without {% load %} (registered as builtins in settings)."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()

# Line icons drawn on a 24×24 grid; the paths are constants, never user input.
ICON_PATHS = {
    "search": '<circle cx="11" cy="11" r="7"/><path d="M20 20l-3.5-3.5"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>',
    "settings": '<path d="M4 6h9M19 6h1M4 12h3M13 12h7M4 18h11M21 18h-1"/><circle cx="16" cy="6" r="2.5"/><circle cx="10" cy="12" r="2.5"/><circle cx="17.5" cy="18" r="2.5"/>',
    "move": '<path d="M5 12h14M13 6l6 6-6 6"/>',
    "up": '<path d="M6 15l6-6 6 6"/>',
    "up-double": '<path d="M6 12l6-6 6 6M6 18l6-6 6 6"/>',
    "down": '<path d="M6 9l6 6 6-6"/>',
    "trash": '<path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/>',
    "lock": '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
    "users": '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.8-3.6 3.3-5.5 6.5-5.5s5.7 1.9 6.5 5.5M16 4.5a3.5 3.5 0 0 1 0 7M18 14.5c2 .6 3.2 2.4 3.5 5.5"/>',
    "mail": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>',
    "company": '<path d="M4 21V5a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v16M16 9h2a2 2 0 0 1 2 2v10M3 21h18M8 7h4M8 11h4M8 15h4"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "board": '<rect x="3" y="4" width="7" height="16" rx="1.5"/><rect x="14" y="4" width="7" height="10" rx="1.5"/>',
    "x": '<path d="M6 6l12 12M18 6L6 18"/>',
    "alert": '<circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5v.01"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v5.5M12 7.5v.01"/>',
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "edit": '<path d="M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-4.5 4-6.5 8-6.5s7 2 8 6.5"/>',
    "tag": '<path d="M3 12V4h8l10 10-8 8L3 12z"/><circle cx="7.5" cy="8.5" r="1.5"/>',
    "filter": '<path d="M4 5h16l-6 8v6l-4-2v-4L4 5z"/>',
    "arrow-left": '<path d="M19 12H5M11 6l-6 6 6 6"/>',
    "bell": '<path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4l2-2zM10 21h4"/>',
    "chat": '<path d="M4 5h16v11H9l-5 4V5z"/>',
    "paperclip": '<path d="M20 11.5l-8 8a5 5 0 0 1-7-7l8.5-8.5a3.5 3.5 0 0 1 5 5L10 17.5a2 2 0 0 1-3-3l7.5-7.5"/>',
    "chart": '<path d="M3 20h18M6 20v-8M11 20V5M16 20v-11M21 20v-4"/>',
    "list": '<path d="M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01"/>',
    "history": '<path d="M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 2"/>',
    "download": '<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>',
    "link": '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>',
    "phone": '<path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z"/>',
    "more": '<circle cx="5" cy="12" r="1.2"/><circle cx="12" cy="12" r="1.2"/><circle cx="19" cy="12" r="1.2"/>',
}
# Every page carries the icons once, as symbols (`{% icon_sprite %}` in base.html); an icon is a
# `<use>` of its symbol: a board page draws thousands of them. Stroke and size come from the
# `.icon` rule (static/css/base.css), inherited into the symbol's shapes.
SYMBOL = '<symbol id="i-{}" viewBox="0 0 24 24">{}</symbol>'
USE = '<svg class="icon{}" aria-hidden="true"><use href="#i-{}"/></svg>'


def icon_html(name: str, css_class: str = "") -> str:
    """An icon's markup, for Python that builds HTML (web.cards). A KeyError for a name that is
    not an icon: names are constants, never input."""
    if name not in ICON_PATHS:  # fail here, not as an empty <use> in a page
        raise KeyError(name)
    return USE.format(f" {escape(css_class)}" if css_class else "", name)


@register.simple_tag
def icon(name: str, css_class: str = "") -> str:
    """`{% icon "lock" %}`: an icon, a `<use>` of the page's sprite."""
    return mark_safe(icon_html(name, css_class))


@register.simple_tag
def icon_sprite() -> str:
    """`{% icon_sprite %}`: every icon as a symbol, hidden; once per page, in base.html."""
    symbols = "".join(SYMBOL.format(name, paths) for name, paths in ICON_PATHS.items())
    return mark_safe(f'<svg class="icon-sprite" aria-hidden="true" hidden>{symbols}</svg>')


@register.simple_tag
def form_field(field, css_class: str = "") -> str:
    """`{% form_field form.title %}`: a form field with its label, widget, help and errors (what
    partials/field.html draws, through this tag). A tag, not an include: a form draws one per
    field."""
    errors = field.errors
    classes = f"field{' field--error' if errors else ''}{f' {conditional_escape(css_class)}' if css_class else ''}"
    optional = "" if field.field.required else ' <span class="field__optional">optional</span>'
    # The id Django's widgets point their aria-describedby at.
    help_id = f' id="{conditional_escape(field.auto_id)}_helptext"' if field.auto_id else ""
    help_text = (
        f'<div class="field__help"{help_id}>{field.help_text}</div>' if field.help_text else ""
    )
    shown_errors = "".join(
        f'<p class="field__error">{conditional_escape(error)}</p>' for error in errors
    )
    return mark_safe(
        f'<div class="{classes}">\n'
        f'  <label class="field__label" for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}{optional}</label>\n"
        f"  {field}\n"
        f"  {help_text}\n"
        f"  {shown_errors}\n"
        "</div>"
    )


@register.simple_tag
def socket_url(name: str, *args) -> str:
    """`{% socket_url "board-socket" board.pk %}`: a WebSocket route's path, as `{% url %}` gives a
    page's (the routes are in settings.SOCKET_URLCONF, not the pages' urlconf)."""
    return reverse(name, urlconf=settings.SOCKET_URLCONF, args=args)


@register.filter
def markdown(text: str) -> str:
    """`{{ ticket.description|markdown }}`: Markdown rendered and sanitised (csboard.core.markdown)."""
    from csboard.core.markdown import render

    return render(text)


@register.filter
def plain_text(text: str, limit: int | None = None) -> str:
    """`{{ notification.body|plain_text:160 }}`: a Markdown text's words for a preview, no
    formatting marks (csboard.core.markdown.plain_text); escaped like any text."""
    from csboard.core.markdown import plain_text as words

    return words(text, limit)
