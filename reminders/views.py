"""Reminder pages: a user's reminder emails. A thin adapter over reminders.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.forms import ThemeForm
from accounts.services import preference_get
from reminders import services
from reminders.forms import EmailPreferencesForm
from reminders.models import Reminder


@login_required
def email_preferences(request):
    wanted = preference_get(request.user, services.EMAIL_PREFERENCE, {})
    form = EmailPreferencesForm(request.POST or None, wanted=wanted)
    if request.method == "POST" and form.is_valid():
        services.email_preferences_set(user=request.user, wanted=form.cleaned_data)
        messages.success(request, "Email preferences saved.")
        return redirect("sla:email_preferences")
    return render(
        request,
        "sla/email_preferences.html",
        {
            "form": form,
            "theme_form": ThemeForm(initial={"theme": request.user.theme}),
            "kinds": Reminder.Kind.choices,
            "has_email": bool(request.user.email),
        },
    )
