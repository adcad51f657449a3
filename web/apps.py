from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages that assemble several apps (the board, the ticket and the customer page) and the
    demo seeder: the layer above every app, so nothing below imports it."""

    name = "web"
    verbose_name = "Pages"
