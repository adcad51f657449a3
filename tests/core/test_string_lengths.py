"""Every string is checked against its column's length before anything is written: one character
too many is a 400 naming the field (a form's message on the pages), never a database error, and
no row of any kind is left behind (today's customer row was created before the ticket's checks)."""

import pytest

from boards.models import Board, Column, Tag
from csboard.core.exceptions import InvalidInput
from customers.models import Customer
from feedback.models import FeedbackResponse
from feedback.services import feedback_secret_rotate
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_update
from workspace.models import Attachment, ChecklistItem, Message

pytestmark = pytest.mark.django_db


def email_of(length: int) -> str:
    """A well-formed address of exactly `length` characters (dotted labels of at most 63)."""
    domain = ".".join(["d" * 60] * 4) + ".example"
    return "a" * (length - len(domain) - 1) + "@" + domain


def too_long(model, field: str) -> str:
    length = model._meta.get_field(field).max_length + 1
    return email_of(length) if "email" in field else "x" * length


# (method, path, model and column the field is stored in, request field, the rest of the body)
CASES = [
    ("post", "/api/boards/", Board, "name", "name", {"key": "NEW"}),
    ("patch", "{board}", Board, "name", "name", {}),
    ("post", "{board}columns/", Column, "name", "name", {}),
    ("post", "{board}tags/", Tag, "name", "name", {}),
    ("post", "{board}tickets/", Ticket, "title", "title", {}),
    ("patch", "{board}tickets/{ticket}/", Ticket, "title", "title", {}),
    *[
        (method, path, Ticket, field, field, {"title": "Hi"} if method == "post" else {})
        for method, path in (("post", "{board}tickets/"), ("patch", "{board}tickets/{ticket}/"))
        for field in ("customer_name", "customer_email", "customer_company", "customer_phone")
    ],
    ("post", "{board}tickets/{ticket}/checklist/", ChecklistItem, "text", "text", {}),
    ("post", "{board}tickets/{ticket}/comments/", Message, "body", "body", {}),
    ("post", "{board}messages/", Message, "body", "body", {}),
    ("post", "{board}files/link/", Attachment, "name", "title", {"url": "https://a.example"}),
    ("post", "{board}files/link/", Attachment, "url", "url", {"title": "Plan"}),
]


@pytest.mark.parametrize(
    ("method", "path", "model", "column", "field", "rest"),
    CASES,
    ids=[f"{m.upper()} {p} {f}" for m, p, _, _, f, _ in CASES],
)
def test_one_character_too_many_is_a_400_naming_the_field_and_writes_nothing(
    board, ticket, api_as, method, path, model, column, field, rest
):
    url = path.format(board=f"/api/boards/{board.pk}/", ticket=ticket.number)
    counts = {m: m.objects.count() for m in (Board, Column, Tag, Ticket, Customer, Message)}

    response = getattr(api_as("admin"), method)(
        url, {**rest, field: too_long(model, column)}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert {m: m.objects.count() for m in counts} == counts
    ticket.refresh_from_db()
    assert (ticket.title, ticket.customer_email) == ("Team discount?", "dana@example.com")


def test_a_300_character_customer_email_is_a_400_and_makes_no_customer(board, api_as):
    email = email_of(300)

    response = api_as("member").post(
        f"/api/boards/{board.pk}/tickets/", {"title": "Hi", "customer_email": email}, format="json"
    )

    assert response.status_code == 400
    assert "customer_email" in response.json()
    assert not Customer.objects.filter(email=email).exists()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("field", ["customer_email", "customer_name", "customer_company"])
def test_the_ticket_services_check_every_field_before_they_make_the_customer(
    board, member_user, ticket, field
):
    """Whatever adapter calls them: the service is the last line, not the serializer."""
    values = {"customer_email": "new@example.com", field: too_long(Ticket, field)}
    customers = Customer.objects.count()

    with pytest.raises(InvalidInput) as refused:
        ticket_create(board=board, created_by=member_user, title="Hi", **values)
    assert field in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        ticket_update(ticket=ticket, by=member_user, **values)
    assert field in refused.value.fields

    assert Customer.objects.count() == customers
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("field", ["email", "name", "source", "idempotency_key"])
def test_a_feedback_field_too_long_is_a_400_and_records_nothing(client, board, field):
    secret = feedback_secret_rotate(board=board)
    body = {"kind": "nps", "score": 2, "email": "dana@example.com"}
    body[field] = too_long(FeedbackResponse, field)

    response = client.post(
        f"/api/boards/{board.pk}/feedback/intake/",
        body,
        content_type="application/json",
        headers={"X-Feedback-Secret": secret},
    )

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not FeedbackResponse.objects.exists()
    assert not Customer.objects.exists()
    assert not Ticket.objects.exists()


def test_a_customer_email_too_long_on_the_edit_form_is_a_message_not_a_500(
    board, ticket, client_as
):
    response = client_as("member").post(
        f"/boards/{board.pk}/tickets/{ticket.number}/edit/",
        {
            "title": "Team discount?",
            "status": ticket.status,
            "priority": ticket.priority,
            "customer_email": email_of(300),
        },
    )

    assert response.status_code == 200
    assert "customer_email" in response.context["form"].errors
    ticket.refresh_from_db()
    assert ticket.customer_email == "dana@example.com"
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("model", "column", "component", "field"),
    [
        (Ticket, "customer_email", "TicketInputRequest", "customer_email"),
        (Ticket, "customer_name", "TicketInputRequest", "customer_name"),
        (FeedbackResponse, "email", "FeedbackIntakeRequest", "email"),
        (Board, "timezone", "BoardInputRequest", "timezone"),
        (Attachment, "url", "LinkRequest", "url"),
    ],
)
def test_the_schema_states_each_columns_length(client, model, column, component, field):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    described = schema["components"]["schemas"][component]["properties"][field]
    # An email that may be blank is `oneOf` an email and the empty string.
    lengths = [branch["maxLength"] for branch in described.get("oneOf", [described])]
    assert max(lengths) == model._meta.get_field(column).max_length
