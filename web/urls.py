"""The URLs of the pages in web.views, grouped by the namespace they have always had: the board
page is still `boards:detail`, the ticket page `tickets:detail`, the customer page
`customers:detail`. csboard/urls.py joins each group to its app's own patterns."""

from django.urls import path

from boards.urls import BOARD
from tickets.urls import TICKET
from web import views

boards = [
    path(f"{BOARD}/", views.board_detail, name="detail"),
    path(f"{BOARD}/live/columns/", views.board_detail_columns, name="detail_columns"),
]

tickets = [
    path(f"{TICKET}/", views.ticket_detail, name="detail"),
    path(f"{TICKET}/edit/", views.ticket_edit, name="edit"),
    path(f"{TICKET}/panel/", views.ticket_panel, name="panel"),
]

# My work: the home page once signed in (settings.LOGIN_REDIRECT_URL).
my = [
    path("my/", views.my_work_page, name="work"),
    path("my/live/", views.my_work_live, name="work_live"),
]

customers = [
    path("customers/", views.customer_list, name="list"),
    path("customers/<int:customer_id>/", views.customer_detail, name="detail"),
]
