"""A ticket's conversation as the team sees it: on the ticket page, Reply to customer beside
Internal note, each message marked; over the API, `…/tickets/{number}/messages/`."""

import re

import pytest
from django.core import mail as outbox

from mail.models import Email
from mail.services import mail_receive
from tests.mail.test_receive import mail
from workspace.models import Message
from workspace.services import message_post


@pytest.fixture
def conversation(address, board, member_user):
    """A customer's mail, the team's reply to it, and an internal note."""
    ticket = mail_receive(mail(message_id="<q@fbi.example>")).ticket
    from mail.outbound import reply_send

    reply_send(ticket=ticket, by=member_user, body="We are **on it**.")
    message_post(board=board, ticket=ticket, by=member_user, body="Check the billing export")
    return ticket


def _page(client_as, role, ticket):
    url = f"/boards/{ticket.board_id}/tickets/{ticket.number}/"
    return client_as(role).get(url).content.decode()


def test_the_ticket_page_marks_the_customers_mail_the_reply_and_the_note(conversation, client_as):
    html = _page(client_as, "member", conversation)

    rows = re.findall(r'<li class="chat-message([^"]*)"', html)
    assert rows == [" chat-message--public", " chat-message--public", " chat-message--note"]
    assert "Customer · email" in html
    assert "Reply to customer · " in html
    assert "Internal note</span>" in html
    # and a member may answer the customer (emailed to them) or write a note
    assert f'action="/boards/{conversation.board_id}/tickets/{1}/reply/"' in html
    assert "emailed to dana@fbi.example" in html


def test_a_guest_reads_the_conversation_and_writes_nothing(conversation, client_as):
    html = _page(client_as, "guest", conversation)

    assert "We are <strong>on it</strong>." in html
    assert "Check the billing export" in html
    assert "/reply/" not in html
    assert 'name="body"' not in html


def test_no_reply_form_without_an_address_to_send_from(board, member_user, client_as):
    from tests.factories import TicketFactory

    ticket = TicketFactory(board=board, created_by=member_user, customer_email="d@x.example")
    html = _page(client_as, "member", ticket)

    assert "/reply/" not in html
    assert "Internal note" in html  # the team still writes notes


def test_the_reply_form_emails_the_customer_and_refuses_a_bad_cc(
    address, board, member_user, client_as, celery_eager, django_capture_on_commit_callbacks
):
    ticket = mail_receive(mail()).ticket
    client = client_as("member")
    url = f"/boards/{board.pk}/tickets/{ticket.number}/reply/"

    refused = client.post(url, {"body": "Hi", "cc": "not-an-address"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):  # the email goes once it commits
        sent = client.post(url, {"body": "Thanks, fixed.", "cc": "fox@fbi.example"})

    assert "is not an email address" in refused.content.decode()
    assert sent.status_code == 302
    assert sent["Location"].endswith("#chat")
    reply = Message.objects.get(ticket=ticket, author=member_user)
    assert reply.public
    (email,) = outbox.outbox
    assert email.to == ["dana@fbi.example"]
    assert email.cc == ["fox@fbi.example"]


def test_the_api_lists_the_conversation_with_public_and_delivery(conversation, api_as):
    url = f"/api/boards/{conversation.board_id}/tickets/{conversation.number}/messages/"
    rows = api_as("guest").get(url).json()["results"]

    assert [(row["public"], row["author"], row["sender_email"]) for row in rows] == [
        (True, None, "dana@fbi.example"),
        (True, "mia", ""),
        (False, "mia", ""),
    ]
    assert rows[0]["delivery"]["state"] == Email.State.RECEIVED
    assert rows[1]["delivery"]["state"] in {Email.State.QUEUED, Email.State.SENT}
    assert rows[2]["delivery"] is None


def test_the_api_writes_a_reply_or_a_note(
    address, board, api_as, celery_eager, django_capture_on_commit_callbacks
):
    ticket = mail_receive(mail()).ticket
    url = f"/api/boards/{board.pk}/tickets/{ticket.number}/messages/"
    client = api_as("member")

    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(url, {"body": "Sorted", "public": True}, format="json")
    note = client.post(url, {"body": "Refund approved", "public": False}, format="json")
    bad = client.post(url, {"body": "x", "public": True, "cc": ["nope"]}, format="json")

    assert reply.status_code == 201
    assert reply.json()["public"] is True
    assert reply.json()["delivery"]["state"] == Email.State.QUEUED  # as it was at commit
    assert Email.objects.get(entry_id=reply.json()["id"]).state == Email.State.SENT
    assert note.status_code == 201
    assert note.json()["public"] is False
    assert bad.status_code == 400
    assert "cc" in bad.json()  # a field error on cc
    assert [email.subject for email in outbox.outbox] == [
        f"Re: Invoice missing [{ticket.reference}]"
    ]


def test_a_message_of_the_conversation_cannot_be_edited_or_deleted(
    conversation, member_user, admin_user, client_as, api_as
):
    from csboard.core.exceptions import Conflict
    from workspace.services import message_delete, message_edit

    reply = Message.objects.get(ticket=conversation, public=True, author=member_user)
    with pytest.raises(Conflict):
        message_edit(message=reply, by=member_user, body="Changed my mind")
    with pytest.raises(Conflict):
        message_delete(message=reply, by=admin_user)
    url = f"/api/boards/{conversation.board_id}/tickets/{conversation.number}/comments/{reply.pk}/"
    assert api_as("member").patch(url, {"body": "x"}, format="json").status_code == 409
    html = _page(client_as, "admin", conversation)
    assert html.count("Edit message") == 0  # the note's edit is its author's (mia), not alice's
    assert Message.objects.filter(pk=reply.pk, body__startswith="We are").exists()


def test_a_customers_mail_keeps_its_quoted_history_one_click_away(address, board, client_as):
    body = "Still broken, sorry.\n\nOn Mon, 1 Dec 2026, Mia wrote:\n> Try again now?\n> Mia"
    ticket = mail_receive(mail(body=body)).ticket

    html = _page(client_as, "member", ticket)

    message = Message.objects.get(ticket=ticket)
    assert "Try again now?" not in message.body  # folded away
    assert "Show the whole email" in html
    assert "&gt; Try again now?" in html


def test_a_reply_from_the_page_carries_its_files(
    address, board, member_user, client_as, celery_eager, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = mail_receive(mail()).ticket
    upload = SimpleUploadedFile("invoice-march.pdf", b"%PDF-1.4 fake", "application/pdf")
    url = f"/boards/{board.pk}/tickets/{ticket.number}/reply/"

    with django_capture_on_commit_callbacks(execute=True):
        client_as("member").post(url, {"body": "Attached.", "files": [upload]})

    from email import policy
    from email.parser import BytesParser

    assert len(outbox.outbox) == 1
    sent = Email.objects.get(ticket=ticket, direction=Email.Direction.OUTBOUND)
    message = BytesParser(policy=policy.default).parsebytes(bytes(sent.raw))
    assert [part.get_filename() for part in message.iter_attachments()] == ["invoice-march.pdf"]


def _html_mail(html: str, images: dict[str, str]) -> bytes:
    """A customer's HTML mail, with a text part, and each of `images` (Content-ID: file name)
    as an inline PNG beside it, as Outlook and Gmail send a pasted screenshot."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Dana Scully <dana@fbi.example>"
    message["To"] = "support@example.com"
    message["Subject"] = "It jams"
    message.set_content("It jams on the second tray, see the photo.")
    message.add_alternative(html, subtype="html")
    html_part = message.get_payload()[1]
    for content_id, name in images.items():
        html_part.add_related(
            b"\x89PNG\r\n\x1a\nfake", maintype="image", subtype="png", cid=f"<{content_id}>",
            filename=name, disposition="inline",
        )  # fmt: skip
    return message.as_bytes()


def test_a_customers_html_mail_shows_as_formatted_with_its_inline_images(address, board, client_as):
    html = (
        '<p>It jams on the <b>second</b> tray, see the photo.</p><img src="cid:Shot.PNG@01DB" '
        'width="320" alt="photo"><img src="cid:gone@01DB" alt="lost">'
        '<img src="https://tracker.example/open.gif" alt="pixel">'
    )
    ticket = mail_receive(_html_mail(html, {"shot.png@01db": "tray.png"})).ticket
    (image,) = ticket.attachments.all()
    url = f"/boards/{board.pk}/tickets/{ticket.number}/attachments/{image.pk}/"

    page = _page(client_as, "member", ticket)

    (mail_html,) = re.findall(r'<div class="prose chat-message__mail">(.*?)</div>', page, re.S)
    assert "<b>second</b>" in mail_html  # as it was formatted
    # the inline image in place (Content-IDs match whatever their case), through our own view
    assert f'<img src="{url}" width="320" alt="photo">' in mail_html
    assert '<img alt="lost">' in mail_html  # a cid with no such file: no source at all
    assert '<img alt="pixel">' in mail_html  # nothing external loads, no tracker is told
    assert "cid:" not in page
    assert "tracker.example" not in page
    # and at a glance, under the customer's words, the image as a thumbnail
    assert f'<a class="message-file message-file--image" href="{url}" title="tray.png">' in page
    served = client_as("guest").get(url)
    assert (served.status_code, served["Content-Type"]) == (200, "image/png")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_the_files_of_a_customers_mail_show_on_its_message_and_only_there(
    address, board, member_user, client_as
):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "dana@fbi.example"
    message["To"] = "support@example.com"
    message["Subject"] = "Logs"
    message.set_content("The logs are attached.")
    message.add_attachment(b"line 1", maintype="text", subtype="plain", filename="app.log")
    ticket = mail_receive(message.as_bytes()).ticket
    message_post(board=board, ticket=ticket, by=member_user, body="Looking at the logs")
    (log,) = ticket.attachments.all()

    page = _page(client_as, "member", ticket)

    rows = page.split('<ol class="chat__messages">')[1].split("</ol>")[0].split("<li ")
    link = f'href="/boards/{board.pk}/tickets/{ticket.number}/attachments/{log.pk}/"'
    assert link in rows[1]
    assert "app.log" in rows[1]
    assert link not in rows[2]  # the note has no files
    assert "Show the whole email" not in page  # plain text, nothing folded: nothing more to show
    # the ticket's files say where this one came from (it has no uploader)
    assert "6\xa0bytes · Customer's email ·" in page


def test_the_api_gives_a_mails_files_and_its_formatted_html_in_constant_queries(
    address, board, api_as, member_user, django_assert_max_num_queries
):
    html = '<p>See <i>this</i>:</p><img src="cid:shot@01db" alt="photo"><script>x()</script>'
    ticket = mail_receive(_html_mail(html, {"shot@01db": "tray.png"})).ticket
    (image,) = ticket.attachments.all()
    url = f"/api/boards/{board.pk}/tickets/{ticket.number}/messages/"
    client = api_as("guest")
    client.get(url)  # the session and the board's role, read once warm

    with django_assert_max_num_queries(8) as few:
        (row,) = client.get(url).json()["results"]
    for _ in range(5):
        mail_receive(_html_mail(html, {"shot@01db": "tray.png"}))  # new tickets: not this one
        message_post(board=board, ticket=ticket, by=member_user, body="noted")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = client.get(url).json()["results"]

    assert len(rows) == 6
    download = f"/api/boards/{board.pk}/tickets/{ticket.number}/attachments/{image.pk}/download/"
    assert row["attachments"] == [
        {"id": image.pk, "name": "tray.png", "size": image.size, "content_type": "image/png",
         "content_id": "shot@01db"},
    ]  # fmt: skip
    assert row["mail_html"] == f'<p>See <i>this</i>:</p><img src="{download}" alt="photo">'
    assert rows[1]["attachments"] == []
    assert rows[1]["mail_html"] == ""
    assert client.get(download)["Content-Type"] == "image/png"
