from django.db import models
from django.db.models.functions import Lower


class Customer(models.Model):
    """A person the team serves, known by email address (whatever its case). Tickets and
    feedback with that address attach to the same customer, on every board.

    It holds the address alone: a name, a company or a phone is what one board's tickets and
    feedback say (web.selectors.customer_profiles), so no board writes what another board
    shows."""

    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customers_email_unique_ci"),
        ]

    def __str__(self):
        return self.email
