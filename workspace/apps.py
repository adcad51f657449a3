from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = "Ticket workspace: checklists, chat and files"

    def ready(self):
        from workspace import signals  # noqa: F401
