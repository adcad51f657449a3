from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Mail: support addresses, the mail a board receives and sends"

    def ready(self):
        from anymail.signals import inbound

        from mail.webhooks import inbound_received

        inbound.connect(inbound_received, dispatch_uid="mail.webhooks.inbound_received")
