"""The custom fields' pages (`customfields:`), and the view this app serves under the name it
always had: the ticket CSV `boards:export-tickets` (with the fields; csboard/urls.py joins it to
its namespace). Its quick add (views.ticket_new) answers `tickets:new`'s posts without the full
form's fields: ticket_templates.views.ticket_new, the full new-ticket page, hands them over."""

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
