"""What a signed-in customer sees and does in the portal: their tickets, a ticket's public
conversation and files, their answer, their rating (portal.conversation, portal.views)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from feedback.models import FeedbackResponse
from mail.models import MailSettings
from notifications.models import Notification
from portal import conversation
from tests.factories import TicketFactory
from tests.portal.conftest import portal_sign_in, ticket_url
from tickets.models import Source, Status, Ticket
from tickets.services import ticket_update
from workspace import services as workspace
from workspace.models import Attachment, Message

pytestmark = pytest.mark.django_db


def resolve(ticket, by):
    return ticket_update(ticket=ticket, by=by, status=Status.RESOLVED)


# --- The list ----------------------------------------------------------------------------------
def test_the_list_shows_only_the_customers_own_tickets(
    portal_client, portal_board, ticket, other_ticket
):
    response = portal_client.get(f"/portal/{portal_board.key}/")

    assert ticket.title.encode() in response.content
    assert f"CS-{ticket.number}".encode() in response.content
    assert other_ticket.title.encode() not in response.content


def test_the_list_puts_the_latest_activity_first(portal_client, portal_board, customer, ticket):
    newer = TicketFactory(board=portal_board, title="Newer one", customer_email=customer.email)
    Ticket.objects.filter(pk=newer.pk).update(updated_at=timezone.now() - timedelta(days=3))
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now() - timedelta(days=2))
    assert [
        t.title for t in conversation.customer_tickets(board=portal_board, customer=customer)
    ] == [
        ticket.title,
        "Newer one",
    ]

    workspace.message_receive(
        ticket=newer, body="Any news?", sender_name="", sender_email=customer.email
    )
    Ticket.objects.filter(pk=newer.pk).update(updated_at=timezone.now() - timedelta(days=3))

    listed = conversation.customer_tickets(board=portal_board, customer=customer)
    assert [t.title for t in listed] == ["Newer one", ticket.title]


def test_the_list_of_a_customer_without_tickets_says_so(portal_client, portal_board, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(customer=None)

    response = portal_client.get(f"/portal/{portal_board.key}/")

    assert b"You have no requests" in response.content


@pytest.mark.parametrize(
    ("status", "resolved", "words"),
    [
        (Status.READY, False, "Received"),
        (Status.IN_PROGRESS, False, "In progress"),
        (Status.NEEDS_REVIEW, False, "In progress"),
        (Status.WAITING, False, "Waiting on you"),
        (Status.RESOLVED, True, "Resolved"),
        (Status.IN_PROGRESS, True, "Resolved"),  # resolved_at decides
    ],
)
def test_a_status_is_said_in_the_customers_words(status, resolved, words):
    ticket = Ticket(status=status, resolved_at=timezone.now() if resolved else None)

    assert conversation.customer_status(ticket).label == words


def test_the_list_and_the_page_say_the_status_in_the_customers_words(
    portal_client, portal_board, ticket, member_user
):
    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)

    for url in (f"/portal/{portal_board.key}/", ticket_url(ticket)):
        response = portal_client.get(url)
        assert b"Waiting on you" in response.content
        assert b"Waiting on customer" not in response.content


# --- The ticket page ---------------------------------------------------------------------------
def test_the_page_shows_the_public_conversation_and_nothing_internal(
    portal_client, portal_board, ticket, member_user, columns
):
    workspace.message_receive(
        ticket=ticket,
        body="My **discount** please",
        sender_name="Dana",
        sender_email=ticket.customer_email,
    )
    workspace.message_reply(ticket=ticket, by=member_user, body="Sure, *20%*.")
    workspace.message_post(
        board=portal_board, ticket=ticket, by=member_user, body="Internal: she is VIP"
    )
    tag = portal_board.tags.create(name="vip-secret", color="#22c55e")
    ticket.tags.add(tag)
    ticket.assignees.add(member_user)

    response = portal_client.get(ticket_url(ticket))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>discount</strong>" in html
    assert "<em>20%</em>" in html
    assert "Mia Member" in html  # the replying agent's display name
    assert "Internal: she is VIP" not in html
    assert "vip-secret" not in html
    assert member_user.email not in html
    assert member_user.username not in html
    assert columns[0].name not in html
    assert "Team discount?" in html
    assert ticket.reference in html


def test_a_reply_by_a_since_deleted_user_is_the_support_teams(portal_client, ticket, member_user):
    workspace.message_reply(ticket=ticket, by=member_user, body="From someone who left")
    member_user.delete()

    response = portal_client.get(ticket_url(ticket))

    assert b"From someone who left" in response.content
    assert b"Support team" in response.content


def test_someone_elses_ticket_is_not_found(portal_client, other_ticket):
    assert portal_client.get(ticket_url(other_ticket)).status_code == 404
    assert portal_client.get(f"/portal/{other_ticket.board.key}/tickets/99999/").status_code == 404


# --- Files ---------------------------------------------------------------------------------------
def test_the_files_of_both_sides_are_served_to_the_customer(portal_client, ticket, member_user):
    reply = workspace.message_reply(
        ticket=ticket, by=member_user, body="Here is the quote",
        files=[SimpleUploadedFile("quote.pdf", b"%PDF-1.4 quote", content_type="application/pdf")],
    )  # fmt: skip
    [attachment] = reply.attachments.all()

    page = portal_client.get(ticket_url(ticket))
    response = portal_client.get(ticket_url(ticket, f"files/{attachment.pk}/"))

    assert ticket_url(ticket, f"files/{attachment.pk}/").encode() in page.content
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 quote"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_a_file_that_could_run_downloads(portal_client, ticket, member_user):
    reply = workspace.message_reply(
        ticket=ticket, by=member_user, body="page",
        files=[SimpleUploadedFile("page.html", b"<script>alert(1)</script>")],
    )  # fmt: skip

    response = portal_client.get(ticket_url(ticket, f"files/{reply.attachments.get().pk}/"))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_teams_own_files_are_not_the_customers(
    portal_client, portal_board, ticket, member_user
):
    [team_file] = workspace.attachments_upload(
        board=portal_board,
        by=member_user,
        ticket=ticket,
        files=[SimpleUploadedFile("plan.txt", b"x")],
    )
    note = workspace.message_post(board=portal_board, ticket=ticket, by=member_user, body="note")
    note_file = Attachment.objects.create(
        board=portal_board, ticket=ticket, message=note, name="n.txt", file=team_file.file.name
    )

    for attachment in (team_file, note_file):
        response = portal_client.get(ticket_url(ticket, f"files/{attachment.pk}/"))
        assert response.status_code == 404
    assert b"plan.txt" not in portal_client.get(ticket_url(ticket)).content


# --- The customer's answer -------------------------------------------------------------------------
def test_an_answer_lands_as_an_emailed_one_does(portal_client, ticket, member_user):
    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)
    ticket.assignees.add(member_user)

    response = portal_client.post(
        ticket_url(ticket, "answer/"),
        {"body": "Here **it** is", "files": [SimpleUploadedFile("log.txt", b"log")]},
    )

    assert response.status_code == 302
    assert response["Location"] == ticket_url(ticket)
    message = Message.objects.get(ticket=ticket, public=True)
    assert message.channel == Message.Channel.PORTAL
    assert message.from_customer
    assert message.sender_email == ticket.customer_email
    assert message.body == "Here **it** is"
    assert [file.name for file in message.attachments.all()] == ["log.txt"]
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS  # the clock runs again
    assert Notification.objects.filter(recipient=member_user, ticket=ticket).exists()
    page = portal_client.get(ticket_url(ticket))
    assert b"your answer was sent" in page.content
    assert b"log.txt" in page.content


def test_an_answer_on_a_resolved_ticket_reopens_it(portal_client, ticket, member_user):
    resolve(ticket, member_user)

    portal_client.post(ticket_url(ticket, "answer/"), {"body": "Still broken"})

    ticket.refresh_from_db()
    assert ticket.resolved_at is None
    assert ticket.status == Status.IN_PROGRESS


def test_an_answer_long_after_resolution_opens_a_follow_up(
    portal_client, portal_board, ticket, member_user
):
    resolve(ticket, member_user)
    MailSettings.objects.update_or_create(board=portal_board, defaults={"reopen_days": 1})
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=3))

    response = portal_client.post(ticket_url(ticket, "answer/"), {"body": "Again!"})

    follow_up = Ticket.objects.exclude(pk=ticket.pk).get(
        board=portal_board, customer=ticket.customer
    )
    assert follow_up.source == Source.PORTAL
    assert response["Location"] == ticket_url(follow_up)
    page = portal_client.get(ticket_url(follow_up))
    assert f"opened a new request, {follow_up.reference}".encode() in page.content


@pytest.mark.parametrize(
    ("data", "status", "says"),
    [
        ({"body": "   "}, 400, b"Write a message."),
        ({"body": "x" * 10_001}, 400, b"at most 10000 characters"),
    ],
)
def test_an_empty_or_too_long_answer_is_refused_with_what_was_written(
    portal_client, ticket, data, status, says
):
    response = portal_client.post(ticket_url(ticket, "answer/"), data)

    assert response.status_code == status
    assert says.lower() in response.content.lower()
    assert not Message.objects.filter(ticket=ticket).exists()


def test_too_many_or_too_large_files_are_refused(portal_client, ticket, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    settings.ATTACHMENT_MAX_BYTES = 10
    three = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(3)]

    too_many = portal_client.post(ticket_url(ticket, "answer/"), {"body": "hi", "files": three})
    too_large = portal_client.post(
        ticket_url(ticket, "answer/"),
        {"body": "keep me", "files": [SimpleUploadedFile("big.bin", b"x" * 11)]},
    )

    assert too_many.status_code == 400
    assert b"At most 2 files" in too_many.content
    assert too_large.status_code == 413
    assert b"keep me" in too_large.content  # what they wrote stays
    assert not Message.objects.filter(ticket=ticket).exists()


# --- The rating ----------------------------------------------------------------------------------
def test_a_resolved_ticket_asks_for_a_rating_and_records_it(portal_client, ticket, member_user):
    resolve(ticket, member_user)
    assert b"How satisfied are you" in portal_client.get(ticket_url(ticket)).content

    response = portal_client.post(ticket_url(ticket, "rating/"), {"score": "4"})

    assert response.status_code == 302
    assert response["Location"].endswith("#rating")
    rating = FeedbackResponse.objects.get(ticket=ticket)
    assert (rating.kind, rating.score, rating.customer) == ("csat", 4, ticket.customer)
    assert rating.source == "portal"  # told apart from the emailed link's
    page = portal_client.get(ticket_url(ticket))
    assert b"You rated it <strong>4 out of 5</strong>" in page.content
    assert (
        b'value="4" class="button portal-rating__score portal-rating__score--chosen"'
        in page.content
    )


def test_rating_again_changes_the_rating(portal_client, ticket, member_user):
    resolve(ticket, member_user)
    portal_client.post(ticket_url(ticket, "rating/"), {"score": "2"})

    portal_client.post(ticket_url(ticket, "rating/"), {"score": "5"})

    assert list(FeedbackResponse.objects.values_list("score", flat=True)) == [5]


def test_an_open_ticket_cannot_be_rated(portal_client, ticket):
    assert b"How satisfied are you" not in portal_client.get(ticket_url(ticket)).content

    response = portal_client.post(ticket_url(ticket, "rating/"), {"score": "5"}, follow=True)

    assert b"can be rated once it is resolved" in response.content
    assert not FeedbackResponse.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "x", ""])
def test_a_rating_out_of_range_is_refused(portal_client, ticket, member_user, score):
    resolve(ticket, member_user)

    response = portal_client.post(ticket_url(ticket, "rating/"), {"score": score}, follow=True)

    assert response.status_code == 200
    assert not FeedbackResponse.objects.exists()


# --- Query counts --------------------------------------------------------------------------------
def _many_tickets(board, customer, count):
    for n in range(count):
        TicketFactory(board=board, title=f"Ticket {n}", customer_email=customer.email)


def _queries(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_reads_as_many_queries_for_1_ticket_as_for_30(
    portal_client, portal_board, customer, django_assert_max_num_queries
):
    url = f"/portal/{portal_board.key}/"
    one = _queries(django_assert_max_num_queries, portal_client, url, 4)
    _many_tickets(portal_board, customer, 29)

    assert _queries(django_assert_max_num_queries, portal_client, url, 4) == one


def test_the_page_reads_as_many_queries_for_1_message_as_for_30(
    portal_client, ticket, member_user, django_assert_max_num_queries
):
    def add(count):
        for n in range(count):
            workspace.message_reply(
                ticket=ticket, by=member_user if n % 2 else None, body=f"reply {n}",
                files=[SimpleUploadedFile(f"{n}.txt", b"x")],
            ) if n % 2 else workspace.message_receive(
                ticket=ticket, body=f"answer {n}", sender_name="", sender_email=ticket.customer_email,
                files=[SimpleUploadedFile(f"{n}.txt", b"x")],
            )  # fmt: skip

    resolve(ticket, member_user)
    add(1)
    one = _queries(django_assert_max_num_queries, portal_client, ticket_url(ticket), 6)
    add(29)

    assert _queries(django_assert_max_num_queries, portal_client, ticket_url(ticket), 6) == one


# --- Every state ---------------------------------------------------------------------------------
def test_every_page_renders_a_ticket_with_nothing_optional(portal_board, customer, member_user):
    bare = TicketFactory(board=portal_board, customer_email=customer.email, customer_name="")
    client = portal_sign_in(Client(), portal_board, customer)

    assert client.get(ticket_url(bare)).status_code == 200
    assert b"No messages yet." in client.get(ticket_url(bare)).content
    resolve(bare, member_user)
    assert client.get(ticket_url(bare)).status_code == 200
    assert client.get(f"/portal/{portal_board.key}/").status_code == 200


def test_every_page_renders_a_branded_board_and_one_without_brand(
    portal_client, portal_board, ticket
):
    for colour in ("", "#f5d90a"):
        portal_board.brand_color = colour
        portal_board.save()
        for url in (f"/portal/{portal_board.key}/", ticket_url(ticket)):
            response = portal_client.get(url)
            assert response.status_code == 200
            assert (b"--brand: #f5d90a" in response.content) == bool(colour)
