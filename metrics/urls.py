from django.urls import path

from metrics import views

app_name = "metrics"

urlpatterns = [
    path("boards/<int:board_id>/metrics/", views.board_dashboard, name="dashboard"),
    path("boards/<int:board_id>/metrics/<slug:table>.csv", views.metrics_export, name="export"),
]
