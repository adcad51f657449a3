"""The optional acknowledgement of a new ticket: off by default; once on, one email to the
customer of each ticket their mail opens, in its thread, marked automatic, and never to
automatic mail or for a reply."""

from email import policy
from email.parser import BytesParser

import pytest

from mail.models import Email, MailSettings, SupportAddress
from mail.outbound import fill_in
from mail.parsing import parse
from mail.services import mail_receive, mail_settings_set
from tests.mail.test_receive import mail


@pytest.fixture
def address(board):
    return SupportAddress.objects.create(board=board, address="support@example.com", name="CS")


def _acks(board):
    return Email.objects.filter(board=board, direction=Email.Direction.OUTBOUND)


def test_no_acknowledgement_unless_the_board_asks_for_one(address, board):
    mail_receive(mail())

    assert not _acks(board).exists()


def test_a_new_ticket_is_acknowledged_once_in_its_thread_and_marked_automatic(
    address, board, admin_user
):
    mail_settings_set(board=board, by=admin_user, acknowledge=True)

    ticket = mail_receive(mail(message_id="<first@fbi.example>")).ticket
    mail_receive(mail("Re: Invoice missing", In_Reply_To="<first@fbi.example>"))  # a reply
    mail_receive(mail("Out of office", Auto_Submitted="auto-replied"))  # automatic

    (ack,) = _acks(board)
    raw = BytesParser(policy=policy.default).parsebytes(bytes(ack.raw))
    assert ack.ticket == ticket
    assert raw["In-Reply-To"] == "<first@fbi.example>"
    assert raw["Auto-Submitted"] == "auto-replied"
    assert raw["Subject"] == f"We have your request: Invoice missing [{ticket.reference}]"
    assert "Hello Dana Scully" in raw.get_body(preferencelist=("plain",)).get_content()
    assert parse(bytes(ack.raw)).is_auto  # our own parser would never answer it either
    ticket.refresh_from_db()
    assert ticket.first_response_at is None  # not the team's response


def test_the_template_fills_its_placeholders_and_nothing_else(address, board, ticket):
    template = "{name} {reference} {title} {board} {name.__class__} {0} {{x}}"

    filled = fill_in(template, ticket)

    assert filled == (
        f"Dana Scully {ticket.reference} Team discount? Customer Success "
        "{name.__class__} {0} {{x}}"
    )


def test_only_admins_change_the_mail_settings_and_the_page_saves_them(
    address, board, member_user, client_as
):
    from csboard.core.exceptions import PermissionRefused

    with pytest.raises(PermissionRefused):
        mail_settings_set(board=board, by=member_user, acknowledge=True)
    page = f"/boards/{board.pk}/settings/email/"
    data = {
        "acknowledge": "on", "acknowledge_subject": "Got it [{reference}]",
        "acknowledge_body": "Thanks!", "reopen_days": "7", "sender_hourly_limit": "5",
    }  # fmt: skip

    saved = client_as("admin").post(f"{page}save/", data, follow=True)
    refused = client_as("member").post(f"{page}save/", data)

    assert "Email settings saved." in saved.content.decode()
    assert refused.status_code == 403
    stored = MailSettings.objects.get(board=board)
    assert (stored.acknowledge, stored.reopen_days, stored.sender_hourly_limit) == (True, 7, 5)
