"""mail.outbound: a reply writes a public message and a queued email in the ticket's thread,
sent once after commit; mail-server errors retry or fail it; the customer's answer to it lands
on the same ticket."""

from email import policy
from email.parser import BytesParser
from smtplib import SMTPDataError, SMTPRecipientsRefused, SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail as django_mail
from django.core.files.uploadedfile import SimpleUploadedFile

from csboard.core.exceptions import InvalidInput, PermissionRefused
from mail.models import Email, SupportAddress
from mail.outbound import REFERENCES_MAX, _references, email_resend_queued
from mail.services import email_send, mail_receive, reply_send
from mail.tasks import email_send_task
from tests.mail.test_receive import mail
from tickets.models import Ticket
from workspace.models import Message

CUSTOMER_ID = "first-question@fbi.example"


@pytest.fixture
def address(board):
    return SupportAddress.objects.create(board=board, address="Support@Example.com", name="Help")


@pytest.fixture
def thread(address):
    """A ticket the customer opened by email."""
    return mail_receive(mail(message_id=f"<{CUSTOMER_ID}>")).ticket


@pytest.fixture
def celery_eager():
    from csboard.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def parsed(email: Email):
    return BytesParser(policy=policy.default).parsebytes(bytes(email.raw))


def reply(ticket, by, body="Here is your **invoice**.", **kwargs) -> Message:
    return reply_send(ticket=ticket, by=by, body=body, **kwargs)


def test_a_reply_writes_a_public_message_and_a_queued_email_in_the_thread(thread, member_user):
    file = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")
    message = reply(thread, member_user, cc=["Boss@FBI.example"], files=[file])

    assert (message.public, message.author, message.ticket) == (True, member_user, thread)
    email = message.email
    assert (email.direction, email.state, email.attempts) == ("out", "queued", 0)
    assert email.message_id.endswith("@example.com")
    raw = parsed(email)
    assert raw["Message-ID"] == f"<{email.message_id}>"
    assert raw["In-Reply-To"] == f"<{CUSTOMER_ID}>"
    assert raw["References"] == f"<{CUSTOMER_ID}>"
    assert raw["Subject"] == f"Re: Invoice missing [{thread.reference}]"
    assert (raw["From"].addresses[0].display_name, raw["From"].addresses[0].addr_spec) == (
        "Help", "Support@Example.com",
    )  # fmt: skip
    assert raw["To"] == "dana@fbi.example"
    assert raw["Cc"] == "Boss@FBI.example"
    assert raw.get_body(("plain",)).get_content().strip() == "Here is your **invoice**."
    assert "<strong>invoice</strong>" in raw.get_body(("html",)).get_content()
    (attached,) = list(raw.iter_attachments())
    assert (attached.get_filename(), attached.get_content()) == ("invoice.pdf", b"%PDF-1.4 invoice")
    assert message.attachments.get().name == "invoice.pdf"
    assert (email.to, email.cc) == (["dana@fbi.example"], ["Boss@FBI.example"])


def test_the_html_part_is_sanitised(thread, member_user):
    email = reply(thread, member_user, body="Hi <script>alert(1)</script>").email
    assert "<script>" not in parsed(email).get_body(("html",)).get_content()


def test_a_reply_to_a_reply_chains_the_references(thread, member_user):
    first = reply(thread, member_user).email
    second = reply(thread, member_user, body="And the receipt.").email
    assert second.in_reply_to == first.message_id
    assert second.references.split() == [CUSTOMER_ID, first.message_id]


def test_references_keep_the_first_id_and_the_latest_ones():
    previous = Email(message_id="last@x", references=" ".join(f"id{n}@x" for n in range(30)))
    ids = _references(previous)
    assert len(ids) == REFERENCES_MAX
    assert (ids[0], ids[-2], ids[-1]) == ("id0@x", "id29@x", "last@x")


def test_an_existing_re_is_kept_once(board, address, member_user, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(title="RE: your offer")
    ticket.refresh_from_db()
    assert reply(ticket, member_user).email.subject == f"RE: your offer [{ticket.reference}]"


def test_a_ticket_without_mail_replies_from_the_boards_first_active_address(
    board, address, member_user, ticket
):
    SupportAddress.objects.create(board=board, address="zz@example.com", active=True)
    email = reply(ticket, member_user).email
    assert email.address == address
    assert (email.in_reply_to, email.references) == ("", "")
    assert "In-Reply-To" not in parsed(email)


def test_the_reply_comes_from_the_address_the_customer_wrote_to(board, address, member_user):
    other = SupportAddress.objects.create(board=board, address="billing@example.com")
    ticket = mail_receive(mail(to="billing@example.com")).ticket
    assert reply(ticket, member_user).email.address == other


def test_the_board_name_is_the_from_name_when_the_address_has_none(board, member_user, ticket):
    SupportAddress.objects.create(board=board, address="help@example.com")
    sender = parsed(reply(ticket, member_user).email)["From"].addresses[0]
    assert sender.display_name == board.name


def test_a_guest_cannot_reply(thread, guest_user):
    with pytest.raises(PermissionRefused):
        reply(thread, guest_user)
    assert not Email.objects.filter(direction="out").exists()


def test_an_outsider_cannot_reply(thread, outsider_user):
    with pytest.raises(PermissionRefused):
        reply(thread, outsider_user)


def test_a_ticket_without_customer_email_cannot_be_replied_to(address, ticket, member_user):
    Ticket.objects.filter(pk=ticket.pk).update(customer_email="")
    with pytest.raises(InvalidInput) as refused:
        reply(ticket, member_user)
    assert "customer_email" in refused.value.fields
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_board_without_support_address_cannot_reply(ticket, member_user):
    with pytest.raises(InvalidInput, match="support address"):
        reply(ticket, member_user)


def test_invalid_cc_addresses_are_field_errors(thread, member_user):
    with pytest.raises(InvalidInput) as refused:
        reply(thread, member_user, cc=["not an address", "ok@example.org"])
    assert "cc" in refused.value.fields
    assert not Message.objects.filter(ticket=thread, public=True, author=member_user).exists()


def test_a_support_address_in_copy_is_refused(thread, member_user):
    with pytest.raises(InvalidInput):
        reply(thread, member_user, cc=["support@example.com"])


def test_an_empty_reply_is_refused(thread, member_user):
    with pytest.raises(InvalidInput):
        reply(thread, member_user, body="   ")


def test_after_commit_the_task_sends_the_stored_bytes_once(
    thread, member_user, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = reply(thread, member_user).email

    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 1)
    assert email.sent_at is not None
    (sent,) = django_mail.outbox
    assert sent.message().as_bytes() == bytes(email.raw)
    assert sent.recipients() == ["dana@fbi.example"]
    assert sent.from_email == "Support@Example.com"  # the envelope: the bare address
    assert email_send(email_id=email.pk) == "sent"  # again: nothing sent
    assert len(django_mail.outbox) == 1


def test_nothing_is_sent_for_a_reply_that_rolls_back(
    thread, member_user, celery_eager, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvalidInput),
    ):
        reply(thread, member_user, cc=["bad"])
    assert (callbacks, django_mail.outbox) == ([], [])


def _failing(error):
    return mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=error
    )


def test_a_temporary_error_counts_an_attempt_and_is_raised(thread, member_user):
    email = reply(thread, member_user).email
    with _failing(SMTPServerDisconnected("gone")), pytest.raises(SMTPServerDisconnected):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("queued", 1)
    assert "gone" in email.error
    assert email_send(email_id=email.pk) == "sent"  # the retry
    assert len(django_mail.outbox) == 1


def test_a_temporary_error_on_the_last_attempt_fails_the_email(thread, member_user):
    email = reply(thread, member_user).email
    with _failing(OSError("refused")):
        assert email_send(email_id=email.pk, last_attempt=True) == "failed"
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", 1)


def test_the_task_retries_then_fails_the_email_after_its_last_attempt(thread, member_user):
    email = reply(thread, member_user).email
    with _failing(SMTPServerDisconnected("gone")):
        # Run eagerly, each retry runs at once, up to the last.
        assert email_send_task.apply(args=(email.pk,), throw=False).get() == "failed"
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", email_send_task.max_retries + 1)


@pytest.mark.parametrize(
    "error",
    [
        SMTPRecipientsRefused({"dana@fbi.example": (550, b"No such user")}),
        SMTPDataError(554, b"Rejected as spam"),
    ],
)
def test_a_permanent_refusal_fails_the_email_at_once(thread, member_user, error):
    email = reply(thread, member_user).email
    with _failing(error):
        assert email_send(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", 1)


def test_a_temporary_refusal_of_every_recipient_is_retried(thread, member_user):
    email = reply(thread, member_user).email
    error = SMTPRecipientsRefused({"dana@fbi.example": (451, b"Try later")})
    with _failing(error), pytest.raises(SMTPRecipientsRefused):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == "queued"


def test_the_customers_answer_to_a_reply_lands_on_the_same_ticket(thread, member_user):
    sent = reply(thread, member_user).email
    email_send(email_id=sent.pk)
    # Their mail client quotes our headers back; the subject alone would not do (a new id).
    answer = mail(
        subject="Re: something else entirely",
        In_Reply_To=f"<{sent.message_id}>",
        References=f"<{CUSTOMER_ID}> <{sent.message_id}>",
    )
    received = mail_receive(answer)
    assert received.outcome == "reply"
    assert received.ticket == thread
    follow_up = reply(thread, member_user, body="Glad it helped.").email
    assert follow_up.in_reply_to == received.email.message_id
    assert follow_up.references.split() == [CUSTOMER_ID, sent.message_id, received.email.message_id]


def test_a_queued_email_never_tried_is_enqueued_again_later(thread, member_user):
    from datetime import timedelta

    from django.utils import timezone

    email = reply(thread, member_user).email
    later = timezone.now() + timedelta(minutes=11)
    with mock.patch("mail.tasks.email_send_task.delay") as delay:
        assert email_resend_queued(now=timezone.now()) == []
        assert email_resend_queued(now=later) == [email.pk]
    email_send(email_id=email.pk)
    assert email_resend_queued(now=later) == []
    assert delay.call_count <= 1
