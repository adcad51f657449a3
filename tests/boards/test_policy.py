"""The access policy itself (boards/permissions.py): the action table as a matrix, the object
rules, the template tag, the team selectors, and proof that the page views, the API, the
board socket and the templates all read the one table (flip an entry, and every one changes)."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template import Context, Template
from django.urls import reverse

from boards.models import Role, Visibility
from boards.permissions import NEEDS, OBJECT_RULES, Action, OwnerRule, board_for, can, require
from boards.selectors import board_admins, board_team
from boards.services import board_update, membership_set_role
from csboard.core.exceptions import PermissionRefused
from feedback.services import feedback_settings_for
from tickets.models import Ticket
from workspace import services as workspace

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]


def user_of(user_for, role):
    return user_for(role) or AnonymousUser()


# --- The action table ------------------------------------------------------------------------
# On a private board: True allowed, 403 seen but refused, 404 hidden.
BOARD_ACTIONS = {
    Action.VIEW: [True, True, True, 404, 404],
    Action.EXPORT: [True, True, True, 404, 404],
    Action.WORK: [True, True, 403, 404, 404],
    Action.READ_FEEDBACK: [True, True, 403, 404, 404],
    Action.MANAGE: [True, 403, 403, 404, 404],
}


def test_every_action_has_a_least_role_and_every_board_action_is_in_the_matrix():
    assert set(NEEDS) == set(Action)
    assert set(BOARD_ACTIONS) == set(Action) - set(OBJECT_RULES)


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        (action, role, answer)
        for action, answers in BOARD_ACTIONS.items()
        for role, answer in zip(ROLES, answers, strict=True)
    ],
)
def test_the_action_table_on_a_private_board(board, user_for, action, role, expected):
    user = user_of(user_for, role)

    assert can(user, action, board) is (expected is True)
    if expected is True:
        assert board_for(user, board.pk, action).pk == board.pk
    else:
        with pytest.raises(Http404 if expected == 404 else PermissionDenied):
            board_for(user, board.pk, action)


@pytest.mark.parametrize("action", list(BOARD_ACTIONS))
def test_on_a_signed_in_board_an_outsider_may_what_a_guest_may(board, user_for, action):
    board_update(board=board, visibility=Visibility.SIGNED_IN)

    assert can(user_for("outsider"), action, board) is can(user_for("guest"), action, board)
    assert can(AnonymousUser(), action, board) is False


def test_a_board_that_shares_its_metrics_lets_guests_read_its_feedback(board, user_for):
    config = feedback_settings_for(board)
    config.guests_see_metrics = True
    config.save()

    assert can(user_for("guest"), Action.READ_FEEDBACK, board) is True
    assert board_for(user_for("guest"), board.pk, Action.READ_FEEDBACK).pk == board.pk
    assert can(user_for("guest"), Action.WORK, board) is False  # only that action is shared
    with pytest.raises(Http404):
        board_for(user_for("outsider"), board.pk, Action.READ_FEEDBACK)


def test_a_refusal_says_what_the_action_needs(board, user_for):
    with pytest.raises(PermissionDenied, match=r"Guests can only view this board\."):
        board_for(user_for("guest"), board.pk, Action.WORK)
    with pytest.raises(PermissionDenied, match=r"Only board admins can do that\."):
        board_for(user_for("member"), board.pk, Action.MANAGE)
    with pytest.raises(PermissionDenied, match="shares its metrics and feedback with members"):
        board_for(user_for("guest"), board.pk, Action.READ_FEEDBACK)


def test_a_board_from_board_for_answers_for_its_user_without_a_query(
    board, user_for, django_assert_num_queries
):
    mine = board_for(user_for("member"), board.pk)

    with django_assert_num_queries(0):
        assert can(user_for("member"), Action.WORK, mine) is True
    with django_assert_num_queries(1):  # another user's role is looked up, not borrowed
        assert can(user_for("guest"), Action.WORK, mine) is False


# --- Object rules ----------------------------------------------------------------------------
@pytest.fixture
def owned(board, ticket, member_user):
    """One object of each rule, all by mia (the member)."""
    link = workspace.link_add(board=board, by=member_user, title="Doc", url="https://example.com")
    return {
        Action.MESSAGE_EDIT: workspace.message_post(
            board=board, ticket=ticket, by=member_user, body="Hi"
        ),
        Action.MESSAGE_DELETE: workspace.message_post(board=board, by=member_user, body="Team"),
        Action.FILE_DELETE: link,
        # A shared view mia owns (shared by an admin, so that its admins may change it).
        Action.SAVED_VIEW_EDIT: _shared_view_of(board, member_user),
    }


def _shared_view_of(board, user):
    from savedviews.models import SavedView

    return SavedView.objects.create(
        board=board, owner=user, name="Team", query="due=week", shared=True
    )


@pytest.fixture
def other_member(board):
    from boards.services import membership_add
    from tests.factories import UserFactory

    user = UserFactory(username="max")
    membership_add(board=board, user=user, role=Role.MEMBER)
    return user


# Who may, for an object mia (a member) owns: its author, another member, an admin, a guest.
OBJECT_MATRIX = {
    Action.MESSAGE_EDIT: {"author": True, "other": False, "admin": False, "guest": False},
    Action.MESSAGE_DELETE: {"author": True, "other": False, "admin": True, "guest": False},
    Action.FILE_DELETE: {"author": True, "other": False, "admin": True, "guest": False},
    Action.SAVED_VIEW_EDIT: {"author": True, "other": False, "admin": True, "guest": False},
}


@pytest.mark.parametrize(
    ("action", "who", "expected"),
    [(a, who, answer) for a, row in OBJECT_MATRIX.items() for who, answer in row.items()],
)
def test_the_object_rules(owned, user_for, other_member, action, who, expected):
    user = {"author": user_for("member"), "other": other_member}.get(who) or user_for(who)

    assert can(user, action, owned[action]) is expected
    if expected:
        require(user, action, owned[action])
    else:
        with pytest.raises(PermissionRefused, match=re.escape(OBJECT_RULES[action].refused)):
            require(user, action, owned[action])


def test_the_object_matrix_covers_every_object_rule():
    assert set(OBJECT_MATRIX) == set(OBJECT_RULES)


@pytest.mark.parametrize("action", list(OBJECT_RULES))
def test_nobody_outside_the_board_may_touch_its_objects(owned, user_for, action):
    assert can(user_for("outsider"), action, owned[action]) is False
    assert can(AnonymousUser(), action, owned[action]) is False


@pytest.mark.parametrize("action", [a for a in OBJECT_RULES if a != Action.SAVED_VIEW_EDIT])
def test_an_author_made_guest_no_longer_edits_or_deletes_their_own(board, owned, user_for, action):
    membership_set_role(membership=board.memberships.get(user=user_for("member")), role=Role.GUEST)

    assert can(user_for("member"), action, owned[action]) is False


def test_an_owner_made_guest_still_keeps_their_own_view(board, owned, user_for):
    """A saved view is a bookmark: a guest keeps (renames, deletes) their own."""
    membership_set_role(membership=board.memberships.get(user=user_for("member")), role=Role.GUEST)

    assert can(user_for("member"), Action.SAVED_VIEW_EDIT, owned[Action.SAVED_VIEW_EDIT]) is True


# --- The template tag --------------------------------------------------------------------------
TAG = Template('{% load board_ui %}{% can action target as may %}{{ may|yesno:"yes,no" }}')


@pytest.mark.parametrize(
    ("role", "expected"), [("member", "yes"), ("admin", "yes"), ("guest", "no")]
)
def test_the_template_tag_asks_the_policy(owned, board, user_for, role, expected):
    user = user_for(role)
    context = Context(
        {
            "user": user,
            "board": board_for(user, board.pk),
            "action": "message.delete",
            "target": owned[Action.MESSAGE_DELETE],
        }
    )

    assert TAG.render(context) == expected


def test_the_template_tag_costs_no_query_on_the_pages_board(
    owned, board, user_for, django_assert_num_queries
):
    user = user_for("admin")
    context = Context({"user": user, "board": board_for(user, board.pk)})
    context.update({"action": "file.delete", "target": owned[Action.FILE_DELETE]})

    with django_assert_num_queries(0):
        assert TAG.render(context) == "yes"


# --- The team -----------------------------------------------------------------------------------
def test_the_team_is_the_members_and_admins_by_name(board, user_for, other_member):
    assert list(board_team(board)) == [user_for("admin"), other_member, user_for("member")]
    assert list(board_team(board.pk)) == list(board_team(board))


def test_the_admins_are_the_admins_only(board, user_for):
    membership_set_role(membership=board.memberships.get(user=user_for("member")), role=Role.ADMIN)

    assert list(board_admins(board)) == [user_for("admin"), user_for("member")]


# --- One table, every adapter -----------------------------------------------------------------
def test_the_ticket_page_and_the_api_both_read_the_tables_entry_for_work(
    board, columns, client_as, api_as, monkeypatch
):
    page = reverse("tickets:new", args=[board.pk])
    form = {"title": "Via page", "column": columns[0].pk}
    api = f"/api/boards/{board.pk}/tickets/"
    assert api_as("guest").post(api, {"title": "Via API"}, format="json").status_code == 403
    assert client_as("guest").post(page, form).status_code == 403

    monkeypatch.setitem(NEEDS, Action.WORK, Role.GUEST)

    assert api_as("guest").post(api, {"title": "Via API"}, format="json").status_code == 201
    assert client_as("guest").post(page, form).status_code == 302
    titles = set(Ticket.objects.filter(board=board).values_list("title", flat=True))
    assert titles == {"Via API", "Via page"}


def test_the_settings_page_and_the_api_both_read_the_tables_entry_for_manage(
    board, client_as, api_as, monkeypatch
):
    page = reverse("boards:settings", args=[board.pk])
    api = f"/api/boards/{board.pk}/"
    assert client_as("member").get(page).status_code == 403
    assert api_as("member").patch(api, {"name": "Renamed"}, format="json").status_code == 403

    monkeypatch.setitem(NEEDS, Action.MANAGE, Role.MEMBER)

    assert client_as("member").get(page).status_code == 200
    assert api_as("member").patch(api, {"name": "Renamed"}, format="json").status_code == 200


def test_the_board_page_draws_what_the_table_allows(board, client_as, monkeypatch):
    page = reverse("boards:detail", args=[board.pk])
    compose = 'name="body"'
    assert compose not in client_as("guest").get(page).content.decode()

    monkeypatch.setitem(NEEDS, Action.WORK, Role.GUEST)

    assert compose in client_as("guest").get(page).content.decode()


def test_the_chat_page_the_api_and_the_template_read_one_object_rule(
    board, owned, client_as, api_as, monkeypatch
):
    """Let admins edit anyone's message: the page, the API and the Edit link all follow."""
    message = owned[Action.MESSAGE_EDIT]
    ticket = message.ticket
    page = reverse("workspace:message-edit", args=[board.pk, ticket.number, message.pk])
    api = f"/api/boards/{board.pk}/tickets/{ticket.number}/comments/{message.pk}/"
    ticket_page = reverse("tickets:detail", args=[board.pk, ticket.number])
    edit_link = 'aria-label="Edit message"'
    assert api_as("admin").patch(api, {"body": "By API"}, format="json").status_code == 403
    assert edit_link not in client_as("admin").get(ticket_page).content.decode()

    rule = OBJECT_RULES[Action.MESSAGE_EDIT]
    monkeypatch.setitem(
        OBJECT_RULES, Action.MESSAGE_EDIT, OwnerRule(rule.owner, Action.MANAGE, rule.refused)
    )

    assert api_as("admin").patch(api, {"body": "By API"}, format="json").status_code == 200
    assert client_as("admin").post(page, {"body": "By page"}).status_code == 302
    message.refresh_from_db()
    assert message.body == "By page"
    assert edit_link in client_as("admin").get(ticket_page).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_board_socket_reads_the_tables_entry_for_view(board, guest_user, monkeypatch):
    from tests.boards.test_realtime import closed_with, socket

    assert closed_with(socket(board, guest_user)) is None

    monkeypatch.setitem(NEEDS, Action.VIEW, Role.MEMBER)

    assert closed_with(socket(board, guest_user)) == 4404


# --- One way to say it -----------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
# How a role need was written before the policy; the team's raw query lives in its selector only.
GONE = ["need=Role", "action_roles", "ACTION_NEEDS", "my_role|can", "role__gte=Role"]
HOMES = {"role__gte=Role": ROOT / "boards" / "selectors.py"}


def test_no_app_or_template_states_a_role_need_outside_the_policy():
    sources = [
        path
        for pattern in ("*/*.py", "*/*/*.py", "templates/**/*.html")
        for path in ROOT.glob(pattern)
        if path.parts[len(ROOT.parts)] not in {"tests", ".venv", "node_modules"}
    ]
    found = [
        f"{path.relative_to(ROOT)}: {old}"
        for path in sources
        for old in GONE
        if old in path.read_text() and HOMES.get(old) != path
    ]
    assert sources
    assert found == []
