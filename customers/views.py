from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from customers.selectors import (
    customer_feedback,
    customer_for,
    customer_profiles,
    customer_tickets,
)


@login_required
def customer_detail(request, customer_id):
    """A customer's tickets and scores over time, and what each board knows of them, limited to
    the boards the user can see."""
    customer = customer_for(request.user, customer_id)
    tickets = list(customer_tickets(request.user, customer))
    feedback = list(customer_feedback(request.user, customer))
    profiles = customer_profiles(tickets, feedback)
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "profiles": profiles,
            # One board's details head the page; several boards' are listed side by side.
            "profile": profiles[0] if len(profiles) == 1 else None,
            "tickets": tickets,
            "feedback": feedback,
        },
    )
