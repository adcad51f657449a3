"""What every HTML view shares: going back where the user came from, showing the domain's
refusals (ApplicationError) as a message or as form errors instead of an error page, and the
partials a live page redraws a part of itself from."""

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from csboard.core.exceptions import ApplicationError


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the `next` field of the form (a page of this site only), else to `fallback`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@contextmanager
def refusals_as_messages(request: HttpRequest) -> Iterator[None]:
    """Run a service call; if the domain refuses it, tell the user why instead of failing."""
    try:
        yield
    except ApplicationError as exc:
        messages.error(request, exc.message, extra_tags=refusal_tag(exc.status_code))


def submitted(request: HttpRequest, form: forms.Form) -> dict | None:
    """The form's cleaned data, or None once the user has been told what is wrong with it."""
    if form.is_valid():
        return form.cleaned_data
    messages.error(request, first_error(form), extra_tags=refusal_tag(400))
    return None


def add_refusal(form: forms.Form, exc: ApplicationError, field_of=str) -> None:
    """Put a domain refusal on the form: on the fields it names, or above the form. `field_of`
    turns a key of the refusal into the form's field name, where the two differ."""
    placed = False
    for key, errors in exc.fields.items():
        field = field_of(key)
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def first_error(form: forms.Form) -> str:
    """One sentence for a form posted from a page that has no room to show field errors."""
    for field, errors in form.errors.items():
        if field in form.fields:
            return f"{form[field].label}: {errors[0]}"
        return errors[0]
    return "Please check the form."


# A live page (the board) redraws a part of itself from a partial view, which says in this header
# when it was drawn (epoch ms, taken before any read) as the page says it in data-rendered-at: the
# page compares it with the moment its socket says the board last changed, to catch up.
RENDERED_AT_HEADER = "X-Rendered-At"


def render_live_part(
    request: HttpRequest, template_name: str, context: dict, *, rendered_at: int
) -> HttpResponse:
    response = render(request, template_name, context)
    response[RENDERED_AT_HEADER] = str(rendered_at)
    return response


# --- A page's sections, redrawn alone for htmx ----------------------------------------------------
# A form of a page's section (the ticket page's checklist, chat, files) posts as it always has and
# is redirected back to the page's tab. Posted by htmx (the HX-Request header), it is redirected to
# the page's view with ?section=<tab> instead, which draws that section alone (htmx follows the
# redirect and swaps it in): the same views, the server's HTML either way. A refusal travels with
# its message, as a tag with its status, so the section says why with the right status code.
SECTION_PARAM = "section"
_STATUS_TAG = "status-"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refusal_tag(status_code: int) -> str:
    return f"{_STATUS_TAG}{status_code}"


def section_redirect(request: HttpRequest, page_url: str, section: str) -> HttpResponseRedirect:
    """Back to the tab `section` of the page at `page_url`: its anchor, or the section alone."""
    if is_htmx(request):
        return redirect(f"{page_url}?{SECTION_PARAM}={section}")
    return redirect(f"{page_url}#{section}")


def requested_section(request: HttpRequest, sections) -> str | None:
    """The section of `sections` an htmx request asks for alone, or None for the whole page."""
    section = request.GET.get(SECTION_PARAM)
    return section if is_htmx(request) and section in sections else None


def refusal_status(notes) -> int:
    """A section's status code: that of the worst refusal among its messages, else 200."""
    codes = [
        int(tag.removeprefix(_STATUS_TAG))
        for note in notes
        for tag in note.extra_tags.split()
        if tag.startswith(_STATUS_TAG) and tag.removeprefix(_STATUS_TAG).isdecimal()
    ]
    return max(codes, default=200)
