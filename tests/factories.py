import factory
from django.contrib.auth import get_user_model

from boards.models import Board, Column, Membership, Role, Tag
from boards.services import board_create
from tickets.models import Ticket
from tickets.services import ticket_create

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.django.Password(PASSWORD)


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Board {n}")
    key = factory.Sequence(lambda n: f"B{n}")


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Column {n}")
    position = factory.Sequence(lambda n: n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"tag{n}")
    color = "#22c55e"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    board = factory.SubFactory(BoardFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


def _board_of_its_own(n: int) -> Board:
    return board_create(
        name=f"Board {n}", key=f"TF{n}", created_by=UserFactory(), template="customer-success"
    )


class TicketFactory(factory.Factory):
    """A ticket opened the way the app opens one, through `tickets.services.ticket_create`: its
    number, position, SLA deadlines and status hold. Any field the service takes may be given
    (`column`, `assignees`, `tags`, `priority`, `due_at`, customer fields...). Without a board it
    opens one of its own; `created_by` defaults to the board's creator. Create only: a ticket
    built without the service would have none of that."""

    class Meta:
        model = Ticket

    board = factory.Sequence(_board_of_its_own)
    created_by = factory.LazyAttribute(lambda ticket: ticket.board.created_by)
    title = factory.Sequence(lambda n: f"Ticket {n}")

    @classmethod
    def _create(cls, model_class, **fields):
        return ticket_create(**fields)

    @classmethod
    def _build(cls, model_class, *args, **fields):
        raise TypeError("TicketFactory creates tickets through ticket_create; it cannot build one")


def placed(tickets, *fields: str) -> list:
    """`fields` (default: number) and each ticket's index in its column, in column order: what
    the API calls position. `tickets` a column or a queryset of tickets."""
    from tickets.ranks import with_position

    rows = tickets.tickets.all() if isinstance(tickets, Column) else tickets
    return list(
        with_position(rows)
        .order_by("rank", "number")
        .values_list(*(fields or ("number",)), "position")
    )


def ranks_distinct(tickets) -> bool:
    """No two tickets of a column share a rank: every write placed its ticket in a gap of its
    own, under the column lock (the order would still be total, by number, but a tie means two
    writers read the same neighbours)."""
    ranks = list(tickets.values_list("column_id", "rank"))
    return len(set(ranks)) == len(ranks)
