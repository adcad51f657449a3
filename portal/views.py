"""The customer's side over HTTP: thin adapters over portal.services."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from portal.selectors import public_board


@require_GET
def logo(request, key):
    """The board's logo for its customer pages: only the image types it was checked to be when
    uploaded, never sniffed, cached for a day (a new logo has a new stored name)."""
    board = public_board(key)
    if not board.logo:
        raise Http404("No logo.")
    response = FileResponse(board.logo.open("rb"), content_type=board.logo_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response
