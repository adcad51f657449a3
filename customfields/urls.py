"""The custom fields' pages (`customfields:`), and the views this app serves under the names
they always had: the quick add `tickets:new` and the ticket CSV `boards:export-tickets` (both
with the fields; csboard/urls.py joins each group to its namespace)."""

from django.urls import path

from customfields import views

app_name = "customfields"

SETTINGS = "boards/<int:board_id>/settings/fields"

urlpatterns = [
    path(f"{SETTINGS}/", views.fields_settings, name="settings"),
    path(f"{SETTINGS}/add/", views.field_add, name="add"),
    path(f"{SETTINGS}/<int:field_id>/", views.field_edit, name="edit"),
    path(f"{SETTINGS}/<int:field_id>/delete/", views.field_delete, name="delete"),
    path(
        "boards/<int:board_id>/tickets/<int:number>/fields/<int:field_id>/",
        views.value_edit,
        name="value",
    ),
]

boards = [
    path(
        "boards/<int:board_id>/export/tickets.csv",
        views.board_export_tickets,
        name="export-tickets",
    ),
]

tickets = [path("boards/<int:board_id>/tickets/new/", views.ticket_new, name="new")]
