from django.urls import path

from mail import views

app_name = "mail"

urlpatterns = [
    path("boards/<int:board_id>/tickets/<int:number>/reply/", views.reply_add, name="reply"),
    path("boards/<int:board_id>/settings/email/", views.email_settings, name="settings"),
    path("boards/<int:board_id>/settings/email/add/", views.address_add, name="address-add"),
    path("boards/<int:board_id>/settings/email/save/", views.settings_save, name="save"),
    path(
        "boards/<int:board_id>/settings/email/<int:pk>/delete/",
        views.address_delete,
        name="address-delete",
    ),
]
