from celery import shared_task

from accounts.services import api_tokens_purge


@shared_task
def api_tokens_purge_task() -> int:
    return api_tokens_purge()
