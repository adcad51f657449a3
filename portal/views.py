"""The customer's side over HTTP: thin adapters over portal.services (the request form),
portal.auth (signing in to the portal) and portal.conversation (the customer's tickets)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.services import client_ip
from csboard.core.compression import never_compress
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal, refusals_as_messages, submitted
from portal import auth, conversation
from portal.portal_forms import AnswerForm, RatingForm, SignInForm
from portal.selectors import public_board
from workspace.views import serve_file

TICKETS_PER_PAGE = 25


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


# --- The portal: sign-in ------------------------------------------------------------------------
def _session(request, board):
    return auth.session_for(board=board, secret=request.COOKIES.get(auth.cookie_name(board)))


def _signed_in(view):
    """The portal's pages of a signed-in customer: the board's portal (404 while off), and the
    session of its own cookie; without one (a team member's session counts for nothing here),
    back to the sign-in page. Never cached: each page is one customer's."""

    @wraps(view)
    def wrapper(request, key, *args, **kwargs):
        board = public_board(key, portal=True)
        session = _session(request, board)
        if session is None:
            return redirect("portal:home", board.key)
        return view(request, board, session, *args, **kwargs)

    return never_cache(wrapper)


def _signin_page(request, board, form, *, status=200, **context):
    context = {"board": board, "form": form, **context}
    return render(request, "portal/portal_signin.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def home(request, key):
    """Signed in: the customer's tickets. Otherwise the sign-in form; posted, it answers the
    same page for every address, known or not (portal.auth)."""
    board = public_board(key, portal=True)
    if request.method == "POST":
        form = SignInForm(request.POST)
        if not form.is_valid():
            return _signin_page(request, board, form, status=400)
        try:
            auth.signin_request(
                board=board,
                email=form.cleaned_data["email"],
                ip=client_ip(request) or "",
            )
        except ApplicationError as exc:
            return _signin_page(request, board, form, status=exc.status_code, refusal=exc.message)
        return render(request, "portal/portal_signin_sent.html", {"board": board})
    session = _session(request, board)
    if session is None:
        return _signin_page(request, board, SignInForm())
    page = Paginator(
        conversation.customer_tickets(board=board, customer=session.customer), TICKETS_PER_PAGE
    ).get_page(request.GET.get("page"))
    for ticket in page:
        ticket.customer_status = conversation.customer_status(ticket)
    context = {"board": board, "session": session, "page": page}
    return render(request, "portal/portal_list.html", context)


@never_cache
@never_compress  # reached by a link that carries its token
@require_http_methods(["GET", "POST"])
def link(request, key, token):
    """A sign-in link. GET only asks to Continue (a mail scanner's visit spends nothing); the
    POST spends the link and starts the customer's session, replacing any session this browser
    held on the board."""
    board = public_board(key, portal=True)
    try:
        if request.method == "GET":
            auth.link_check(board=board, token=token)
            return render(request, "portal/portal_link.html", {"board": board})
        started = auth.link_use(
            board=board, token=token, user_agent=request.META.get("HTTP_USER_AGENT", "")
        )
    except auth.LinkRefused as exc:
        context = {"board": board, "form": SignInForm(), "message": exc.message}
        return render(request, "portal/portal_link_refused.html", context, status=exc.status_code)
    if previous := _session(request, board):
        auth.session_end(session=previous)
    response = redirect("portal:home", board.key)
    response.set_cookie(
        auth.cookie_name(board),
        started.secret,
        max_age=settings.SESSION_COOKIE_AGE,
        path=auth.cookie_path(board),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_POST
def sign_out(request, key, everywhere=False):
    """Ends this browser's session; `everywhere`, every session of this customer on this board
    (a lost phone, a shared computer)."""
    board = public_board(key, portal=True)
    if session := _session(request, board):
        if everywhere:
            auth.sessions_end_all(session=session)
        else:
            auth.session_end(session=session)
    messages.success(request, f"You are signed out{' on every device' if everywhere else ''}.")
    response = redirect("portal:home", board.key)
    response.delete_cookie(auth.cookie_name(board), path=auth.cookie_path(board), samesite="Lax")
    return response


# --- The portal: a ticket -----------------------------------------------------------------------
def _ticket_page(request, board, session, ticket, form, *, status=200, refusal=""):
    resolved = ticket.resolved_at is not None
    context = {
        "board": board,
        "session": session,
        "ticket": ticket,
        "status": conversation.customer_status(ticket),
        "entries": [
            (entry, conversation.author_name(entry)) for entry in conversation.conversation(ticket)
        ],
        "form": form,
        "refusal": refusal,
        "rating": conversation.rating(ticket) if resolved else None,
        "scores": range(1, 6),
        "max_files": settings.ATTACHMENT_MAX_FILES,
        "max_mb": settings.ATTACHMENT_MAX_BYTES // 1_048_576,
    }
    return render(request, "portal/portal_ticket.html", context, status=status)


@_signed_in
@require_GET
def ticket(request, board, session, number):
    found = conversation.customer_ticket(board=board, customer=session.customer, number=number)
    return _ticket_page(request, board, session, found, AnswerForm())


@_signed_in
@require_POST
def answer(request, board, session, number):
    """The customer's answer: it lands as an emailed one does (portal.conversation). A refusal
    shows the page again with what they wrote."""
    found = conversation.customer_ticket(board=board, customer=session.customer, number=number)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _ticket_page(request, board, session, found, form, status=400)
    try:
        landed, _message, outcome = conversation.customer_answer(
            ticket=found,
            customer=session.customer,
            body=form.cleaned_data["body"],
            files=request.FILES.getlist("files"),
        )
    except ApplicationError as exc:
        add_refusal(form, exc)
        return _ticket_page(request, board, session, found, form, status=exc.status_code)
    if outcome == "ticket":
        messages.success(
            request,
            f"Thank you. {found.reference} was closed a while ago, so your message opened a new "
            f"request, {landed.reference}.",
        )
    else:
        messages.success(
            request, "Thank you, your answer was sent. We will reply here and by email."
        )
    return redirect("portal:ticket", board.key, landed.number)


@_signed_in
@require_POST
def rate(request, board, session, number):
    found = conversation.customer_ticket(board=board, customer=session.customer, number=number)
    form = RatingForm(request.POST)
    if data := submitted(request, form):
        with refusals_as_messages(request):
            conversation.ticket_rate(ticket=found, score=data["score"])
            messages.success(request, f"Thank you for your rating: {data['score']} out of 5.")
    return redirect(reverse("portal:ticket", args=[board.key, found.number]) + "#rating")


@_signed_in
@require_GET
def file(request, board, session, number, pk):
    """A file of the ticket's conversation, only to its customer, with the team's file view's
    safe headers (workspace.views.serve_file), never cached (`_signed_in`)."""
    found = conversation.customer_ticket(board=board, customer=session.customer, number=number)
    return serve_file(conversation.customer_file(ticket=found, pk=pk))
