from django.db import models
from django.db.models.functions import Lower


class Customer(models.Model):
    """A person the team serves, known by email address (whatever its case). Tickets and
    feedback with that address attach to the same customer."""

    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    company = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customers_email_unique_ci"),
        ]

    def __str__(self):
        return self.name or self.email
