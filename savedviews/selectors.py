from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from boards.models import Board
from boards.permissions import visible_boards
from savedviews.models import SavedView

# Where a search across boards lives (the search app, above this one): a search view's URL.
SEARCH_PATH = "/search/"


def user_views(user) -> QuerySet[SavedView]:
    """Every view `user` may open: their own (of a board they still see, or of a search) and
    those shared with the boards they see. Nobody else's personal ones, ever."""
    if not user.is_authenticated:
        return SavedView.objects.none()
    boards = visible_boards(user).values("pk")
    mine = Q(owner=user) & (Q(board__isnull=True) | Q(board__in=boards))
    return SavedView.objects.filter(mine | Q(shared=True, board__in=boards)).select_related(
        "board", "owner"
    )


def board_views(user, board: Board) -> list[SavedView]:
    """The views beside a board's name: shared ones first, then the caller's own, by name. The
    caller has checked that `user` sees `board`."""
    views = SavedView.objects.filter(Q(owner=user) | Q(shared=True), board=board)
    views = list(views.select_related("owner"))
    for view in views:
        view.board = board
        view.url = view_url(view)
    return views


def search_views(user) -> list[SavedView]:
    """The caller's saved searches (views of no board), by name: beside the search page's form."""
    views = list(SavedView.objects.filter(owner=user, board__isnull=True))
    for view in views:
        view.url = view_url(view)
    return views


def view_for(user, view_id) -> SavedView:
    """A view the user may open, else the same 404 whether it is missing or someone's own."""
    view = user_views(user).filter(pk=view_id).first() if str(view_id).isdecimal() else None
    if view is None:
        raise Http404("No such view.")
    return view


def view_url(view: SavedView) -> str:
    """A view's URL is its filter's: the board page (or the search) with its query."""
    path = reverse("boards:detail", args=[view.board_id]) if view.board_id else SEARCH_PATH
    return f"{path}?{view.query}" if view.query else path
