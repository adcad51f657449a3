"""The provider adapter: django-anymail turns each provider's inbound webhook (Mailgun, Postmark,
SendGrid, ... at /anymail/<provider>/inbound/) into one `inbound` signal with the message; this
hands its bytes to `mail_receive`, as the IMAP poller and the MTA pipe do.

What the receiver raises decides what the provider is answered: mail for no board is logged and
accepted (200: the provider would otherwise retry it for days, and no retry will find a board);
any other failure (the database away, a bug) raises, anymail answers 5xx and the provider tries
again later, which is harmless: a message received twice is a duplicate."""

import logging

from mail.models import SupportAddress
from mail.services import NoSupportAddress, mail_receive

log = logging.getLogger(__name__)

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
    return event.message.as_bytes()


def inbound_received(sender, event, esp_name, **kwargs) -> None:
    message = event.message
    # Where the provider delivered it, when it says: a Bcc, or a forward to the board.
    recipient = message.envelope_recipient if message is not None else None
    address = None
    if recipient:
        address = SupportAddress.objects.filter(active=True, address__iexact=recipient).first()
    try:
        received = mail_receive(_raw(event, esp_name), address=address)
    except NoSupportAddress as error:
        log.warning("Inbound mail from %s dropped: %s", esp_name, error)
        return
    log.info("Inbound mail from %s: %s %s", esp_name, received.outcome, received.email.message_id)
