from celery import shared_task

from metrics import services


@shared_task
def weekly_digest_task() -> int:
    """Hourly: sends the digests that are due (Monday morning in each board's time zone).
    Idempotent through DigestSent, so a repeated tick sends nothing more."""
    return services.weekly_digest_send()
