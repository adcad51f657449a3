"""Saving, renaming, sharing and deleting views. The rules live here: what a view's query may
hold (the filters its page takes, normalised), who may share one (the board's admins) and who
may change one (its owner, or an admin for a shared one: boards.permissions)."""

from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.http import QueryDict

from boards.models import Board
from boards.permissions import Action, require
from csboard.core.exceptions import Conflict, InvalidInput, PermissionRefused
from customfields.filters import FieldTicketFilter
from savedviews.models import NAME_MAX, QUERY_MAX, SavedView
from tickets.models import Ticket

# A search across boards: its words, and the one board it may keep to (search.views).
SEARCH_PARAMS = ["q", "board"]


def normalise_query(board: Board | None, query: str) -> str:
    """`query` (a URL's query string, with or without its "?") as a view stores it: only the
    parameters the page filters by, empty ones dropped, checked as the page checks them, in a
    fixed order. InvalidInput names a value the filter refuses; a view must filter something."""
    given = QueryDict(query.lstrip("?"))
    # A board's view keeps every filter the board page and the API share, its custom fields'
    # (`cf_<id>`, customfields.filters) too, but the archive's switch (a page of its own).
    check = FieldTicketFilter(queryset=Ticket.objects.none(), board=board) if board else None
    allowed = [n for n in check.filters if n != "archived"] if check else SEARCH_PARAMS
    kept = {
        name: sorted({value.strip() for value in given.getlist(name) if value.strip()})
        for name in allowed
    }
    kept = {name: values for name, values in kept.items() if values}
    if not kept:
        raise InvalidInput(
            "Nothing to save: filter the board (or search) first.",
            fields={"query": ["A view needs at least one filter."]},
        )
    if check is not None:
        data = QueryDict(mutable=True)
        for name, values in kept.items():
            data.setlist(name, values)
        check = FieldTicketFilter(data, queryset=Ticket.objects.none(), board=board)
        if not check.is_valid():
            errors = {f"query.{name}": list(errors) for name, errors in check.errors.items()}
            said = "; ".join(f"{name[6:]}: {' '.join(said)}" for name, said in errors.items())
            raise InvalidInput(f"This filter cannot be saved ({said})", fields=errors)
    normalised = urlencode([(name, value) for name in allowed for value in kept.get(name, [])])
    if len(normalised) > QUERY_MAX:
        raise InvalidInput(
            "This filter is too long to save.", fields={"query": ["Too long to save."]}
        )
    return normalised


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("A view needs a name.", fields={"name": ["Give the view a name."]})
    if len(name) > NAME_MAX:
        message = f"At most {NAME_MAX} characters."
        raise InvalidInput(message, fields={"name": [message]})
    return name


def _may_share(by, board: Board | None, shared: bool) -> None:
    if not shared:
        return
    if board is None:
        raise InvalidInput(
            "Only a board's view can be shared.", fields={"shared": ["A search is yours alone."]}
        )
    require(by, Action.MANAGE, board)  # only its admins share a view with the board


def _save(view: SavedView) -> SavedView:
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise Conflict(
            f"You already have a view named “{view.name}” here.",
            fields={"name": ["Choose another name."]},
        ) from None
    return view


@transaction.atomic
def saved_view_create(
    *, owner, board: Board | None, name: str, query: str, shared: bool = False
) -> SavedView:
    """Save `query` as a view named `name`: of `board` (the caller checked that `owner` may see
    it), or of a search across boards when `board` is None. Anyone who sees the board saves
    personal views; `shared` ones are for its admins. A name is unique per owner and board."""
    _may_share(owner, board, shared)
    view = SavedView(
        owner=owner,
        board=board,
        name=_name(name),
        query=normalise_query(board, query),
        shared=shared,
    )
    return _save(view)


def _may_change(by, view: SavedView) -> None:
    """Its owner, or (a shared view) the board's admins; another's personal view is not even
    found (savedviews.selectors), this is the rule behind that."""
    if view.board_id is None or not view.shared:  # personal: its owner's alone
        if view.owner_id != by.pk:
            raise PermissionRefused("Only its owner can change this view.")
        if view.board_id is None:
            return
    require(by, Action.SAVED_VIEW_EDIT, view)


@transaction.atomic
def saved_view_update(
    *, view: SavedView, by, name: str | None = None, query: str | None = None, shared=None
) -> SavedView:
    """Rename a view, filter it anew, or share it with its board or stop (admins)."""
    _may_change(by, view)
    if name is not None:
        view.name = _name(name)
    if query is not None:
        view.query = normalise_query(view.board, query)
    if shared is not None and shared != view.shared:
        _may_share(by, view.board, True)
        view.shared = shared
    return _save(view)


@transaction.atomic
def saved_view_delete(*, view: SavedView, by) -> None:
    _may_change(by, view)
    view.delete()
