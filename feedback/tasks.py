from smtplib import SMTPException

from celery import shared_task

from feedback import services


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def csat_request_task(ticket_id: int) -> bool:
    """Not acknowledged late: sending twice would email the customer twice."""
    return services.csat_request_send(ticket_id=ticket_id)


def csat_request_when_resolved(*, ticket_id: int, customer_email: str, **payload) -> None:
    """Subscribed to tickets.events.ticket_resolved (feedback.apps): runs after commit."""
    if customer_email:
        csat_request_task.delay(ticket_id)
