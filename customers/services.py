from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from csboard.core.validation import full_clean_or_raise
from customers.models import Customer


def customer_for_email(*, email: str) -> Customer | None:
    """The customer with this address (any case), created on first sight. Safe under concurrent
    first sights. Names and companies stay on each board's tickets and feedback."""
    email = (email or "").strip()
    if not email:
        return None
    customer = Customer.objects.filter(email__iexact=email).first()
    if customer is None:
        full_clean_or_raise(
            Customer(email=email),
            validate_unique=False,
            validate_constraints=False,
        )
        try:
            with transaction.atomic():
                return Customer.objects.create(email=email)
        except IntegrityError:  # someone created it meanwhile
            customer = Customer.objects.get(email__iexact=email)
    return customer


def customers_for_emails(emails: set[str]) -> dict[str, Customer]:
    """Bulk `customer_for_email` for an import: the customers of these lower-cased emails
    (created on first sight), by lower-cased email. A few queries per thousand addresses,
    whatever their number."""
    found: dict[str, Customer] = {}
    emails = list(emails)

    def fetch(chunk):
        for customer in Customer.objects.annotate(key=Lower("email")).filter(key__in=chunk):
            found[customer.key] = customer

    for start in range(0, len(emails), 1000):
        fetch(emails[start : start + 1000])
    missing = [email for email in emails if email not in found]
    if missing:
        Customer.objects.bulk_create(
            [Customer(email=email) for email in missing],
            batch_size=1000,
            ignore_conflicts=True,  # someone created one meanwhile: fetched below either way
        )
        for start in range(0, len(missing), 1000):
            fetch(missing[start : start + 1000])
    return found
