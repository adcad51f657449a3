from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("portal/<str:key>/logo/", views.logo, name="logo"),
]
