from django.urls import path

from tickets import views

app_name = "tickets"

TICKET = "boards/<int:board_id>/tickets/<int:number>"

urlpatterns = [
    path("boards/<int:board_id>/tickets/new/", views.ticket_new, name="new"),
    path(f"{TICKET}/", views.ticket_detail, name="detail"),
    path(f"{TICKET}/edit/", views.ticket_edit, name="edit"),
    path(f"{TICKET}/move/", views.ticket_move, name="move"),
    path(f"{TICKET}/delete/", views.ticket_delete, name="delete"),
]
