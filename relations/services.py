"""Merging a ticket into another, and linking tickets: the rules live here, once.

A merge reaches rows of several apps below (the conversation and its mail, notes, files), so it
lives above them all (README, Architecture)."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from boards.permissions import Action, require, role_on
from boards.realtime import people_changed
from csboard.core.exceptions import Conflict, InvalidInput, NotFound
from mail.models import Email
from notifications.models import Notification
from notifications.services import notify
from relations.models import TicketLink
from tickets.locks import atomic_with_columns, lock_ticket, lock_tickets_with_columns
from tickets.models import Activity, Follower, Ticket
from tickets.services import activity_record
from workspace.models import Attachment, Message


class NoSuchTicket(InvalidInput):
    """A link's other ticket, named by a reference no board the user sees has."""


CUSTOMER_FIELDS = ("customer_name", "customer_email", "customer_company", "customer_phone")


def ticket_merge(*, source: Ticket, target: Ticket, by) -> Ticket:
    """Merge `source` into `target`, a ticket of the same board, as `by` (a member or admin): the
    conversation (its mail, so that a customer's reply to the old thread lands on the target),
    internal notes, files, links and followers move to the target, and its customer when the
    target has none; `source` is archived with `merged_into` set (off the board, the metrics and the SLA
    sweeps, counted once), its number redirecting to the target (tickets.selectors.ticket_for);
    tickets merged into `source` before now point at the target. A line of history on both,
    the target's assignees told. All or nothing, under the locks of both tickets' columns and
    then both tickets (tickets.locks). Returns the target, as it is now."""
    require(by, Action.WORK, source.board)
    errors = _merge_refusal(source, target)
    if errors:
        raise InvalidInput(errors, fields={"target": [errors]})

    def merge() -> Ticket:
        locked = lock_tickets_with_columns(source.pk, target.pk)
        return _merge(locked[source.pk], locked[target.pk], by)

    return atomic_with_columns(merge)


def _merge_refusal(source: Ticket, target: Ticket) -> str:
    if target.board_id != source.board_id:
        return "A ticket can only be merged into a ticket of the same board."
    if target.pk == source.pk:
        return "A ticket cannot be merged into itself."
    return ""


def _merge(source: Ticket, target: Ticket, by) -> Ticket:
    moved = {
        "messages": Message.objects.filter(ticket=source).update(ticket=target),
        "files": Attachment.objects.filter(ticket=source).update(ticket=target),
        "emails": Email.objects.filter(ticket=source).update(ticket=target),
    }
    # The conversation's lines of history go with it: the metrics count its replies once, there.
    Activity.objects.filter(ticket=source, kind=Activity.Kind.COMMENT).update(ticket=target)
    Ticket.all_objects.filter(merged_into=source).update(merged_into=target)
    _move_links(source, target)
    followers = _move_followers(source, target)
    fields = ["updated_at"]
    if source.customer_email and not target.customer_email:
        for field in (*CUSTOMER_FIELDS, "customer"):
            setattr(target, field, getattr(source, field))
        fields += [*CUSTOMER_FIELDS, "customer"]
    target.save(update_fields=fields)
    source.merged_into = target
    source.archived_at, source.archived_by = timezone.now(), by
    source.save(update_fields=["merged_into", "archived_at", "archived_by", "updated_at"])
    activity_record(
        ticket=source, by=by, kind=Activity.Kind.MERGED, data={"into": target.reference}
    )
    activity_record(
        ticket=target,
        by=by,
        kind=Activity.Kind.MERGED,
        data={"from": source.reference, "from_number": source.number, **moved},
    )
    notify(
        recipients=target.assignees.all(),
        kind=Notification.Kind.COMMENT,
        actor=by,
        ticket=target,
        title=f"{source.reference} was merged into {target.reference}: {target.title}",
        url=target.get_absolute_url(),
    )
    if followers:
        people_changed(followers)  # their My work: the target in place of the source
    return target


def _move_followers(source: Ticket, target: Ticket) -> list[int]:
    """Who followed the source follows the target (one who followed both keeps the target's
    follow as it was); returns their ids."""
    moved = list(Follower.objects.filter(ticket=source).values_list("user_id", "created_at"))
    Follower.objects.filter(ticket=source).delete()
    Follower.objects.bulk_create(
        [Follower(ticket=target, user_id=user, created_at=since) for user, since in moved],
        ignore_conflicts=True,
    )
    return [user for user, _ in moved]


def _move_links(source: Ticket, target: Ticket) -> None:
    """The source's links become the target's; one that would link the target to itself, or
    again to a ticket it is linked with, goes."""
    linked = set()
    for link in TicketLink.objects.filter(Q(from_ticket=target) | Q(to_ticket=target)):
        linked.add(link.to_ticket_id if link.from_ticket_id == target.pk else link.from_ticket_id)
    for link in TicketLink.objects.filter(Q(from_ticket=source) | Q(to_ticket=source)):
        side = "from_ticket_id" if link.from_ticket_id == source.pk else "to_ticket_id"
        other = link.to_ticket_id if side == "from_ticket_id" else link.from_ticket_id
        if other == target.pk or other in linked:
            link.delete()
            continue
        setattr(link, side, target.pk)
        link.save(update_fields=[side])
        linked.add(other)


@transaction.atomic
def link_add(*, ticket: Ticket, other: Ticket, kind: str, by) -> TicketLink:
    """Link `ticket` to `other` (`kind`: relates to, duplicates, is blocked by) as `by`, a member
    or admin of the ticket's board who can see `other`'s board (any role): one link between two
    tickets, whichever way, and none to itself."""
    require(by, Action.WORK, ticket.board)
    if role_on(by, other.board_id) is None:
        raise NotFound("No such ticket.")
    if kind not in TicketLink.Kind.values:
        message = f"One of: {', '.join(TicketLink.Kind.values)}."
        raise InvalidInput("Unknown kind of link.", fields={"kind": [message]})
    if other.pk == ticket.pk:
        message = "A ticket cannot be linked to itself."
        raise InvalidInput(message, fields={"ticket": [message]})
    lock_ticket(ticket.pk)  # the ticket's own rows, after it (boards/locks.py)
    taken = Conflict(f"{ticket.reference} and {other.reference} are linked already.")
    if _between(ticket, other).exists():
        raise taken
    try:
        with transaction.atomic():
            link = TicketLink.objects.create(
                from_ticket=ticket, to_ticket=other, kind=kind, created_by=by
            )
    except IntegrityError:  # the other way round, written meanwhile
        raise taken from None
    activity_record(ticket=ticket, by=by, kind=Activity.Kind.EDITED, data={"fields": ["links"]})
    return link


def _between(ticket: Ticket, other: Ticket):
    return TicketLink.objects.filter(
        Q(from_ticket=ticket, to_ticket=other) | Q(from_ticket=other, to_ticket=ticket)
    )


@transaction.atomic
def link_remove(*, link: TicketLink, ticket: Ticket, by) -> None:
    """Remove a link of `ticket` (either of its two) as a member or admin of its board."""
    require(by, Action.WORK, ticket.board)
    if ticket.pk not in (link.from_ticket_id, link.to_ticket_id):
        raise NotFound("No such link on this ticket.")
    lock_ticket(ticket.pk)
    deleted, _ = TicketLink.objects.filter(pk=link.pk).delete()
    if not deleted:
        raise NotFound("This link was removed meanwhile.")
    activity_record(ticket=ticket, by=by, kind=Activity.Kind.EDITED, data={"fields": ["links"]})
