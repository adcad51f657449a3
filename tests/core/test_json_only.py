"""The API reads JSON, and each value in its own JSON type: a form-encoded body is a 415 (a form
reads an empty field as "not sent", so PATCH priority= would change nothing and answer 200), and a
number where a string belongs, a string where a number belongs or "yes" for true is a 400 that
names the field, with nothing written."""

import pytest

from feedback.services import feedback_secret_rotate
from tickets.models import Priority, Ticket

pytestmark = pytest.mark.django_db


def test_a_form_encoded_patch_is_a_415_and_changes_nothing(board, ticket, api_as):
    response = api_as("member").patch(
        f"/api/boards/{board.pk}/tickets/{ticket.number}/",
        "priority=&title=Changed",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415
    ticket.refresh_from_db()
    assert (ticket.title, ticket.priority) == ("Team discount?", Priority.NORMAL)


def test_an_empty_priority_in_json_is_a_400(board, ticket, api_as):
    response = api_as("member").patch(
        f"/api/boards/{board.pk}/tickets/{ticket.number}/", {"priority": ""}, format="json"
    )

    assert response.status_code == 400
    assert "priority" in response.json()


@pytest.mark.parametrize(
    ("path", "method", "body", "field"),
    [
        ("/api/boards/", "post", {"name": "Support", "key": "SP", "description": 0}, "description"),
        ("/api/boards/", "post", {"name": 12, "key": "SP"}, "name"),
        ("/api/boards/", "post", {"name": "Support", "key": 12}, "key"),
        ("{board}tickets/", "post", {"title": 7}, "title"),
        ("{board}tickets/", "post", {"title": "Hi", "customer_email": 7}, "customer_email"),
        ("{board}tickets/", "post", {"title": "Hi", "column": "{column}"}, "column"),
        ("{board}tickets/{ticket}/move/", "post", {"column": "{column}"}, "column"),
        ("{board}tickets/{ticket}/move/", "post", {"column": 0, "position": "1"}, "position"),
        ("{board}columns/", "post", {"name": "Waiting", "wip_limit": "3"}, "wip_limit"),
        # A number no column holds is refused, not clamped or sent to the database.
        ("{board}tickets/{ticket}/move/", "post", {"column": 0, "position": 2**40}, "position"),
        ("{board}columns/", "post", {"name": "Waiting", "wip_limit": 2**31}, "wip_limit"),
        ("{board}tickets/", "post", {"title": "Hi", "column": 2**63}, "column"),
        ("{board}tags/", "post", {"name": "vip", "color": 123456}, "color"),
        ("{board}sla/", "patch", {"business_hours": "yes"}, "business_hours"),
        ("{board}sla/", "patch", {"urgent_resolution_hours": "4"}, "urgent_resolution_hours"),
        ("{board}sla/", "patch", {"working_days": ["0"]}, "working_days"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_a_400_naming_the_field(
    board, columns, ticket, api_as, path, method, body, field
):
    def fill(value):
        if isinstance(value, str) and value == "{column}":
            return str(columns[1].pk)  # an id sent as a string
        return value

    url = path.format(board=f"/api/boards/{board.pk}/", ticket=ticket.number)
    body = {name: fill(value) for name, value in body.items()}
    if body.get("column") == 0:
        body["column"] = columns[1].pk
    tickets_before = Ticket.objects.count()

    response = getattr(api_as("admin"), method)(url, body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Ticket.objects.count() == tickets_before
    ticket.refresh_from_db()
    assert ticket.column == columns[0]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000,  # unclosed: once a RecursionError, a 500
        "[" * 5000 + "]" * 5000,
        '{"title": ' + "[" * 40 + "]" * 40 + "}",  # well-formed, past the depth the API reads
    ],
    ids=["unclosed", "closed", "deep-value"],
)
@pytest.mark.parametrize(
    "path",
    [
        "{board}tickets/",
        "{board}tickets/{ticket}/move/",
        "{board}tickets/{ticket}/",
        "/api/boards/",
    ],
)
def test_deeply_nested_json_is_a_400_and_writes_nothing(board, ticket, api_as, path, body):
    url = path.format(board=f"/api/boards/{board.pk}/", ticket=ticket.number)
    method = "patch" if url.endswith(f"tickets/{ticket.number}/") else "post"
    tickets_before = Ticket.objects.count()

    response = getattr(api_as("admin"), method)(url, body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert "nested deeper" in response.json()["detail"]
    assert Ticket.objects.count() == tickets_before


@pytest.mark.parametrize(
    "path", ["/api/auth/token/", "/api/boards/{board}/feedback/intake/"], ids=["token", "intake"]
)
def test_deeply_nested_json_is_a_400_before_sign_in_too(board, client, path):
    secret = feedback_secret_rotate(board=board)

    response = client.post(
        path.format(board=board.pk),
        "[" * 5000,
        content_type="application/json",
        headers={"X-Feedback-Secret": secret},
    )

    assert response.status_code == 400, response.content
