"""The notification centre page: open one, mark all read, and only ever the caller's own."""

import pytest

from notifications.models import Notification
from notifications.services import notify
from tests.pages import LOGIN

pytestmark = pytest.mark.django_db


def _notify(user, url="/boards/"):
    (notification,) = notify(
        recipients=[user], kind=Notification.Kind.MENTION, title="Mia mentioned you", url=url
    )
    return notification


def test_the_centre_lists_only_the_callers_own_notifications(client_as, member_user, guest_user):
    _notify(member_user)
    (theirs,) = notify(recipients=[guest_user], kind=Notification.Kind.MENTION, title="For Gus")

    response = client_as("member").get("/notifications/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mia mentioned you" in html
    assert "For Gus" not in html
    assert f"/notifications/{theirs.pk}/open/" not in html


def test_opening_a_notification_marks_it_read_and_goes_to_what_it_is_about(client_as, member_user):
    notification = _notify(member_user, url="/boards/7/tickets/3/#chat")

    response = client_as("member").post(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/boards/7/tickets/3/#chat"
    notification.refresh_from_db()
    assert notification.is_read


def test_opening_someone_elses_notification_is_a_404_and_leaves_it_unread(client_as, guest_user):
    notification = _notify(guest_user)

    response = client_as("member").post(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http:\\\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_a_notification_pointing_off_site_goes_back_to_the_centre(client_as, member_user, url):
    notification = _notify(member_user, url=url)

    response = client_as("member").post(f"/notifications/{notification.pk}/open/")

    assert response["Location"] == "/notifications/"
    notification.refresh_from_db()
    assert notification.is_read


def test_a_next_parameter_cannot_send_the_reader_off_site(client_as, member_user):
    notification = _notify(member_user, url="")

    response = client_as("member").post(
        f"/notifications/{notification.pk}/open/?next=https://evil.example/",
        {"next": "https://evil.example/"},
    )

    assert response["Location"] == "/notifications/"


def test_a_notification_is_opened_by_post_only(client_as, member_user):
    notification = _notify(member_user)

    response = client_as("member").get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 405
    notification.refresh_from_db()
    assert not notification.is_read


def test_mark_all_read_clears_only_the_callers_own_and_returns_to_the_centre(
    client_as, member_user, guest_user
):
    mine = [_notify(member_user), _notify(member_user)]
    theirs = _notify(guest_user)

    response = client_as("member").post("/notifications/read-all/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_the_mark_all_read_button_shows_only_while_something_is_unread(client_as, member_user):
    _notify(member_user)
    client = client_as("member")

    assert "Mark all read" in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    assert "Mark all read" not in client.get("/notifications/").content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/notifications/"),
        ("post", "/notifications/1/open/"),
        ("post", "/notifications/read-all/"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client_as, method, path):
    response = getattr(client_as("anonymous"), method)(path)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_centre_previews_a_markdown_body_as_its_plain_words(client_as, member_user):
    notify(
        recipients=[member_user], kind=Notification.Kind.MENTION, title="Mia mentioned you",
        body="**Urgent:** see [the invoice](https://example.com/i/42) and `ref-7` <em>now</em>",
    )  # fmt: skip

    html = client_as("member").get("/notifications/").content.decode()

    assert "Urgent: see the invoice and ref-7 now" in html
    assert "**" not in html
    assert "](https://example.com" not in html
    assert "&lt;em&gt;" not in html
