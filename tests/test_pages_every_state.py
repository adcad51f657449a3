"""Every page renders every state the data can be in: actions of the system (feedback intake,
SLA reminders) that have no actor, a user deleted after creating, being assigned, commenting,
ticking, uploading and moving, a ticket with every optional field empty, and a board with no
tickets at all. Each page and export is fetched by every role that may see it; none may fail.

The pages are listed by URL name, and a test checks that the list covers every page of the
URLconf, so that a page added later is added here too."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boards.models import Membership, Role, Visibility
from boards.services import board_create, membership_add
from feedback.services import feedback_receive, feedback_settings_set
from metrics.services import team_create
from notifications.services import notify
from tests.factories import UserFactory
from ticket_templates.services import template_create
from tickets.models import Activity, Ticket
from tickets.services import ticket_archive, ticket_create, ticket_move, ticket_update
from workspace import services as workspace

pytestmark = pytest.mark.django_db


def custom_fields_of_every_type(board, ticket) -> None:
    from customfields.services import field_create, field_update, values_set

    values = {}
    for kind, value in (
        ("text", "<b>Renewal</b> talk"), ("number", 12.5), ("date", "2025-05-01"),
        ("checkbox", True), ("user", "mia"), ("url", "https://example.com/crm"),
    ):  # fmt: skip
        field = field_create(board=board, name=f"F {kind}", type=kind, show_on_card=True)
        values[field.pk] = value
    plan = field_create(board=board, name="Plan", type="select", options=["Free", "Pro"])
    products = field_create(
        board=board, name="Products", type="multi_select", options=["API", "App"], required=True,
        default=["API"], show_on_card=True,
    )  # fmt: skip
    values |= {plan.pk: "Pro", products.pk: ["API", "App"]}
    values_set(ticket=ticket, values=values)
    field_update(field=plan, options=[{"label": "Free", "id": plan.live_options[0].pk}])


# URL names that only take a POST (forms, actions): nothing to render.
POST_ONLY = {
    "boards:new", "boards:zoom", "boards:update", "boards:delete", "boards:column_add", "boards:columns_save",
    "boards:column_delete", "boards:tag_add", "boards:tag_edit",
    "boards:tag_delete", "boards:member_add", "boards:member_role", "boards:member_remove",
    "tickets:edit", "tickets:move", "tickets:delete", "tickets:restore", "tickets:follow",
    "tickets:delete-for-good",
    "workspace:checklist-add", "workspace:checklist-update", "workspace:checklist-delete",
    "workspace:message-add", "workspace:message-edit", "workspace:message-delete",
    "workspace:attachments-upload", "workspace:attachment-delete", "workspace:board-message-add",
    "workspace:board-message-edit", "workspace:board-message-delete",
    "workspace:board-files-upload", "workspace:board-link-add", "workspace:board-file-delete",
    "notifications:open", "notifications:read-all", "feedback:import", "mail:reply",
    "mail:address-add", "mail:address-delete", "mail:save", "metrics:team-delete",
    "macros:add", "macros:delete", "macros:apply", "relations:link-add", "relations:link-remove",
    "savedviews:create", "savedviews:create-search", "savedviews:update", "savedviews:delete",
    "ticket_templates:delete",
    "automation:move", "automation:delete", "automation:try",
    "customfields:add", "customfields:edit", "customfields:delete", "customfields:value",
}  # fmt: skip
# Settings pages whose URL name does not say so: the admins' (403 for the others).
ADMINS_ONLY = {
    "sla:policy", "automation:new", "automation:edit", "automation:row", "automation:history",
    "ticket_templates:edit",
}  # fmt: skip
# Pages of the team's work: a guest is refused them (403).
WORKERS_ONLY = {"macros:edit", "relations:merge", "tickets:new"}
# Pages reached from an emailed link, not from a board: covered by their own tests.
ELSEWHERE = {"feedback:csat"}
METRIC_TABLES = ["summary", "volume", "agents", "flow", "scores"]


def page_names() -> set[str]:
    """Every named page of the apps (the API, admin and accounts pages have their own tests, and
    so have the mail providers' webhooks, anymail's, tests/mail/test_webhooks.py, and the pages
    a customer sees, the portal's, tests/portal)."""
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace not in (
            None, "api", "admin", "anymail", "portal",
        ):  # fmt: skip
            names |= {
                f"{entry.namespace}:{pattern.name}"
                for pattern in entry.url_patterns
                if isinstance(pattern, URLPattern) and pattern.name
            }
    return names


@pytest.fixture
def states(board, columns, admin_user, member_user, guest_user):
    """One board holding each edge state, plus an empty one."""
    # A user who does everything once, then has their account deleted.
    gone = UserFactory(username="gone", display_name="Gone Away")
    membership_add(board=board, user=gone, role=Role.MEMBER)
    worked = ticket_create(
        board=board,
        created_by=gone,
        title="Worked by someone who left",
        customer_name="Dana Scully",
        customer_email="dana@example.com",
        assignees=[gone],
    )
    ticket_update(ticket=worked, by=gone, priority="high", status="in_progress")
    ticket_move(ticket=worked, column=columns[1], by=gone)
    # A custom field of every type, some on the cards, with values (a removed option among them,
    # text that must be escaped); the other tickets have none.
    custom_fields_of_every_type(board, worked)
    item = workspace.checklist_item_add(ticket=worked, by=gone, text="Call back")
    workspace.checklist_item_update(item=item, by=gone, done=True)
    workspace.message_post(board=board, ticket=worked, by=gone, body="On it @alice")
    workspace.message_post(board=board, by=gone, body="Team note")
    (attachment,) = workspace.attachments_upload(
        board=board, ticket=worked, by=gone, files=[SimpleUploadedFile("a.png", b"\x89PNG")]
    )
    (board_file,) = workspace.attachments_upload(
        board=board, by=gone, files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4")]
    )
    workspace.link_add(board=board, by=gone, title="Runbook", url="https://example.com/run")
    notify(
        recipients=[admin_user, member_user, guest_user],
        kind="mention",
        title="From someone who left",
        actor=gone,
        board=board,
        ticket=worked,
        url="/",
    )
    # The system acting: a detractor from the intake (no creator, no actor), a reminder.
    # Guests may see the metrics here, so that they too render every page of the board.
    feedback_settings_set(board=board, duty=[gone], csat_on_resolve=True, guests_see_metrics=True)
    detractor, _ = feedback_receive(
        board=board, kind="nps", score=2, email="fox@example.com", comment="Slow"
    )
    notify(recipients=[admin_user, member_user, guest_user], kind="overdue", title="Overdue")
    # Mail: a customer's mail on a ticket, the team's reply, one that failed, an ignored
    # auto-reply from no name, a mailbox whose last poll failed.
    from mail.models import Email, SupportAddress
    from mail.outbound import reply_send
    from mail.services import mail_receive

    SupportAddress.objects.create(
        board=board, address="support@example.com", imap_host="imap.example.com",
        imap_username="u", imap_password_env="NOWHERE", last_error="Login failed.",
    )  # fmt: skip
    by_mail = mail_receive(
        b"From: dana@example.com\r\nTo: support@example.com\r\nSubject: Locked out\r\n\r\n"
        b"I cannot sign in.\r\n\r\n> quoted history\r\n"
    ).ticket
    reply_send(ticket=by_mail, by=member_user, body="Reset link sent.")
    failed = reply_send(ticket=by_mail, by=member_user, body="Did it work?")
    Email.objects.filter(entry=failed).update(state=Email.State.FAILED, error="550 no such user")
    mail_receive(
        b"From: <>\r\nTo: support@example.com\r\nAuto-Submitted: auto-replied\r\n\r\nAway\r\n"
    )
    # Empty fields: no customer, no description, nobody assigned, nothing attached.
    bare = ticket_create(board=board, created_by=member_user, title="Bare")
    # Archived by the user who left: the archive names them as deleted.
    archived = ticket_create(board=board, created_by=gone, title="Archived", customer_name="Ann")
    ticket_archive(ticket=archived, by=gone)
    # A ticket template naming the user who left, a tag and a column; one with none of them.
    template = template_create(
        board=board, name="Onboarding", title_pattern="Onboarding: {customer} ({date})",
        description="**Welcome**", column=columns[1], tags=list(board.tags.all()[:1]),
        assignees=[gone], checklist=["Kick-off call", "Send the guide"],
    )  # fmt: skip
    bare_template = template_create(board=board, name="Bare", title_pattern="Bare")
    # Macros, a link, and a ticket merged into another by the user who left.
    from boards.services import tag_create
    from macros.services import macro_create
    from relations.models import TicketLink
    from relations.services import ticket_merge

    macro = macro_create(
        board=board, by=admin_user, shared=True, name="Ask", body="Hi {{customer.name}}",
        set_status="waiting_on_customer", add_tags=[tag_create(board=board, name="asked")],
        assignee=gone,
    )  # fmt: skip
    macro_create(board=board, by=gone, shared=False, name="Gone's own", body="x")
    TicketLink.objects.create(
        from_ticket=worked, to_ticket=bare, kind="blocked_by", created_by=gone
    )
    duplicate = ticket_create(board=board, created_by=gone, title="Duplicate")
    ticket_merge(source=duplicate, target=worked, by=gone)
    # A team of someone who then leaves and someone still there, as its manager (alice) sees it.
    team = team_create(by=admin_user, name="Tier 1", members=[gone, member_user])
    gone_id = gone.pk
    gone.delete()  # every reference to the account goes with it (SET_NULL, CASCADE)

    empty = board_create(
        name="Empty", key="EMPTY", created_by=admin_user, visibility=Visibility.PRIVATE
    )
    for user, role in ((member_user, Role.MEMBER), (guest_user, Role.GUEST)):
        membership_add(board=empty, user=user, role=role)
    feedback_settings_set(board=empty, duty=[], csat_on_resolve=False, guests_see_metrics=True)
    intake = Ticket.objects.get(pk=detractor.ticket_id)
    assert intake.created_by is None
    assert Activity.objects.filter(ticket=intake, actor=None).exists()
    assert Membership.objects.filter(board=board).count() == 3
    # A rule of every kind of action, and its history: one run done, one that failed.
    rule = _rule_of_every_kind(board, admin_user, member_user, worked, macro, template)
    return {
        "rule": rule,
        "team": team,
        "board": board,
        "empty": empty,
        "tickets": [worked, intake, bare, by_mail],
        "archived": archived,
        "attachment": attachment,
        "board_file": board_file,
        "customer": intake.customer,
        "gone_id": gone_id,
        "templates": [template, bare_template],
        "macro": macro,
    }


def _rule_of_every_kind(board, admin_user, member_user, ticket, macro, template):
    from automation.kinds import ACTIONS, custom_key
    from automation.services import rule_create, rules_run
    from boards.services import tag_create
    from customfields.selectors import board_fields

    tag = tag_create(board=board, name="VIP <b>")
    column = board.columns.order_by("position").last()
    params = {
        "assign": {"mode": "round_robin", "users": [admin_user.pk, member_user.pk]},
        "set_priority": {"value": "high"},
        "set_status": {"value": "in_progress"},
        "set_due": {"hours": 8},
        "add_tags": {"tags": [tag.pk]},
        "remove_tags": {"tags": [tag.pk]},
        "move": {"column": column.pk},
        "add_checklist": {"items": ["Call <back>"]},
        "add_note": {"body": "Seen by a rule"},
        "notify": {"users": [member_user.pk], "assignees": True, "message": "Look <here>"},
        "macro": {"macro": macro.pk, "sender": member_user.pk},
        "template_checklist": {"template": template.pk},
    }
    assert set(params) == set(ACTIONS)
    # A condition on each custom field, as its type tests it (a removed option among them).
    tests = {
        "text": ("contains", "<b>"), "url": ("contains", "crm"), "number": ("more_than", 1.5),
        "date": ("before", "2026-01-01"), "checkbox": ("is", True),
        "user": ("is", member_user.pk),
    }  # fmt: skip
    conditions = []
    for field in board_fields(board.pk):
        if field.is_select:
            op = "has" if field.type == "multi_select" else "is"
            conditions.append(
                {"field": custom_key(field.pk), "op": op, "value": field.option_list[-1].pk}
            )
        else:
            op, value = tests[field.type]
            conditions.append({"field": custom_key(field.pk), "op": op, "value": value})
    rule_create(
        board=board, by=admin_user, name="Fields <every>", trigger="moved", conditions=conditions,
        actions=[{"type": "set_priority", "value": "low"}],
    )  # fmt: skip
    rule = rule_create(
        board=board, by=admin_user, name="Every <kind>", trigger="created",
        conditions=[{"field": "tags", "op": "has_not", "value": tag.pk}],
        actions=[{"type": kind, **values} for kind, values in params.items()],
    )  # fmt: skip
    rules_run(trigger="created", ticket_id=ticket.pk, key="states:1")
    return rule


def pages_of(states) -> dict[str, list[str]]:
    """Each GET page, by URL name, at every address that shows one of the states."""
    board, empty = states["board"], states["empty"]
    boards = [board, empty]

    def each(name, **more):
        return [reverse(name, args=[b.pk], **more) for b in boards]

    return {
        "boards:list": [reverse("boards:list")],
        "boards:detail": [*each("boards:detail"), f"{reverse('boards:detail', args=[board.pk])}?q=x"],
        # The board page's parts its live redraw fetches alone.
        "boards:detail_columns": [
            *each("boards:detail_columns"),
            f"{reverse('boards:detail_columns', args=[board.pk])}?q=x",
        ],
        "workspace:board-chat-live": each("workspace:board-chat-live"),
        "workspace:board-files-live": each("workspace:board-files-live"),
        "boards:export-tickets": each("boards:export-tickets"),
        "boards:settings": each("boards:settings"),
        "tickets:archive": [
            *each("tickets:archive"),
            f"{reverse('tickets:archive', args=[board.pk])}?q=Ann",
            f"{reverse('tickets:archive', args=[board.pk])}?q={board.key}-{states['archived'].number}",
            f"{reverse('tickets:archive', args=[board.pk])}?q=nothing&page=9",
        ],
        "tickets:detail": [
            reverse("tickets:detail", args=[board.pk, t.number]) for t in states["tickets"]
        ],
        "tickets:panel": [
            reverse("tickets:panel", args=[board.pk, t.number]) for t in states["tickets"]
        ],
        "workspace:attachment": [
            reverse(
                "workspace:attachment",
                args=[board.pk, states["tickets"][0].number, states["attachment"].pk],
            )
        ],
        "workspace:board-file": [
            reverse("workspace:board-file", args=[board.pk, states["board_file"].pk])
        ],
        "sla:policy": each("sla:policy"),
        "tickets:new": [
            *each("tickets:new"),
            *(f"{reverse('tickets:new', args=[board.pk])}?template={t.pk}" for t in states["templates"]),
        ],
        "ticket_templates:settings": each("ticket_templates:settings"),
        "ticket_templates:edit": [
            reverse("ticket_templates:edit", args=[board.pk, t.pk]) for t in states["templates"]
        ],
        "mail:settings": each("mail:settings"),
        "sla:email_preferences": [reverse("sla:email_preferences")],
        "notifications:list": [reverse("notifications:list")],
        "my:work": [reverse("my:work")],
        "my:work_live": [reverse("my:work_live")],
        "feedback:export": each("feedback:export"),
        "feedback:settings": each("feedback:settings"),
        "automation:rules": each("automation:rules"),
        "automation:new": each("automation:new"),
        "automation:edit": [reverse("automation:edit", args=[board.pk, states["rule"].pk])],
        "automation:row": [
            f"{reverse('automation:row', args=[board.pk])}?part=action&new_action=assign",
            f"{reverse('automation:row', args=[board.pk])}?part=condition&new_condition=tags",
        ],
        "automation:history": [
            *each("automation:history"),
            f"{reverse('automation:history', args=[board.pk])}?rule={states['rule'].pk}",
        ],
        "customfields:settings": each("customfields:settings"),
        "customers:detail": [
            reverse("customers:detail", args=[c.pk])
            for c in {t.customer for t in states["tickets"] if t.customer}
        ],
        # The agent filter naming the deleted account, as a bookmarked link would.
        "metrics:dashboard": [
            *each("metrics:dashboard"),
            f"{reverse('metrics:dashboard', args=[board.pk])}?agent={states['gone_id']}",
        ],
        "macros:list": each("macros:list"),
        "macros:edit": [reverse("macros:edit", args=[board.pk, states["macro"].pk])],
        "relations:merge": [
            reverse("relations:merge", args=[board.pk, t.number]) for t in states["tickets"]
        ],
        # Results marked, a reference of no visible ticket, past the last page, one board.
        "search:results": [
            reverse("search:results"),
            f"{reverse('search:results')}?q=dana",
            f"{reverse('search:results')}?q=EMPTY-1",
            f"{reverse('search:results')}?q=nothing&page=9",
            f"{reverse('search:results')}?q=locked&board={board.pk}",
        ],
        "metrics:export": [
            reverse("metrics:export", args=[b.pk, table]) for b in boards for table in METRIC_TABLES
        ],
        "customers:list": [
            reverse("customers:list"), f"{reverse('customers:list')}?q=dana",
            f"{reverse('customers:list')}?q=nobody&page=9",
        ],
        "metrics:company": [
            reverse("metrics:company"),
            f"{reverse('metrics:company')}?agent={states['gone_id']}",
            f"{reverse('metrics:company')}?board={empty.pk}&from=2020-01-01",
        ],
        "metrics:company-export": [
            reverse("metrics:company-export", args=[table]) for table in ("boards", "agents")
        ],
        "metrics:teams": [reverse("metrics:teams")],
        "metrics:team": [reverse("metrics:team", args=[states["team"].pk])],
        "metrics:team-edit": [reverse("metrics:team-edit", args=[states["team"].pk])],
    }  # fmt: skip


def test_the_list_below_covers_every_page_of_the_urlconf(states):
    assert page_names() - POST_ONLY - ELSEWHERE == set(pages_of(states))


@pytest.mark.parametrize("role", ["admin", "member", "guest"])
def test_every_page_renders_every_state_for_every_role(states, client_as, role):
    client = client_as(role)
    client.raise_request_exception = False  # collect every failing page, not only the first
    failures = {}
    for name, urls in pages_of(states).items():
        for url in urls:
            response = client.get(url)
            # Settings pages are the admins' (403 for the others); nothing else may refuse.
            allowed = {200, 403} if "settings" in name or name in ADMINS_ONLY else {200}
            if name in WORKERS_ONLY:
                allowed = {403} if role == "guest" else {200}
            if name in ("metrics:team", "metrics:team-edit") and role != "admin":
                allowed = {404}  # a team is its manager's alone
            if response.status_code not in allowed:
                failures[url] = response.status_code
            elif response.status_code == 200 and hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)  # exports render as they stream

    assert failures == {}


def test_the_activity_of_an_intake_ticket_shows_the_system(states, client_as):
    intake = states["tickets"][1]

    response = client_as("member").get(
        reverse("tickets:detail", args=[intake.board_id, intake.number])
    )

    assert response.status_code == 200
    assert "System" in response.content.decode()


def test_an_intake_ticket_says_the_feedback_intake_opened_it_not_a_deleted_user(states, client_as):
    intake = states["tickets"][1]

    response = client_as("member").get(
        reverse("tickets:detail", args=[intake.board_id, intake.number])
    )

    created_by = re.search(r"<dt>Created by</dt><dd>(.*?)</dd>", response.content.decode())[1]
    assert "Feedback intake" in created_by
    assert "Deleted user" not in created_by


def test_what_a_deleted_user_did_is_shown_as_a_deleted_user(states, client_as):
    worked = states["tickets"][0]

    response = client_as("member").get(
        reverse("tickets:detail", args=[worked.board_id, worked.number])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Gone Away" not in html
    assert "Deleted user" in html
    assert "Deleted user" in re.search(r"<dt>Created by</dt><dd>(.*?)</dd>", html)[1]
