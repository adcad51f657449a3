"""Searching across boards: scoped to what the caller may see in the query itself, ranked,
prefixes, every word required, the matches marked and escaped; the same on the fallback that
SQLite uses (tested here on PostgreSQL, `full_text=False`)."""

import pytest

from search.selectors import search_terms, ticket_by_reference, ticket_search
from tickets.services import ticket_archive, ticket_create

BOTH = pytest.mark.parametrize("full_text", [True, False], ids=["postgresql", "fallback"])


def titles(user, query, **options) -> list[str]:
    return [d.title for d in ticket_search(user, query, **options).documents]


@BOTH
@pytest.mark.parametrize(
    "query",
    [
        "march",
        "MAR",
        "dana@example.com",
        "example",
        "scully",
        "fbi",
        "billing",
        "total",
        "charged twice",
    ],
)
def test_each_of_a_tickets_fields_finds_it(invoices, member_user, query, full_text):
    assert titles(member_user, query, full_text=full_text) == ["Invoice for March"]


@BOTH
def test_every_word_is_required(invoices, member_user, full_text):
    assert titles(member_user, "invoice skinner", full_text=full_text) == []
    assert titles(member_user, "invoice march", full_text=full_text) == ["Invoice for March"]


@BOTH
@pytest.mark.parametrize("role", ["admin", "member", "guest"])
def test_a_board_member_finds_its_tickets_and_an_open_boards_never_a_hidden_ones(
    invoices, user_for, role, full_text
):
    found = titles(user_for(role), "invoice", full_text=full_text)

    assert sorted(found) == ["Invoice for March", "Invoice template"]
    assert ticket_search(user_for(role), "invoice", full_text=full_text).documents.count() == 2


@BOTH
def test_a_non_member_finds_only_the_open_boards_tickets(invoices, outsider_user, full_text):
    assert titles(outsider_user, "invoice", full_text=full_text) == ["Invoice template"]
    assert titles(outsider_user, "secret", full_text=full_text) == []
    assert titles(outsider_user, "skinner", full_text=full_text) == []


@BOTH
def test_anonymous_finds_nothing(invoices, full_text):
    from django.contrib.auth.models import AnonymousUser

    assert titles(AnonymousUser(), "invoice", full_text=full_text) == []


@BOTH
def test_archived_tickets_are_left_out(invoices, member_user, full_text):
    ticket_archive(ticket=invoices["ours"], by=member_user)

    assert titles(member_user, "march", full_text=full_text) == []


@BOTH
def test_one_board_alone(invoices, member_user, open_board, full_text):
    assert titles(member_user, "invoice", board=open_board, full_text=full_text) == [
        "Invoice template"
    ]


def test_a_title_match_ranks_above_a_description_match(board, member_user, committed):
    def make(title, description=""):
        ticket_create(board=board, created_by=member_user, title=title, description=description)

    with committed():  # the title match first: on a tie the newer ticket would come first
        make("Refund please")
        make("Login fails", "refund")
        make("Refund", "refund")

    assert titles(member_user, "refund") == ["Refund", "Refund please", "Login fails"]


@BOTH
def test_the_matches_are_marked_and_the_rest_escaped(board, member_user, committed, full_text):
    with committed():
        ticket_create(
            board=board,
            created_by=member_user,
            title="<script>alert(1)</script> invoice",
            description="Please resend the invoice <b>today</b>.",
            customer_name="Dana <img src=x onerror=alert(2)>",
        )
    search = ticket_search(member_user, "invoice dana", full_text=full_text)

    (hit,) = search.hits(search.documents)

    assert hit.title == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>invoice</mark>"
    assert "<mark>Dana</mark> &lt;img src=x onerror=alert(2)&gt;" in hit.customer
    assert "<mark>invoice</mark>" in hit.snippet
    assert "<b>" not in hit.snippet
    assert "<script" not in hit.title


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Invoice  March", ["invoice", "march"]),
        ("a & b | !c:* 'd' (e)", ["a", "b", "c", "d", "e"]),
        ("<dana@example.com>,", ["dana@example.com"]),
        ("e-mail", ["e", "mail"]),
        ("\\ ' : * & |", []),
        ("one " * 40, ["one"]),
    ],
)
def test_only_words_reach_the_query(query, terms):
    assert search_terms(query) == terms


@BOTH
@pytest.mark.parametrize("query", ["'", "\\", ":*", "&&& |||", "!", "'; DROP TABLE x; --", ""])
def test_odd_input_finds_nothing_rather_than_failing(invoices, member_user, query, full_text):
    search = ticket_search(member_user, query, full_text=full_text)

    assert search.documents.count() == 0  # "DROP TABLE x" are words: no ticket has them all
    assert search.hits(search.documents) == []


def test_a_reference_names_a_visible_live_ticket_only(invoices, member_user, outsider_user):
    ours, secret, public = invoices["ours"], invoices["secret"], invoices["public"]

    assert ticket_by_reference(member_user, f"cs-{ours.number}") == ours
    assert ticket_by_reference(member_user, f" #CS-{ours.number} ") == ours
    assert ticket_by_reference(outsider_user, f"OPEN-{public.number}") == public
    assert ticket_by_reference(outsider_user, f"CS-{ours.number}") is None
    assert ticket_by_reference(member_user, f"SEC-{secret.number}") is None
    assert ticket_by_reference(member_user, "CS-999") is None
    assert ticket_by_reference(member_user, "invoice CS-1") is None

    ticket_archive(ticket=ours, by=member_user)
    assert ticket_by_reference(member_user, f"CS-{ours.number}") is None


@BOTH
def test_a_prefix_marks_the_whole_word(invoices, member_user, full_text):
    search = ticket_search(member_user, "marc", full_text=full_text)

    (hit,) = search.hits(search.documents)

    assert hit.title == "Invoice for <mark>March</mark>"


@pytest.mark.parametrize("role", ["admin", "member", "guest", "outsider", "anonymous"])
def test_the_searchs_own_scope_is_the_boards_visible_boards_gives(invoices, user_for, role):
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from boards.permissions import visible_boards
    from search.selectors import visible_sql

    user = user_for(role) or AnonymousUser()
    sql, params = visible_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {row[0] for row in cursor.fetchall()}

    assert ids == set(visible_boards(user).values_list("pk", flat=True))
