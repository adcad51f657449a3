from django.urls import path

from sla import views

app_name = "sla"  # with the reminder email preferences (reminders.urls), see csboard/urls.py

urlpatterns = [
    path("boards/<int:board_id>/settings/sla/", views.sla_policy, name="policy"),
]
