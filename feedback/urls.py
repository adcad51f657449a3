from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("feedback/csat/<str:token>/<int:score>/", views.csat_rate, name="csat"),
]
