from django.urls import path

from boards import views

app_name = "boards"  # with the board page (web.urls.boards), see csboard/urls.py

BOARD = "boards/<int:board_id>"

urlpatterns = [
    path("", views.board_list, name="list"),
    path("boards/new/", views.board_new, name="new"),
    path(f"{BOARD}/zoom/", views.board_zoom, name="zoom"),
    path(f"{BOARD}/settings/", views.board_settings, name="settings"),
    path(f"{BOARD}/settings/general/", views.board_update, name="update"),
    path(f"{BOARD}/delete/", views.board_delete, name="delete"),
    path(f"{BOARD}/columns/", views.column_add, name="column_add"),
    path(f"{BOARD}/tags/", views.tag_add, name="tag_add"),
    path(f"{BOARD}/tags/<int:tag_id>/", views.tag_edit, name="tag_edit"),
    path(f"{BOARD}/tags/<int:tag_id>/delete/", views.tag_delete, name="tag_delete"),
    path(f"{BOARD}/members/", views.member_add, name="member_add"),
    path(f"{BOARD}/members/<int:membership_id>/", views.member_role, name="member_role"),
    path(f"{BOARD}/members/<int:membership_id>/delete/", views.member_remove, name="member_remove"),
]
