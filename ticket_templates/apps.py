from django.apps import AppConfig


class TicketTemplatesConfig(AppConfig):
    name = "ticket_templates"
    verbose_name = "New tickets: the full form and the board's ticket templates"
