"""Where a customer's links point, for the mail that carries them (the request form's
confirmation, the sign-in link): on SITE_URL, the address customers reach the server at."""

from django.conf import settings

from boards.models import Board


def portal_home_url(board: Board) -> str:
    """The board's portal (`portal:home`): its sign-in page, or the customer's tickets."""
    return f"{settings.SITE_URL}/portal/{board.key}/"
