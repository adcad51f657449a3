from django.apps import AppConfig


class SavedViewsConfig(AppConfig):
    name = "savedviews"
    verbose_name = "Saved views: named filters of a board or a search"
