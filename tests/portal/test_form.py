"""The public request form: a person's request opens a ticket as their email would, in the
form's column with what they chose, and they get one confirmation in the ticket's thread;
anyone, signed in or not, gets the same form; an off form is not there."""

from email import policy
from email.parser import BytesParser

import pytest
from django.core import mail as outbox
from django.core.files.uploadedfile import SimpleUploadedFile

from boards.services import tag_create
from customers.models import Customer
from mail.models import Email, SupportAddress
from mail.services import mail_receive
from notifications.models import Notification
from portal.models import PortalSettings
from tests.mail.test_receive import mail
from tests.portal.conftest import parsed, request_data, text_of
from tickets.models import Source, Ticket
from workspace.models import Message


def form(board) -> str:
    return f"/help/{board.key}/"


def post(client, board, embed=False, **overrides):
    path = f"{form(board)}embed/" if embed else form(board)
    extra = {"HTTP_ORIGIN": "http://testserver"} if embed else {}
    return client.post(path, request_data(board, **overrides), **extra)


@pytest.fixture
def asking(board, form_on, columns):
    """The form asks everything optional, its requests land in the second column."""
    billing = tag_create(board=board, name="Billing", color="#22c55e")
    tag_create(board=board, name="Mobile app", color="#3b82f6")
    form_on.ask_priority = form_on.ask_company = True
    form_on.column = columns[1]
    form_on.save()
    form_on.areas.add(billing)
    return form_on


@pytest.fixture
def address(board):
    return SupportAddress.objects.create(board=board, address="support@example.com", name="CS")


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_anyone_gets_the_form_with_the_fields_the_board_asks(client_as, board, asking, role):
    response = client_as(role).get(form(board))

    assert response.status_code == 200
    page = response.content.decode()
    for field in ("name", "email", "company", "subject", "priority", "area", "message", "files"):
        assert f'name="{field}"' in page
    assert "Billing" in page
    assert "Mobile app" not in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="token"' in page
    assert "Contact Customer Success" in page


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_a_request_opens_a_ticket_where_the_form_says_with_what_was_chosen(
    client_as, board, asking, columns, role
):
    billing = asking.areas.get()
    files = [SimpleUploadedFile("invoice.pdf", b"%PDF-1.4"), SimpleUploadedFile("a.txt", b"a")]

    response = post(
        client_as(role), board, priority="high", company="FBI", area=billing.pk, files=files
    )

    assert response.status_code == 302
    assert response["Location"] == f"/help/{board.key}/sent/"
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.column, ticket.priority) == (Source.FORM, columns[1], "high")
    assert (ticket.title, ticket.customer_company) == ("Invoice missing", "FBI")
    assert list(ticket.tags.all()) == [billing]
    assert ticket.created_by is None  # a signed-in member's request is still the customer's
    assert ticket.customer == Customer.objects.get(email="dana@fbi.example")
    (message,) = Message.objects.filter(ticket=ticket)
    assert (message.channel, message.public, message.author) == ("form", True, None)
    assert (message.sender_name, message.body) == (
        "Dana Scully",
        "My invoice for March never arrived.",
    )
    assert sorted(message.attachments.values_list("name", flat=True)) == ["a.txt", "invoice.pdf"]
    team = set(Notification.objects.filter(ticket=ticket, kind="new_ticket").values_list(
        "recipient__username", flat=True))  # fmt: skip
    assert {"alice", "mia"} <= team


def test_without_a_column_a_request_lands_in_the_first_one(client, board, form_on, columns):
    post(client, board)

    assert Ticket.objects.get().column == columns[0]


def test_the_customer_is_confirmed_once_after_commit_with_the_reference_and_the_portal(
    client, board, form_on, address, celery_eager, django_capture_on_commit_callbacks
):
    form_on.portal_enabled = True
    form_on.save()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post(client, board)

    ticket = Ticket.objects.get()
    (sent,) = outbox.outbox
    assert sent.to == ["dana@fbi.example"]
    assert sent.subject == f"We have your request: Invoice missing [{ticket.reference}]"
    text = text_of(sent)
    assert f"{ticket.reference}: Invoice missing" in text
    assert f"https://csboard.example/portal/{board.key}/" in text
    assert "reply to this email" in text
    (email,) = Email.objects.filter(ticket=ticket, direction=Email.Direction.OUTBOUND)
    assert email.state == Email.State.SENT
    raw = BytesParser(policy=policy.default).parsebytes(bytes(email.raw))
    assert raw["Message-ID"] == f"<{email.message_id}>"
    assert raw["From"].addresses[0].addr_spec == "support@example.com"
    assert raw["Auto-Submitted"] == "auto-generated"
    for callback in callbacks:  # the task again (a retry, a sweep): nothing sent twice
        callback()
    assert len(outbox.outbox) == 1


def test_a_board_without_a_support_address_confirms_from_the_default_sender(
    client, board, form_on, celery_eager, django_capture_on_commit_callbacks, settings
):
    settings.DEFAULT_FROM_EMAIL = "CS Board <noreply@csboard.example>"

    with django_capture_on_commit_callbacks(execute=True):
        post(client, board)

    (sent,) = outbox.outbox
    sender = parsed(sent)["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == (
        "Customer Success",
        "noreply@csboard.example",
    )
    assert "reply to this email" not in text_of(sent)  # a reply would reach no board
    assert "/portal/" not in text_of(sent)  # the portal is off
    email = Email.objects.get(direction=Email.Direction.OUTBOUND)
    assert email.message_id.endswith("@csboard.example")
    assert email.address is None


def test_the_customers_reply_to_the_confirmation_lands_on_the_ticket(
    client, board, form_on, address
):
    post(client, board)
    ticket = Ticket.objects.get()
    confirmation = Email.objects.get(ticket=ticket, direction=Email.Direction.OUTBOUND)

    received = mail_receive(
        mail("Re: We have your request", In_Reply_To=f"<{confirmation.message_id}>",
             body="Here is the invoice number: 42.")
    )  # fmt: skip

    assert (received.outcome, received.ticket) == ("reply", ticket)
    assert Ticket.objects.count() == 1


def test_the_team_sees_the_request_form_as_the_source_and_the_channel(
    client, client_as, board, form_on
):
    post(client, board)
    ticket = Ticket.objects.get()

    page = client_as("member").get(ticket.get_absolute_url()).content.decode()

    assert "Request form" in page
    assert "Customer · request form" in page


def test_the_thank_you_page_says_what_happens_next_and_nothing_else(client, board, form_on):
    post(client, board, subject="Secret plans")

    page = client.get(f"/help/{board.key}/sent/").content.decode()

    assert "we have your request" in page
    assert "Secret plans" not in page
    assert "dana@fbi.example" not in page
    assert Ticket.objects.get().reference not in page


@pytest.mark.parametrize(
    "path", ["/help/{key}/", "/help/{key}/embed/", "/help/{key}/sent/", "/help/{key}/embed/sent/"]
)
@pytest.mark.parametrize("state", ["no settings", "form off, portal on"])
def test_an_off_form_is_not_found(client, board, path, state):
    if state != "no settings":
        PortalSettings.objects.create(board=board, form_enabled=False, portal_enabled=True)

    assert client.get(path.format(key=board.key)).status_code == 404
    assert client.post(path.format(key=board.key), request_data(board)).status_code in (404, 405)
    assert not Ticket.objects.exists()


def test_an_unknown_board_key_is_not_found(client, form_on):
    assert client.get("/help/NOPE/").status_code == 404


def test_the_form_page_reads_a_fixed_number_of_queries(
    client, board, asking, django_assert_max_num_queries
):
    for n in range(5):
        asking.areas.add(tag_create(board=board, name=f"Area {n}", color="#22c55e"))

    with django_assert_max_num_queries(4):
        response = client.get(form(board))

    assert response.content.decode().count("Area ") == 5
