from django.urls import path

from mail import views

app_name = "mail"

urlpatterns = [
    path("boards/<int:board_id>/tickets/<int:number>/reply/", views.reply_add, name="reply"),
]
