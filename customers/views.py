from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from customers.selectors import customer_feedback, customer_for, customer_tickets


@login_required
def customer_detail(request, customer_id):
    """A customer's tickets and scores over time, limited to the boards the user can see."""
    customer = customer_for(request.user, customer_id)
    feedback = list(customer_feedback(request.user, customer))
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "tickets": customer_tickets(request.user, customer),
            "feedback": feedback,
        },
    )
