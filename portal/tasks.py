"""Thin Celery tasks of the customer's side."""

from smtplib import SMTPException

from celery import shared_task

from portal import auth


# Not acknowledged late: a second run would mail a second link.
@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def signin_link_task(board_id: int, email: str) -> bool:
    return auth.signin_link_send(board_id=board_id, email=email)
