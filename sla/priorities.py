from django.db import models


class Priority(models.TextChoices):
    """A ticket's priority: what the SLA policy sets its targets by (tickets.models uses it)."""

    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"
