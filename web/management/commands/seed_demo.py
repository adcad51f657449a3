"""A demo board a CS team would recognise, with one user per role. Safe to run again."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from boards.models import Board, Role, Visibility
from boards.services import board_create, column_update, membership_add, tag_create
from customers.services import customer_for_email
from feedback.models import FeedbackResponse
from tickets.models import Activity, Priority, Status, Ticket
from tickets.services import ticket_create, ticket_move, ticket_update
from workspace.models import Message
from workspace.services import message_post

DEMO_PASSWORD = "csboard-demo"
DEMO_USERS = [
    # username, display name, role on the demo board
    ("admin", "Ada Admin", Role.ADMIN),
    ("member", "Max Member", Role.MEMBER),
    ("sam", "Sam Support", Role.MEMBER),
    ("guest", "Gina Guest", Role.GUEST),
]
TAGS = [
    ("billing", "#f59e0b"),
    ("bug", "#ef4444"),
    ("onboarding", "#10b981"),
    ("vip", "#8b5cf6"),
    ("feature", "#3b82f6"),
]
# title, column, priority, status, customer (name, email, company), tags, assignees, due in hours
TICKETS = [
    (
        "Team discount?",
        "New tickets",
        Priority.NORMAL,
        Status.READY,
        ("Priya Patel", "priya@northwind.example", "Northwind Traders"),
        ["billing"],
        [],
        30,
    ),
    (
        "Charged twice for the November invoice",
        "New tickets",
        Priority.URGENT,
        Status.READY,
        ("Tom Becker", "tom@globex.example", "Globex"),
        ["billing", "vip"],
        ["member"],
        -3,
    ),
    (
        "Can we add a second workspace admin?",
        "New tickets",
        Priority.LOW,
        Status.READY,
        ("Lena Novak", "lena@initech.example", "Initech"),
        [],
        [],
        None,
    ),
    (
        "Onboarding call for the support team",
        "Open tickets",
        Priority.HIGH,
        Status.IN_PROGRESS,
        ("Marcus Hale", "marcus@acme.example", "Acme Corp"),
        ["onboarding", "vip"],
        ["sam"],
        20,
    ),
    (
        "SSO login loops on Safari",
        "Open tickets",
        Priority.HIGH,
        Status.WAITING,
        ("Yuki Tanaka", "yuki@umbrella.example", "Umbrella"),
        ["bug"],
        ["member"],
        6,
    ),
    (
        "Export invoices to CSV",
        "Feature requests",
        Priority.NORMAL,
        Status.NEEDS_REVIEW,
        ("Priya Patel", "priya@northwind.example", "Northwind Traders"),
        ["feature", "billing"],
        ["sam"],
        120,
    ),
    (
        "Dark mode for the customer portal",
        "Feature requests",
        Priority.LOW,
        Status.READY,
        ("Chris Doyle", "chris@hooli.example", "Hooli"),
        ["feature"],
        [],
        None,
    ),
    (
        "Webhook retries send duplicate events",
        "Bugs",
        Priority.URGENT,
        Status.IN_PROGRESS,
        ("Ana Souza", "ana@stark.example", "Stark Industries"),
        ["bug", "vip"],
        ["member", "sam"],
        4,
    ),
    (
        "CSV import drops accented names",
        "Bugs",
        Priority.NORMAL,
        Status.READY,
        ("Jonas Berg", "jonas@wayne.example", "Wayne Enterprises"),
        ["bug"],
        [],
        48,
    ),
    (
        "Renewal terms sent to the wrong contact",
        "Done",
        Priority.NORMAL,
        Status.RESOLVED,
        ("Marcus Hale", "marcus@acme.example", "Acme Corp"),
        ["billing"],
        ["sam"],
        None,
    ),
]
WIP_LIMITS = {"Open tickets": 5, "Bugs": 3}
HISTORY_WEEKS = 8
HISTORY_TICKETS = 40
HISTORY_TOPICS = [
    "Password reset email never arrives",
    "Invoice shows the wrong VAT number",
    "How do I add a teammate?",
    "API rate limit questions",
    "Slack integration stopped",
    "Change the billing contact",
    "Data export for our auditors",
    "Upgrade to annual",
]
CUSTOMERS = [
    ("Priya Patel", "priya@northwind.example"),
    ("Tom Becker", "tom@globex.example"),
    ("Lena Novak", "lena@initech.example"),
    ("Marcus Hale", "marcus@acme.example"),
    ("Yuki Tanaka", "yuki@umbrella.example"),
    ("Chris Doyle", "chris@hooli.example"),
]


class Command(BaseCommand):
    help = "Create the demo board (key CS) and demo users; does nothing if the board exists."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {username: self._user(username, name) for username, name, _ in DEMO_USERS}
        if Board.objects.filter(key="CS").exists():
            self.stdout.write("Demo board CS already exists.")
            return
        board = board_create(
            name="Customer Success",
            key="CS",
            description="Every customer request, from first contact to resolution.",
            visibility=Visibility.PRIVATE,
            template="customer-success",
            created_by=users["admin"],
        )
        for username, _, role in DEMO_USERS[1:]:
            membership_add(board=board, user=users[username], role=role)
        columns = {column.name: column for column in board.columns.all()}
        for name, limit in WIP_LIMITS.items():
            column_update(column=columns[name], wip_limit=limit)
        tags = {name: tag_create(board=board, name=name, color=color) for name, color in TAGS}
        now = timezone.now()
        for title, column, priority, status, customer, tag_names, assignees, due in TICKETS:
            ticket = ticket_create(
                board=board,
                created_by=users["member"],
                title=title,
                column=columns[column],
                priority=priority,
                customer_name=customer[0],
                customer_email=customer[1],
                customer_company=customer[2],
                description=f"{customer[0]} from {customer[2]} wrote in about this.",
                tags=[tags[name] for name in tag_names],
                assignees=[users[name] for name in assignees],
                due_at=now + timedelta(hours=due) if due is not None else None,
            )
            ticket_update(ticket=ticket, status=status)
        self._history(board, users, columns, now)
        self.stdout.write(self.style.SUCCESS("Demo board CS created."))

    def _history(self, board, users, columns, now):
        """Eight weeks of worked tickets and feedback, so the metrics dashboard has a story to
        tell: made through the services, then dated back (ticket, history and message alike)."""
        rng = random.Random(7)
        agents = [users["member"], users["sam"], users["admin"]]
        for index in range(HISTORY_TICKETS):
            opened = now - timedelta(days=HISTORY_WEEKS * 7 - index * 1.3, hours=rng.randint(0, 8))
            answered = opened + timedelta(hours=rng.choice([0.5, 1, 2, 3, 5, 9]))
            started = answered + timedelta(hours=rng.choice([1, 2, 4, 8]))
            resolved = started + timedelta(hours=rng.choice([2, 6, 12, 20, 30, 52, 80]))
            if resolved > now:
                continue
            name, email = CUSTOMERS[index % len(CUSTOMERS)]
            agent = agents[index % len(agents)]
            ticket = ticket_create(
                board=board, created_by=agent, title=HISTORY_TOPICS[index % len(HISTORY_TOPICS)],
                column=columns["New tickets"], customer_name=name, customer_email=email,
                assignees=[agent], priority=rng.choice([Priority.NORMAL, Priority.HIGH]),
            )  # fmt: skip
            message_post(board=board, ticket=ticket, by=agent, body="Thanks, on it.")
            if index % 4 == 0:  # a follow-up: not resolved at the first contact
                message_post(board=board, ticket=ticket, by=agent, body="One more question…")
            if index % 3:
                ticket_move(ticket=ticket, column=columns["Open tickets"], by=agent)
            ticket_update(ticket=ticket, by=agent, status=Status.IN_PROGRESS)
            ticket_move(ticket=ticket, column=columns["Done"], by=agent)
            ticket_update(ticket=ticket, by=agent, status=Status.RESOLVED)
            history = Activity.objects.filter(ticket=ticket)
            history.update(created_at=started)
            history.filter(kind=Activity.Kind.CREATED).update(created_at=opened)
            history.filter(kind=Activity.Kind.COMMENT).update(created_at=answered)
            history.filter(to_column=columns["Done"]).update(created_at=resolved)
            history.filter(to_value=Status.RESOLVED).update(created_at=resolved)
            Message.objects.filter(ticket=ticket).update(created_at=answered)
            Ticket.objects.filter(pk=ticket.pk).update(
                created_at=opened, first_response_at=answered, resolved_at=resolved,
                first_response_due_at=opened + timedelta(hours=4),
                due_at=opened + timedelta(hours=48),
            )  # fmt: skip
        for index in range(HISTORY_WEEKS * 8):
            name, email = CUSTOMERS[index % len(CUSTOMERS)]
            kind = "csat" if index % 3 == 0 else "nps"
            score = (
                rng.choice([3, 4, 5, 5]) if kind == "csat" else rng.choice([4, 7, 8, 9, 9, 10, 10])
            )
            FeedbackResponse.objects.create(
                board=board, kind=kind, score=score, email=email, name=name, source="survey",
                comment="Quick and friendly." if score >= 9 else "",
                customer=customer_for_email(email=email),
                received_at=now - timedelta(days=HISTORY_WEEKS * 7 * (1 - index / (HISTORY_WEEKS * 8))),
            )  # fmt: skip

    def _user(self, username, display_name):
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"display_name": display_name, "email": f"{username}@csboard.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user
