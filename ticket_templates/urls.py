from django.urls import path

from ticket_templates import views

app_name = "ticket_templates"

BOARD = "boards/<int:board_id>"

urlpatterns = [
    path(f"{BOARD}/settings/templates/", views.template_settings, name="settings"),
    path(f"{BOARD}/settings/templates/<int:pk>/", views.template_edit, name="edit"),
    path(f"{BOARD}/settings/templates/<int:pk>/delete/", views.template_delete, name="delete"),
]

# The full new-ticket page keeps the name the column's quick add always had (`tickets:new`,
# which it still answers): csboard/urls.py joins it to the tickets namespace.
tickets = [path(f"{BOARD}/tickets/new/", views.ticket_new, name="new")]
