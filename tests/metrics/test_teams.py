"""Teams: board admins make them of the people on the boards they administer, and manage the
ones they made; nobody else sees them. Each page and endpoint as a permission matrix."""

import pytest

from boards.models import Role
from boards.services import membership_add
from csboard.core.exceptions import InvalidInput, PermissionRefused
from feedback.models import FeedbackSettings
from metrics.models import Team
from metrics.services import team_create, team_delete, team_update
from tests.factories import UserFactory

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]


def expect(admin, member, guest, outsider, anonymous=302):
    return dict(zip(ROLES, [admin, member, guest, outsider, anonymous], strict=True))


@pytest.fixture
def team(admin_user, member_user, board):
    return team_create(by=admin_user, name="Tier 1", members=[member_user])


PAGES = [
    ("/metrics/", expect(200, 200, 200, 200)),
    ("/metrics/boards.csv", expect(200, 200, 200, 200)),
    ("/metrics/agents.csv", expect(200, 200, 200, 200)),
    ("/metrics/teams/", expect(200, 200, 200, 200)),
    ("/metrics/teams/{team}/", expect(200, 404, 404, 404)),
    ("/metrics/teams/{team}/edit/", expect(200, 404, 404, 404)),
    ("/boards/{board}/metrics/", expect(200, 200, 403, 404)),
]
API = [
    ("/api/metrics/", expect(200, 200, 200, 200, 401)),
    ("/api/boards/{board}/metrics/", expect(200, 200, 403, 404, 401)),
    ("/api/customers/", expect(200, 200, 200, 200, 401)),
]


@pytest.mark.parametrize(("path", "statuses"), PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_from_each_page(
    board, team, client_as, role, path, statuses
):
    response = client_as(role).get(path.format(board=board.pk, team=team.pk))

    assert response.status_code == statuses[role]


@pytest.mark.parametrize(("path", "statuses"), API)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_from_each_endpoint(
    board, team, api_as, role, path, statuses
):
    response = api_as(role).get(path.format(board=board.pk, team=team.pk))

    assert response.status_code == statuses[role]
    assert response["Content-Type"] == "application/json"


def test_a_guest_sees_a_boards_metrics_over_the_api_where_the_board_shares_them(board, api_as):
    FeedbackSettings.objects.create(board=board, guests_see_metrics=True)

    response = api_as("guest").get(f"/api/boards/{board.pk}/metrics/")

    assert response.status_code == 200
    assert response.json()["created"] == 0


def test_a_guest_on_a_board_that_hides_metrics_is_refused_with_the_reason(board, api_as):
    response = api_as("guest").get(f"/api/boards/{board.pk}/metrics/")

    assert response.status_code == 403
    assert "members only" in response.json()["detail"]


def test_a_guest_sees_no_board_in_the_company_view_even_where_metrics_are_shared(board, client_as):
    FeedbackSettings.objects.create(board=board, guests_see_metrics=True)

    response = client_as("guest").get("/metrics/")

    assert response.context["boards"] == []


def test_an_admin_makes_a_team_from_the_page(board, client_as, member_user):
    response = client_as("admin").post(
        "/metrics/teams/", {"name": "Tier 2", "members": [member_user.pk]}
    )

    team = Team.objects.get(name="Tier 2")
    assert response.status_code == 302
    assert response["Location"] == f"/metrics/teams/{team.pk}/"
    assert list(team.members.all()) == [member_user]


def test_someone_who_administers_no_board_may_not_make_a_team(board, member_user):
    with pytest.raises(PermissionRefused):
        team_create(by=member_user, name="Mine", members=[])
    assert not Team.objects.exists()


def test_the_page_refuses_a_team_from_someone_who_administers_no_board(board, client_as):
    response = client_as("member").post("/metrics/teams/", {"name": "Mine"})

    assert response.status_code == 403
    assert "you administer no board" in response.content.decode()
    assert not Team.objects.exists()


def test_a_team_holds_only_people_of_the_boards_its_manager_administers(
    board, admin_user, outsider_user, guest_user
):
    with pytest.raises(InvalidInput) as refused:
        team_create(by=admin_user, name="Odd", members=[outsider_user, guest_user])

    assert "Gus Guest, Olga Outsider" in refused.value.fields["members"][0]
    assert not Team.objects.exists()


def test_the_page_refuses_a_stranger_as_a_member(board, client_as, outsider_user):
    response = client_as("admin").post(
        "/metrics/teams/", {"name": "Odd", "members": [outsider_user.pk]}
    )

    assert response.status_code == 400
    assert not Team.objects.exists()


def test_a_team_needs_a_name(board, client_as):
    response = client_as("admin").post("/metrics/teams/", {"name": "  "})

    assert response.status_code == 400
    assert not Team.objects.exists()


def test_the_manager_renames_and_changes_the_team(team, client_as, admin_user):
    response = client_as("admin").post(
        f"/metrics/teams/{team.pk}/edit/", {"name": "Tier one", "members": [admin_user.pk]}
    )

    team.refresh_from_db()
    assert response.status_code == 302
    assert team.name == "Tier one"
    assert list(team.members.all()) == [admin_user]


def test_another_admin_may_neither_change_nor_delete_the_team(team, board):
    other = UserFactory(username="oscar")
    membership_add(board=board, user=other, role=Role.ADMIN)

    with pytest.raises(PermissionRefused):
        team_update(team=team, by=other, name="Mine", members=[])
    with pytest.raises(PermissionRefused):
        team_delete(team=team, by=other)
    assert Team.objects.get(pk=team.pk).name == "Tier 1"


def test_the_manager_deletes_the_team(team, client_as):
    response = client_as("admin").post(f"/metrics/teams/{team.pk}/delete/")

    assert response.status_code == 302
    assert not Team.objects.exists()


def test_someone_elses_team_cannot_be_deleted_from_the_page(team, client_as):
    response = client_as("member").post(f"/metrics/teams/{team.pk}/delete/")

    assert response.status_code == 404
    assert Team.objects.filter(pk=team.pk).exists()


def test_the_team_page_counts_the_teams_agents(team, client_as, board, member_user):
    from tickets.services import ticket_create

    ticket_create(board=board, created_by=member_user, title="Hers", assignees=[member_user])
    ticket_create(board=board, created_by=member_user, title="Nobody's")

    response = client_as("admin").get(f"/metrics/teams/{team.pk}/")

    assert response.context["metrics"]["total"]["created"] == 1
    assert "Tickets assigned to the team’s 1 agent" in response.content.decode()
