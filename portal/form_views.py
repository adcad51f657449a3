"""The request form over HTTP (public, at /help/<KEY>/ and, for an <iframe>, /help/<KEY>/embed/)
and the board's Customer portal settings (admins): thin adapters over portal.services.

The embedded form cannot use Django's CSRF cookie: framed on another site, the browser does not
send a SameSite=Lax cookie with its POST, so every submission would fail. It is CSRF-exempt and
checked instead by (README "Request form"): the Origin of its POST, which must be this server's
own (the form's document is ours; a page elsewhere posting to us says its own origin), or
without an Origin a Referer on this server; and the form's signed token, bound to the board and
this purpose, expiring, used once (portal.services.form_token). Where the form may be framed at
all is the browser's to enforce, from its CSP frame-ancestors: the board's origins only. The
form acts for no one: it reads no session and grants nothing, whoever is signed in."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.services import client_ip
from boards.permissions import Action, board_for
from csboard.core.exceptions import (
    ApplicationError,
    InvalidInput,
    PayloadTooLarge,
    PermissionRefused,
)
from csboard.core.pages import add_refusal
from portal import services
from portal.forms import BrandForm, PortalSettingsForm, RequestForm
from portal.links import portal_home_url
from portal.selectors import portal_settings, public_board

TOO_LARGE = PayloadTooLarge(
    "Your request is too large to send: attach fewer or smaller files, or send them by email."
)


# --- The public form ---------------------------------------------------------------------------
@csrf_exempt  # checked by Django's own CSRF check once the body's size is (_post)
@require_http_methods(["GET", "POST"])
def request_form(request, key):
    """The board's request form, a page of its own (Django's CSRF cookie and token)."""
    return _form(request, key, embedded=False)


@csrf_exempt  # no cookie reaches a cross-site frame: Origin and the signed token instead
@require_http_methods(["GET", "POST"])
def request_form_embed(request, key):
    """The board's request form for an <iframe> on the sites its settings name."""
    return _form(request, key, embedded=True)


@require_GET
def request_sent(request, key):
    return _sent(request, key, embedded=False)


@require_GET
def request_sent_embed(request, key):
    return _sent(request, key, embedded=True)


def _form(request, key, *, embedded: bool):
    board = public_board(key, form=True)
    config = board.portal_settings
    if request.method != "POST":
        return _form_page(request, board, RequestForm(settings=config), embedded=embedded)
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.PORTAL_FORM_MAX_BYTES:
        return _refused_page(request, board, RequestForm(settings=config), TOO_LARGE, embedded)
    try:
        request.POST, request.FILES  # noqa: B018 (read here, where too much is told apart)
    except RequestDataTooBig:
        return _refused_page(request, board, RequestForm(settings=config), TOO_LARGE, embedded)
    except (TooManyFieldsSent, TooManyFilesSent):
        refusal = InvalidInput("Too many fields or files in one request.")
        return _refused_page(request, board, RequestForm(settings=config), refusal, embedded)
    if embedded:
        if not _from_this_server(request):
            refusal = PermissionRefused(
                "This form can only be sent from its own page: please open it again."
            )
            form = RequestForm(request.POST, settings=config)
            return _refused_page(request, board, form, refusal, embedded)
        return _post(request, board, embedded)
    return csrf_protect(_post)(request, board, embedded)


def _post(request, board, embedded: bool):
    form = RequestForm(request.POST, settings=board.portal_settings)
    if not form.is_valid():
        return _form_page(request, board, form, embedded=embedded, status=400)
    try:
        services.request_submit(
            board=board,
            request=form.customer_request(request.FILES.getlist("files")),
            token=request.POST.get("token", ""),
            trap=form.cleaned_data["website"],
            ip=client_ip(request) or "",
        )
    except ApplicationError as exc:
        return _refused_page(request, board, form, exc, embedded)
    name = "portal:form-embed-sent" if embedded else "portal:form-sent"
    return redirect(reverse(name, args=[board.key]))


def _from_this_server(request) -> bool:
    """Whether the POST came from a page of this server: its Origin (every current browser
    sends one with a form's POST), else its Referer; a page elsewhere never passes."""
    own = f"{request.scheme}://{request.get_host()}"
    if request.META.get("HTTP_SEC_FETCH_SITE") == "cross-site":
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    referer = request.META.get("HTTP_REFERER", "")
    return referer.startswith(f"{own}/")


def _refused_page(request, board, form, exc: ApplicationError, embedded: bool):
    """The form again, saying why it was refused: on what the person typed (`form` bound),
    or on an empty form when the body went unread (too large)."""
    if form.is_bound:
        form.is_valid()  # its own errors too, and cleaned_data for add_error
        add_refusal(form, exc)
        refusal = ""
    else:
        refusal = exc.message
    return _form_page(
        request, board, form, embedded=embedded, status=exc.status_code, refusal=refusal
    )


def _form_page(request, board, form, *, embedded: bool, status: int = 200, refusal: str = ""):
    """The form, with a fresh token (a refused one is never offered again)."""
    config = board.portal_settings
    action = reverse("portal:form-embed" if embedded else "portal:form", args=[board.key])
    response = render(
        request,
        "portal/form.html",
        {
            "board": board,
            "config": config,
            "form": form,
            "token": services.form_token(board),
            "action": action,
            "embedded": embedded,
            "refusal": refusal,
            "max_files": settings.ATTACHMENT_MAX_FILES,
            "max_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )
    return _framed(response, config) if embedded else response


def _sent(request, key, *, embedded: bool):
    board = public_board(key, form=True)
    config = board.portal_settings
    response = render(
        request,
        "portal/form_sent.html",
        {
            "board": board,
            "config": config,
            "embedded": embedded,
            "again": reverse("portal:form-embed" if embedded else "portal:form", args=[board.key]),
            "portal_url": portal_home_url(board) if config.portal_enabled else "",
            "replies": services.mail_replies_reach(board),
        },
    )
    return _framed(response, config) if embedded else response


def _framed(response, config):
    """Frameable by the board's origins only (none: nowhere), X-Frame-Options dropped."""
    origins = config.frame_ancestors.split()
    response._csp_replace = {"frame-ancestors": origins or ["'none'"]}
    response.xframe_options_exempt = True
    return response


# --- The board's settings (admins) -------------------------------------------------------------
def form_addresses(board) -> tuple[str, str]:
    """The form's public address and its embeddable one, on SITE_URL."""
    return (
        f"{settings.SITE_URL}{reverse('portal:form', args=[board.key])}",
        f"{settings.SITE_URL}{reverse('portal:form-embed', args=[board.key])}",
    )


def _settings_page(request, board, form=None, brand_form=None, status=200):
    config = portal_settings(board)
    form_url, embed_url = form_addresses(board)
    return render(
        request,
        "portal/settings.html",
        {
            "board": board,
            "config": config,
            "form": form or PortalSettingsForm(board=board, instance=config),
            "brand_form": brand_form or BrandForm(initial={"brand_color": board.brand_color}),
            "form_url": form_url,
            "embed_url": embed_url,
            "portal_url": portal_home_url(board),
            "address_hourly": settings.PORTAL_FORM_ADDRESS_HOURLY,
        },
        status=status,
    )


@login_required
@require_GET
def portal_settings_page(request, board_id):
    """The board's request form, portal and brand (admins only)."""
    board = board_for(request.user, board_id, Action.MANAGE)
    return _settings_page(request, board)


@login_required
@require_POST
def portal_settings_save(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    form = PortalSettingsForm(request.POST, board=board, instance=portal_settings(board))
    if form.is_valid():
        try:
            services.portal_settings_set(board=board, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, "Customer portal settings saved.")
            return redirect(reverse("portal:settings", args=[board.pk]))
    return _settings_page(request, board, form=form, status=400)


@login_required
@require_POST
def brand_save(request, board_id):
    board = board_for(request.user, board_id, Action.MANAGE)
    form = BrandForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.brand_set(
                board=board,
                by=request.user,
                color=data["brand_color"],
                logo=data["logo"] or None,
                remove_logo=data["remove_logo"],
            )
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, "Brand saved.")
            return redirect(reverse("portal:settings", args=[board.pk]) + "#brand")
    return _settings_page(request, board, brand_form=form, status=400)
