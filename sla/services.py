"""SLA writes: setting a board's policy, the reminder sweep, and delivering one reminder.

Exactly once: the sweep writes each reminder row (ticket, kind, deadline, lead) under a unique
constraint before anything is sent, and enqueues delivery only for the rows it wrote. Delivery
locks the ticket, then the row (boards/locks.py), and marks the row delivered in the same
transaction that writes the notifications and one row per email to send, so a second run finds
it done; each email is then marked sent on its own, so a retry sends only the unsent ones.
"""

import logging
from datetime import datetime, timedelta
from itertools import chain, islice
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.services import preference_get, preference_set
from boards.locks import lock_board
from boards.models import Board
from boards.selectors import board_admins
from csboard.core.aftercommit import enqueue_after_commit
from csboard.core.exceptions import NotFound
from csboard.core.validation import full_clean_or_raise
from notifications.services import notify
from sla.models import Reminder, ReminderEmail, SlaPolicy, SweepMark
from sla.selectors import forget_policy
from tickets.locks import lock_ticket
from tickets.models import Ticket

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Deadlines crossed just before the last sweep's end may belong to tickets written by
# transactions that committed after it looked: every sweep looks back this far again.
OVERLAP = timedelta(minutes=5)
# The very first sweep (or one after the mark was lost) looks back this far.
FIRST_LOOK_BACK = timedelta(days=1)
# A reminder still undelivered this long after its delivery was due lost its task: send it
# again. One still undelivered REDRIVE_WINDOW after it was written is given up, as an error.
REDRIVE_AFTER = timedelta(minutes=10)
REDRIVE_WINDOW = timedelta(days=2)
# The delivery task's longest wait between retries (sla.tasks): after a mail-server failure,
# the next attempt is due within this.
RETRY_WAIT_MAX = timedelta(minutes=15)
EMAIL_PREFERENCE = "email_reminders"


class EmailInFlight(Exception):
    """Another run of the same reminder holds one of its emails (it is sending it): this run
    cannot tell whether it went out, so it does not report the reminder done; the task retries."""


def _batched(iterable, size: int):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


# --- Policy ------------------------------------------------------------------------------------
@transaction.atomic
def sla_policy_set(*, board: Board, replace: bool = False, **fields) -> SlaPolicy:
    """Set the board's policy. `replace`: the fields not given go back to their defaults (PUT);
    otherwise they keep their current values (PATCH). Existing tickets keep their deadlines."""
    lock_board(board.pk)  # two first saves at once: the second waits, then updates
    current = SlaPolicy.objects.filter(board_id=board.pk).first()
    policy = SlaPolicy(board=board)
    if current is not None:
        policy._state.adding = False
        if not replace:
            policy = current
    unknown = set(fields) - {f.name for f in SlaPolicy._meta.concrete_fields}
    if unknown or "board" in fields:
        raise ValueError(f"Unknown SLA policy field(s): {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(policy, name, value)
    full_clean_or_raise(policy, exclude=["board"], validate_unique=False)
    policy.save(force_insert=current is None, force_update=current is not None)
    forget_policy(board)
    return policy


# --- Email preferences -------------------------------------------------------------------------
def email_wanted(user, kind: str) -> bool:
    return bool(user.email) and preference_get(user, EMAIL_PREFERENCE, {}).get(kind, True)


def email_preferences_set(*, user, wanted: dict[str, bool]) -> None:
    """Turn reminder emails on or off per kind (in-app notifications always arrive)."""
    kinds = set(Reminder.Kind.values)
    preference_set(
        user, EMAIL_PREFERENCE, {kind: bool(on) for kind, on in wanted.items() if kind in kinds}
    )


# --- The sweep ---------------------------------------------------------------------------------
def _open_tickets():
    return Ticket.objects.filter(resolved_at__isnull=True)


def _candidates(since: datetime, now: datetime, policies: dict[int, SlaPolicy]):
    """(ticket_id, board_id, kind, deadline, lead) of every reminder whose moment fell in
    (since, now]. Each query is a range scan of a partial index over open tickets, bounded by
    the window: its cost follows the reminders due, not the tickets stored."""
    due = _open_tickets().order_by().values_list("id", "board_id", "due_at")
    for row in due.filter(due_at__gt=since, due_at__lte=now).iterator(BATCH_SIZE):
        yield (*row, Reminder.Kind.OVERDUE, timedelta(0))
    for lead in _distinct(policies, "leads"):
        # A sweep that comes late does not say "due in an hour" about what is already overdue.
        window = due.filter(due_at__gt=max(since + lead, now), due_at__lte=now + lead)
        for row in window.iterator(BATCH_SIZE):
            yield (*row, Reminder.Kind.DUE_SOON, lead)
    for after in _distinct(policies, "escalate_after"):
        window = due.filter(due_at__gt=since - after, due_at__lte=now - after)
        for ticket_id, board_id, due_at in window.iterator(BATCH_SIZE):
            yield ticket_id, board_id, due_at, Reminder.Kind.ESCALATION, after
    awaiting = (
        _open_tickets()
        .filter(first_response_at__isnull=True)
        .filter(first_response_due_at__gt=since, first_response_due_at__lte=now)
        .order_by()
        .values_list("id", "board_id", "first_response_due_at")
    )
    for row in awaiting.iterator(BATCH_SIZE):
        yield (*row, Reminder.Kind.FIRST_RESPONSE_MISSED, timedelta(0))


def _written_late(since: datetime, now: datetime, policies: dict[int, SlaPolicy]):
    """The same tuples for tickets whose deadlines were written in (since, now]: a deadline
    written already past, or inside a lead time, is never crossed by a window, so each gets the
    reminders whose moment it was written after, once. A due-soon reminder only while the due
    date is still ahead (overdue covers the rest), and only its shortest passed lead time ("due
    within 1 h" when 30 min remain, not also "within 24 h"). The cost follows the tickets
    changed since the last sweep, read through a partial index."""
    longest = max(_distinct(policies, "leads"), default=timedelta(0))
    changed = (
        _open_tickets()
        .filter(sla_changed_at__gt=since, sla_changed_at__lte=now)
        .filter(
            Q(due_at__lte=now + longest)
            | Q(first_response_at__isnull=True, first_response_due_at__lte=now)
        )
        .order_by()
        .values_list("id", "board_id", "due_at", "first_response_due_at", "first_response_at")
    )
    for ticket_id, board_id, due_at, first_due, first_at in changed.iterator(BATCH_SIZE):
        policy = policies.get(board_id, policies[None])
        if first_at is None and first_due is not None and first_due <= now:
            yield ticket_id, board_id, first_due, Reminder.Kind.FIRST_RESPONSE_MISSED, timedelta(0)
        if due_at is None:
            continue
        if due_at <= now:
            yield ticket_id, board_id, due_at, Reminder.Kind.OVERDUE, timedelta(0)
            after = policy.escalate_after
            if after is not None and due_at + after <= now:
                yield ticket_id, board_id, due_at, Reminder.Kind.ESCALATION, after
            continue
        passed = [lead for lead in policy.leads if due_at - lead <= now]
        if passed:
            yield ticket_id, board_id, due_at, Reminder.Kind.DUE_SOON, min(passed)


def _distinct(policies: dict[int, SlaPolicy], attribute: str) -> list[timedelta]:
    values = set()
    for policy in policies.values():
        value = getattr(policy, attribute)
        values.update(value if isinstance(value, list) else [value])
    return sorted(value for value in values if value is not None)


def _policy_wants(policy: SlaPolicy, kind: str, lead: timedelta) -> bool:
    if kind == Reminder.Kind.DUE_SOON:
        return lead in policy.leads
    if kind == Reminder.Kind.ESCALATION:
        return policy.escalate_after == lead
    return True


def _insert(rows: list[tuple], created_at: datetime) -> list[int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the ids of the rows this call wrote. A row
    another sweep wrote first (even one still in flight) is skipped, so it is sent once."""
    if not rows:
        return []
    table = Reminder._meta.db_table
    fields = [Reminder._meta.get_field(name) for name in ("due_for", "lead", "created_at")]
    created = fields[2].get_db_prep_value(created_at, connection)
    values, params = [], []
    for ticket_id, kind, due_for, lead in rows:
        values.append("(%s, %s, %s, %s, %s, %s, 0, %s)")
        params += [
            ticket_id,
            kind,
            fields[0].get_db_prep_value(due_for, connection),
            fields[1].get_db_prep_value(lead, connection),
            created,
            "",
            created,  # next_attempt_at: delivery is due at once
        ]
    sql = (
        f"INSERT INTO {table} "
        "(ticket_id, kind, due_for, lead, created_at, outcome, attempts, next_attempt_at) "
        f"VALUES {', '.join(values)} ON CONFLICT DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def sla_sweep(*, now: datetime | None = None) -> list[int]:
    """Write the reminders that fell due since the last sweep and enqueue their delivery (after
    commit). Safe to run twice or on two workers at once. Returns the ids of the rows written."""
    from sla.tasks import reminder_deliver_task

    now = now or timezone.now()
    mark = SweepMark.objects.filter(pk=1).first()
    since = (mark.swept_until - OVERLAP) if mark else now - FIRST_LOOK_BACK
    since = min(since, now)
    # Every policy row (boards are few next to tickets), so that per-board lead times and
    # escalation delays each get their own indexed window.
    policies = {policy.board_id: policy for policy in SlaPolicy.objects.all()}
    default = SlaPolicy()
    written = []
    policies_and_default = policies | {None: default}
    candidates = chain(
        _candidates(since, now, policies_and_default),
        _written_late(since, now, policies_and_default),
    )
    for batch in _batched(candidates, BATCH_SIZE):
        rows = [
            (ticket_id, kind, deadline, lead)
            for ticket_id, board_id, deadline, kind, lead in batch
            if _policy_wants(policies.get(board_id, default), kind, lead)
        ]
        with transaction.atomic():
            ids = _insert(rows, created_at=now)
            for reminder_id in ids:
                enqueue_after_commit(reminder_deliver_task, reminder_id)
        written += ids
    with transaction.atomic():
        _redrive(now)
        _advance_mark(now)
    return written


def _redrive(now: datetime) -> None:
    """Enqueue again the pending reminders whose delivery was due a while ago and did not
    happen (a lost task, or a task out of retries), and due again later rather than on every
    sweep; give up, with an error for the logs, on those pending since REDRIVE_WINDOW."""
    from sla.tasks import reminder_deliver_task

    pending = Reminder.objects.filter(finished_at__isnull=True)
    expired = pending.filter(created_at__lte=now - REDRIVE_WINDOW)
    for reminder in expired.select_for_update(skip_locked=True, no_key=True).order_by():
        logger.error(
            "SLA reminder %s (%s, ticket %s, due %s) undelivered after %s attempt(s) since %s: "
            "giving up%s",
            reminder.pk,
            reminder.kind,
            reminder.ticket_id,
            reminder.due_for.isoformat(),
            reminder.attempts,
            reminder.created_at.isoformat(),
            "" if reminder.delivered_at is None else " on its unsent emails",
            extra={"reminder": reminder.pk, "ticket": reminder.ticket_id},
        )
        if reminder.delivered_at is None:
            reminder.outcome, reminder.delivered_at = Reminder.Outcome.FAILED, now
        reminder.finished_at = now
        reminder.save(update_fields=["outcome", "delivered_at", "finished_at"])
    # A row a delivery holds is being delivered: skipped, never waited for (no lock order).
    lost = pending.filter(next_attempt_at__lte=now - REDRIVE_AFTER).select_for_update(
        skip_locked=True, no_key=True
    )
    lost_ids = list(lost.order_by().values_list("id", flat=True))
    Reminder.objects.filter(pk__in=lost_ids).update(next_attempt_at=now)
    for reminder_id in lost_ids:
        enqueue_after_commit(reminder_deliver_task, reminder_id)


def _advance_mark(now: datetime) -> None:
    updated = SweepMark.objects.filter(pk=1, swept_until__lt=now).update(swept_until=now)
    if not updated:
        SweepMark.objects.bulk_create([SweepMark(pk=1, swept_until=now)], ignore_conflicts=True)


# --- Delivery ----------------------------------------------------------------------------------
def _deadline_of(ticket: Ticket, kind: str) -> datetime | None:
    if kind == Reminder.Kind.FIRST_RESPONSE_MISSED:
        return ticket.first_response_due_at
    return ticket.due_at


def _why_not(reminder: Reminder, ticket: Ticket) -> str:
    if ticket.resolved_at is not None:
        return Reminder.Outcome.RESOLVED
    if _deadline_of(ticket, reminder.kind) != reminder.due_for:
        return Reminder.Outcome.MOVED
    if reminder.kind == Reminder.Kind.FIRST_RESPONSE_MISSED and ticket.first_response_at:
        return Reminder.Outcome.ANSWERED
    return ""


def reminder_recipients(reminder: Reminder, ticket: Ticket) -> list:
    """The assignees, or the board's admins when nobody is assigned; escalations go to admins."""
    if reminder.kind != Reminder.Kind.ESCALATION:
        assignees = list(ticket.assignees.all())
        if assignees:
            return assignees
    return list(board_admins(ticket.board_id))


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return f"{round(hours * 60)} min"
    return f"{hours:g} h"


def reminder_title(reminder: Reminder, ticket: Ticket) -> str:
    headline = {
        Reminder.Kind.DUE_SOON: f"is due within {_hours(reminder.lead)}",
        Reminder.Kind.OVERDUE: "is overdue",
        Reminder.Kind.FIRST_RESPONSE_MISSED: "missed its first-response target",
        Reminder.Kind.ESCALATION: f"has been overdue for over {_hours(reminder.lead)}",
    }[reminder.kind]
    return f"{ticket.reference} {headline}: {ticket.title}"


def _email(reminder: Reminder, ticket: Ticket, user, title: str) -> EmailMultiAlternatives:
    context = {
        "reminder": reminder,
        "ticket": ticket,
        "user": user,
        "title": title,
        "ticket_url": settings.SITE_URL + ticket.get_absolute_url(),
        "preferences_url": settings.SITE_URL + reverse("sla:email_preferences"),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=f"[CS Board] {title}",
        body=render_to_string("sla/email/reminder.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("sla/email/reminder.html", context), "text/html")
    return message


def reminder_deliver(*, reminder_id: int, now: datetime | None = None) -> str:
    """Deliver one reminder: in-app notifications, then emails, unless the ticket got resolved,
    its deadline moved, or it was delivered already. Returns the outcome. A mail-server error
    is raised (the task retries) after every email that could go out went out; the retry sends
    only those still unsent."""
    now = now or timezone.now()
    reminder = _reminder_notify(reminder_id, now)
    if reminder is None:
        return "gone"  # its ticket was deleted
    if reminder.finished_at is None:
        try:
            _reminder_send_emails(reminder, now)
        except (SMTPException, OSError, EmailInFlight):
            # The task retries within RETRY_WAIT_MAX: no re-drive before that.
            Reminder.objects.filter(pk=reminder.pk).update(
                attempts=F("attempts") + 1, next_attempt_at=now + RETRY_WAIT_MAX
            )
            raise
    return reminder.outcome


@transaction.atomic
def _reminder_notify(reminder_id: int, now: datetime) -> Reminder | None:
    """Once per reminder, under its row lock: decide the outcome and, if it is sent, write the
    notifications and one unsent ReminderEmail per recipient who wants email. The ticket is
    locked first, then the reminder (boards/locks.py): a delete of the ticket waits for this."""
    reminders = Reminder.objects.filter(pk=reminder_id)
    ticket_id = reminders.values_list("ticket_id", flat=True).first()
    if ticket_id is None:
        return None
    try:
        ticket = lock_ticket(ticket_id)
    except NotFound:
        return None
    reminder = reminders.select_for_update(no_key=True).first()
    if reminder is None or reminder.delivered_at is not None:
        return reminder
    reminder.ticket = ticket
    reminder.outcome = _why_not(reminder, ticket) or Reminder.Outcome.SENT
    reminder.delivered_at = now
    if reminder.outcome == Reminder.Outcome.SENT:
        recipients = reminder_recipients(reminder, ticket)
        notify(
            recipients=recipients,
            kind=reminder.kind,
            title=reminder_title(reminder, ticket),
            ticket=ticket,
            url=ticket.get_absolute_url(),
            data={"due_for": reminder.due_for.isoformat(), "reminder": reminder.pk},
        )
        ReminderEmail.objects.bulk_create(
            ReminderEmail(reminder=reminder, user=user)
            for user in recipients
            if email_wanted(user, reminder.kind)
        )
    reminder.save(update_fields=["outcome", "delivered_at"])
    return reminder


def _reminder_send_emails(reminder: Reminder, now: datetime) -> None:
    """Send each unsent email in its own transaction, marked sent as soon as it went out. A row
    another run is sending (locked) is left to it, and this run raises EmailInFlight: the
    reminder is finished only once every email is marked sent."""
    unsent = list(reminder.emails.filter(sent_at__isnull=True).values_list("pk", flat=True))
    failures = []
    if unsent:
        title = reminder_title(reminder, reminder.ticket)
        with get_connection(fail_silently=False) as mail_connection:
            for email_id in unsent:
                error = _send_one(email_id, reminder, title, mail_connection, now)
                if error is not None:
                    failures.append(error)
    if failures:
        raise failures[0]
    if reminder.emails.filter(sent_at__isnull=True).exists():
        raise EmailInFlight(f"Reminder {reminder.pk}: an email is being sent by another run.")
    # An update, not a save: the ticket (and this row with it) may have been deleted meanwhile.
    Reminder.objects.filter(pk=reminder.pk).update(finished_at=now)
    reminder.finished_at = now


@transaction.atomic
def _send_one(email_id: int, reminder: Reminder, title: str, mail_connection, now: datetime):
    # Only the email row: locking the user too (a join locks every table it reads unless told
    # `of`) would skip the email whenever anything that points at the user is being written.
    email = (
        ReminderEmail.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
        .select_related("user")
        .filter(pk=email_id, sent_at__isnull=True)
        .first()
    )
    if email is None:
        return None
    try:
        mail_connection.send_messages([_email(reminder, reminder.ticket, email.user, title)])
    except (SMTPException, OSError) as error:
        email.error = str(error)[:300]
        email.save(update_fields=["error"])
        return error
    email.sent_at, email.error = now, ""
    email.save(update_fields=["sent_at", "error"])
    return None
