"""Outgoing email, built in one place. A message is a pair of templates, `<name>.txt` (the body)
and `<name>.html` (its HTML alternative), with its subject from `<name>_subject.txt`, all
rendered with the site's URL; it comes from DEFAULT_FROM_EMAIL.

Sending: a write that asks for an email (the weekly digest) sends it once the write commits,
best effort (email_send_after_commit): a mail server that refuses it is logged, and the write
stands. A task whose job is the email itself (an SLA reminder, with its per-recipient
exactly-once bookkeeping; the CSAT request) sends the built message in the task, so that a
mail-server error reaches the task and it retries.

A reply to a customer (the mail app's outbox) is no template: `email_compose` builds it from the
reply's own text, HTML, thread headers and files, and the outbox keeps its bytes."""

from collections.abc import Callable, Iterable
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from csboard.core.aftercommit import after_commit

SUBJECT_MAX = 200


def email_build(*, template: str, to: Iterable[str], context: dict) -> EmailMultiAlternatives:
    """The message of `template` (e.g. "feedback/email/csat") to the addresses `to`. The
    subject is one line (a template's line breaks become spaces), at most SUBJECT_MAX long."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject[:SUBJECT_MAX],
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def email_compose(
    *,
    subject: str,
    text: str,
    html: str,
    from_email: str,
    to: Iterable[str],
    cc: Iterable[str] = (),
    headers: dict | None = None,
    attachments: Iterable[tuple[str, bytes, str | None]] = (),
) -> EmailMultiAlternatives:
    """A message from its parts: the text, its HTML alternative, and files (name, content,
    content type)."""
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=from_email, to=list(to), cc=list(cc),
        headers=headers or {},
    )  # fmt: skip
    message.attach_alternative(html, "text/html")
    for name, content, content_type in attachments:
        message.attach(name, content, content_type)
    return message


def email_send_after_commit(
    message: EmailMultiAlternatives, *, on_failure: Callable[[], object] | None = None
) -> None:
    """Send `message` once the current transaction commits (at once outside one), best effort:
    a failure is logged and never fails the write that asked for it. `on_failure` runs first when
    the mail server refuses it or is away (e.g. to take back the record that it was sent)."""

    def send():
        try:
            message.send()
        except (SMTPException, OSError):
            if on_failure is not None:
                on_failure()
            raise  # after_commit logs it

    after_commit(send)
