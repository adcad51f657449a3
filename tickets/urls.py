from django.urls import path

from tickets import views

# With the ticket page (web.urls.tickets) and the new-ticket page (ticket_templates.urls.tickets,
# whose post without the full form's fields is the quick add, customfields.views): csboard/urls.py.
app_name = "tickets"

TICKET = "boards/<int:board_id>/tickets/<int:number>"

urlpatterns = [
    path(f"{TICKET}/move/", views.ticket_move, name="move"),
    path(f"{TICKET}/delete/", views.ticket_delete, name="delete"),
    path(f"{TICKET}/follow/", views.ticket_follow, name="follow"),
    # The board's archive: what deleting a ticket leaves, restored or deleted for good there.
    path("boards/<int:board_id>/archive/", views.archive_list, name="archive"),
    path(
        "boards/<int:board_id>/archive/<int:number>/restore/",
        views.ticket_restore,
        name="restore",
    ),
    path(
        "boards/<int:board_id>/archive/<int:number>/delete/",
        views.ticket_delete_for_good,
        name="delete-for-good",
    ),
]

# The columns form, in the boards namespace (csboard/urls.py joins it). The ticket CSV
# (`boards:export-tickets`) is customfields.urls', and the quick add (`tickets:new`, posted)
# customfields.views': they write and export the custom fields too.
board_urlpatterns = [
    # The settings page's columns form (boards.views renders the page): done flags resolve.
    path("boards/<int:board_id>/settings/columns/", views.columns_save, name="columns_save"),
    # Deleting a column moves its tickets, which the rule of resolution decides for.
    path(
        "boards/<int:board_id>/columns/<int:column_id>/delete/",
        views.column_delete,
        name="column_delete",
    ),
]
