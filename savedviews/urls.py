from django.urls import path

from savedviews import views

app_name = "savedviews"

urlpatterns = [
    path("boards/<int:board_id>/views/", views.view_create, name="create"),
    path("views/", views.search_view_create, name="create-search"),
    path("views/<int:view_id>/", views.view_update, name="update"),
    path("views/<int:view_id>/delete/", views.view_delete, name="delete"),
]
