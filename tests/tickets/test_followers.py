"""Following a ticket: who follows it from the start, who hears of its messages (its followers,
not the author, not someone who lost the board), and the follow button and API, for every role."""

import pytest
from django.urls import reverse

from boards.models import Role
from boards.services import membership_add, membership_remove
from notifications.models import Notification
from tests.factories import TicketFactory, UserFactory
from tickets.models import Follower
from tickets.selectors import ticket_followers
from tickets.services import ticket_follow, ticket_unfollow, ticket_update
from workspace.services import message_post, message_receive, message_reply

pytestmark = pytest.mark.django_db

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]


def followers(ticket) -> set[str]:
    return set(Follower.objects.filter(ticket=ticket).values_list("user__username", flat=True))


def told(user, kind=Notification.Kind.COMMENT) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_the_creator_and_the_assignees_follow_a_new_ticket(board, member_user, admin_user):
    ticket = TicketFactory(board=board, created_by=admin_user, assignees=[member_user])

    assert followers(ticket) == {"alice", "mia"}


def test_someone_assigned_later_follows_it_and_stays_after_unassignment(board, ticket, admin_user):
    ticket_update(ticket=ticket, by=admin_user, assignees=[admin_user])
    ticket_update(ticket=ticket, by=admin_user, assignees=[])

    assert followers(ticket) == {"mia", "alice"}


def test_following_twice_is_following_once(ticket, guest_user):
    assert ticket_follow(ticket=ticket, user=guest_user) is True
    assert ticket_follow(ticket=ticket, user=guest_user) is False

    assert Follower.objects.filter(ticket=ticket, user=guest_user).count() == 1


def test_unfollowing_stops_the_notifications(board, ticket, member_user, admin_user):
    ticket_unfollow(ticket=ticket, user=member_user)

    message_post(board=board, ticket=ticket, by=admin_user, body="Any news?")

    assert told(member_user) == 0


def test_a_message_tells_every_follower_but_its_author(
    board, ticket, member_user, guest_user, admin_user
):
    ticket_follow(ticket=ticket, user=guest_user)
    ticket_follow(ticket=ticket, user=admin_user)

    message_post(board=board, ticket=ticket, by=admin_user, body="Called them")

    assert (told(member_user), told(guest_user), told(admin_user)) == (1, 1, 0)


def test_a_reply_and_a_customers_mail_tell_the_followers(board, ticket, member_user, guest_user):
    ticket_follow(ticket=ticket, user=guest_user)

    message_reply(ticket=ticket, by=member_user, body="We are on it")
    message_receive(ticket=ticket, body="Thanks", sender_name="Dana", sender_email="d@x.io")

    assert told(guest_user) == 2
    assert told(member_user) == 1  # the customer's mail, not their own reply


def test_a_mentioned_follower_is_told_once(board, ticket, member_user, admin_user):
    message_post(board=board, ticket=ticket, by=admin_user, body="@mia look")

    assert told(member_user, Notification.Kind.MENTION) == 1
    assert told(member_user) == 0


def test_a_follower_who_left_the_board_hears_nothing_more(board, ticket, guest_user, admin_user):
    ticket_follow(ticket=ticket, user=guest_user)
    membership_remove(membership=board.memberships.get(user=guest_user), by=admin_user)

    message_post(board=board, ticket=ticket, by=admin_user, body="Private note")

    assert told(guest_user) == 0
    assert guest_user not in ticket_followers(ticket)


def test_the_follower_set_leaves_out_the_actor(ticket, member_user, admin_user):
    ticket_follow(ticket=ticket, user=admin_user)

    assert ticket_followers(ticket, exclude=admin_user) == [member_user]


# --- The button and the API ---------------------------------------------------------------------
def follow_url(ticket):
    return reverse("tickets:follow", args=[ticket.board_id, ticket.number])


def api_url(ticket):
    return f"/api/boards/{ticket.board_id}/tickets/{ticket.number}/follow/"


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 302), ("member", 302), ("guest", 302), ("outsider", 404), ("anonymous", 302)],
)
def test_who_may_follow_from_the_page(ticket, role, status, client_as, user_for):
    response = client_as(role).post(follow_url(ticket), {"follow": "1"})

    assert response.status_code == status
    user = user_for(role)
    followed = user is not None and Follower.objects.filter(ticket=ticket, user=user).exists()
    assert followed == (status == 302 and user is not None)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("admin", 200, 200),
        ("member", 200, 200),
        ("guest", 200, 200),
        ("outsider", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_who_may_follow_through_the_api(ticket, role, read, write, api_as):
    client = api_as(role)

    assert client.get(api_url(ticket)).status_code == read
    assert client.post(api_url(ticket)).status_code == write
    assert client.delete(api_url(ticket)).status_code == write


def test_the_api_says_whether_the_caller_follows(ticket, api_as):
    client = api_as("guest")

    assert client.get(api_url(ticket)).json() == {"following": False}
    assert client.post(api_url(ticket)).json() == {"following": True}
    assert client.post(api_url(ticket)).json() == {"following": True}
    assert client.delete(api_url(ticket)).json() == {"following": False}


def test_an_archived_ticket_cannot_be_followed(ticket, member_user, api_as):
    from tickets.services import ticket_archive

    ticket_archive(ticket=ticket, by=member_user)

    assert api_as("guest").post(api_url(ticket)).status_code == 404


def test_the_button_redraws_alone_for_htmx(ticket, client_as):
    response = client_as("guest").post(follow_url(ticket), {"follow": "1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="follow" value="0"' in html
    assert "Following" in html


def test_the_ticket_page_offers_to_follow_and_to_stop(ticket, client_as):
    page = reverse("tickets:detail", args=[ticket.board_id, ticket.number])
    client = client_as("guest")

    assert 'name="follow" value="1"' in client.get(page).content.decode()
    client.post(follow_url(ticket), {"follow": "1"})
    assert 'name="follow" value="0"' in client.get(page).content.decode()
    client.post(follow_url(ticket), {"follow": "0"})
    assert 'name="follow" value="1"' in client.get(page).content.decode()


def test_the_migration_made_the_assignees_and_creators_of_older_tickets_follow(board, member_user):
    """The backfill (tickets 0017) as the services do it: run again on a ticket without rows."""
    import importlib

    from django.apps import apps

    assignee = UserFactory(username="ann")
    membership_add(board=board, user=assignee, role=Role.MEMBER)
    ticket = TicketFactory(board=board, created_by=member_user, assignees=[assignee])
    Follower.objects.all().delete()
    migration = importlib.import_module("tickets.migrations.0017_ticket_followers")

    migration.follow_as_the_services_would(apps, None)

    assert followers(ticket) == {"mia", "ann"}
