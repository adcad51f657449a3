from django.urls import path

from relations import views

app_name = "relations"

TICKET = "boards/<int:board_id>/tickets/<int:number>"

urlpatterns = [
    path(f"{TICKET}/links/", views.link_add, name="link-add"),
    path(f"{TICKET}/links/<int:pk>/delete/", views.link_remove, name="link-remove"),
    path(f"{TICKET}/merge/", views.merge, name="merge"),
]
