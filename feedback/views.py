"""The customer's one-click CSAT link: no account needed, the signature is the permission."""

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import render

from boards.permissions import board_for
from csboard.core.csv import csv_response
from feedback import services
from feedback.models import FeedbackResponse
from tickets.models import Ticket


def csat_rate(request, token, score):
    try:
        ticket = services.csat_ticket_from_token(token)
    except signing.SignatureExpired:
        return _refused(request, "This rating link has expired.", status=410)
    except (signing.BadSignature, Ticket.DoesNotExist):
        return _refused(request, "This rating link is not valid.", status=400)
    if not 1 <= score <= 5:
        return _refused(request, "A rating is from 1 to 5.", status=400)
    services.csat_record(ticket=ticket, score=score)
    return render(request, "feedback/csat_thanks.html", {"ticket": ticket, "score": score})


def _refused(request, message, status):
    return render(request, "feedback/csat_refused.html", {"message": message}, status=status)


FEEDBACK_FIELDS = [
    "received_at",
    "kind",
    "score",
    "email",
    "name",
    "comment",
    "source",
    "ticket__number",
]


@login_required
def feedback_export(request, board_id):
    """The board's feedback as CSV, newest first, streamed."""
    board = board_for(request.user, board_id)
    rows = (
        FeedbackResponse.objects.filter(board=board)
        .order_by("-received_at", "-id")
        .values_list(*FEEDBACK_FIELDS)
        .iterator(chunk_size=2000)
    )
    header = [name.replace("ticket__number", "ticket") for name in FEEDBACK_FIELDS]
    return csv_response(f"{board.key}-feedback.csv", header, rows)
