from django.urls import path

from automation import views

app_name = "automation"

urlpatterns = [
    path("boards/<int:board_id>/rules/", views.rules, name="rules"),
    path("boards/<int:board_id>/rules/new/", views.rule_new, name="new"),
    path("boards/<int:board_id>/rules/row/", views.rule_row, name="row"),
    path("boards/<int:board_id>/rules/history/", views.rule_history, name="history"),
    path("boards/<int:board_id>/rules/<int:rule_id>/", views.rule_edit, name="edit"),
    path("boards/<int:board_id>/rules/<int:rule_id>/move/", views.rule_move, name="move"),
    path("boards/<int:board_id>/rules/<int:rule_id>/delete/", views.rule_delete, name="delete"),
    path("boards/<int:board_id>/rules/<int:rule_id>/try/", views.rule_try, name="try"),
]
