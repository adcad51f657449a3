"""GET /api/search/?q=: the same search as the page, paginated like every list, with the
ticket a reference names; for each role what it finds and never finds; bad input is a 400."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import ROLES
from tests.search.test_views import _boards_with_hits

URL = "/api/search/"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_what_it_may_see_and_never_a_hidden_boards_ticket(invoices, api_as, role):
    response = api_as(role).get(URL, {"q": "invoice"})

    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    data = response.json()
    found = sorted(hit["reference"] for hit in data["results"])
    assert found == (["OPEN-1"] if role == "outsider" else ["CS-1", "OPEN-1"])
    assert data["count"] == len(found)
    assert "secret" not in response.content.decode().lower()


def test_a_result_as_the_schema_documents_it(invoices, api_as):
    data = api_as("member").get(URL, {"q": "dana"}).json()

    assert data["ticket"] is None
    assert data["next"] is None
    assert data["previous"] is None
    (hit,) = data["results"]
    assert hit["board"] == {
        "id": invoices["ours"].board_id,
        "key": "CS",
        "name": "Customer Success",
    }
    assert hit["number"] == 1
    assert hit["reference"] == "CS-1"
    assert hit["title"] == "Invoice for March"
    assert hit["status"] == "ready"
    assert hit["priority"] == "normal"
    assert hit["url"] == f"/boards/{invoices['ours'].board_id}/tickets/1/"
    assert hit["rank"] > 0
    assert hit["highlights"]["customer"] == (
        "<mark>Dana</mark> Scully <mark>dana@example.com</mark> FBI"
    )
    assert hit["highlights"]["title"] == "Invoice for March"
    assert hit["highlights"]["tags"] == "Billing"


def test_a_visible_reference_answers_its_ticket(invoices, api_as):
    data = api_as("guest").get(URL, {"q": "cs-1"}).json()

    assert data["ticket"] == {
        "board": {"id": invoices["ours"].board_id, "key": "CS", "name": "Customer Success"},
        "number": 1,
        "reference": "CS-1",
        "url": f"/boards/{invoices['ours'].board_id}/tickets/1/",
    }


@pytest.mark.parametrize(("role", "query"), [("outsider", "CS-1"), ("member", "SEC-1")])
def test_a_hidden_reference_answers_no_ticket_and_no_result(invoices, api_as, role, query):
    data = api_as(role).get(URL, {"q": query}).json()

    assert data["ticket"] is None
    assert data["count"] == 0


def test_pages_like_every_list(board, member_user, api_as, committed):
    with committed():
        _boards_with_hits(member_user, boards=1, hits=3, prefix="P")
    client = api_as("member")

    first = client.get(URL, {"q": "renewal", "page_size": 2}).json()
    second = client.get(URL, {"q": "renewal", "page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert len(second["results"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": ""}, "q"), ({"q": "x" * 201}, "q"), ({"q": "a", "board": "x"}, "board"),
     ({"q": "a", "page_size": "0"}, "page_size")],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_field(invoices, api_as, params, field):
    response = api_as("member").get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_a_hidden_board_filter_is_a_404_and_a_visible_one_narrows(
    invoices, hidden_board, open_board, api_as
):
    client = api_as("member")

    assert client.get(URL, {"q": "invoice", "board": hidden_board.pk}).status_code == 404
    narrowed = client.get(URL, {"q": "invoice", "board": open_board.pk}).json()
    assert [hit["reference"] for hit in narrowed["results"]] == ["OPEN-1"]


def test_a_page_past_the_last_is_a_404(invoices, api_as):
    assert api_as("member").get(URL, {"q": "invoice", "page": 9}).status_code == 404


def test_the_query_count_is_flat_in_boards_and_hits(member_user, api_as, committed):
    client = api_as("member")
    with committed():
        _boards_with_hits(member_user, boards=2, hits=5, prefix="A")
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"q": "renewal"}).status_code == 200
    with committed():
        _boards_with_hits(member_user, boards=8, hits=45, prefix="B")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"q": "renewal"})

    assert response.json()["count"] == 50
    assert len(response.json()["results"]) == 50
    assert len(many) == len(few) <= 6
