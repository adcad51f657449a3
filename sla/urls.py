from django.urls import path

from sla import views

app_name = "sla"

urlpatterns = [
    path("boards/<int:board_id>/settings/sla/", views.sla_policy, name="policy"),
    path("settings/email/", views.email_preferences, name="email_preferences"),
]
