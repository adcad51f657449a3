"""Who may read a board's feedback (every customer's email, score and comment)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from boards.models import Board, Role

# Members and admins always; guests only where the board shares its metrics, which are drawn
# from this feedback. One rule for the metrics, the feedback export and API, the customer page.
READS_FEEDBACK = Role.MEMBER
SHARED_WITH_GUESTS = Q(feedback_settings__guests_see_metrics=True)
FEEDBACK_REFUSED = "This board shares its metrics and feedback with members only."


def feedback_visible(board: Board) -> bool:
    """Whether the caller (whose role is `board.my_role`, from board_for) may read the board's
    feedback and the metrics drawn from it."""
    return (
        board.my_role >= READS_FEEDBACK
        or Board.objects.filter(SHARED_WITH_GUESTS, pk=board.pk).exists()
    )


def ensure_feedback_visible(board: Board) -> Board:
    if not feedback_visible(board):
        raise PermissionDenied(FEEDBACK_REFUSED)
    return board


def feedback_boards(boards: QuerySet[Board]) -> QuerySet[Board]:
    """Of `boards` (annotated with `my_role`, as visible_boards gives them), those whose feedback
    the caller may read."""
    return boards.filter(Q(my_role__gte=READS_FEEDBACK) | SHARED_WITH_GUESTS)
