"""Saved views: a board's filters (or a search) under a name; personal, or shared with the
board by its admins; guests keep personal ones too. The query is normalised to the filters the
page takes. Every endpoint and page for admin / member / guest / non-member / anonymous."""

import pytest
from django.urls import reverse

from boards.models import Role
from boards.services import membership_remove, membership_set_role
from csboard.core.exceptions import Conflict, InvalidInput, PermissionRefused
from customfields.services import field_create
from savedviews.models import SavedView
from savedviews.selectors import board_views, user_views, view_url
from savedviews.services import (
    normalise_query,
    saved_view_create,
    saved_view_delete,
    saved_view_update,
)

pytestmark = pytest.mark.django_db

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]


def test_a_query_keeps_only_the_boards_filters_in_a_fixed_order(board):
    query = "?priority=urgent&status=ready&priority=high&expand=3&ticket=7&q=+refund+&archived=true"

    assert normalise_query(board, query) == "status=ready&priority=high&priority=urgent&q=refund"


def test_the_same_filter_written_two_ways_is_one_query(board):
    assert normalise_query(board, "priority=high&status=ready") == normalise_query(
        board, "status=ready&priority=high&status="
    )


def test_a_value_the_filter_refuses_is_a_clear_400(board):
    with pytest.raises(InvalidInput) as refused:
        normalise_query(board, "status=bogus")

    assert refused.value.status_code == 400
    assert "query.status" in refused.value.fields


def test_a_view_must_filter_something(board):
    with pytest.raises(InvalidInput):
        normalise_query(board, "expand=3")


def test_a_search_view_keeps_its_words_alone(db):
    assert normalise_query(None, "q=invoice&status=ready") == "q=invoice"


def test_a_views_url_is_its_filters_url(board, member_user):
    view = saved_view_create(owner=member_user, board=board, name="Urgent", query="priority=urgent")
    search = saved_view_create(owner=member_user, board=None, name="Invoices", query="q=invoice")

    assert view_url(view) == f"/boards/{board.pk}/?priority=urgent"
    assert view_url(search) == "/search/?q=invoice"


def test_a_name_is_unique_per_owner_and_board_whatever_its_case(board, member_user, guest_user):
    saved_view_create(owner=member_user, board=board, name="Urgent", query="priority=urgent")
    saved_view_create(owner=guest_user, board=board, name="Urgent", query="priority=urgent")

    with pytest.raises(Conflict):
        saved_view_create(owner=member_user, board=board, name="urgent ", query="priority=high")


def test_a_search_views_name_is_unique_per_owner_and_apart_from_board_views(board, member_user):
    # No board: the names are held by their own constraint (NULLs would be distinct in the other)
    saved_view_create(owner=member_user, board=None, name="Invoices", query="q=invoice")
    saved_view_create(owner=member_user, board=board, name="Invoices", query="q=invoice")

    with pytest.raises(Conflict):
        saved_view_create(owner=member_user, board=None, name="INVOICES", query="q=refund")


def test_only_admins_share_a_view_with_the_board(board, admin_user, member_user):
    shared = saved_view_create(
        owner=admin_user, board=board, name="Team", query="due=week", shared=True
    )

    with pytest.raises(PermissionRefused):
        saved_view_create(
            owner=member_user, board=board, name="Mine", query="due=week", shared=True
        )
    assert shared.shared is True
    assert not SavedView.objects.filter(name="Mine").exists()


def test_a_shared_view_is_listed_for_the_board_and_a_personal_one_for_its_owner(
    board, admin_user, member_user, guest_user
):
    saved_view_create(owner=admin_user, board=board, name="Team", query="due=week", shared=True)
    saved_view_create(owner=member_user, board=board, name="Mine", query="assignee=me")

    assert [v.name for v in board_views(guest_user, board)] == ["Team"]
    assert [v.name for v in board_views(member_user, board)] == ["Team", "Mine"]


def test_a_guest_keeps_personal_views(board, guest_user):
    view = saved_view_create(owner=guest_user, board=board, name="Mine", query="overdue=true")

    saved_view_update(view=view, by=guest_user, name="Late ones")
    assert view.name == "Late ones"
    saved_view_delete(view=view, by=guest_user)
    assert not SavedView.objects.exists()


def test_a_member_may_not_change_a_shared_view_an_admin_may(board, admin_user, member_user):
    view = saved_view_create(
        owner=admin_user, board=board, name="Team", query="due=week", shared=True
    )
    other_admin = member_user
    with pytest.raises(PermissionRefused):
        saved_view_update(view=view, by=member_user, name="Mine now")

    membership_set_role(membership=board.memberships.get(user=other_admin), role=Role.ADMIN)
    saved_view_update(view=view, by=other_admin, name="Renamed", shared=False)
    view.refresh_from_db()
    assert (view.name, view.shared) == ("Renamed", False)


def test_someone_who_left_the_board_no_longer_sees_its_views(board, admin_user, member_user):
    saved_view_create(owner=member_user, board=board, name="Mine", query="assignee=me")
    saved_view_create(owner=admin_user, board=board, name="Team", query="due=week", shared=True)
    membership_remove(membership=board.memberships.get(user=member_user), by=admin_user)

    assert list(user_views(member_user)) == []


# --- The API ---------------------------------------------------------------------------------------
API = "/api/views/"


@pytest.fixture
def views(board, admin_user, member_user):
    return {
        "shared": saved_view_create(
            owner=admin_user, board=board, name="Team", query="due=week", shared=True
        ),
        "mia": saved_view_create(owner=member_user, board=board, name="Mia's", query="assignee=me"),
    }


def test_the_api_lists_what_each_role_may_open(views, api_as):
    def names(role):
        return sorted(v["name"] for v in api_as(role).get(API).json()["results"])

    assert names("admin") == ["Team"]  # not mia's personal one
    assert names("member") == ["Mia's", "Team"]
    assert names("guest") == ["Team"]
    assert names("outsider") == []
    assert api_as("anonymous").get(API).status_code == 401


@pytest.mark.parametrize(
    ("role", "personal", "shared"),
    [
        ("admin", 201, 201),
        ("member", 201, 403),
        ("guest", 201, 403),
        ("outsider", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_who_may_save_a_view_through_the_api(board, role, personal, shared, api_as):
    client = api_as(role)
    body = {"name": "Urgent", "board": board.pk, "query": "priority=urgent"}

    assert client.post(API, body, format="json").status_code == personal
    body |= {"name": "Shared", "shared": True}
    assert client.post(API, body, format="json").status_code == shared


@pytest.mark.parametrize(
    ("role", "read", "rename", "delete"),
    [
        ("admin", 200, 200, 204),
        ("member", 200, 403, 403),
        ("guest", 200, 403, 403),
        ("outsider", 404, 404, 404),
        ("anonymous", 401, 401, 401),
    ],
)
def test_who_may_read_rename_and_delete_a_shared_view(views, role, read, rename, delete, api_as):
    url = f"{API}{views['shared'].pk}/"
    client = api_as(role)

    assert client.get(url).status_code == read
    assert client.patch(url, {"name": "New"}, format="json").status_code == rename
    assert client.delete(url).status_code == delete


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 404), ("member", 200), ("guest", 404), ("outsider", 404), ("anonymous", 401)],
)
def test_a_personal_view_is_its_owners_alone(views, role, status, api_as):
    url = f"{API}{views['mia'].pk}/"

    assert api_as(role).get(url).status_code == status
    assert api_as(role).patch(url, {"name": "Taken"}, format="json").status_code == status


def test_the_api_says_what_was_wrong_and_writes_nothing(board, api_as):
    client = api_as("member")

    bad_filter = client.post(
        API, {"name": "X", "board": board.pk, "query": "due=never"}, format="json"
    )
    no_name = client.post(API, {"name": "", "board": board.pk, "query": "due=week"}, format="json")
    hidden = client.post(API, {"name": "X", "board": 999999, "query": "due=week"}, format="json")

    assert bad_filter.status_code == 400
    assert "query.due" in bad_filter.json()
    assert no_name.status_code == 400
    assert hidden.status_code == 404
    assert not SavedView.objects.exists()


def test_the_api_filters_by_board_and_shows_the_views_url(views, board, api_as):
    rows = api_as("member").get(API, {"board": board.pk}).json()["results"]

    assert {row["url"] for row in rows} == {
        f"/boards/{board.pk}/?due=week",
        f"/boards/{board.pk}/?assignee=me",
    }
    assert api_as("outsider").get(API, {"board": board.pk}).status_code == 404


def test_a_search_view_through_the_api(db, api_as):
    created = api_as("outsider").post(API, {"name": "Refunds", "query": "q=refund"}, format="json")

    assert created.status_code == 201
    assert created.json()["board"] is None
    assert created.json()["url"] == "/search/?q=refund"


# --- The board's menu --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 302), ("member", 302), ("guest", 302), ("outsider", 404), ("anonymous", 302)],
)
def test_who_may_save_the_filtered_board_from_its_page(board, role, status, client_as, user_for):
    url = reverse("savedviews:create", args=[board.pk])

    response = client_as(role).post(url, {"name": "Urgent", "query": "priority=urgent"})

    assert response.status_code == status
    saved = SavedView.objects.filter(name="Urgent").first()
    if role in ("admin", "member", "guest"):
        assert saved.owner == user_for(role)
        assert response["Location"] == f"/boards/{board.pk}/?priority=urgent"
    else:
        assert saved is None


def test_the_board_lists_its_views_beside_its_name(views, board, client_as):
    html = client_as("guest").get(reverse("boards:detail", args=[board.pk])).content.decode()

    assert "Team" in html
    assert "Mia&#x27;s" not in html
    assert f'href="/boards/{board.pk}/?due=week"' in html


def test_a_views_name_is_escaped(board, member_user, client_as):
    saved_view_create(owner=member_user, board=board, name="<b>x</b>", query="due=week")

    html = client_as("member").get(reverse("boards:detail", args=[board.pk])).content.decode()

    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_a_refused_save_says_why_and_keeps_the_filters(board, client_as):
    url = reverse("savedviews:create", args=[board.pk])

    response = client_as("member").post(url, {"name": "", "query": "due=week"}, follow=True)

    assert "A view needs a name." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/boards/{board.pk}/?due=week"


@pytest.mark.parametrize(
    ("role", "status", "renamed"),
    [("admin", 302, True), ("member", 302, False), ("guest", 302, False), ("outsider", 404, False)],
)
def test_who_may_rename_a_shared_view_from_the_menu(views, role, status, renamed, client_as):
    url = reverse("savedviews:update", args=[views["shared"].pk])

    response = client_as(role).post(url, {"name": "Renamed"})

    views["shared"].refresh_from_db()
    assert response.status_code == status
    assert (views["shared"].name == "Renamed") is renamed


def test_an_owner_deletes_their_view_from_the_menu(views, client_as):
    url = reverse("savedviews:delete", args=[views["mia"].pk])

    response = client_as("member").post(url)

    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=views["mia"].pk).exists()


# --- The search page's menu --------------------------------------------------------------------
@pytest.mark.parametrize("role", ["admin", "member", "guest", "outsider", "anonymous"])
def test_anyone_signed_in_saves_a_search_from_the_search_page(board, role, client_as, user_for):
    url = reverse("savedviews:create-search")

    response = client_as(role).post(url, {"name": "Refunds", "query": f"q=refund&board={board.pk}"})

    assert response.status_code == 302
    saved = SavedView.objects.filter(name="Refunds").first()
    if role == "anonymous":
        assert saved is None
        assert response["Location"].startswith(reverse("login"))
    else:
        assert saved.owner == user_for(role)
        assert saved.board is None
        assert response["Location"] == f"/search/?q=refund&board={board.pk}"


def test_the_search_page_lists_the_callers_searches_and_offers_to_save_this_one(
    board, member_user, guest_user, client_as
):
    saved_view_create(owner=member_user, board=None, name="<b>Refunds</b>", query="q=refund")
    saved_view_create(owner=guest_user, board=None, name="Gus's", query="q=login")

    html = client_as("member").get("/search/?q=invoice").content.decode()

    assert (
        '<a class="views-menu__link" href="/search/?q=refund">&lt;b&gt;Refunds&lt;/b&gt;</a>'
        in html
    )
    assert "Gus&#x27;s" not in html
    assert f'action="{reverse("savedviews:create-search")}"' in html
    assert 'name="query" value="q=invoice"' in html
    assert "Share with the board" not in html  # a search is its owner's alone


def test_a_board_view_keeps_the_boards_custom_field_filters(board, member_user):
    plan = field_create(board=board, name="Plan", type="select", options=["Free", "Pro"])
    pro = plan.options.get(label="Pro").pk

    view = saved_view_create(
        owner=member_user, board=board, name="Pro", query=f"cf_{plan.pk}={pro}&priority=high"
    )

    assert view.query == f"priority=high&cf_{plan.pk}={pro}"
    vip = field_create(board=board, name="VIP", type="checkbox")
    with pytest.raises(InvalidInput):  # checked as the board checks it
        saved_view_create(owner=member_user, board=board, name="Bad", query=f"cf_{vip.pk}=maybe")
