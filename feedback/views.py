"""The customer's one-click CSAT link: no account needed, the signature is the permission."""

from django.core import signing
from django.shortcuts import render

from feedback import services
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
