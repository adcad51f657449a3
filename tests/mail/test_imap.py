"""mail.imap: a poll of a real IMAP server (the private Dovecot of tests/mail_servers.py) turns
each unread message into a ticket once, marks it only once it is received, and loses nothing
to a failed receive, a dropped connection or a crash between the two."""

import socket

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.module_loading import import_string

from mail import imap
from mail.imap import mailbox_poll, mailboxes_poll
from mail.models import Email, SupportAddress
from mail.secrets import secret_encrypt
from mail.services import mail_receive
from mail.tasks import mailboxes_poll_task
from tests.mail.test_receive import mail
from tickets.models import Ticket

SEEN = "\\Seen"


@pytest.fixture
def address(board, mailbox, settings):
    """The board's support address, polling the Dovecot over IMAPS, its certificate verified."""
    settings.MAIL_IMAP_CAFILE = mailbox.cafile
    return SupportAddress.objects.create(
        board=board,
        address="support@example.com",
        imap_host=mailbox.host,
        imap_port=mailbox.ssl_port,
        imap_security=SupportAddress.Security.SSL,
        imap_username=mailbox.username,
        imap_password=secret_encrypt(mailbox.password),
    )


def deliver(mailbox, count: int, **headers) -> list[int]:
    return [mailbox.deliver(mail(f"Question {n}", **headers)) for n in range(1, count + 1)]


def tickets(board) -> list[str]:
    return sorted(Ticket.objects.filter(board=board).values_list("title", flat=True))


def test_a_poll_makes_a_ticket_of_each_unread_message_and_marks_it_read(address, board, mailbox):
    deliver(mailbox, 3)

    result = mailbox_poll(address)

    assert (result.fetched, result.received, result.duplicates, result.failed) == (3, 3, 0, 0)
    assert tickets(board) == ["Question 1", "Question 2", "Question 3"]
    assert all(SEEN in message.flags for message in mailbox.messages())
    address.refresh_from_db()
    assert address.last_polled_at is not None
    assert address.last_error == ""


def test_a_second_poll_finds_nothing_more(address, board, mailbox):
    deliver(mailbox, 3)
    mailbox_poll(address)

    again = mailbox_poll(address)

    assert (again.fetched, again.received) == (0, 0)
    assert Ticket.objects.filter(board=board).count() == 3


def test_read_mail_is_left_alone(address, board, mailbox):
    mailbox.deliver(mail("Read already"), flags=(SEEN,))
    deliver(mailbox, 1)

    assert mailbox_poll(address).received == 1
    assert tickets(board) == ["Question 1"]


def test_with_a_done_folder_received_mail_is_moved_there_read(address, board, mailbox):
    address.imap_done_folder = "Done by CS Board"
    deliver(mailbox, 3)

    result = mailbox_poll(address)

    assert result.received == 3
    assert mailbox.messages() == []
    moved = mailbox.messages("Done by CS Board")
    assert len(moved) == 3
    assert all(SEEN in message.flags for message in moved)


def test_without_move_the_server_is_asked_to_copy_and_expunge(address, board, mailbox, monkeypatch):
    connect = imap.imap_connect

    def without_move(address):
        conn = connect(address)
        conn.capabilities = tuple(each for each in conn.capabilities if each != "MOVE")
        return conn

    monkeypatch.setattr(imap, "imap_connect", without_move)
    address.imap_done_folder = "Done"
    deliver(mailbox, 2)

    assert mailbox_poll(address).received == 2
    assert mailbox.messages() == []
    assert len(mailbox.messages("Done")) == 2


def test_a_done_folder_the_server_refuses_holds_back_no_message_and_is_said(
    address, board, mailbox
):
    # Given a done folder the user may read but not put mail into, and three unread messages
    mailbox.set_rights("Done", "lrswtekxa")  # all but "i" (insert)
    address.imap_done_folder = "Done"
    deliver(mailbox, 3)

    # When a poll runs, and another after it
    first = mailbox_poll(address)
    address.refresh_from_db()
    last_error = address.last_error
    second = mailbox_poll(address)

    # Then every message became a ticket in the first poll, read where it was, the refusal said
    # for each; the second poll took nothing again
    assert (first.received, first.unmarked, first.error) == (3, 3, "")
    assert tickets(board) == ["Question 1", "Question 2", "Question 3"]
    assert mailbox.messages("Done") == []
    assert [SEEN in message.flags for message in mailbox.messages()] == [True] * 3
    assert last_error.count("received but not marked done: MOVE") == 3
    assert "NOPERM" in last_error
    assert (second.fetched, second.received, second.unmarked) == (0, 0, 0)
    assert Email.objects.filter(board=board).count() == 3


def test_a_message_the_server_refuses_to_mark_is_taken_again_only_as_a_duplicate(
    address, board, mailbox, monkeypatch
):
    # Given three unread messages, the server refusing to mark the second read (every time)
    refused = deliver(mailbox, 3)[1]
    connect = imap.imap_connect

    def refusing(address):
        conn = connect(address)
        uid = conn.uid

        def command(name, *args):
            if name == "STORE" and args[0] == str(refused):
                return "NO", [b"[SERVERBUG] refused for the test"]
            return uid(name, *args)

        conn.uid = command
        return conn

    monkeypatch.setattr(imap, "imap_connect", refusing)

    # When two polls run
    first = mailbox_poll(address)
    second = mailbox_poll(address)

    # Then the first made the three tickets, the second only found the refused one again: no
    # second ticket, and said again
    assert (first.received, first.unmarked) == (3, 1)
    assert (second.fetched, second.duplicates, second.unmarked) == (1, 1, 1)
    assert Ticket.objects.filter(board=board).count() == 3
    address.refresh_from_db()
    assert f"message UID {refused} received but not marked done: STORE" in address.last_error


def failing_for(subject: str):
    def receive(raw, **kwargs):
        if f"Subject: {subject}".encode() in raw:
            raise RuntimeError("the database went away")
        return mail_receive(raw, **kwargs)

    return receive


def test_a_message_whose_receive_fails_stays_unread_and_the_others_go_through(
    address, board, mailbox, monkeypatch
):
    deliver(mailbox, 3)
    monkeypatch.setattr(imap, "mail_receive", failing_for("Question 2"))

    result = mailbox_poll(address)

    assert (result.received, result.failed) == (2, 1)
    assert tickets(board) == ["Question 1", "Question 3"]
    (unread,) = mailbox.messages(unseen_only=True)
    assert b"Subject: Question 2" in unread.raw
    address.refresh_from_db()
    assert "could not be received" in address.last_error

    monkeypatch.setattr(imap, "mail_receive", mail_receive)  # the database is back
    assert mailbox_poll(address).received == 1
    assert tickets(board) == ["Question 1", "Question 2", "Question 3"]


# Each receive commits for real here, as in production: no test transaction around the poll.
@pytest.mark.django_db(transaction=True)
def test_a_poll_cut_off_half_way_loses_nothing_and_the_next_makes_no_duplicate(
    address, board, mailbox, monkeypatch
):
    """The connection drops right after the 2nd message is received, before it is marked: the
    1st is marked, the 2nd received but unread, the 3rd untouched."""
    deliver(mailbox, 3)
    opened = []
    connect = imap.imap_connect

    def remember(address):
        opened.append(connect(address))
        return opened[-1]

    calls = []

    def receive_then_drop(raw, **kwargs):
        received = mail_receive(raw, **kwargs)
        calls.append(received)
        if len(calls) == 2:
            opened[-1].sock.shutdown(socket.SHUT_RDWR)
        return received

    monkeypatch.setattr(imap, "imap_connect", remember)
    monkeypatch.setattr(imap, "mail_receive", receive_then_drop)

    cut = mailbox_poll(address)

    assert (cut.fetched, cut.received) == (2, 2)
    assert cut.error
    assert tickets(board) == ["Question 1", "Question 2"]
    assert len(mailbox.messages(unseen_only=True)) == 2
    address.refresh_from_db()
    assert address.last_error.startswith(cut.error.split(":")[0])

    monkeypatch.setattr(imap, "mail_receive", mail_receive)
    after = mailbox_poll(address)

    assert (after.fetched, after.received, after.duplicates) == (2, 1, 1)
    assert tickets(board) == ["Question 1", "Question 2", "Question 3"]
    assert Email.objects.filter(board=board).count() == 3
    assert mailbox.messages(unseen_only=True) == []
    address.refresh_from_db()
    assert address.last_error == ""


def test_starttls_is_verified_too(address, board, mailbox):
    address.imap_security, address.imap_port = SupportAddress.Security.STARTTLS, mailbox.port
    deliver(mailbox, 1)

    assert mailbox_poll(address).received == 1


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_a_certificate_nobody_vouches_for_is_refused(address, mailbox, settings, security):
    settings.MAIL_IMAP_CAFILE = ""
    address.imap_security = security
    address.imap_port = mailbox.ssl_port if security == "ssl" else mailbox.port
    deliver(mailbox, 1)

    result = mailbox_poll(address)

    assert "CERTIFICATE_VERIFY_FAILED" in result.error
    assert result.fetched == 0
    assert len(mailbox.messages(unseen_only=True)) == 1


def test_a_wrong_password_is_recorded_and_the_beat_goes_on(address, board, mailbox):
    address.imap_password = secret_encrypt("not the password")
    address.save()
    deliver(mailbox, 1)

    outcome = mailboxes_poll_task()

    assert "AUTHENTICATIONFAILED" in outcome[address.address]["error"]
    address.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in address.last_error
    assert address.last_polled_at is not None
    assert not Ticket.objects.filter(board=board).exists()


def test_a_folder_the_server_does_not_have_is_recorded(address, mailbox):
    address.imap_folder = "No such folder"

    result = mailbox_poll(address)

    assert "SELECT No such folder" in result.error
    address.refresh_from_db()
    assert "SELECT No such folder" in address.last_error


def test_the_password_may_come_from_an_environment_variable(address, board, mailbox, monkeypatch):
    monkeypatch.setenv("CSBOARD_TEST_IMAP_PASSWORD", mailbox.password)
    address.imap_password, address.imap_password_env = "", "CSBOARD_TEST_IMAP_PASSWORD"
    deliver(mailbox, 1)

    assert mailbox_poll(address).received == 1


def test_an_unset_environment_variable_is_recorded_as_the_error(address, mailbox, monkeypatch):
    monkeypatch.delenv("CSBOARD_TEST_IMAP_PASSWORD", raising=False)
    address.imap_password, address.imap_password_env = "", "CSBOARD_TEST_IMAP_PASSWORD"

    result = mailbox_poll(address)

    assert "CSBOARD_TEST_IMAP_PASSWORD" in result.error
    address.refresh_from_db()
    assert "is not set" in address.last_error


def test_a_message_over_the_size_limit_is_left_unread_and_said(address, board, mailbox, settings):
    settings.MAIL_MAX_BYTES = 4000
    mailbox.deliver(mail("Huge", body="x" * 10_000))
    deliver(mailbox, 1)

    result = mailbox_poll(address)

    assert (result.received, result.failed) == (1, 1)
    assert tickets(board) == ["Question 1"]
    (unread,) = mailbox.messages(unseen_only=True)
    assert b"Subject: Huge" in unread.raw
    address.refresh_from_db()
    assert "over MAIL_MAX_BYTES" in address.last_error


def test_a_poll_takes_at_most_a_batch_the_next_poll_the_rest(address, board, mailbox, settings):
    settings.MAIL_POLL_BATCH = 2
    deliver(mailbox, 3)

    assert mailbox_poll(address).received == 2
    assert mailbox_poll(address).received == 1
    assert Ticket.objects.filter(board=board).count() == 3


def test_a_mailbox_another_process_is_polling_is_skipped(address, board, mailbox):
    deliver(mailbox, 1)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [imap.LOCK_CLASS, address.pk])

        assert mailboxes_poll() == {address.address: None}
        assert len(mailbox.messages(unseen_only=True)) == 1
    finally:
        other.close()  # its lock goes with it

    assert mailboxes_poll()[address.address].received == 1


def test_the_beat_polls_only_active_addresses_with_a_mailbox(address, board, mailbox):
    SupportAddress.objects.create(board=board, address="webhook@example.com")
    address.active = False
    address.save()
    deliver(mailbox, 1)

    assert mailboxes_poll() == {}


def test_the_longest_unpolled_mailbox_is_polled_first(address, board, mailbox):
    SupportAddress.objects.filter(pk=address.pk).update(last_polled_at=timezone.now())
    SupportAddress.objects.create(
        **{
            field.name: getattr(address, field.name)
            for field in SupportAddress._meta.concrete_fields
            if field.name.startswith("imap_")
        },
        board=board,
        address="second@example.com",
    )

    assert list(mailboxes_poll()) == ["second@example.com", "support@example.com"]


def test_beat_polls_the_mailboxes_every_mail_poll_seconds_and_drops_a_stale_poll():
    entry = settings.CELERY_BEAT_SCHEDULE["mailboxes-poll"]

    assert import_string(entry["task"]).name == entry["task"]
    assert entry["schedule"] == settings.MAIL_POLL_SECONDS
    assert entry["options"]["expires"] == settings.MAIL_POLL_SECONDS
