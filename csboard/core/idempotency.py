"""Creates that are idempotent on request: a client sends an `Idempotency-Key` header, and a
retry with the same key and body within 24 hours is answered with the first result instead of
creating again (the answer to the first may have been lost: a timeout, a dropped connection).
The same key with another body is a 409. Keys are scoped per user and endpoint and kept in
PostgreSQL, beside the rows they made, so an answer survives Redis and a restart.

The key's row is inserted in the same transaction as the create, before it: a concurrent
request with the same key waits on the unique index until the first commits (then answers its
result) or rolls back (then creates itself). A create that fails stores nothing."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from csboard.core.exceptions import Conflict, InvalidInput
from csboard.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = IdempotencyKey._meta.get_field("key").max_length


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Answer:
    status_code: int
    data: Any
    replayed: bool = False


def _digest(body) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent(
    *, user, scope: str, key: str, body, create: Callable[[], tuple[int, Any]]
) -> Answer:
    """Run `create` (returning status code and response data) once per user, scope and key."""
    if not key:
        return Answer(*create())
    if len(key) > MAX_KEY_LENGTH:
        message = f"At most {MAX_KEY_LENGTH} characters."
        raise InvalidInput(message, fields={HEADER: [message]})
    digest = _digest(body)
    with transaction.atomic():
        mine = IdempotencyKey.objects.filter(user=user, scope=scope, key=key)
        mine.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, scope=scope, key=key, body_digest=digest
                )
        except IntegrityError:  # the first request with this key committed meanwhile
            return _replay(mine.get(), digest)
        status_code, data = create()
        record.status_code, record.response = status_code, data
        record.save(update_fields=["status_code", "response"])
    return Answer(status_code, data)


def _replay(record: IdempotencyKey, digest: str) -> Answer:
    if record.body_digest != digest:
        raise IdempotencyKeyReused(
            f"This {HEADER} was used with another request body; use a new key for a new request."
        )
    return Answer(record.status_code, record.response, replayed=True)


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget the keys older than 24 hours."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]
