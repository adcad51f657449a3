from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal: the customer's side (the request form, the portal of their tickets)"
