"""The SLA reminders: the sweep that writes them, and delivering one reminder.

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
from django.urls import reverse
from django.utils import timezone

from accounts.services import preference_get, preference_set
from boards.selectors import board_admins
from csboard.core.aftercommit import enqueue_after_commit
from csboard.core.events import current_origin
from csboard.core.exceptions import NotFound
from notifications.email import email_build
from notifications.services import notify
from reminders.events import sla_breached, sla_due_soon
from reminders.models import Reminder, ReminderEmail, SweepMark
from reminders.rules import ASSIGNEES, RULES, ReminderRule
from sla.models import SlaPolicy
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
ARCHIVED_UNSENT = "Not sent: the ticket was archived."


class EmailInFlight(Exception):
    """Another run of the same reminder holds one of its emails (it is sending it): this run
    cannot tell whether it went out, so it does not report the reminder done; the task retries."""


def _batched(iterable, size: int):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


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
    (since, now], by the rules (reminders.rules). Each query is a range scan of a partial index
    over open tickets, bounded by the window: its cost follows the reminders due, not the
    tickets stored."""
    for rule in RULES.values():
        rows = _open_tickets()
        if rule.stop:
            rows = rows.filter(**{f"{rule.stop}__isnull": True})
        if rule.pauses:
            rows = rows.filter(waiting_since__isnull=True)
        rows = rows.order_by().values_list("id", "board_id", rule.deadline)
        for time in _distinct(policies, rule):
            offset = rule.offset(time)
            start, end = since - offset, now - offset
            if rule.before:
                # A sweep that comes late does not say "due in an hour" about what is overdue.
                start = max(start, now)
            window = rows.filter(**{f"{rule.deadline}__gt": start, f"{rule.deadline}__lte": end})
            for ticket_id, board_id, deadline in window.iterator(BATCH_SIZE):
                yield ticket_id, board_id, deadline, rule.kind, time


def _written_late(since: datetime, now: datetime, policies: dict[int, SlaPolicy]):
    """The same tuples for tickets whose deadlines were written in (since, now]: a deadline
    written already past, or inside a lead time, is never crossed by a window, so each gets, of
    each rule, the reminder whose moment it was written after, once: the latest such moment (a
    due-soon reminder "due within 1 h" when 30 min remain, not also "within 24 h"), and one
    before its deadline only while that is still ahead (overdue covers the rest). The cost
    follows the tickets changed since the last sweep, read through a partial index."""
    fields = sorted({rule.deadline for rule in RULES.values()})
    stops = sorted({rule.stop for rule in RULES.values() if rule.stop})
    due = Q()
    for rule in RULES.values():
        earliest = min((rule.offset(time) for time in _distinct(policies, rule)), default=None)
        if earliest is not None:
            condition = Q(**{f"{rule.deadline}__lte": now - earliest})
            if rule.stop:
                condition &= Q(**{f"{rule.stop}__isnull": True})
            if rule.pauses:
                condition &= Q(waiting_since__isnull=True)
            due |= condition
    changed = (
        _open_tickets()
        .filter(sla_changed_at__gt=since, sla_changed_at__lte=now)
        .filter(due)
        .order_by()
        .values("id", "board_id", "waiting_since", *fields, *stops)
    )
    for row in changed.iterator(BATCH_SIZE):
        policy = policies.get(row["board_id"], policies[None])
        for rule in RULES.values():
            deadline = row[rule.deadline]
            if deadline is None or (rule.stop and row[rule.stop] is not None):
                continue
            if rule.pauses and row["waiting_since"] is not None:
                continue
            if rule.before and deadline <= now:
                continue
            passed = [time for time in rule.times(policy) if deadline + rule.offset(time) <= now]
            if passed:
                latest = max(passed, key=rule.offset)
                yield row["id"], row["board_id"], deadline, rule.kind, latest


def _distinct(policies: dict[int, SlaPolicy], rule: ReminderRule) -> list[timedelta]:
    """Every time of the rule that some policy sets: one indexed window each."""
    return sorted({time for policy in policies.values() for time in rule.times(policy)})


def _policy_wants(policy: SlaPolicy, kind: str, lead: timedelta) -> bool:
    return lead in RULES[kind].times(policy)


def _insert(rows: list[tuple], created_at: datetime) -> list[int]:
    """INSERT … ON CONFLICT DO UPDATE … WHERE outcome = 'paused' RETURNING id: the ids of the
    rows this call wrote or re-armed. A row another sweep wrote first (even one still in flight)
    is skipped, so it is sent once.

    Re-armed: a row delivery skipped because the ticket was waiting on its customer, or was
    archived (ticket_restore stamps the deadlines as written again, so the next sweep offers the
    restored ticket's passed reminders). The sweep
    offers it again only once the wait is over (its candidates exclude waiting tickets), for
    the same deadline: one the wait did not move, i.e. a due date a person set (it stays where
    they typed it) or a policy date the wait moved by no business time. That row is pending
    again, as if written now (created_at, so the give-up window starts again), and returned so
    that it gets its delivery task. The conflicting row is locked by the upsert and the WHERE is
    read from its latest version: of two sweeps at once, one re-arms it, the other finds it
    pending and skips it. A policy date the wait moved is a new deadline, hence a new row."""
    # One upsert may not touch a row twice: the same reminder from both the crossed windows and
    # the deadlines written late is offered once.
    rows = list(dict.fromkeys((ticket, str(kind), due, lead) for ticket, kind, due, lead in rows))
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
        f"VALUES {', '.join(values)} "
        "ON CONFLICT (ticket_id, kind, due_for, lead) DO UPDATE SET "
        "outcome = '', delivered_at = NULL, finished_at = NULL, attempts = 0, "
        "created_at = EXCLUDED.created_at, next_attempt_at = EXCLUDED.next_attempt_at "
        f"WHERE {table}.outcome IN (%s, %s) RETURNING id"
    )
    params += [Reminder.Outcome.PAUSED.value, Reminder.Outcome.ARCHIVED.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def sla_sweep(*, now: datetime | None = None) -> list[int]:
    """Write the reminders that fell due since the last sweep and enqueue their delivery (after
    commit). Safe to run twice or on two workers at once. Returns the ids of the rows written."""
    from reminders.tasks import reminder_deliver_task

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
    from reminders.tasks import reminder_deliver_task

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
def _why_not(reminder: Reminder, ticket: Ticket) -> str:
    rule = RULES[reminder.kind]
    if ticket.archived_at is not None:
        return Reminder.Outcome.ARCHIVED
    if ticket.resolved_at is not None:
        return Reminder.Outcome.RESOLVED
    if getattr(ticket, rule.deadline) != reminder.due_for:
        return Reminder.Outcome.MOVED
    if rule.stop and getattr(ticket, rule.stop):
        return rule.stopped_outcome
    if rule.pauses and ticket.waiting_since is not None:
        return Reminder.Outcome.PAUSED
    return ""


def reminder_recipients(reminder: Reminder, ticket: Ticket) -> list:
    """By the rule: the assignees, or the board's admins when nobody is assigned; or the admins
    (escalations)."""
    if RULES[reminder.kind].recipients == ASSIGNEES:
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
    headline = RULES[reminder.kind].headline.format(lead=_hours(reminder.lead))
    return f"{ticket.reference} {headline}: {ticket.title}"


def _email(reminder: Reminder, ticket: Ticket, user, title: str) -> EmailMultiAlternatives:
    context = {
        "reminder": reminder,
        "ticket": ticket,
        "user": user,
        "title": title,
        "ticket_url": settings.SITE_URL + ticket.get_absolute_url(),
        "preferences_url": settings.SITE_URL + reverse("sla:email_preferences"),
    }
    return email_build(template="sla/email/reminder", to=[user.email], context=context)


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
        # Archived too: its reminder is decided (skipped), not left pending for the re-drive.
        ticket = lock_ticket(ticket_id, archived=None)
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
        event = sla_due_soon if reminder.kind == Reminder.Kind.DUE_SOON else sla_breached
        event.emit(
            ticket_id=ticket.pk, board_id=ticket.board_id, key=f"reminder:{reminder.pk}",
            origin=current_origin().kind, kind=reminder.kind,
        )  # fmt: skip
    reminder.save(update_fields=["outcome", "delivered_at"])
    return reminder


def _reminder_send_emails(reminder: Reminder, now: datetime) -> None:
    """Send each unsent email in its own transaction, marked sent as soon as it went out. A row
    another run is sending (locked) is left to it, and this run raises EmailInFlight: the
    reminder is finished only once every email is marked sent."""
    if reminder.ticket.archived_at is not None:
        # Archived between the notifications and a retry of their emails: nobody is mailed
        # about a ticket that left the board.
        reminder.emails.filter(sent_at__isnull=True).update(error=ARCHIVED_UNSENT)
        _finish(reminder, now)
        return
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
    _finish(reminder, now)


def _finish(reminder: Reminder, now: datetime) -> None:
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
