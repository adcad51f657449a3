"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

Every operation gets a bounded number of generated requests, authenticated as a board member.
Each well-formed path parameter points at a real row of the right kind for its operation (the
board, a ticket, a column, one checklist item, comment, attachment, message, board file,
notification, token...), so that generated bodies reach the services and not only the 404 path;
the feedback intake gets the board's secret. No answer may be a 500, and every answer must match
the schema: a documented status code, content type and body.
"""

from itertools import pairwise

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accounts.services import token_create
from automation.services import rule_create
from boards.models import Membership
from boards.services import tag_create
from customfields.services import field_create
from feedback.services import feedback_secret_rotate
from macros.services import macro_create
from mail.models import SupportAddress
from notifications.services import notify
from relations.services import link_add
from savedviews.services import saved_view_create
from ticket_templates.services import template_create
from tickets.services import ticket_create
from workspace import services as workspace

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES_PER_OPERATION = 25
INTAKE = "/api/boards/{board_id}/feedback/intake/"
# What `{id}` names, by the collection it follows in the path.
ID_IN = {
    "boards": "board",
    "columns": "column",
    "members": "membership",
    "tags": "tag",
    "checklist": "item",
    "comments": "comment",
    "attachments": "attachment",
    "messages": "message",
    "addresses": "address",
    "files": "file",
    "notifications": "notification",
    "fields": "field",
    "macros": "macro",
    "rules": "rule",
    "links": "link",
    "views": "view",
    "ticket-templates": "template",
}


@pytest.fixture
def api_schema(db):
    # As Django's own test client does: the WSGI handler must not close the connection that
    # holds the test's transaction at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def member_token(member_user):
    """One token per operation, not per example: every token a user holds is looked at when
    one of them authenticates, so a token per example would make each run slower than the last."""
    return token_create(user=member_user)[1]


@pytest.fixture
def real(board, columns, ticket, member_user, guest_user, admin_user):
    """One row of each kind the API addresses, the member's own where authorship matters."""
    (attachment,) = workspace.attachments_upload(
        board=board, ticket=ticket, by=member_user, files=[SimpleUploadedFile("a.txt", b"a")]
    )
    (board_file,) = workspace.attachments_upload(
        board=board, by=member_user, files=[SimpleUploadedFile("plan.txt", b"plan")]
    )
    # Like an SLA reminder: no actor, no ticket.
    (notification,) = notify(recipients=[member_user], kind="overdue", title="Overdue", url="/")
    spare_token, _ = token_create(user=member_user)  # revoked by the DELETE, not the one in use
    return {
        "board": board.pk,
        "number": ticket.number,
        "column": columns[-1].pk,
        "membership": Membership.objects.get(board=board, user=guest_user).pk,
        "tag": tag_create(board=board, name="Billing").pk,
        "item": workspace.checklist_item_add(ticket=ticket, by=member_user, text="Refund").pk,
        "comment": workspace.message_post(board=board, ticket=ticket, by=member_user, body="Hi").pk,
        "attachment": attachment.pk,
        "message": workspace.message_post(board=board, by=member_user, body="Team").pk,
        "file": board_file.pk,
        "notification": notification.pk,
        "token_key": spare_token.token_key,
        "feedback_secret": feedback_secret_rotate(board=board),
        "address": SupportAddress.objects.create(board=board, address="support@cs.example").pk,
        "field": field_create(board=board, name="Plan", type="select", options=["Free"]).pk,
        "macro": macro_create(
            board=board, by=member_user, shared=False, name="Thanks", body="Thanks!"
        ).pk,
        "rule": rule_create(
            board=board,
            by=admin_user,
            name="Urgent",
            trigger="created",
            actions=[{"type": "set_priority", "value": "urgent"}],
        ).pk,
        "link": link_add(
            ticket=ticket,
            other=ticket_create(board=board, created_by=member_user, title="Other"),
            kind="relates",
            by=member_user,
        ).pk,
        "view": saved_view_create(
            owner=member_user, board=board, name="Mine", query="assignee=me"
        ).pk,
        "template": template_create(
            board=board, name="Onboarding", title_pattern="Onboarding: {customer}",
            checklist=["Kick-off call"],
        ).pk,
    }  # fmt: skip


def real_path_parameters(path: str, real: dict) -> dict:
    """The real value of each path parameter of this operation's path."""
    segments = path.strip("/").split("/")
    values = {"board_id": real["board"], "number": real["number"], "token_key": real["token_key"]}
    for collection, segment in pairwise(segments):
        if segment == "{id}":
            values["id"] = real[ID_IN[collection]]
    return values


def well_formed(name: str, value) -> bool:
    """A value of the documented type; anything else is a negative case, left as generated."""
    if name == "token_key":
        return isinstance(value, str) and value.replace("_", "").isalnum() and value.isascii()
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (
        isinstance(value, str) and value.isascii() and value.isdigit()
    )


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    # The same examples on every run, so CI is repeatable; raise the count to explore further.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_api_operation_errors_or_breaks_its_schema(case, real, member_token):
    # Aim well-formed ids at real rows; malformed ones (negative cases) are left as generated.
    parameters = case.path_parameters or {}
    for name, value in real_path_parameters(case.operation.path, real).items():
        if name in parameters and well_formed(name, parameters[name]):
            parameters[name] = value
    # Schemathesis's WSGI calls ask for gzip; the schema describes the decoded bodies.
    headers = {"Authorization": f"Token {member_token}", "Accept-Encoding": "identity"}
    if case.operation.path == INTAKE:
        headers["X-Feedback-Secret"] = real["feedback_secret"]
    case.call_and_validate(
        headers=headers,
        # A schema cannot say which credentials are right or which board key is free: valid-looking
        # input that the domain refuses with a 400 is correct behaviour here.
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Ticket", "created_by"),  # intake tickets have no creator
        ("Notification", "actor"),  # reminders have none
        ("Notification", "ticket_number"),
        ("AuditEvent", "target_user"),  # only membership and role events name one
    ],
)
def test_a_field_that_can_be_empty_is_nullable_in_the_schema(client, component, field):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True
