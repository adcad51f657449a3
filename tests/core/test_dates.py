"""One date format on every page (csboard.core.formats): "7 Oct 2026", never the locale's
"Oct. 7, 2026", 10/07/2026 or a bare ISO date in what the reader sees."""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.template.defaultfilters import date

from tickets.services import ticket_update

pytestmark = pytest.mark.django_db

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
OLD_FORMATS = {
    "month first": re.compile(rf"\b(?:{MONTHS})[a-z]*\.? \d{{1,2}}, \d{{4}}"),
    "slashes": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "ISO": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
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
