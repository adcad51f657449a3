from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("feedback/csat/<str:token>/<int:score>/", views.csat_rate, name="csat"),
    path("boards/<int:board_id>/export/feedback.csv", views.feedback_export, name="export"),
    path("boards/<int:board_id>/settings/feedback/", views.feedback_settings, name="settings"),
    path("boards/<int:board_id>/settings/feedback/import/", views.feedback_import, name="import"),
]
