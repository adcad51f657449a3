from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "csboard.core"
    label = "core"

    def ready(self):
        from django.db.models import Field, ForeignObject

        from csboard.core.lookups import AnyOf

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)  # relations keep lookups of their own
