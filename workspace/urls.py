from django.urls import path

from workspace import views

app_name = "workspace"

TICKET = "boards/<int:board_id>/tickets/<int:number>"
BOARD = "boards/<int:board_id>"

urlpatterns = [
    path(f"{TICKET}/checklist/", views.checklist_add, name="checklist-add"),
    path(f"{TICKET}/checklist/<int:pk>/", views.checklist_update, name="checklist-update"),
    path(f"{TICKET}/checklist/<int:pk>/delete/", views.checklist_delete, name="checklist-delete"),
    path(f"{TICKET}/chat/", views.message_add, name="message-add"),
    path(f"{TICKET}/chat/<int:pk>/edit/", views.message_edit, name="message-edit"),
    path(f"{TICKET}/chat/<int:pk>/delete/", views.message_delete, name="message-delete"),
    path(f"{TICKET}/attachments/", views.files_upload, name="attachments-upload"),
    path(f"{TICKET}/attachments/<int:pk>/", views.file_download, name="attachment"),
    path(f"{TICKET}/attachments/<int:pk>/delete/", views.file_delete, name="attachment-delete"),
    path(f"{BOARD}/chat/live/", views.board_chat_live, name="board-chat-live"),
    path(f"{BOARD}/files/live/", views.board_files_live, name="board-files-live"),
    path(f"{BOARD}/chat/", views.message_add, name="board-message-add"),
    path(f"{BOARD}/chat/<int:pk>/edit/", views.message_edit, name="board-message-edit"),
    path(f"{BOARD}/chat/<int:pk>/delete/", views.message_delete, name="board-message-delete"),
    path(f"{BOARD}/files/", views.files_upload, name="board-files-upload"),
    path(f"{BOARD}/files/link/", views.link_add, name="board-link-add"),
    path(f"{BOARD}/files/<int:pk>/", views.file_download, name="board-file"),
    path(f"{BOARD}/files/<int:pk>/delete/", views.file_delete, name="board-file-delete"),
]
