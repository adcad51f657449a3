from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "csboard.core"
    label = "core"
