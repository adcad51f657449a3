"""The rows of the ticket workspace's lists (chat messages, checklist items, activity), drawn in
Python: a ticket page draws dozens of them, each with several forms, links and dates, and as
template loops they cost more than the rest of the page together. The HTML is the templates'
own, row for row; every text a user wrote is escaped (`_e`), and message bodies are the
sanitised Markdown of csboard.core.markdown."""

from django import template
from django.template.defaultfilters import date, filesizeformat, timesince_filter
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape as _e
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from accounts.models import initials_of
from boards import permissions
from boards.selectors import board_mentionable
from boards.templatetags.board_ui import avatar
from csboard.core.mailhtml import content_id_key, with_images
from csboard.core.markdown import NOBODY
from csboard.core.markdown import render as markdown
from csboard.core.templatetags.ui import icon
from workspace.services import served_inline

register = template.Library()
_STAND_IN = 4_611_686_018_427_387_904  # a row pk no board, ticket or row has (2**62)


def _name(person, nobody: str) -> str:
    """As `{{ person.name|default:nobody }}`."""
    name = person.name if person else ""
    return _e(name) if name else nobody


def _iso(moment) -> str:
    return _e(date(template_localtime(moment), "c"))


def _stamp(moment) -> str:
    return _e(date(template_localtime(moment), "DATETIME_FORMAT"))


def _ago(moment) -> str:
    return _e(timesince_filter(moment))


class _Page:
    """What every row of a list needs from the page: its board and ticket (none for the board
    chat), the viewer, whether they may work, the CSRF field."""

    def __init__(self, context):
        self.board = context.get("board")
        self.ticket = context.get("ticket") or None
        self.user = context.get("user")
        self.can_work = bool(context.get("can_work"))
        self.csrf = CsrfTokenNode().render(context)
        self._patterns = {}
        self._files = context.get("files") or ()  # the ticket's files, read with the page
        self._by_message = None
        self._mentionable = context.get("mentionable")  # the page's, when it has read them
        self._names = None

    def url(self, ticket_name: str, board_name: str, pk: int) -> str:
        """A row's action: the ticket's (`ticket_name`) on a ticket page, else the board's."""
        if self.ticket is not None:
            return self.ticket_url(ticket_name, pk)
        return self._row_url(board_name, self.board.pk, pk)

    def ticket_url(self, name: str, pk: int) -> str:
        return self._row_url(name, self.board.pk, self.ticket.number, pk)

    def _row_url(self, name: str, *args) -> str:
        """The URL of `name` for `args`, whose last is a row's pk: reversed once per list with a
        stand-in pk, which each row's replaces (a reverse costs more than the row's HTML)."""
        *given, pk = args
        key = (name, *given)
        pattern = self._patterns.get(key)
        if pattern is None:
            pattern = self._patterns[key] = _e(reverse(name, args=[*given, _STAND_IN])).rpartition(
                str(_STAND_IN)
            )
        head, _, tail = pattern
        return f"{head}{int(pk)}{tail}"

    def message_files(self, message) -> list:
        """The files that came with `message` (a customer's mail, a reply), as they came."""
        if self._by_message is None:
            self._by_message = {}
            for file in sorted(self._files, key=lambda file: file.pk):
                if file.message_id is not None and not file.is_link:
                    self._by_message.setdefault(file.message_id, []).append(file)
        return self._by_message.get(message.pk, [])

    def mentions(self, body: str) -> frozenset[str]:
        """The usernames an @mention in `body` highlights: the board's members, read once per
        list and only when a message may mention someone."""
        if "@" not in body:
            return NOBODY
        if self._names is None:
            people = self._mentionable
            if people is None:
                people = board_mentionable(self.board)
            self._names = frozenset(person["username"].lower() for person in people)
        return self._names

    def may(self, action: str, target) -> bool:
        return permissions.can(self.user, action, target, board=self.board)


# --- Chat ----------------------------------------------------------------------------------------
# How a reply's email fared (mail.models.Email.State), as its badge says it.
DELIVERY = {
    "queued": "sending…",
    "sent": "emailed",
    "failed": "not delivered",
    "bounced": "bounced",
}


def _whole(message, files: list, urls: dict) -> str:
    """A customer's mail shows its new words; the whole mail (the quoted history and signature
    the reply parser folded away) stays one click away: as it was formatted, with its inline
    images in place, or as its text when it came without HTML."""
    if not message.from_customer:
        return ""
    email = getattr(message, "email", None)  # read with the messages (web.views)
    if email is None:
        return ""
    if email.html.strip():
        sources = {
            content_id_key(file.content_id): urls[file.pk]
            for file in files
            if file.content_id and served_inline(file) and file.content_type.startswith("image/")
        }
        whole = f'<div class="prose chat-message__mail">{with_images(email.html, sources)}</div>'
    elif email.text.strip() and email.text.strip() != message.body.strip():
        whole = f'<pre class="chat-message__text">{_e(email.text)}</pre>'
    else:
        return ""
    return (
        '<details class="chat-message__whole"><summary class="link-button">Show the whole '
        f"email</summary>{whole}</details>"
    )


def _files(files: list, urls: dict) -> str:
    """The files that came with a message: images as thumbnails (a pasted screenshot is seen at
    a glance), anything else by name and size; each opens through the permission-checked view."""
    if not files:
        return ""
    items = []
    for file in files:
        url, name = urls[file.pk], _e(file.name)
        if served_inline(file) and file.content_type.startswith("image/"):
            items.append(
                f'<li><a class="message-file message-file--image" href="{url}" title="{name}">'
                f'<img src="{url}" alt="{name}" loading="lazy"></a></li>'
            )
        else:
            items.append(
                f'<li><a class="message-file" href="{url}">{icon("paperclip")}'
                f'<span class="message-file__name">{name}</span></a> '
                f'<span class="muted">{_e(filesizeformat(file.size))}</span></li>'
            )
    return f'<ul class="chat-message__files" aria-label="Attached files">{"".join(items)}</ul>'


def _row_class(message) -> str:
    if message.ticket_id is None:
        return ""
    return " chat-message--public" if message.public else " chat-message--note"


def _kind(message) -> str:
    """On a ticket, what a team member's message is: a reply emailed to the customer (and how
    its email fared) or an internal note. The board's chat has neither."""
    if message.ticket_id is None:
        return ""
    if not message.public:
        return ' <span class="badge badge--note">Internal note</span>'
    email = getattr(message, "email", None)  # read with the messages (web.views)
    state = DELIVERY.get(email.state, email.state) if email is not None else "emailed"
    trouble = (
        " badge--trouble" if email is not None and email.state in {"failed", "bounced"} else ""
    )
    title = f' title="{_e(email.error[:300])}"' if email is not None and email.error else ""
    return f' <span class="badge badge--reply{trouble}"{title}>Reply to customer · {state}</span>'


def _message(page: _Page, message) -> str:
    author = message.author
    edited = '<span class="muted">(edited)</span>' if message.edited_at else ""
    # What the customer was sent, or sent us, stays as it was (workspace.services._not_public).
    may_edit = not message.public and page.may("message.edit", message)
    may_delete = not message.public and page.may("message.delete", message)
    actions = ""
    if may_edit or may_delete:
        parts = []
        if may_edit:
            action = page.url("workspace:message-edit", "workspace:board-message-edit", message.pk)
            parts.append(
                f"""
        <details class="inline-edit">
          <summary class="link-button">Edit</summary>
          <form method="post" action="{action}" class="stack-form">
            {page.csrf}
            <textarea name="body" rows="3" required aria-label="Edit message">{_e(message.body)}</textarea>
            <button type="submit" class="button button--small button--secondary">Save</button>
          </form>
        </details>"""
            )
        if may_delete:
            action = page.url(
                "workspace:message-delete", "workspace:board-message-delete", message.pk
            )
            parts.append(
                f"""
        <form method="post" action="{action}">
          {page.csrf}<button type="submit" class="link-button link-button--danger">Delete</button>
        </form>"""
            )
        actions = f"""
      <div class="chat-message__actions">{"".join(parts)}
      </div>"""
    at = message.created_at
    files = page.message_files(message)
    urls = {file.pk: page.ticket_url("workspace:attachment", file.pk) for file in files}
    if message.from_customer:  # their email: no account, the name and address it came with
        raw_name = message.sender_name or message.sender_email
        name, initials = _e(raw_name), _e(initials_of(raw_name))
        who = (
            f'<span class="avatar avatar--sender avatar--small" title="{name}" '
            f'aria-label="{name}">{initials}</span>'
        )
        byline = (
            f'<strong>{name}</strong> <span class="badge badge--customer" '
            f'title="{_e(message.sender_email)}">Customer · {_e(message.get_channel_display() or "email")}</span>'
        )
    else:
        who = avatar(author, small=True)
        byline = f"<strong>{_name(author, 'Deleted user')}</strong>{_kind(message)}"
    return f"""
  <li class="chat-message{_row_class(message)}" id="message-{message.pk}">
    {who}
    <div class="chat-message__main">
      <p class="chat-message__meta">{byline}
        <time datetime="{_iso(at)}" title="{_stamp(at)}">{_ago(at)} ago</time>
        {edited}</p>
      <div class="prose chat-message__body">{markdown(message.body, page.mentions(message.body))}</div>{_files(files, urls)}{_whole(message, files, urls)}{actions}
    </div>
  </li>"""


@register.simple_tag(takes_context=True)
def chat_message_rows(context, messages) -> str:
    """`{% chat_message_rows chat_messages %}`: the `<li>` of each message, with the edit and
    delete forms the viewer may use (the policy's `can`)."""
    page = _Page(context)
    return mark_safe("".join(_message(page, message) for message in messages))


# --- Checklist -----------------------------------------------------------------------------------
def _item(page: _Page, item, first: bool, last: bool) -> str:
    done = item.is_done
    text = _e(item.text)
    tick = " tick--on" if done else ""
    if page.can_work:
        update = page.ticket_url("workspace:checklist-update", item.pk)
        ticker = f"""
      <form method="post" action="{update}" class="checklist-item__tick">
        {page.csrf}
        <input type="hidden" name="done" value="{"false" if done else "true"}">
        <button type="submit" class="tick{tick}" aria-pressed="{"true" if done else "false"}" aria-label="{"Untick" if done else "Tick"} “{text}”">{icon("check")}</button>
      </form>"""
    else:
        ticker = f"""
      <span class="tick{tick}" role="img" aria-label="{"Done" if done else "Not done"}">{icon("check")}</span>"""
    meta = ""
    if done:
        by = _name(item.done_by, "a deleted user")
        meta = (
            f'<span class="checklist-item__meta">Ticked by {by} · '
            f'<time datetime="{_iso(item.done_at)}">{_ago(item.done_at)} ago</time></span>'
        )
    edit = actions = ""
    if page.can_work:
        edit = f"""
        <details class="inline-edit">
          <summary class="link-button">Edit</summary>
          <form method="post" action="{update}" class="inline-form">
            {page.csrf}
            <input type="text" name="text" value="{text}" maxlength="500" required aria-label="Item text">
            <button type="submit" class="button button--small button--secondary">Save</button>
          </form>
        </details>"""
        moves = []
        for direction, stop in (("up", first), ("down", last)):
            if not stop:
                moves.append(
                    f"""
        <form method="post" action="{update}">{page.csrf}<input type="hidden" name="direction" value="{direction}"><button class="icon-button" aria-label="Move “{text}” {direction}">{icon(direction)}</button></form>"""
                )
        delete = page.ticket_url("workspace:checklist-delete", item.pk)
        actions = f"""
      <div class="checklist-item__actions">{"".join(moves)}
        <form method="post" action="{delete}">{page.csrf}<button class="icon-button icon-button--danger" aria-label="Delete “{text}”">{icon("trash")}</button></form>
      </div>"""
    return f"""
    <li class="checklist-item{" checklist-item--done" if done else ""}" data-item="{item.pk}">{ticker}
      <div class="checklist-item__body">
        <span class="checklist-item__text">{text}</span>
        {meta}{edit}
      </div>{actions}
    </li>"""


@register.simple_tag(takes_context=True)
def checklist_rows(context, items) -> str:
    """`{% checklist_rows checklist %}`: the `<li>` of each item of a ticket's checklist, with its
    tick, edit, move and delete forms for those who may work."""
    page = _Page(context)
    last = len(items) - 1
    return mark_safe(
        "".join(_item(page, item, index == 0, index == last) for index, item in enumerate(items))
    )


# --- Activity ------------------------------------------------------------------------------------
def _entry(entry) -> str:
    actor = entry.actor
    at = entry.created_at
    # A rule's change is the system's, named after the rule that made it.
    system = f"Rule ‘{_e(entry.by_rule)}’" if entry.by_rule else "System"
    return f"""
  <li class="timeline__entry timeline__entry--{_e(entry.kind)}">
    {avatar(actor, small=True, nobody="System")}
    <p><strong>{_name(actor, system)}</strong> {_e(entry.summary)}
      <time class="muted" datetime="{_iso(at)}" title="{_stamp(at)}">· {_ago(at)} ago</time></p>
  </li>"""


@register.simple_tag
def activity_rows(entries) -> str:
    """`{% activity_rows activity %}`: the `<li>` of each entry of a ticket's history; the system
    (no actor) is named so."""
    return mark_safe("".join(_entry(entry) for entry in entries))
