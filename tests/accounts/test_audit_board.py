"""Role, membership and visibility changes land in the board's audit log, visible to admins."""

import pytest

from accounts.models import AuditEvent
from boards.models import Membership, Role, Visibility
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUDIT = "/api/boards/{}/audit/"


def _kinds(board):
    return list(AuditEvent.objects.filter(board=board).values_list("kind", flat=True))


def test_adding_a_member_is_audited_with_who_and_whom(board, api_as, admin_user):
    newcomer = UserFactory(username="nina")

    api_as("admin").post(
        f"/api/boards/{board.pk}/members/", {"user": "nina", "role": "member"}, format="json"
    )

    event = AuditEvent.objects.get(
        board=board, kind=AuditEvent.Kind.MEMBER_ADDED, target_user=newcomer
    )
    assert event.actor == admin_user
    assert event.data == {"role": "member"}


def test_a_role_change_is_audited_with_old_and_new_role(board, api_as, member_user):
    membership = Membership.objects.get(board=board, user=member_user)

    api_as("admin").patch(
        f"/api/boards/{board.pk}/members/{membership.pk}/", {"role": "admin"}, format="json"
    )

    event = AuditEvent.objects.get(board=board, kind=AuditEvent.Kind.ROLE_CHANGED)
    assert event.data == {"old": "member", "new": "admin"}


def test_removing_a_member_is_audited(board, client_as, guest_user):
    membership = Membership.objects.get(board=board, user=guest_user)

    client_as("admin").post(f"/boards/{board.pk}/members/{membership.pk}/delete/")

    assert AuditEvent.Kind.MEMBER_REMOVED in _kinds(board)


def test_a_visibility_change_is_audited(board, api_as):
    api_as("admin").patch(
        f"/api/boards/{board.pk}/", {"visibility": Visibility.SIGNED_IN}, format="json"
    )

    event = AuditEvent.objects.get(board=board, kind=AuditEvent.Kind.VISIBILITY_CHANGED)
    assert event.data == {"old": "private", "new": "signed_in"}


def test_a_refused_change_leaves_no_audit_event(board, api_as, admin_user):
    membership = Membership.objects.get(board=board, user=admin_user)

    response = api_as("admin").patch(
        f"/api/boards/{board.pk}/members/{membership.pk}/", {"role": "guest"}, format="json"
    )

    assert response.status_code == 409  # the last admin
    assert AuditEvent.Kind.ROLE_CHANGED not in _kinds(board)


def test_a_renamed_board_without_visibility_change_records_nothing(board, api_as):
    api_as("admin").patch(f"/api/boards/{board.pk}/", {"name": "Renamed"}, format="json")

    assert AuditEvent.Kind.VISIBILITY_CHANGED not in _kinds(board)


def test_the_audit_log_survives_the_board(board, api_as):
    api_as("admin").patch(f"/api/boards/{board.pk}/", {"visibility": "signed_in"}, format="json")

    api_as("admin").delete(f"/api/boards/{board.pk}/")

    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.VISIBILITY_CHANGED).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("member", 403), ("guest", 403), ("outsider", 404), ("anonymous", 401)],
)
def test_only_admins_read_the_audit_log_over_the_api(board, api_as, role, status):
    assert api_as(role).get(AUDIT.format(board.pk)).status_code == status


def test_the_audit_log_lists_the_boards_events_newest_first(board, api_as, member_user):
    membership = Membership.objects.get(board=board, user=member_user)
    client = api_as("admin")
    client.patch(
        f"/api/boards/{board.pk}/members/{membership.pk}/", {"role": "guest"}, format="json"
    )
    client.patch(f"/api/boards/{board.pk}/", {"visibility": "signed_in"}, format="json")

    results = client.get(AUDIT.format(board.pk)).json()["results"]

    assert [r["kind"] for r in results][:2] == ["visibility_changed", "role_changed"]
    assert results[1]["target_user"] == "mia"


def test_admins_see_the_audit_log_on_the_settings_page(board, client_as, member_user):
    membership = Membership.objects.get(board=board, user=member_user)
    client = client_as("admin")
    client.post(f"/boards/{board.pk}/members/{membership.pk}/", {"role": Role.GUEST})

    page = client.get(f"/boards/{board.pk}/settings/").content.decode()

    assert "Audit log" in page
    assert "Role changed" in page
