from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from csboard.core.validation import full_clean_or_raise
from customers.models import Customer


def customer_for_email(*, email: str, name: str = "", company: str = "") -> Customer | None:
    """The customer with this address (any case), created on first sight; the name and company
    fill in blanks but never overwrite what is known. Safe under concurrent first sights."""
    email = (email or "").strip()
    if not email:
        return None
    customer = Customer.objects.filter(email__iexact=email).first()
    if customer is None:
        full_clean_or_raise(
            Customer(email=email, name=name, company=company),
            validate_unique=False,
            validate_constraints=False,
        )
        try:
            with transaction.atomic():
                return Customer.objects.create(email=email, name=name, company=company)
        except IntegrityError:  # someone created it meanwhile
            customer = Customer.objects.get(email__iexact=email)
    missing = {
        f: v for f, v in (("name", name), ("company", company)) if v and not getattr(customer, f)
    }
    if missing:
        Customer.objects.filter(pk=customer.pk).update(**missing)
        for field, value in missing.items():
            setattr(customer, field, value)
    return customer


def customers_for_emails(people: dict[str, str]) -> dict[str, Customer]:
    """Bulk `customer_for_email` for an import: `people` maps lower-cased emails to names; the
    customers (created on first sight, names filling blanks only when new) by lower-cased email.
    A few queries per thousand addresses, whatever their number."""
    found: dict[str, Customer] = {}
    emails = list(people)

    def fetch(chunk):
        for customer in Customer.objects.annotate(key=Lower("email")).filter(key__in=chunk):
            found[customer.key] = customer

    for start in range(0, len(emails), 1000):
        fetch(emails[start : start + 1000])
    missing = [email for email in emails if email not in found]
    if missing:
        Customer.objects.bulk_create(
            [Customer(email=email, name=people[email]) for email in missing],
            batch_size=1000,
            ignore_conflicts=True,  # someone created one meanwhile: fetched below either way
        )
        for start in range(0, len(missing), 1000):
            fetch(missing[start : start + 1000])
    return found
