from django.db import IntegrityError, transaction

from customers.models import Customer


def customer_for_email(*, email: str, name: str = "", company: str = "") -> Customer | None:
    """The customer with this address (any case), created on first sight; the name and company
    fill in blanks but never overwrite what is known. Safe under concurrent first sights."""
    email = (email or "").strip()
    if not email:
        return None
    customer = Customer.objects.filter(email__iexact=email).first()
    if customer is None:
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
