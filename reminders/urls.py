"""Reminder pages, in the `sla` URL namespace they have always had (csboard/urls.py joins them)."""

from django.urls import path

from reminders import views

urlpatterns = [
    path("settings/email/", views.email_preferences, name="email_preferences"),
]
