from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("portal/<str:key>/logo/", views.logo, name="logo"),
    path("portal/<str:key>/", views.home, name="home"),
    path("portal/<str:key>/in/<str:token>/", views.link, name="link"),
    path("portal/<str:key>/out/", views.sign_out, name="sign-out"),
    path(
        "portal/<str:key>/out/everywhere/",
        views.sign_out,
        {"everywhere": True},
        name="sign-out-everywhere",
    ),
    path("portal/<str:key>/tickets/<int:number>/", views.ticket, name="ticket"),
    path("portal/<str:key>/tickets/<int:number>/answer/", views.answer, name="answer"),
    path("portal/<str:key>/tickets/<int:number>/rating/", views.rate, name="rate"),
    path("portal/<str:key>/tickets/<int:number>/files/<int:pk>/", views.file, name="file"),
]
