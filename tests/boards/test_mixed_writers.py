"""A whole team on one board, over HTTP on real PostgreSQL: 32 clients for a few seconds, each
doing one kind of write again and again, all kinds at once. Afterwards the database is checked,
not the answers alone: no 5xx, ticket numbers unique and without gaps, positions dense, WIP
limits kept, and every write that was acknowledged is stored."""

import functools
import itertools
import random
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from boards.models import Board, Column, Membership, Role
from boards.services import column_update
from feedback.models import FeedbackResponse
from feedback.services import feedback_duty_set, feedback_secret_rotate
from reminders.models import Reminder
from reminders.services import reminder_deliver
from tests.factories import UserFactory, placed, ranks_distinct
from tickets.models import Activity, Ticket
from tickets.services import ticket_create
from workspace.models import Attachment, ChecklistItem, Message

pytestmark = pytest.mark.concurrency

SECONDS = 4.0
CLIENTS = 32
STABLE = 8  # tickets nobody deletes: the target of moves, edits, comments, checklists, files


class Shared:
    """What the clients share: ids, and a log of every answer they got."""

    def __init__(self, board, columns, stable, *, assignable, spare_users, secret):
        self.board, self.columns, self.stable = board, columns, stable
        self.assignable, self.spare_users, self.secret = assignable, spare_users, secret
        self.answers: list[tuple[str, int]] = []
        self.acknowledged = defaultdict(list)
        self.lock = threading.Lock()
        self.serial = itertools.count()

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{next(self.serial)}"

    def record(self, kind: str, response, stored=None) -> None:
        with self.lock:
            self.answers.append((kind, response.status_code))
            if response.status_code < 300 and stored is not None:
                self.acknowledged[kind].append(stored)

    def api(self, user) -> APIClient:
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user)
        return client

    def ticket_url(self, number: int) -> str:
        return f"/api/boards/{self.board.pk}/tickets/{number}/"


def creates_and_deletes(shared: Shared, client, rng):
    """Creates two tickets and deletes the first again (its own: the others' targets stay)."""
    numbers = []
    for column in (shared.columns[0], rng.choice(shared.columns)):  # the first one has room
        response = client.post(
            f"/api/boards/{shared.board.pk}/tickets/",
            {"title": shared.unique("new"), "column": column.pk},
        )
        numbers.append(response.json()["number"] if response.status_code == 201 else None)
        shared.record("create", response, numbers[-1])
    if numbers[0] is not None:
        shared.record("delete", client.delete(shared.ticket_url(numbers[0])), numbers[0])


def moves(shared: Shared, client, rng):
    """Across columns, or within one (the ticket's own column)."""
    ticket = rng.choice(shared.stable)
    column = rng.choice(shared.columns).pk
    if rng.random() < 0.4:
        column = Ticket.objects.get(pk=ticket.pk).column_id
    response = client.post(
        f"{shared.ticket_url(ticket.number)}move/",
        {"column": column, "position": rng.randint(0, 4)},
    )
    shared.record("move", response)


def edits(shared: Shared, client, rng):
    ticket = rng.choice(shared.stable)
    title = shared.unique("edited")
    body = {"title": title, "assignees": rng.sample(shared.assignable, rng.randint(0, 2))}
    shared.record("edit", client.patch(shared.ticket_url(ticket.number), body), title)


def comments(shared: Shared, client, rng):
    ticket = rng.choice(shared.stable)
    body = shared.unique("comment")
    response = client.post(f"{shared.ticket_url(ticket.number)}comments/", {"body": body})
    shared.record("comment", response, body)


def checklists(shared: Shared, client, rng):
    ticket = rng.choice(shared.stable)
    base = f"{shared.ticket_url(ticket.number)}checklist/"
    text = shared.unique("item")
    response = client.post(base, {"text": text})
    shared.record("checklist", response, text)
    if response.status_code == 201:
        item = response.json()["id"]
        shared.record("tick", client.patch(f"{base}{item}/", {"done": True, "position": 0}))


def chat(shared: Shared, client, rng):
    body = shared.unique("chat")
    response = client.post(f"/api/boards/{shared.board.pk}/messages/", {"body": body})
    shared.record("chat", response, body)


def attachments(shared: Shared, client, rng):
    ticket = rng.choice(shared.stable)
    name = f"{shared.unique('file')}.txt"
    upload = SimpleUploadedFile(name, b"notes", content_type="text/plain")
    response = client.post(
        f"{shared.ticket_url(ticket.number)}attachments/", {"files": [upload]}, format="multipart"
    )
    shared.record("attachment", response, name)


def feedback(shared: Shared, client, rng):
    key = shared.unique("survey")
    response = APIClient(raise_request_exception=False).post(
        f"/api/boards/{shared.board.pk}/feedback/intake/",
        {
            "kind": "nps",
            "score": rng.choice([1, 9]),
            "email": "c@example.com",
            "idempotency_key": key,
        },
        HTTP_X_FEEDBACK_SECRET=shared.secret,
    )
    shared.record("feedback", response, key)


def member_changes(shared: Shared, client, rng, *, user):
    """Each such client adds, demotes and removes a user of its own, in turn."""
    base = f"/api/boards/{shared.board.pk}/members/"
    response = client.post(base, {"user": user.username, "role": "member"})
    shared.record("member", response)
    if response.status_code == 201:
        member = response.json()["id"]
        shared.record("member", client.patch(f"{base}{member}/", {"role": "guest"}))
        shared.record("member", client.delete(f"{base}{member}/"))


class _Answer:
    def __init__(self, status_code):
        self.status_code = status_code


def reminders(shared: Shared, client, rng):
    """The worker's part: deliver a reminder of a stable ticket (an error counts as a 500)."""
    ticket = rng.choice(shared.stable)
    reminder = Reminder.objects.create(
        ticket_id=ticket.pk,
        kind=Reminder.Kind.OVERDUE,
        due_for=ticket.due_at,
        lead=timedelta(seconds=next(shared.serial)),  # a reminder of its own each time
    )
    try:
        reminder_deliver(reminder_id=reminder.pk)
    except Exception:  # any failure is what this test looks for
        shared.record("reminder", _Answer(500))
    else:
        shared.record("reminder", _Answer(200), reminder.pk)


WRITERS = [
    creates_and_deletes,
    moves,
    edits,
    comments,
    checklists,
    chat,
    attachments,
    feedback,
    reminders,
    member_changes,
]


def _client_loop(shared: Shared, index: int, user, barrier, deadline_box):
    rng = random.Random(index)
    client = shared.api(user)
    writer = WRITERS[index % len(WRITERS)]
    if writer is member_changes:
        writer = functools.partial(writer, user=shared.spare_users[index // len(WRITERS)])
    try:
        barrier.wait()
        while time.monotonic() < deadline_box[0]:
            writer(shared, client, rng)
    except BaseException as exc:  # a crash in the client itself must fail the test too
        shared.record(f"client crashed: {exc!r}", _Answer(599))
    finally:
        connection.close()


@pytest.fixture
def busy_board(board, columns, admin_user, member_user):
    """The shared board: WIP limits on two columns, stable tickets spread over the columns
    with due dates (for reminders), feedback duty, spare users for the member changes."""
    column_update(column=columns[1], wip_limit=6)
    column_update(column=columns[3], wip_limit=4)
    stable = [
        ticket_create(
            board=board,
            created_by=member_user,
            title=f"Stable {index}",
            column=columns[(0, 2, 4)[index % 3]],
            assignees=[member_user],
            due_at=timezone.now() - timedelta(hours=1),
        )
        for index in range(STABLE)
    ]
    feedback_duty_set(board=board, users=[member_user], intake_column=columns[0])
    spare = [UserFactory(username=f"spare{index}") for index in range(CLIENTS // len(WRITERS) + 1)]
    return Shared(
        board,
        columns,
        stable,
        assignable=[admin_user.username, member_user.username],
        spare_users=spare,
        secret=feedback_secret_rotate(board=board),
    )


def _dense(values) -> bool:
    return sorted(values) == list(range(len(values)))


@pytest.mark.django_db(transaction=True)
def test_thirty_two_clients_doing_every_kind_of_write_on_one_board_lose_nothing(
    busy_board, admin_user, member_user
):
    shared = busy_board
    board = shared.board
    # Admins add members and delete tickets; members do the rest
    admin_writes = (member_changes, creates_and_deletes)
    people = [admin_user if WRITERS[i % len(WRITERS)] in admin_writes else member_user
              for i in range(CLIENTS)]  # fmt: skip

    # When 32 clients, three or four per kind of write, work the board for a few seconds
    barrier = threading.Barrier(CLIENTS + 1)
    deadline = [0.0]
    threads = [
        threading.Thread(target=_client_loop, args=(shared, i, people[i], barrier, deadline))
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + SECONDS
    barrier.wait()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a client never finished"

    # Then no write was answered with a server error, and every kind of write got through
    statuses = Counter(shared.answers)
    assert [(kind, code) for (kind, code) in statuses if code >= 500] == [], statuses
    acknowledged = shared.acknowledged
    for kind in ("create", "delete", "edit", "comment", "checklist", "chat", "attachment"):
        assert acknowledged[kind], f"no {kind} got through: {statuses}"
    for kind in ("move", "tick", "member"):
        assert any(k == kind and code < 300 for k, code in shared.answers), statuses
    assert acknowledged["feedback"]
    assert acknowledged["reminder"]

    # And the ticket numbers were handed out once each, without gaps
    board.refresh_from_db()
    issued = (
        [t.number for t in shared.stable]
        + acknowledged["create"]
        + [
            response.ticket.number
            for response in FeedbackResponse.objects.filter(board=board, ticket__isnull=False)
        ]
    )
    assert sorted(issued) == list(range(1, board.next_number))

    # And what was acknowledged is stored (deleted tickets gone, the rest there)
    numbers = set(Ticket.objects.filter(board=board).values_list("number", flat=True))
    deleted = set(acknowledged["delete"])
    assert not numbers & deleted
    assert set(acknowledged["create"]) - deleted <= numbers
    stable = Ticket.objects.filter(pk__in=[t.pk for t in shared.stable])
    assert stable.count() == STABLE
    edits = Activity.objects.filter(ticket__in=stable, kind=Activity.Kind.EDITED)
    assert edits.count() == len(acknowledged["edit"])
    assert {t.title for t in stable} <= {*acknowledged["edit"], *(t.title for t in shared.stable)}
    bodies = Message.objects.filter(board=board)
    assert set(bodies.filter(ticket__isnull=False).values_list("body", flat=True)) == set(
        acknowledged["comment"]
    )
    assert set(bodies.filter(ticket__isnull=True).values_list("body", flat=True)) == set(
        acknowledged["chat"]
    )
    items = ChecklistItem.objects.filter(ticket__in=stable)
    assert set(items.values_list("text", flat=True)) == set(acknowledged["checklist"])
    files = Attachment.objects.filter(board=board).values_list("name", flat=True)
    assert set(files) == set(acknowledged["attachment"])
    keys = FeedbackResponse.objects.filter(board=board).values_list("idempotency_key", flat=True)
    assert set(keys) == set(acknowledged["feedback"])
    delivered = Reminder.objects.filter(pk__in=acknowledged["reminder"], delivered_at__isnull=False)
    missing = set(acknowledged["reminder"]) - set(delivered.values_list("pk", flat=True))
    assert not missing, (
        list(
            Reminder.objects.filter(pk__in=missing).values_list(
                "pk", "ticket_id", "delivered_at", "outcome"
            )
        ),
        sorted(acknowledged["reminder"]),
    )
    # Each member-changing client removed its user last: none of them is left on the board
    assert not Membership.objects.filter(board=board, user__in=shared.spare_users).exists()
    assert Membership.objects.filter(board=board, role=Role.ADMIN).exists()

    # And positions are dense in every column and checklist, and no column is over its limit
    for column in Column.objects.filter(board=board):
        tickets = Ticket.objects.filter(column=column)
        assert ranks_distinct(tickets), column
        assert [position for _, position in placed(tickets)] == list(range(tickets.count()))
        if column.wip_limit is not None:
            assert tickets.count() <= column.wip_limit, column
    for ticket in stable:
        assert _dense(list(ticket.checklist.values_list("position", flat=True))), ticket
    assert Board.objects.filter(pk=board.pk).exists()
