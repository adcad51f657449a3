from django.apps import AppConfig

from boards.events import tag_changed
from tickets.events import ticket_text_changed


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        from search.services import on_tag_changed, on_ticket_text_changed  # models ready now

        ticket_text_changed.subscribe(on_ticket_text_changed)
        tag_changed.subscribe(on_tag_changed)
