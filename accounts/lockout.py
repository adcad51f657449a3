"""The sign-in lockout (django-axes), said once: the sign-in page and the token endpoint both
tell a locked-out caller that the account is locked, and for how long."""

from datetime import timedelta

from axes.helpers import get_cool_off
from django.shortcuts import render

from csboard.core.exceptions import SignInLocked


def _duration(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = [(hours, "hour"), (minutes, "minute")]
    return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


def lockout_message(request) -> str:
    cool_off = get_cool_off(request)
    until = f"for {_duration(cool_off)}" if cool_off else "until an administrator unlocks it"
    # Every failed attempt while locked starts the pause again (django-axes' default).
    return (
        "Too many failed sign-ins: sign-in to this account from your address is locked "
        f"{until}. Try again then, or reset your password."
    )


def lockout_seconds(request) -> int | None:
    cool_off = get_cool_off(request)
    return round(cool_off.total_seconds()) if cool_off else None


def locked_out_page(request, original_response=None, credentials=None):
    """The sign-in page's answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE)."""
    response = render(
        request, "accounts/locked_out.html", {"message": lockout_message(request)}, status=429
    )
    if (seconds := lockout_seconds(request)) is not None:
        response["Retry-After"] = str(seconds)
    return response


def ensure_not_locked_out(request) -> None:
    """After a refused API sign-in: a lockout is a 429 that says so, not "wrong password"."""
    if getattr(request, "axes_locked_out", False):
        raise SignInLocked(lockout_message(request), retry_after=lockout_seconds(request))
