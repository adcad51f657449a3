"""The search page, /search/?q=: for each role, what it finds and never finds, the reference
jump, escaping, pagination, the board filter, the empty states, flat query counts; the top
bar's search box on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.services import board_create
from tests.pages import LOGIN, ROLES
from tickets.services import ticket_create

URL = reverse("search:results")


def page(client, **params):
    return client.get(URL, params)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_what_it_may_and_never_a_hidden_boards_ticket(invoices, client_as, role):
    response = page(client_as(role), q="invoice")

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Invoice</mark> template" in html  # the board open to every signed-in user
    assert ("<mark>Invoice</mark> for March" in html) == (role != "outsider")
    assert "secret" not in html.lower()
    assert "Skinner" not in html
    expected = 1 if role == "outsider" else 2
    assert response.context["page"].paginator.count == expected
    assert f"{expected} ticket" in html


def test_a_result_shows_board_reference_status_and_the_marked_words(invoices, client_as):
    html = page(client_as("member"), q="dana total").content.decode()

    assert "CS-1" in html
    assert "Customer Success" in html
    assert "Ready" in html
    assert "<mark>Dana</mark> Scully" in html
    assert "The <mark>total</mark> is wrong." in html
    assert reverse("tickets:detail", args=[invoices["ours"].board_id, 1]) in html


def test_a_title_written_as_a_script_is_shown_as_text(board, member_user, client_as, committed):
    with committed():
        ticket_create(board=board, created_by=member_user, title="<script>alert(1)</script> help")

    html = page(client_as("member"), q="help").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>help</mark>" in html


@pytest.mark.parametrize("query", ["CS-1", "cs-1", "#CS-1"])
def test_a_visible_tickets_reference_opens_it(invoices, client_as, query):
    response = page(client_as("guest"), q=query)

    assert response.status_code == 302
    assert response.url == reverse("tickets:detail", args=[invoices["ours"].board_id, 1])


@pytest.mark.parametrize(("role", "query"), [("outsider", "CS-1"), ("member", "SEC-1")])
def test_a_hidden_tickets_reference_is_searched_like_any_words(invoices, client_as, role, query):
    response = page(client_as(role), q=query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "secret" not in html.lower()
    assert "March" not in html
    assert "No ticket matches" in html


def test_results_come_in_pages_of_twenty(board, member_user, client_as, committed):
    with committed():
        for n in range(25):
            ticket_create(board=board, created_by=member_user, title=f"Refund {n}")
    client = client_as("member")

    first, second = page(client, q="refund"), page(client, q="refund", page=2)

    assert len(first.context["hits"]) == 20
    assert len(second.context["hits"]) == 5
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?q=refund&amp;page=2"' in first.content.decode()


def test_the_board_filter_narrows_to_one_visible_board(invoices, open_board, client_as):
    response = page(client_as("member"), q="invoice", board=open_board.pk)

    assert [hit.title for hit in response.context["hits"]] == ["<mark>Invoice</mark> template"]
    assert f'<option value="{open_board.pk}" selected>' in response.content.decode()


@pytest.mark.parametrize("which", ["hidden", "0", "x"])
def test_a_hidden_or_unknown_board_filter_is_a_404(invoices, hidden_board, client_as, which):
    chosen = hidden_board.pk if which == "hidden" else which

    assert page(client_as("member"), q="invoice", board=chosen).status_code == 404


def test_without_words_the_page_invites_a_search(invoices, client_as):
    html = page(client_as("member")).content.decode()

    assert "Search your tickets" in html
    assert "<mark>" not in html


def test_no_match_says_so(invoices, client_as):
    html = page(client_as("member"), q="nothing like it").content.decode()

    assert "No ticket matches “nothing like it”" in html


def test_the_top_bar_searches_every_board_from_any_page(client_as):
    html = client_as("member").get(reverse("boards:list")).content.decode()

    assert f'action="{URL}" role="search" aria-label="Search every board"' in html
    assert "js/search.js" in html


def _boards_with_hits(user, boards: int, hits: int, prefix: str):
    made = [
        board_create(name=f"{prefix} {n}", key=f"{prefix}{n}", created_by=user)
        for n in range(boards)
    ]
    for n in range(hits):
        ticket_create(board=made[n % boards], created_by=user, title=f"Renewal {prefix} {n}")


def test_the_query_count_is_flat_in_boards_and_hits(member_user, client_as, committed):
    client = client_as("member")
    with committed():
        _boards_with_hits(member_user, boards=2, hits=5, prefix="A")
    with CaptureQueriesContext(connection) as few:
        assert page(client, q="renewal").status_code == 200
    with committed():
        _boards_with_hits(member_user, boards=8, hits=45, prefix="B")  # 10 boards, 50 hits
    with CaptureQueriesContext(connection) as many:
        response = page(client, q="renewal")

    assert response.context["page"].paginator.count == 50
    assert len(many) == len(few) <= 8


def test_a_guest_here_and_admin_there_finds_the_tickets_of_both(
    board, guest_user, member_user, client_as, committed
):
    other = board_create(name="Other", key="OTH", created_by=guest_user)
    with committed():
        ticket_create(board=other, created_by=guest_user, title="Renewal over there")
        ticket_create(board=board, created_by=member_user, title="Renewal here")

    html = page(client_as("guest"), q="renewal").content.decode()

    assert "<mark>Renewal</mark> over there" in html
    assert "<mark>Renewal</mark> here" in html
