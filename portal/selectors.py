"""Reads of the customer's side: the board behind a public address, only while its form or its
portal is on (any other key is a 404, so no address tells a board exists)."""

from django.http import Http404

from boards.models import Board
from portal.models import PortalSettings


def public_board(key: str, *, form: bool = False, portal: bool = False) -> Board:
    """The board with `key` whose request form (`form`) or portal (`portal`) is on, with its
    portal settings as `board.portal_settings`; with neither asked, either will do."""
    row = (
        PortalSettings.objects.select_related("board", "column")
        .filter(board__key=key.upper())
        .first()
    )
    on = row is not None and (
        (form and row.form_enabled)
        or (portal and row.portal_enabled)
        or (not form and not portal and (row.form_enabled or row.portal_enabled))
    )
    if not on:
        raise Http404("No such page.")
    board = row.board
    board.portal_settings = row
    return board


def portal_settings(board: Board) -> PortalSettings:
    """The board's portal settings, unsaved defaults (both off) when it has none."""
    return PortalSettings.objects.filter(board=board).first() or PortalSettings(board=board)
