"""The permission matrix, as data: every API endpoint and method, and the status each role gets.

One row per endpoint: (method, path, body, {role: status}). Paths name the fixtures' objects in
braces: {board}, {column} (an empty column), {ticket} (a ticket's number), {archived} (an
archived ticket's), {tag}, {membership}
(gus's guest membership), {rule}, {field} (a single select with the option Free), {template} (a
ticket template). Each case runs on fresh fixtures, so destructive rows do not interfere.
On a board whose visibility is "signed_in" an outsider is treated exactly as a guest. A body of
UPLOAD is sent as a multipart upload of one small file, CSV_UPLOAD as a one-response feedback
CSV; downloads answer with the file itself.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from automation.services import rule_create
from boards.models import Membership, Role, Visibility
from boards.services import board_update, tag_create
from customfields.services import field_create
from mail.models import SupportAddress
from ticket_templates.services import template_create

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]


def expect(admin, member, guest, outsider, anonymous=401):
    return dict(zip(ROLES, [admin, member, guest, outsider, anonymous], strict=True))


READ = expect(200, 200, 200, 404)  # anyone on the board
WORK = expect(200, 200, 403, 404)  # members and admins
MANAGE = expect(200, 403, 403, 404)  # admins only

BOARD = "/api/boards/{board}/"
TICKET = BOARD + "tickets/{ticket}/"
ARCHIVED = BOARD + "tickets/{archived}/"
UPLOAD = object()
CSV_UPLOAD = object()
RULE = {
    "name": "VIP first",
    "trigger": "created",
    "conditions": [{"field": "tags", "op": "has", "value": "{tag}"}],
    "actions": [{"type": "set_priority", "value": "high"}],
}
MATRIX = [
    # Boards
    ("get", "/api/boards/", None, expect(200, 200, 200, 200)),
    ("post", "/api/boards/", {"name": "New", "key": "NEW"}, expect(201, 201, 201, 201)),
    ("get", BOARD, None, READ),
    ("patch", BOARD, {"name": "Renamed"}, MANAGE),
    ("delete", BOARD, None, expect(204, 403, 403, 404)),
    # Columns
    ("get", BOARD + "columns/", None, READ),
    ("post", BOARD + "columns/", {"name": "Escalated"}, expect(201, 403, 403, 404)),
    ("get", BOARD + "columns/{column}/", None, READ),
    ("patch", BOARD + "columns/{column}/", {"wip_limit": 3}, MANAGE),
    ("patch", BOARD + "columns/{column}/", {"is_done": True}, MANAGE),
    (
        "post",
        BOARD + "columns/",
        {"name": "Triage", "position": 0, "is_done": False},
        expect(201, 403, 403, 404),
    ),
    ("delete", BOARD + "columns/{column}/", None, expect(204, 403, 403, 404)),
    # Members
    ("get", BOARD + "members/", None, READ),
    ("post", BOARD + "members/", {"user": "newbie"}, expect(201, 403, 403, 404)),
    ("get", BOARD + "members/{membership}/", None, READ),
    ("patch", BOARD + "members/{membership}/", {"role": "member"}, MANAGE),
    ("delete", BOARD + "members/{membership}/", None, expect(204, 403, 403, 404)),
    # Tags
    ("get", BOARD + "tags/", None, READ),
    ("post", BOARD + "tags/", {"name": "Urgent"}, expect(201, 403, 403, 404)),
    ("get", BOARD + "tags/{tag}/", None, READ),
    ("patch", BOARD + "tags/{tag}/", {"color": "#000000"}, MANAGE),
    ("delete", BOARD + "tags/{tag}/", None, expect(204, 403, 403, 404)),
    # Search across boards: anyone signed in, each finding only what they may see
    # (tests/search/test_apis.py)
    ("get", "/api/search/?q=discount", None, expect(200, 200, 200, 200)),
    ("get", "/api/search/?q=discount&board={board}", None, READ),
    # Tickets
    ("get", BOARD + "tickets/", None, READ),
    ("post", BOARD + "tickets/", {"title": "Help"}, expect(201, 201, 403, 404)),
    ("get", BOARD + "tickets/{ticket}/", None, READ),
    ("patch", BOARD + "tickets/{ticket}/", {"title": "Edited"}, WORK),
    ("delete", BOARD + "tickets/{ticket}/", None, expect(204, 204, 403, 404)),
    ("get", BOARD + "tickets/?archived=true", None, READ),
    ("post", TICKET + "archive/", None, WORK),
    ("post", TICKET + "restore/", None, expect(404, 404, 403, 404)),  # live: not archived
    ("post", ARCHIVED + "restore/", None, WORK),
    ("post", ARCHIVED + "delete-for-good/", None, expect(204, 403, 403, 404)),
    ("post", BOARD + "tickets/{ticket}/move/", {"column": "{column}", "position": 0}, WORK),
    ("post", BOARD + "tickets/", {"template": "{template}"}, expect(201, 201, 403, 404)),
    # Ticket templates: everyone on the board reads them, admins change them
    ("get", BOARD + "ticket-templates/", None, READ),
    (
        "post",
        BOARD + "ticket-templates/",
        {"name": "Renewal", "title_pattern": "Renewal: {{company}}"},  # braces: see fill_in
        expect(201, 403, 403, 404),
    ),
    ("get", BOARD + "ticket-templates/{template}/", None, READ),
    ("patch", BOARD + "ticket-templates/{template}/", {"priority": "high"}, MANAGE),
    ("delete", BOARD + "ticket-templates/{template}/", None, expect(204, 403, 403, 404)),
    # SLA policy
    ("get", BOARD + "sla/", None, READ),
    ("put", BOARD + "sla/", {"normal_resolution_hours": 48}, MANAGE),
    ("patch", BOARD + "sla/", {"escalate_after_hours": 2}, MANAGE),
    # Ticket workspace (downloads and multipart uploads: tests/workspace/test_apis.py)
    # Support addresses (a mailbox's settings: admins only)
    ("get", BOARD + "addresses/", None, MANAGE),
    ("post", BOARD + "addresses/", {"address": "help@cs.example"}, expect(201, 403, 403, 404)),
    ("get", BOARD + "addresses/{address}/", None, MANAGE),
    ("patch", BOARD + "addresses/{address}/", {"name": "Help desk"}, MANAGE),
    ("delete", BOARD + "addresses/{address}/", None, expect(204, 403, 403, 404)),
    # The conversation with the customer: replies (public, emailed) and internal notes
    ("get", TICKET + "messages/", None, READ),
    ("post", TICKET + "messages/", {"body": "Noted", "public": False}, expect(201, 201, 403, 404)),
    ("post", TICKET + "messages/", {"body": "Thanks!", "public": True}, expect(201, 201, 403, 404)),
    ("get", TICKET + "checklist/", None, READ),
    ("post", TICKET + "checklist/", {"text": "Call back"}, expect(201, 201, 403, 404)),
    ("patch", TICKET + "checklist/{item}/", {"done": True}, WORK),
    ("delete", TICKET + "checklist/{item}/", None, expect(204, 204, 403, 404)),
    ("get", TICKET + "comments/", None, READ),
    ("post", TICKET + "comments/", {"body": "On it"}, expect(201, 201, 403, 404)),
    # {comment} and {attachment} are mia's (the member's): only she edits; she or an admin deletes.
    ("patch", TICKET + "comments/{comment}/", {"body": "Fixed"}, expect(403, 200, 403, 404)),
    ("delete", TICKET + "comments/{comment}/", None, expect(204, 204, 403, 404)),
    ("get", TICKET + "attachments/", None, READ),
    ("post", TICKET + "attachments/", UPLOAD, expect(201, 201, 403, 404)),
    ("get", TICKET + "attachments/{attachment}/download/", None, READ),
    ("delete", TICKET + "attachments/{attachment}/", None, expect(204, 204, 403, 404)),
    ("get", TICKET + "activity/", None, READ),
    ("get", BOARD + "messages/", None, READ),
    ("post", BOARD + "messages/", {"body": "Standup at 10"}, expect(201, 201, 403, 404)),
    ("patch", BOARD + "messages/{message}/", {"body": "At 11"}, expect(403, 200, 403, 404)),
    ("delete", BOARD + "messages/{message}/", None, expect(204, 204, 403, 404)),
    ("get", BOARD + "files/", None, READ),
    ("post", BOARD + "files/", UPLOAD, expect(201, 201, 403, 404)),
    ("get", BOARD + "files/{upload}/download/", None, READ),
    (
        "post",
        BOARD + "files/link/",
        {"title": "Playbook", "url": "https://example.com/p"},
        expect(201, 201, 403, 404),
    ),
    ("delete", BOARD + "files/{file}/", None, expect(204, 204, 403, 404)),
    # Feedback (the intake answers to the board's secret instead: tests/feedback/)
    # Every customer's email, score and comment: guests read it only where the board shares its
    # metrics, as the feedback export (tests/feedback/test_intake.py)
    ("get", BOARD + "feedback/", None, WORK),
    ("post", BOARD + "feedback/secret/", None, expect(201, 403, 403, 404)),
    ("post", BOARD + "feedback/import/", CSV_UPLOAD, expect(201, 403, 403, 404)),
    # Automation rules: admins configure, members use (try one on a ticket), guests read
    ("get", BOARD + "rules/", None, READ),
    ("get", BOARD + "rules/{rule}/", None, READ),
    ("post", BOARD + "rules/", RULE, expect(201, 403, 403, 404)),
    ("patch", BOARD + "rules/{rule}/", {"enabled": False}, MANAGE),
    ("delete", BOARD + "rules/{rule}/", None, expect(204, 403, 403, 404)),
    ("post", BOARD + "rules/{rule}/try/", {"ticket": "{ticket}"}, WORK),
    ("get", BOARD + "rules/{rule}/history/", None, MANAGE),
    ("get", BOARD + "rules/history/", None, MANAGE),
    # Custom fields: admins configure, members set values, guests read
    ("get", BOARD + "fields/", None, READ),
    ("post", BOARD + "fields/", {"name": "Seats", "type": "number"}, expect(201, 403, 403, 404)),
    ("get", BOARD + "fields/{field}/", None, READ),
    ("patch", BOARD + "fields/{field}/", {"options": [{"label": "Gold"}]}, MANAGE),
    ("delete", BOARD + "fields/{field}/", None, expect(204, 403, 403, 404)),
    ("patch", TICKET, {"custom_fields": {"{field}": "Free"}}, WORK),
]


def cases():
    for method, path, body, statuses in MATRIX:
        for visibility in Visibility:
            for role in ROLES:
                expected = statuses[role]
                if visibility == Visibility.SIGNED_IN and role == "outsider":
                    expected = statuses["guest"]
                yield pytest.param(
                    method,
                    path,
                    body,
                    visibility,
                    role,
                    expected,
                    id=f"{method.upper()} {path} {visibility.value} {role}",
                )


@pytest.fixture
def objects(board, columns, ticket, guest_user, member_user):
    # replies go out from it
    address = SupportAddress.objects.create(board=board, address="support@cs.example")
    from tests.factories import UserFactory
    from tickets.services import ticket_archive, ticket_create
    from workspace import services as workspace

    UserFactory(username="newbie")
    upload = SimpleUploadedFile("notes.txt", b"hello")
    archived = ticket_create(board=board, created_by=member_user, title="Old")
    ticket_archive(ticket=archived, by=member_user)
    return {
        "item": workspace.checklist_item_add(ticket=ticket, by=member_user, text="Refund").pk,
        "comment": workspace.message_post(board=board, ticket=ticket, by=member_user, body="Hi").pk,
        "attachment": workspace.attachments_upload(
            board=board, ticket=ticket, by=member_user, files=[upload]
        )[0].pk,
        "message": workspace.message_post(board=board, by=member_user, body="Team").pk,
        "file": workspace.link_add(
            board=board, by=member_user, title="Doc", url="https://example.com/d"
        ).pk,
        "upload": workspace.attachments_upload(
            board=board, by=member_user, files=[SimpleUploadedFile("plan.txt", b"plan")]
        )[0].pk,
        "board": board.pk,
        "column": columns[2].pk,
        "ticket": ticket.number,
        "archived": archived.number,
        "address": address.pk,
        "tag": tag_create(board=board, name="Billing").pk,
        "membership": Membership.objects.get(board=board, user=guest_user).pk,
        "template": template_create(
            board=board,
            name="Onboarding",
            title_pattern="Onboarding: {customer}",
            checklist=["Kick-off call"],
        ).pk,
        "rule": rule_create(
            board=board,
            by=board.memberships.get(role=Role.ADMIN).user,
            name="Urgent",
            trigger="created",
            actions=[{"type": "set_priority", "value": "urgent"}],
        ).pk,
        "field": field_create(board=board, name="Plan", type="select", options=["Free"]).pk,
    }


def fill_in(value, objects):
    if isinstance(value, str):
        filled = value.format(**objects)
        return int(filled) if value.startswith("{") and filled.isdecimal() else filled
    if isinstance(value, dict):
        return {key.format(**objects): fill_in(item, objects) for key, item in value.items()}
    if isinstance(value, list):
        return [fill_in(item, objects) for item in value]
    return value


@pytest.mark.parametrize(("method", "path", "body", "visibility", "role", "expected"), cases())
def test_each_role_gets_the_expected_status_from_each_endpoint(
    board, objects, api_as, method, path, body, visibility, role, expected
):
    # Given the board with the visibility of this case
    board_update(board=board, visibility=visibility)

    # When the role calls the endpoint
    client, url = api_as(role), fill_in(path, objects)
    if body is UPLOAD:
        upload = SimpleUploadedFile("report.txt", b"quarterly numbers", content_type="text/plain")
        response = getattr(client, method)(url, {"files": [upload]}, format="multipart")
    elif body is CSV_UPLOAD:
        upload = SimpleUploadedFile("past.csv", b"kind,score,email\nnps,9,a@example.com\n")
        response = getattr(client, method)(url, {"file": upload}, format="multipart")
    else:
        response = getattr(client, method)(url, fill_in(body, objects), format="json")

    # Then it gets the status of the matrix, and a JSON answer unless there is nothing to say
    # (or the answer is the file asked for)
    assert response.status_code == expected, response.content
    if expected == 200 and path.endswith("/download/"):
        assert response["Content-Type"] == "application/octet-stream"  # a download
        assert response["X-Content-Type-Options"] == "nosniff"
    elif expected != 204:
        assert response["Content-Type"] == "application/json"
