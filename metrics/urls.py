from django.urls import path

from metrics import views

app_name = "metrics"

urlpatterns = [
    path("boards/<int:board_id>/metrics/", views.board_dashboard, name="dashboard"),
    path("boards/<int:board_id>/metrics/<slug:table>.csv", views.metrics_export, name="export"),
    path("metrics/", views.org_dashboard, name="company"),
    path("metrics/<slug:table>.csv", views.org_export, name="company-export"),
    path("metrics/teams/", views.team_list, name="teams"),
    path("metrics/teams/<int:team_id>/", views.team_dashboard, name="team"),
    path("metrics/teams/<int:team_id>/edit/", views.team_edit, name="team-edit"),
    path("metrics/teams/<int:team_id>/delete/", views.team_delete, name="team-delete"),
]
