from django.apps import AppConfig

from tickets.events import ticket_resolved


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self):
        from feedback.tasks import csat_request_when_resolved  # models are ready only now

        ticket_resolved.subscribe(csat_request_when_resolved)
