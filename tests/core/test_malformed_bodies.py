"""1,000 malformed bodies, the same on every run (a seeded generator), spread over every operation
that reads a JSON body to create, move or edit (listed from the API's own schema): broken JSON,
values of the wrong type, NUL characters, numbers no column holds, strings longer than their
column, JSON that is not an object, and JSON sent under other content types. Every answer is a
4xx, none a 5xx, and nothing of what the bodies carry is written."""

import json
import random

import pytest

from accounts.services import token_create
from automation.services import rule_create
from boards.models import Membership
from boards.services import tag_create
from customfields.services import field_create
from feedback.services import feedback_secret_rotate
from macros.services import macro_create
from mail.models import SupportAddress
from relations.services import link_add
from savedviews.services import saved_view_create
from ticket_templates.services import template_create
from tickets.models import Ticket
from tickets.services import ticket_create
from workspace import services as workspace

pytestmark = pytest.mark.django_db

BODIES = 1000
SEED = 11
# Issuing tokens is throttled to a few a minute and shares the sign-in lockout: its malformed
# bodies are tested with the other JSON-only cases (tests/core/test_json_only.py).
LEFT_OUT = {"/api/auth/token/"}
HUGE_NUMBERS = [10**30, -(10**30), 2**63, 2**31, -(2**31) - 1, 1e300, -1e300]
OTHER_CONTENT_TYPES = [
    "text/plain",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "application/octet-stream",
]
BROKEN_JSON = [
    b"{",
    b'{"title": }',
    b'{"title": "x",}',
    b"{'title': 'x'}",
    b'{"title": "x"',
    b"NaN",
    b'{"score": NaN}',
    b'{"position": Infinity}',
    b"\xff\xfe\x00{",
    b'{"title": "\xff"}',
    b"\xef\xbb\xbf{}",  # a byte-order mark
    b'{"title": "x"}}',
    b'{"column": 1' + b"9" * 5000 + b"}",  # more digits than Python reads
    b"[" * 200,
    b'{"a":' * 100 + b"1" + b"}" * 100,
    b"\x00",
    b"null\x00",
]
NOT_OBJECTS = ["[]", "[{}]", '"title"', "1", "1.5", "true", "false", "null", '[{"title": "x"}]']


def json_operations(schema: dict) -> list[tuple[str, str, dict]]:
    """(method, path, request schema) of each operation that reads a JSON object."""
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            reads_json = method in ("post", "put", "patch") and "application/json" in content
            if reads_json and path not in LEFT_OUT:
                found.append((method, path, content["application/json"]["schema"]))
    return found


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def kind_of(schema: dict, node: dict) -> str:
    node = resolve(schema, node)
    for branch in node.get("oneOf", node.get("allOf", [])):
        return kind_of(schema, branch)
    return node.get("type", "string")


def wrong_values(kind: str, nullable: bool) -> list:
    """JSON values of every type but `kind`."""
    values = {
        "string": ["x", ""],
        "integer": [3, 0],
        "number": [1.5],
        "boolean": [True, False],
        "array": [[], ["x"], [1]],
        "object": [{}, {"a": 1}],
    }
    if kind == "number":
        del values["integer"]  # an integer is a number
    values.pop(kind, None)
    out = [value for group in values.values() for value in group]
    return out if nullable else [*out, None]


def malformed_bodies(rng: random.Random, schema: dict, request: dict):
    """An endless stream of (content type, body bytes, what it is), each malformed."""
    properties = resolve(schema, request).get("properties", {})
    writable = {name: prop for name, prop in properties.items() if not prop.get("readOnly")}
    names = sorted(writable)

    def with_one(name, value) -> bytes:
        return json.dumps({name: value}).encode()

    while True:
        family = rng.choice(
            ["broken", "type", "nul", "huge", "long", "not-object", "content-type", "deep"]
        )
        name = rng.choice(names)
        prop = resolve(schema, writable[name])
        kind = kind_of(schema, prop)
        if family == "broken":
            yield "application/json", rng.choice(BROKEN_JSON), family
        elif family == "type":
            value = rng.choice(wrong_values(kind, writable[name].get("nullable", False)))
            yield "application/json", with_one(name, value), f"{family} {name}={value!r}"
        elif family == "nul" and kind == "string":
            yield "application/json", with_one(name, "a\x00b"), f"{family} {name}"
        elif family == "nul":
            yield "application/json", with_one(name, ["\x00"]), f"{family} {name}"
        elif family == "huge" and kind in ("integer", "number"):
            value = rng.choice(HUGE_NUMBERS)
            yield "application/json", with_one(name, value), f"{family} {name}={value}"
        elif family == "huge" and kind == "array":
            yield "application/json", with_one(name, [rng.choice(HUGE_NUMBERS)]), family
        elif family == "long" and prop.get("maxLength"):
            value = "x" * (prop["maxLength"] + rng.choice([1, 100, 10_000]))
            yield "application/json", with_one(name, value), f"{family} {name}"
        elif family == "not-object":
            yield "application/json", rng.choice(NOT_OBJECTS).encode(), family
        elif family == "content-type":
            body = json.dumps({name: "x"}).encode()
            content_type = rng.choice(OTHER_CONTENT_TYPES)
            yield content_type, body, f"{family} {content_type}"
        elif family == "deep":
            depth = rng.choice([33, 100, 1000, 5000])
            yield "application/json", ("[" * depth + "]" * depth).encode(), family


@pytest.fixture
def real(board, columns, ticket, admin_user, guest_user):
    """A row of each kind the operations address; the admin may write to every one."""
    return {
        "board_id": board.pk,
        "number": ticket.number,
        "columns": columns[-1].pk,
        "members": Membership.objects.get(board=board, user=guest_user).pk,
        "tags": tag_create(board=board, name="Billing").pk,
        "checklist": workspace.checklist_item_add(ticket=ticket, by=admin_user, text="Refund").pk,
        "comments": workspace.message_post(board=board, ticket=ticket, by=admin_user, body="Hi").pk,
        "messages": workspace.message_post(board=board, by=admin_user, body="Team").pk,
        "secret": feedback_secret_rotate(board=board),
        "addresses": SupportAddress.objects.create(board=board, address="help@cs.example").pk,
        "fields": field_create(board=board, name="Plan", type="select", options=["Free"]).pk,
        "macros": macro_create(
            board=board, by=admin_user, shared=True, name="Thanks", body="Thanks!"
        ).pk,
        "rules": rule_create(
            board=board,
            by=admin_user,
            name="Urgent",
            trigger="created",
            actions=[{"type": "set_priority", "value": "urgent"}],
        ).pk,
        "links": link_add(
            ticket=ticket,
            other=ticket_create(board=board, created_by=admin_user, title="Other"),
            kind="relates",
            by=admin_user,
        ).pk,
        "views": saved_view_create(
            owner=admin_user, board=board, name="Mine", query="assignee=me", shared=True
        ).pk,
        "ticket-templates": template_create(
            board=board, name="Onboarding", title_pattern="Onboarding: {customer}"
        ).pk,
    }


def fill(path: str, real: dict) -> str:
    """The path with each parameter set to a real row (`{id}` by the collection before it)."""
    segments = path.strip("/").split("/")
    for index, segment in enumerate(segments):
        if segment in ("{board_id}", "{number}"):
            segments[index] = str(real[segment[1:-1]])
        elif segment == "{id}":
            before = segments[index - 1]
            segments[index] = str(real["board_id"] if before == "boards" else real[before])
    return "/" + "/".join(segments) + "/"


@pytest.mark.fuzz
def test_a_thousand_malformed_bodies_are_each_a_4xx(client, board, ticket, admin_user, real):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = json_operations(schema)
    rng = random.Random(SEED)
    streams = [malformed_bodies(rng, schema, request) for _, _, request in operations]
    _, secret = token_create(user=admin_user)
    headers = {"Authorization": f"Token {secret}", "X-Feedback-Secret": real["secret"]}
    before = (ticket.title, ticket.column_id, Ticket.objects.count())
    client.raise_request_exception = False  # collect every 5xx, not only the first
    answers = {}
    wrong = []

    for index in range(BODIES):
        which = index % len(operations)
        method, path, _ = operations[which]
        content_type, body, what = next(streams[which])
        response = client.generic(
            method.upper(), fill(path, real), body, content_type=content_type, headers=headers
        )
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        if not 400 <= response.status_code < 500:
            wrong.append((response.status_code, method.upper(), path, what, body[:80]))

    assert wrong == [], "\n".join(map(repr, wrong))
    assert len(operations) >= 20  # create, move and every PATCH of the API are in the list
    assert sum(answers.values()) == BODIES
    ticket.refresh_from_db()
    assert (ticket.title, ticket.column_id, Ticket.objects.count()) == before
