"""Named events: how a lower layer lets a higher one react without importing it.

A lower app declares the event (`tickets.events.ticket_resolved`) and emits it inside its write;
a higher app subscribes in its `AppConfig.ready()`. Each subscriber runs once the transaction
commits, and never for one that rolls back, best effort like everything after commit
(csboard.core.aftercommit): a subscriber that fails is logged and the committed write stands.

Events of the project (subscribers in brackets): tickets.events.ticket_resolved (feedback:
ask for a CSAT rating); tickets.events.ticket_created, ticket_moved, ticket_status_changed,
ticket_priority_changed, ticket_tagged, ticket_assigned, mail.events.customer_replied,
reminders.events.sla_due_soon, sla_breached (automation: run the board's rules).

Origin. Who is acting, beyond the `by` user a service is given: `acting(AUTOMATION, ...)` marks
every write made inside it (the automation engine applying a rule's actions), and the events a
service emits there say so (`origin=current_origin().kind`), so that a subscriber can tell a
rule's own change from a person's: the automation app never runs rules for the changes of a
rule (the loop guard). The ticket's history names the rule (tickets.services.activity_record)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# Origin kinds: a person (or the system acting for one: "" ) and a rule of the board.
PERSON = ""
AUTOMATION = "automation"


@dataclass(frozen=True)
class Origin:
    kind: str = PERSON
    name: str = ""  # the rule's name, for the history ("Rule ‘VIP first’ ...")
    id: int | None = None  # the rule's id

    @property
    def is_automation(self) -> bool:
        return self.kind == AUTOMATION


BY_PEOPLE = Origin()
_origin: ContextVar[Origin | None] = ContextVar("origin", default=None)


def current_origin() -> Origin:
    return _origin.get() or BY_PEOPLE


@contextmanager
def acting(kind: str, *, name: str = "", id: int | None = None) -> Iterator[Origin]:
    """Every write inside the block is made by this origin (see the module)."""
    token = _origin.set(Origin(kind, name, id))
    try:
        yield current_origin()
    finally:
        _origin.reset(token)


class Event:
    def __init__(self, name: str):
        self.name = name
        self._subscribers: list[Callable[..., object]] = []

    def __repr__(self) -> str:
        return f"Event({self.name!r})"

    def subscribe(self, subscriber: Callable[..., object]) -> Callable[..., object]:
        """Call `subscriber(**payload)` after commit for each emit. Usable as a decorator; a
        subscriber given twice is kept once (ready() may run again in tests)."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Callable[..., object]) -> None:
        self._subscribers.remove(subscriber)

    def emit(self, **payload) -> None:
        """Queue every subscriber for after the current transaction commits (at once outside
        one). The payload is ids and values, never model instances a subscriber would trust."""
        # Imported here: events are declared and subscribed to while apps load (an AppConfig
        # module imports them), and aftercommit pulls in DRF, which needs the apps loaded.
        from csboard.core.aftercommit import after_commit

        for subscriber in list(self._subscribers):
            after_commit(subscriber, **payload)
