"""The customer's one-click CSAT link: no account needed, the signature is the permission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from boards.permissions import Action, board_for
from csboard.core.compression import never_compress, uncompressed
from csboard.core.csv import csv_response
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import refusals_as_messages
from feedback import services
from feedback.forms import FeedbackImportForm, FeedbackSettingsForm
from feedback.models import FeedbackResponse
from tickets.models import Ticket


@never_compress  # reached by a link that carries its token
def csat_rate(request, token, score):
    try:
        ticket = services.csat_ticket_from_token(token)
    except signing.SignatureExpired:
        board = services.csat_board_of_expired(token)
        return _refused(request, "This rating link has expired.", status=410, board=board)
    except (signing.BadSignature, Ticket.DoesNotExist):
        return _refused(request, "This rating link is not valid.", status=400)
    if not 1 <= score <= 5:
        return _refused(request, "A rating is from 1 to 5.", status=400, board=ticket.board)
    services.csat_record(ticket=ticket, score=score)
    context = {"ticket": ticket, "score": score, "board": ticket.board}
    return render(request, "feedback/csat_thanks.html", context)


def _refused(request, message, status, board=None):
    """The rating page's refusal, in the board's brand when the link names one for sure."""
    context = {"message": message, "board": board}
    return render(request, "feedback/csat_refused.html", context, status=status)


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
    board = board_for(request.user, board_id, Action.READ_FEEDBACK)
    rows = (
        FeedbackResponse.objects.filter(board=board)
        .order_by("-received_at", "-id")
        .values_list(*FEEDBACK_FIELDS)
        .iterator(chunk_size=2000)
    )
    header = [name.replace("ticket__number", "ticket") for name in FEEDBACK_FIELDS]
    return csv_response(f"{board.key}-feedback.csv", header, rows)


@login_required
def feedback_settings(request, board_id):
    """Admins: where detractor tickets land, who takes feedback duty, CSAT on resolution, whether
    guests see the metrics, and the intake secret (shown once when rotated)."""
    board = board_for(request.user, board_id, Action.MANAGE)
    config = services.feedback_settings_for(board)
    secret = None
    if request.method == "POST" and "rotate" in request.POST:
        secret = services.feedback_secret_rotate(board=board)
        messages.success(request, "New intake secret made. The old one no longer works.")
    form = FeedbackSettingsForm(
        request.POST if request.method == "POST" and "rotate" not in request.POST else None,
        board=board,
        initial={
            "intake_column": config.intake_column,
            "duty": list(config.duty.all()),
            "csat_on_resolve": config.csat_on_resolve,
            "guests_see_metrics": config.guests_see_metrics,
        },
    )
    if form.is_bound and form.is_valid():
        with refusals_as_messages(request):
            services.feedback_settings_set(board=board, **form.cleaned_data)
            messages.success(request, "Feedback settings saved.")
            return redirect("feedback:settings", board_id=board.pk)
    context = {
        "board": board,
        "form": form,
        "secret": secret,
        "has_secret": bool(config.secret_digest),
        "intake_url": request.build_absolute_uri(f"/api/boards/{board.pk}/feedback/intake/"),
        "import_form": FeedbackImportForm(),
        "import_columns": services.IMPORT_COLUMNS,
    }
    response = render(request, "feedback/settings.html", context)
    # The page that shows a new intake secret (once) goes out uncompressed.
    return uncompressed(response) if secret else response


@login_required
@require_POST
def feedback_import(request, board_id):
    """Admins: past responses from a CSV file, all rows or none; each wrong row is named."""
    board = board_for(request.user, board_id, Action.MANAGE)
    form = FeedbackImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a CSV file to import.")
        return redirect("feedback:settings", board_id=board.pk)
    try:
        result = services.feedback_import(board=board, file=form.cleaned_data["file"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        for problem in exc.fields.get("file", []):
            messages.error(request, problem)
    else:
        already = f" {result.skipped} were there already." if result.skipped else ""
        messages.success(
            request,
            f"Imported {result.created} response{'s' if result.created != 1 else ''}.{already}",
        )
    return redirect("feedback:settings", board_id=board.pk)  # the messages show at the top
