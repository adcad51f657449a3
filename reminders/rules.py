"""The reminder rules, once: for each kind of reminder, which deadline of the ticket it watches,
what ends it early, when it falls due relative to that deadline (the board's policy says how long
before or after), who hears it and what it says. The sweep, the catch-up for deadlines written
late, delivery (is it still due?), the recipients, the titles and the email preferences page
all read this table; a new kind of reminder is a new row."""

from dataclasses import dataclass
from datetime import timedelta

from reminders.models import Reminder
from sla.models import SlaPolicy

ASSIGNEES = "assignees"  # the ticket's assignees, or the board's admins when nobody is assigned
ADMINS = "admins"


@dataclass(frozen=True)
class ReminderRule:
    kind: str
    deadline: str  # the Ticket field watched: the reminder is for one value of it
    # When, relative to the deadline: at it (None), or the policy's times (an SlaPolicy property:
    # a timedelta or a list of them) before or after it. A reminder before its deadline is given
    # only while the deadline is still ahead; of several times passed, only the latest.
    policy_times: str | None = None
    before: bool = False
    # A Ticket field that, once set, makes the reminder moot (besides resolution, which ends
    # every reminder), and the outcome recorded then.
    stop: str | None = None
    stopped_outcome: str = ""
    # Held off while the ticket waits on the customer (its resolution clock is paused).
    pauses: bool = False
    recipients: str = ASSIGNEES
    headline: str = ""  # after the ticket's reference; "{lead}": the time before or after
    help: str = ""  # the email preferences page

    def times(self, policy: SlaPolicy) -> list[timedelta]:
        """The policy's times for this rule (the `lead` a reminder row records)."""
        if self.policy_times is None:
            return [timedelta(0)]
        value = getattr(policy, self.policy_times)
        values = value if isinstance(value, list) else [value]
        return [time for time in values if time is not None]

    def offset(self, time: timedelta) -> timedelta:
        """When a reminder of this time falls due, from the deadline."""
        return -time if self.before else time


RULES: dict[str, ReminderRule] = {
    rule.kind: rule
    for rule in [
        ReminderRule(
            kind=Reminder.Kind.OVERDUE,
            deadline="due_at",
            pauses=True,
            headline="is overdue",
            help="When a ticket of yours passes its due date.",
        ),
        ReminderRule(
            kind=Reminder.Kind.DUE_SOON,
            deadline="due_at",
            pauses=True,
            policy_times="leads",
            before=True,
            headline="is due within {lead}",
            help="Before a ticket of yours falls due, at the board’s lead times.",
        ),
        ReminderRule(
            kind=Reminder.Kind.ESCALATION,
            deadline="due_at",
            pauses=True,
            policy_times="escalate_after",
            recipients=ADMINS,
            headline="has been overdue for over {lead}",
            help="Board admins: a ticket has been overdue for too long.",
        ),
        ReminderRule(
            kind=Reminder.Kind.FIRST_RESPONSE_MISSED,
            deadline="first_response_due_at",
            stop="first_response_at",
            stopped_outcome=Reminder.Outcome.ANSWERED,
            headline="missed its first-response target",
            help="When a customer waited past the first-response target.",
        ),
    ]
}
