"""One date format on every page (csboard.core.formats): "7 Oct 2026", never the locale's
"Oct. 7, 2026", 10/07/2026 or a bare ISO date in what the reader sees."""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django import forms
from django.template.defaultfilters import date

from csboard.core.widgets import ShownDateTimeInput
from tickets.forms import TicketForm
from tickets.services import ticket_update

pytestmark = pytest.mark.django_db

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
OLD_FORMATS = {
    "month first": re.compile(rf"\b(?:{MONTHS})[a-z]*\.? \d{{1,2}}, \d{{4}}"),
    "slashes": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "ISO": re.compile(r"\b\d{4}-\d{2}-\d{2}(?:\b|T)"),
    "AM/PM": re.compile(r"\b\d{1,2}(?::\d{2})? ?[ap]\.?m\.?(?!\w)", re.I),
}
DUE = datetime(2026, 10, 7, 14, 5, tzinfo=UTC)


class _Shown(HTMLParser):
    """What a reader sees of a page: its text (scripts' JSON aside) and its fields' values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._skip = tag in ("script", "style") and attrs.get("id") != "metrics-data"
        if tag == "input" and attrs.get("type") not in ("hidden", "checkbox", "radio"):
            self.parts.append(attrs.get("value") or "")
        if attrs.get("title"):
            self.parts.append(attrs["title"])

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = _Shown()
    parser.feed(html)
    return " ".join(parser.parts)


def test_the_formats_are_defined_once_and_the_templates_use_them():
    assert date(DUE, "DATE_FORMAT") == "7 Oct 2026"
    assert date(DUE, "DATETIME_FORMAT") == "7 Oct 2026, 14:05"
    assert date(DUE) == "7 Oct 2026"


def test_the_pages_that_show_dates_write_them_in_the_one_format(
    board, ticket, admin_user, client_as
):
    ticket_update(ticket=ticket, by=admin_user, due_at=DUE)
    client = client_as("admin")
    pages = [
        f"/boards/{board.pk}/",
        f"/boards/{board.pk}/tickets/{ticket.number}/",
        f"/boards/{board.pk}/settings/",
        f"/boards/{board.pk}/metrics/?start=2026-09-01&end=2026-10-31",
        "/notifications/",
        f"/boards/{board.pk}/tickets/{ticket.number}/panel/",
    ]

    seen = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = shown(response.content.decode())

    for url, text in seen.items():
        for name, pattern in OLD_FORMATS.items():
            assert not pattern.findall(text), f"{url}: {name} {pattern.findall(text)[:3]}"
    assert "7 Oct 2026, 14:05" in seen[pages[1]]  # the ticket's due date
    assert "7 Oct" in seen[pages[0]]  # on its card
    assert "1 Sep 2026" in seen[pages[3]]
    assert "31 Oct 2026" in seen[pages[3]]


def test_the_metrics_range_reads_and_shows_the_one_format(board, client_as):
    html = client_as("admin").get(f"/boards/{board.pk}/metrics/?start=7 Oct 2026&end=2026-12-03")

    text = html.content.decode()
    assert 'name="start" value="7 Oct 2026"' in text
    assert 'name="end" value="3 Dec 2026"' in text
    assert 'type="date"' not in text


def test_the_metrics_range_refuses_a_date_whose_month_is_a_guess(board, client_as):
    html = client_as("admin").get(f"/boards/{board.pk}/metrics/?start=10/07/2026").content.decode()

    assert "Enter a valid date." in html


# --- Due dates, typed as text -------------------------------------------------------------------
def due_field(board) -> forms.DateTimeField:
    return TicketForm(board=board).fields["due_at"]


@pytest.mark.parametrize(
    "typed",
    [
        "7 Oct 2026 14:05",
        " 7 Oct 2026, 14:05 ",
        "07 October 2026 14:05",
        "2026-10-07T14:05",
        "2026-10-07 14:05",
        "2026-10-07T14:05:00+00:00",
        "2026-10-07T16:05+02:00",
    ],
)
def test_a_due_date_is_read_in_the_shown_format_and_iso(board, typed):
    assert due_field(board).clean(typed) == DUE


def test_a_due_date_without_a_time_is_midnight(board):
    assert due_field(board).clean("7 Oct 2026") == datetime(2026, 10, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    "typed", ["10/07/2026 14:05", "tomorrow", "7 Okt 2026 14:05", "31 Feb 2026 10:00", "7 Oct 26"]
)
def test_a_due_date_in_no_known_format_is_refused_with_the_format_to_use(board, typed):
    with pytest.raises(forms.ValidationError) as refused:
        due_field(board).clean(typed)

    assert refused.value.messages == ["Enter a date as 7 Oct 2026 14:00."]


def test_the_due_input_is_text_in_the_shown_format_with_its_hint(board):
    html = str(TicketForm(initial={"due_at": DUE}, board=board)["due_at"])

    assert 'type="text"' in html
    assert 'value="7 Oct 2026 14:05"' in html
    assert 'placeholder="7 Oct 2026 14:00"' in html
    assert 'aria-describedby="id_due_at_helptext"' in html
    assert 'data-months="January February March' in html
    assert ShownDateTimeInput.example() == "7 Oct 2026 14:00"


def test_the_edit_form_round_trips_a_due_date_in_the_shown_format(board, ticket, client_as):
    client = client_as("member")
    url = f"/boards/{board.pk}/tickets/{ticket.number}/"
    data = {
        "title": ticket.title,
        "description": "",
        "status": ticket.status,
        "priority": ticket.priority,
        "customer_name": ticket.customer_name,
        "customer_email": ticket.customer_email,
    }

    response = client.post(f"{url}edit/", {**data, "due_at": "7 Oct 2026 14:05"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.due_at == DUE
    page = client.get(url).content.decode()
    assert 'name="due_at" value="7 Oct 2026 14:05"' in page
    assert '<div class="field__help" id="id_due_at_helptext">As 7 Oct 2026 14:00</div>' in page
    panel = client.get(f"{url}panel/").content.decode()
    assert 'name="due_at" value="7 Oct 2026 14:05"' in panel
    assert 'id="quick-due_at_helptext">As 7 Oct 2026 14:00</p>' in panel


def test_the_edit_form_refuses_a_due_date_whose_month_is_a_guess(board, ticket, client_as):
    before = ticket.due_at
    response = client_as("member").post(
        f"/boards/{board.pk}/tickets/{ticket.number}/edit/",
        {"title": "Renamed", "status": ticket.status, "priority": ticket.priority,
         "due_at": "10/07/2026 14:05"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors["due_at"] == ["Enter a date as 7 Oct 2026 14:00."]
    ticket.refresh_from_db()
    assert (ticket.title, ticket.due_at) == ("Team discount?", before)
