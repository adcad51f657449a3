from django.urls import path

from portal import form_views, views

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
    # The request form (form_views): its page, its <iframe> version, and their thank-you pages.
    path("help/<str:key>/", form_views.request_form, name="form"),
    path("help/<str:key>/sent/", form_views.request_sent, name="form-sent"),
    path("help/<str:key>/embed/", form_views.request_form_embed, name="form-embed"),
    path("help/<str:key>/embed/sent/", form_views.request_sent_embed, name="form-embed-sent"),
    path(
        "boards/<int:board_id>/settings/portal/",
        form_views.portal_settings_page,
        name="settings",
    ),
    path(
        "boards/<int:board_id>/settings/portal/save/",
        form_views.portal_settings_save,
        name="settings-save",
    ),
    path(
        "boards/<int:board_id>/settings/portal/brand/",
        form_views.brand_save,
        name="brand-save",
    ),
]
