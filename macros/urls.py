from django.urls import path

from macros import views

app_name = "macros"

urlpatterns = [
    path("boards/<int:board_id>/macros/", views.macro_list, name="list"),
    path("boards/<int:board_id>/macros/new/", views.macro_add, name="add"),
    path("boards/<int:board_id>/macros/<int:pk>/", views.macro_edit, name="edit"),
    path("boards/<int:board_id>/macros/<int:pk>/delete/", views.macro_delete, name="delete"),
    path(
        "boards/<int:board_id>/tickets/<int:number>/macros/apply/",
        views.macro_apply,
        name="apply",
    ),
]
