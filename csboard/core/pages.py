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
        messages.error(request, exc.message)


def submitted(request: HttpRequest, form: forms.Form) -> dict | None:
    """The form's cleaned data, or None once the user has been told what is wrong with it."""
    if form.is_valid():
        return form.cleaned_data
    messages.error(request, first_error(form))
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
