"""mail.services.mail_receive: a message opens a ticket or lands on one, once; automatic mail,
bounces, the board's own mail and a runaway sender open nothing; a stranger naming a ticket in a
subject opens a ticket of their own."""

import os
import subprocess
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from mail.models import Email, MailSettings, SupportAddress
from mail.parsing import parse
from mail.services import NoSupportAddress, mail_receive
from notifications.models import Notification
from tests.mail.test_parsing import CORPUS, corpus
from tests.threads import run_at_once
from tickets.models import Source, Status, Ticket
from tickets.services import ticket_move, ticket_update
from workspace.models import Attachment, Message

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def address(board):
    return SupportAddress.objects.create(board=board, address="Support@Example.com")


def mail(
    subject="Invoice missing",
    sender="Dana Scully <dana@fbi.example>",
    to="support@example.com",
    body="Hello, my invoice for March never arrived.",
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="fbi.example"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def test_a_new_message_opens_a_ticket_in_the_intake_column_for_its_sender(
    address, board, columns, admin_user, member_user, guest_user
):
    raw = mail()
    received = mail_receive(raw)

    ticket = received.ticket
    assert received.outcome == "ticket"
    assert (ticket.title, ticket.customer_email, ticket.customer_name) == (
        "Invoice missing", "dana@fbi.example", "Dana Scully",
    )  # fmt: skip
    assert ticket.source == Source.EMAIL
    assert ticket.column == columns[0]
    assert ticket.first_response_due_at is not None  # due by the SLA policy
    (message,) = Message.objects.filter(ticket=ticket)
    assert message.public
    assert message.author is None
    assert (message.sender_email, message.body) == (
        "dana@fbi.example", "Hello, my invoice for March never arrived.",
    )  # fmt: skip
    assert received.email.entry == message
    assert bytes(received.email.raw) == raw  # kept as it came
    told = set(Notification.objects.filter(kind="new_ticket").values_list("recipient", flat=True))
    assert told == {admin_user.pk, member_user.pk}  # the team, not the guest


def test_the_same_message_received_twice_is_stored_once(address, board):
    raw = mail()
    first = mail_receive(raw)
    again = mail_receive(raw)

    assert again.outcome == "duplicate"
    assert again.email == first.email
    assert Ticket.objects.filter(board=board).count() == 1
    assert Message.objects.filter(board=board).count() == 1


def test_a_message_without_a_message_id_fetched_twice_is_still_one(address, board):
    raw = mail()
    raw = b"\n".join(line for line in raw.split(b"\n") if not line.startswith(b"Message-ID:"))

    assert mail_receive(raw).outcome == "ticket"
    assert mail_receive(raw).outcome == "duplicate"
    assert Ticket.objects.filter(board=board).count() == 1


def test_a_reply_lands_on_its_ticket_by_in_reply_to_or_by_references_alone(address, board):
    first = mail_receive(mail(message_id="<first@fbi.example>")).ticket
    # Gmail's reply, then Outlook's, which rewrote In-Reply-To to an id of its own
    by_header = mail_receive(mail("Re: Invoice missing", In_Reply_To="<first@fbi.example>"))
    by_references = mail_receive(
        mail(
            "RE: Invoice missing",
            In_Reply_To="<AM0PR01MB1234@outlook.example>",
            References="<first@fbi.example> <AM0PR01MB1234@outlook.example>",
        )
    )

    assert (by_header.outcome, by_header.ticket) == ("reply", first)
    assert (by_references.outcome, by_references.ticket) == ("reply", first)
    assert Message.objects.filter(ticket=first).count() == 3


def test_a_subject_reference_lands_only_from_a_participant_of_that_ticket(address, board):
    ticket = mail_receive(mail()).ticket
    subject = f"Re: [{ticket.reference}] Invoice missing"

    from_customer = mail_receive(mail(subject))
    from_stranger = mail_receive(mail(subject, sender="Eve <eve@evil.example>"))

    assert from_customer.ticket == ticket
    # Zammad 5064: a stranger who knows a ticket's number does not post into it
    assert from_stranger.outcome == "ticket"
    assert from_stranger.ticket != ticket
    assert from_stranger.ticket.customer_email == "eve@evil.example"
    assert not Message.objects.filter(ticket=ticket, sender_email="eve@evil.example").exists()


def test_someone_copied_on_the_conversation_is_a_participant(address, board):
    ticket = mail_receive(mail(Cc="Fox <fox@fbi.example>")).ticket

    reply = mail_receive(mail(f"[{ticket.reference}] also", sender="fox@fbi.example"))

    assert reply.ticket == ticket


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"X_Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"X_Auto_Response_Suppress": "All"},
    ],
)
def test_automatic_mail_opens_nothing_and_is_kept(address, board, headers):
    received = mail_receive(mail("Out of office", **headers))

    assert received.outcome == "ignored"
    assert received.email.why == Email.Why.AUTO_REPLY
    assert received.ticket is None
    assert not Ticket.objects.filter(board=board).exists()


def test_auto_submitted_no_is_a_person_writing(address, board):
    assert mail_receive(mail(Auto_Submitted="no")).outcome == "ticket"


def test_a_bounce_opens_nothing_and_marks_the_message_it_answers(address, board):
    bounce = corpus("sisimai-bounce-dsn.eml")
    bounced_id = parse(bounce).bounced_message_id
    sent = Email.objects.create(
        board=board, direction=Email.Direction.OUTBOUND, state=Email.State.SENT,
        message_id=bounced_id, raw=b"",
    )  # fmt: skip

    received = mail_receive(bounce, address=address)

    assert (received.outcome, received.email.why) == ("ignored", Email.Why.BOUNCE)
    sent.refresh_from_db()
    assert sent.state == Email.State.BOUNCED
    assert sent.error


def test_mail_from_a_support_address_of_the_server_is_ignored(address, board):
    received = mail_receive(mail(sender="support@example.com"))

    assert (received.outcome, received.email.why) == ("ignored", Email.Why.OWN_ADDRESS)


def test_a_runaway_sender_is_stopped_by_the_hourly_limit(address, board):
    MailSettings.objects.create(board=board, sender_hourly_limit=2)

    outcomes = [mail_receive(mail(f"Loop {index}")).outcome for index in range(4)]

    assert outcomes == ["ticket", "ticket", "ignored", "ignored"]
    assert Email.objects.filter(why=Email.Why.RATE_LIMITED).count() == 2
    # another sender is not held back, and an hour later this one is heard again
    assert mail_receive(mail(sender="fox@fbi.example")).outcome == "ticket"
    later = timezone.now() + timedelta(hours=1, minutes=1)
    assert mail_receive(mail("Loop 5"), now=later).outcome == "ticket"


def test_a_reply_to_a_resolved_ticket_reopens_it_within_the_period_and_not_after(
    address, board, columns, member_user
):
    ticket = mail_receive(mail(message_id="<a@fbi.example>")).ticket
    done = next(column for column in columns if column.is_done)
    ticket_move(ticket=ticket, column=done, position=None, by=member_user)

    reopened = mail_receive(mail("Re: Invoice", In_Reply_To="<a@fbi.example>")).ticket

    assert reopened == ticket
    assert reopened.status == Status.IN_PROGRESS
    assert reopened.resolved_at is None
    assert not reopened.column.is_done
    ticket_update(ticket=reopened, by=member_user, status=Status.RESOLVED)
    late = timezone.now() + timedelta(days=15)  # the default period is 14 days
    follow_up = mail_receive(mail("Re: Invoice", In_Reply_To="<a@fbi.example>"), now=late)
    assert follow_up.outcome == "ticket"
    assert follow_up.ticket != ticket
    assert follow_up.ticket.description == f"Follow-up to {ticket.reference}."


def test_a_customers_reply_sets_a_ticket_waiting_on_them_going_again(address, board, member_user):
    ticket = mail_receive(mail(message_id="<w@fbi.example>")).ticket
    ticket_update(ticket=ticket, by=member_user, status=Status.WAITING)

    mail_receive(mail("Re: Invoice", In_Reply_To="<w@fbi.example>"))

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_attachments_are_kept_with_the_message_and_inline_images_keep_their_content_id(
    address, board, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "d@fbi.example", "support@example.com", "S"
    message.set_content("See the picture.")
    message.add_alternative('<p>See <img src="cid:pic1@fbi.example"></p>', subtype="html")
    message.get_payload()[1].add_related(
        b"\x89PNG\r\n\x1a\n" + b"0" * 50, "image", "png", cid="<pic1@fbi.example>"
    )
    message.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="../../q1.csv")
    message.add_attachment(b"x" * 5000, maintype="application", subtype="pdf", filename="big.pdf")

    received = mail_receive(message.as_bytes())

    files = {a.name: a for a in Attachment.objects.filter(ticket=received.ticket)}
    assert set(files) == {"q1.csv", *[name for name in files if name.endswith(".png")]}
    assert len(files) == 2
    image = next(a for a in files.values() if a.name.endswith(".png"))
    assert image.content_id == "pic1@fbi.example"
    assert all(a.message == received.email.entry for a in files.values())
    assert "“big.pdf”" in received.email.entry.body  # left out, and said so
    assert 'src="cid:pic1@fbi.example"' in received.email.html


def test_mail_to_no_board_is_refused_and_the_board_key_picks_one(address, board):
    with pytest.raises(NoSupportAddress):
        mail_receive(mail(to="sales@example.com"))

    assert mail_receive(mail(to="sales@example.com"), board_key=board.key.lower()).ticket


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.eml")))
def test_every_message_of_the_corpus_is_received_without_an_error_and_nothing_is_lost(
    name, address, board
):
    raw = corpus(name)
    parsed = parse(raw)

    received = mail_receive(raw, address=address)

    assert bytes(received.email.raw) == raw
    if parsed.is_auto:
        assert received.outcome == "ignored"
    else:
        assert received.outcome == "ticket"
        assert received.ticket.title  # "(No subject)" at least
        assert Message.objects.filter(ticket=received.ticket, public=True).count() == 1
        kept = Attachment.objects.filter(ticket=received.ticket).count()
        assert kept <= len(parsed.attachments)
        if kept < len(parsed.attachments):  # over a limit: named in the message
            assert "not kept" in received.email.entry.body


def _command(raw: bytes, *args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "mail_receive", *args],
        cwd=ROOT,
        input=raw,
        capture_output=True,
        env={**os.environ, **env},
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_the_mta_command_answers_in_sysexits(board):
    SupportAddress.objects.create(board=board, address="support@example.com")
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "csboard.settings.local",
        "EMAIL_URL": "memorymail://",
    }

    delivered = _command(mail(), **env)
    again = _command(mail(message_id="<x@y.example>"), **env)
    nobody = _command(mail(to="sales@example.com"), **env)
    empty = _command(b"", **env)
    down = _command(mail(), **{**env, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"})

    assert delivered.returncode == 0, delivered.stderr
    assert delivered.stdout.startswith(b"ticket CS-1: ")
    assert again.returncode == 0
    assert nobody.returncode == 67
    assert empty.returncode == 65
    assert down.returncode == 75  # the MTA keeps the message and tries again
    assert Ticket.objects.filter(board=board).count() == 2


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_the_same_message_received_by_two_workers_at_once_makes_one_ticket(board):
    """An IMAP poll and a webhook retry at the same moment: the unique Message-ID lets one in."""
    address = SupportAddress.objects.create(board=board, address="support@example.com")
    raw = mail()

    results, errors = run_at_once(4, lambda index: mail_receive(raw, address=address).outcome)

    assert errors == []
    assert sorted(results) == ["duplicate", "duplicate", "duplicate", "ticket"]
    assert Ticket.objects.filter(board=board).count() == 1
    assert Email.objects.filter(board=board).count() == 1


def test_the_ticket_page_shows_a_customers_mail_as_theirs_escaped(address, board, client_as):
    hostile = '<img src=x onerror="alert(1)">'
    ticket = mail_receive(
        mail(f"Help {hostile}", sender=f'"Eve {hostile}" <eve@evil.example>', body=hostile)
    ).ticket

    html = client_as("member").get(f"/boards/{board.pk}/tickets/{ticket.number}/").content.decode()

    assert "Customer · email" in html
    assert "<img src=x" not in html
    assert 'onerror="alert' not in html
    # (the quotes inside the quoted name end it early: what is left of the name is escaped)
    assert "<strong>Eve &lt;img src=x onerror=alert &gt;</strong>" in html
