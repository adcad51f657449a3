from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "automation"

    def ready(self):
        from automation.tasks import SUBSCRIBERS  # models are ready only now

        for event, subscriber in SUBSCRIBERS.items():
            event.subscribe(subscriber)
