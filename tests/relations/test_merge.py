"""relations.services.ticket_merge: the conversation moves, the old number redirects, mail to the
old thread lands on the target, metrics count the merged ticket once."""

from datetime import date, timedelta

import pytest

from csboard.core.exceptions import ApplicationError
from mail.models import Email
from mail.outbound import reply_send
from mail.services import mail_receive
from metrics.selectors import Period, cumulative_flow, key_figures
from notifications.models import Notification
from relations.models import TicketLink
from relations.services import ticket_merge
from tests.factories import TicketFactory
from tests.mail.test_receive import mail
from tickets.models import Activity, Ticket
from tickets.services import ticket_create, ticket_restore
from workspace import services as workspace
from workspace.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(board, member_user, admin_user, address):
    """A customer's ticket opened by mail (the source) and the ticket to keep (the target),
    assigned to the admin."""
    source = mail_receive(mail(subject="Invoice missing", sender="Dana <dana@fbi.example>")).ticket
    target = ticket_create(
        board=board, created_by=member_user, title="Invoices", assignees=[admin_user],
        customer_email="dana@fbi.example", customer_name="Dana",
    )  # fmt: skip
    return source, target


def test_a_merge_moves_the_conversation_notes_and_files_to_the_target(pair, board, member_user):
    source, target = pair
    workspace.message_post(board=board, ticket=source, by=member_user, body="A note")
    reply_send(ticket=source, by=member_user, body="We are on it")

    ticket_merge(source=source, target=target, by=member_user)

    assert not Message.objects.filter(ticket=source).exists()
    bodies = list(Message.objects.filter(ticket=target).values_list("body", flat=True))
    assert bodies == ["Hello, my invoice for March never arrived.", "A note", "We are on it"]
    assert not Email.objects.filter(ticket=source).exists()
    assert Email.objects.filter(ticket=target).count() == 2


def test_the_source_is_archived_with_a_link_and_history_on_both(pair, member_user):
    source, target = pair
    ticket_merge(source=source, target=target, by=member_user)

    source = Ticket.all_objects.get(pk=source.pk)
    assert source.merged_into == target
    assert source.archived_at is not None
    assert not Ticket.objects.filter(pk=source.pk).exists()  # off the board
    said = {a.ticket_id: a.summary for a in Activity.objects.filter(kind=Activity.Kind.MERGED)}
    assert said == {
        source.pk: f"merged this ticket into {target.reference}",
        target.pk: f"merged {source.reference} into this ticket",
    }


def test_the_targets_assignees_are_told(pair, member_user, admin_user):
    source, target = pair
    ticket_merge(source=source, target=target, by=member_user)

    (told,) = Notification.objects.filter(ticket=target, title__contains="was merged into")
    assert told.recipient == admin_user


def test_a_customer_reply_to_the_old_thread_lands_on_the_target_not_a_new_ticket(pair, member_user):
    source, target = pair
    sent = reply_send(ticket=source, by=member_user, body="Which invoice?").email
    ticket_merge(source=source, target=target, by=member_user)
    tickets_before = Ticket.all_objects.count()

    answer = mail(
        subject=f"Re: Invoice missing [{source.reference}]",
        sender="Dana <dana@fbi.example>",
        body="The March one.",
        In_Reply_To=sent.message_id,
        References=sent.message_id,
    )
    received = mail_receive(answer)

    assert received.outcome == "reply"
    assert received.ticket == target
    assert Ticket.all_objects.count() == tickets_before
    assert Message.objects.filter(ticket=target, body="The March one.").exists()


def test_a_reply_naming_only_the_old_reference_in_its_subject_lands_on_the_target(
    pair, member_user
):
    source, target = pair
    ticket_merge(source=source, target=target, by=member_user)

    received = mail_receive(
        mail(subject=f"About [{source.reference}]", sender="dana@fbi.example", body="Still here")
    )

    assert (received.outcome, received.ticket) == ("reply", target)


def test_a_stranger_naming_the_old_reference_still_opens_a_ticket_of_their_own(pair, member_user):
    source, target = pair
    ticket_merge(source=source, target=target, by=member_user)

    received = mail_receive(
        mail(subject=f"Re: [{source.reference}]", sender="eve@evil.example", body="Let me in")
    )

    assert received.outcome == "ticket"
    assert received.ticket not in (source, target)


def test_a_ticket_merged_into_a_merged_ticket_leads_to_the_last_one(board, member_user, pair):
    source, target = pair
    third = TicketFactory(board=board, created_by=member_user)
    ticket_merge(source=source, target=target, by=member_user)
    ticket_merge(source=Ticket.objects.get(pk=target.pk), target=third, by=member_user)

    assert Ticket.all_objects.get(pk=source.pk).merged_into == third


def test_only_a_ticket_of_the_same_board_and_not_itself_is_merged_into(pair, member_user):
    source, _target = pair
    elsewhere = TicketFactory()
    for other in (elsewhere, source):
        with pytest.raises(ApplicationError) as refused:
            ticket_merge(source=source, target=other, by=member_user)
        assert refused.value.status_code == 400
    assert Ticket.objects.filter(pk=source.pk).exists()  # nothing written


def test_a_guest_may_not_merge(pair, guest_user):
    source, target = pair
    with pytest.raises(ApplicationError) as refused:
        ticket_merge(source=source, target=target, by=guest_user)
    assert refused.value.status_code == 403
    assert Ticket.objects.filter(pk=source.pk).exists()


def test_a_merged_ticket_cannot_be_restored_from_the_archive(pair, member_user):
    source, target = pair
    ticket_merge(source=source, target=target, by=member_user)

    with pytest.raises(ApplicationError) as refused:
        ticket_restore(ticket=Ticket.all_objects.get(pk=source.pk), by=member_user)
    assert refused.value.status_code == 409


def test_links_of_the_source_move_to_the_target_without_a_self_link(board, pair, member_user):
    source, target = pair
    other = TicketFactory(board=board, created_by=member_user)
    TicketLink.objects.create(from_ticket=source, to_ticket=other, kind="relates")
    TicketLink.objects.create(from_ticket=target, to_ticket=source, kind="duplicates")

    ticket_merge(source=source, target=target, by=member_user)

    links = list(TicketLink.objects.values_list("from_ticket", "to_ticket"))
    assert links == [(target.pk, other.pk)]


def test_metrics_count_a_merged_ticket_once(board, pair, member_user):
    source, target = pair
    period = Period.of(board, date.today() - timedelta(days=1), date.today())
    before = key_figures(board, period)["created"]
    flow_before = sum(cumulative_flow(board, period)["rows"][-1]["counts"])

    ticket_merge(source=source, target=target, by=member_user)

    assert key_figures(board, period)["created"] == before - 1
    assert sum(cumulative_flow(board, period)["rows"][-1]["counts"]) == flow_before - 1


def test_the_old_numbers_page_panel_and_api_redirect_to_the_target(
    pair, board, member_user, client_as, api_as
):
    source, target = pair
    ticket_merge(source=source, target=target, by=member_user)
    client = client_as("guest")

    page = client.get(f"/boards/{board.pk}/tickets/{source.number}/?x=1")
    assert page.status_code == 301
    assert page["Location"] == f"/boards/{board.pk}/tickets/{target.number}/?x=1"
    panel = client.get(f"/boards/{board.pk}/tickets/{source.number}/panel/")
    assert panel["Location"] == f"/boards/{board.pk}/tickets/{target.number}/panel/"
    api = api_as("guest")
    answer = api.get(f"/api/boards/{board.pk}/tickets/{source.number}/messages/")
    assert answer.status_code == 301
    assert answer["Location"] == f"/api/boards/{board.pk}/tickets/{target.number}/messages/"
    assert answer.json()["number"] == target.number
    row = api.get(f"/api/boards/{board.pk}/tickets/{source.number}/").json()
    assert row["merged_into"] == target.number  # the ticket itself, archived, says where
    # Writes to the old number are not redirected: they are refused, saying where it went.
    note = api_as("member").post(
        f"/api/boards/{board.pk}/tickets/{source.number}/comments/", {"body": "x"}, format="json"
    )
    assert note.status_code == 404


def test_an_outsider_gets_no_redirect_that_would_tell_the_ticket_exists(
    pair, board, member_user, client_as
):
    source, target = pair
    ticket_merge(source=source, target=target, by=member_user)

    page = client_as("outsider").get(f"/boards/{board.pk}/tickets/{source.number}/")
    assert page.status_code == 404


def test_merging_from_the_page_leads_to_the_target_with_a_note_of_the_merged_one(
    pair, board, client_as
):
    source, target = pair
    client = client_as("member")
    chooser = client.get(f"/boards/{board.pk}/tickets/{source.number}/merge/?q=Invoices")
    assert target.reference in chooser.content.decode()

    done = client.post(
        f"/boards/{board.pk}/tickets/{source.number}/merge/", {"target": target.number}
    )

    assert done["Location"] == target.get_absolute_url()
    page = client.get(done["Location"]).content.decode()
    assert f"Merged into this ticket: <strong>{source.reference}</strong>" in page
    assert f"{source.reference} was merged into {target.reference}." in page


def test_the_merge_page_is_refused_to_a_guest(pair, board, client_as):
    source, _ = pair
    assert (
        client_as("guest").get(f"/boards/{board.pk}/tickets/{source.number}/merge/").status_code
        == 403
    )


def test_links_are_shown_on_both_tickets_only_where_both_ends_are_seen(
    board, member_user, client_as, api_as
):
    from boards.services import board_create

    here = TicketFactory(board=board, created_by=member_user, title="Here")
    blocker = TicketFactory(board=board, created_by=member_user, title="Blocker")
    hidden_board = board_create(name="Hidden", key="HID", created_by=member_user)
    hidden = TicketFactory(board=hidden_board, created_by=member_user, title="Hidden one")
    api = api_as("member")
    url = f"/api/boards/{board.pk}/tickets/{here.number}/links/"
    assert (
        api.post(
            url, {"kind": "blocked_by", "reference": blocker.reference}, format="json"
        ).status_code
        == 201
    )
    assert (
        api.post(url, {"kind": "relates", "reference": hidden.reference}, format="json").status_code
        == 201
    )
    again = api.post(url, {"kind": "relates", "reference": here.reference}, format="json")
    assert again.status_code == 400  # not to itself
    back = f"/api/boards/{board.pk}/tickets/{blocker.number}/links/"
    twice = api.post(back, {"kind": "relates", "reference": here.reference}, format="json")
    assert twice.status_code == 409  # one link between two tickets, whichever way

    blocker_page = client_as("guest").get(blocker.get_absolute_url()).content.decode()
    assert "Blocks" in blocker_page
    assert here.reference in blocker_page
    here_page = client_as("guest").get(here.get_absolute_url()).content.decode()
    assert "Is blocked by" in here_page
    assert hidden.reference not in here_page  # the guest cannot see the other board


def test_the_ticket_page_reads_a_fixed_number_of_queries_however_many_links(
    board, member_user, client_as, django_assert_max_num_queries
):
    from relations.models import TicketLink

    here = TicketFactory(board=board, created_by=member_user)
    client = client_as("member")

    def link(n):
        for _ in range(n):
            TicketLink.objects.create(
                from_ticket=here, to_ticket=TicketFactory(board=board), kind="relates"
            )

    link(1)
    with django_assert_max_num_queries(1000) as one:
        client.get(here.get_absolute_url())
    link(10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(here.get_absolute_url())
    assert page.content.decode().count("ticket-links__item") == 11


def test_the_sources_followers_follow_the_target(pair, board, member_user, admin_user, guest_user):
    from tickets.models import Follower
    from tickets.services import ticket_follow

    source, target = pair
    ticket_follow(ticket=source, user=guest_user)
    ticket_follow(ticket=source, user=admin_user)  # follows the target already (its assignee)

    ticket_merge(source=source, target=target, by=member_user)

    assert not Follower.objects.filter(ticket=source).exists()
    followers = set(Follower.objects.filter(ticket=target).values_list("user_id", flat=True))
    assert {guest_user.pk, admin_user.pk, member_user.pk} <= followers
    assert Follower.objects.filter(ticket=target, user=admin_user).count() == 1
