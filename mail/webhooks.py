"""The provider adapter: django-anymail turns each provider's inbound webhook (Mailgun, Postmark,
SendGrid, ... at /anymail/<provider>/inbound/) into one `inbound` signal with the message; this
hands its bytes to `mail_receive`, as the IMAP poller and the MTA pipe do.

What the receiver raises decides what the provider is answered: mail for no board is logged and
accepted (200: the provider would otherwise retry it for days, and no retry will find a board);
any other failure of receiving it (the database away, a bug) raises, anymail answers 5xx and the
provider tries again later, which is harmless: a message received twice is a duplicate. A post
that holds no message at all (a form without its fields, JSON that does not parse: anymail's
parsers raise on those) is answered 400 by `inbound_urlpatterns`' views, never a 500: no retry
would make it a message."""

import contextvars
import logging

from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.http import JsonResponse
from django.urls import URLPattern

from mail.models import SupportAddress
from mail.services import NoSupportAddress, mail_receive

log = logging.getLogger(__name__)
# Per post (set by `_refusing_malformed`): "receiving" once its message was read and handed to
# mail_receive, so that what fails from then on is ours (a 5xx, for a retry).
_post = contextvars.ContextVar("inbound_post", default=None)

# Where a provider's post carries the message as it came (anymail's `esp_event`: Postmark's JSON
# with "include raw email content", Mailgun's form posted to .../inbound_mime/, SendGrid's with
# "Send raw"). Those are the bytes kept and deduplicated on: anymail's parsed message written out
# again is another text (Python's email package ends lines in LF and re-encodes some headers),
# so a message without a Message-ID, known by its bytes' digest, would come in twice by IMAP and
# by webhook. Any other provider or form: that parsed message, written out.
RAW_FIELDS = {"Postmark": "RawEmail", "Mailgun": "body-mime", "SendGrid": "email"}


def _raw(event, esp_name: str) -> bytes:
    fields = getattr(event.esp_event, "POST", event.esp_event)  # a request's form, or JSON
    raw = fields.get(RAW_FIELDS.get(esp_name, ""), None) if hasattr(fields, "get") else None
    if isinstance(raw, str) and raw:
        return raw.encode("utf-8")  # as anymail reads it (parse_raw_mime)
    if event.message is None:
        raise ValueError("The post holds no message.")
    return event.message.as_bytes()


def inbound_received(sender, event, esp_name, **kwargs) -> None:
    message = event.message
    # Where the provider delivered it, when it says: a Bcc, or a forward to the board.
    recipient = message.envelope_recipient if message is not None else None
    address = None
    if recipient:
        address = SupportAddress.objects.filter(active=True, address__iexact=recipient).first()
    raw = _raw(event, esp_name)
    if (post := _post.get()) is not None:
        post["receiving"] = True
    try:
        received = mail_receive(raw, address=address)
    except NoSupportAddress as error:
        log.warning("Inbound mail from %s dropped: %s", esp_name, error)
        return
    log.info("Inbound mail from %s: %s %s", esp_name, received.outcome, received.email.message_id)


def _refusing_malformed(view):
    """`view` (an anymail inbound view), answering 400 for a post its parser cannot read, while
    a failure to receive a message it did read, or of the database, stays a 5xx."""

    def wrapped(request, *args, **kwargs):
        post = {}
        token = _post.set(post)
        try:
            return view(request, *args, **kwargs)
        except (SuspiciousOperation, DatabaseError):
            raise  # a bad signature or auth (anymail's 400/403), or the database: as they are
        except Exception as error:
            if post.get("receiving"):
                raise
            log.warning("Inbound webhook post refused, no message in it: %r", error)
            return JsonResponse({"detail": "The post holds no message."}, status=400)
        finally:
            _post.reset(token)

    wrapped.csrf_exempt = getattr(view, "csrf_exempt", False)
    return wrapped


def inbound_urlpatterns() -> list:
    """anymail's URLs, each inbound view refusing a malformed post with 400 (see the module)."""
    from anymail import urls

    return [
        URLPattern(
            pattern.pattern,
            _refusing_malformed(pattern.callback) if "inbound" in (pattern.name or "") else
            pattern.callback,
            pattern.default_args,
            pattern.name,
        )
        for pattern in urls.urlpatterns
    ]  # fmt: skip
