import pytest

from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notify(recipients, actor=None, **kwargs):
    return notify(
        recipients=recipients, kind=Notification.Kind.MENTION, title="Hi", actor=actor, **kwargs
    )


def test_notify_writes_one_notification_per_distinct_recipient():
    alice, bob = UserFactory(), UserFactory()

    _notify([alice, bob, alice])

    assert Notification.objects.filter(recipient=alice).count() == 1
    assert Notification.objects.filter(recipient=bob).count() == 1


def test_nobody_is_notified_of_their_own_action():
    alice = UserFactory()

    assert _notify([alice], actor=alice) == []


def test_a_notification_about_a_ticket_belongs_to_its_board(ticket, admin_user):
    (notification,) = _notify([admin_user], ticket=ticket)

    assert notification.board == ticket.board


def test_the_list_shows_only_the_callers_own_notifications(api_as, member_user, guest_user):
    _notify([member_user, guest_user])

    body = api_as("member").get("/api/notifications/").json()

    assert body["count"] == 1
    assert body["results"][0]["is_read"] is False


def test_unread_only_filters_read_ones_out(api_as, member_user):
    first, _ = _notify([member_user]) + _notify([member_user])
    api_as("member").post(f"/api/notifications/{first.pk}/read/")

    body = api_as("member").get("/api/notifications/?unread=true").json()

    assert body["count"] == 1


def test_marking_one_read_sets_read_at(api_as, member_user):
    (notification,) = _notify([member_user])

    response = api_as("member").post(f"/api/notifications/{notification.pk}/read/")

    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_cannot_be_marked_read(api_as, guest_user):
    (notification,) = _notify([guest_user])

    response = api_as("member").post(f"/api/notifications/{notification.pk}/read/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_clears_the_unread_count(api_as, member_user):
    _notify([member_user])
    _notify([member_user])
    client = api_as("member")

    client.post("/api/notifications/read-all/")

    assert client.get("/api/notifications/unread-count/").json() == {"unread": 0}


def test_the_unread_count_counts_unread_ones(api_as, member_user):
    _notify([member_user])
    _notify([member_user])

    assert api_as("member").get("/api/notifications/unread-count/").json() == {"unread": 2}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/notifications/"),
        ("get", "/api/notifications/unread-count/"),
        ("post", "/api/notifications/read-all/"),
        ("post", "/api/notifications/1/read/"),
    ],
)
def test_anonymous_callers_get_401(api_as, method, path):
    assert getattr(api_as("anonymous"), method)(path).status_code == 401
