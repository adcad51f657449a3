"""Named events: how a lower layer lets a higher one react without importing it.

A lower app declares the event (`tickets.events.ticket_resolved`) and emits it inside its write;
a higher app subscribes in its `AppConfig.ready()`. Each subscriber runs once the transaction
commits, and never for one that rolls back, best effort like everything after commit
(csboard.core.aftercommit): a subscriber that fails is logged and the committed write stands.

Events of the project (subscribers in brackets): tickets.events.ticket_resolved (feedback:
ask for a CSAT rating); tickets.events.ticket_text_changed and boards.events.tag_changed
(search: write the tickets' search documents again)."""

from collections.abc import Callable


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
