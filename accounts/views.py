from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import SignUpForm, ThemeForm
from accounts.services import user_create, user_theme_set
from csboard.core.exceptions import ApplicationError
from csboard.core.pages import add_refusal

# Sign-up proves the password itself, so the session needs no other backend (django-axes only
# guards the sign-in form).
SIGN_UP_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_up(request):
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is disabled on this server.")
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except ApplicationError as exc:
            add_refusal(form, exc)
        else:
            login(request, user, backend=SIGN_UP_BACKEND)
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/sign_up.html", {"form": form})


@login_required
@require_POST
def theme_set(request):
    """The theme switch of the user's settings page (sla:email_preferences shows the form)."""
    form = ThemeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose light, dark or system.")
    user_theme_set(user=request.user, theme=form.cleaned_data["theme"])
    messages.success(request, "Theme saved.")
    return redirect("sla:email_preferences")
