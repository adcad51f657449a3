"""A client generated from the live schema works: openapi-python-client, the most used Python
generator, builds a package from `/api/schema/` without errors or warnings, every module of it
imports, and it drives a short scenario against a running server (token, board, ticket, move,
checklist, comment, read back)."""

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.system

PACKAGE = "csboard_client"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generator's output for the schema this code serves, and the imported package."""
    where = tmp_path_factory.mktemp("client")
    schema = where / "schema.yaml"
    call_command("spectacular", "--file", str(schema))
    result = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        # Its post-generation hooks run ruff: the one of this virtualenv.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    sys.path.insert(0, str(where))
    yield result
    sys.path.remove(str(where))
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_the_generator_takes_the_schema_without_a_warning(generated):
    output = generated.stdout + generated.stderr

    assert generated.returncode == 0, output
    assert "Warning" not in output, output
    assert "Error" not in output, output


def test_every_generated_module_imports(generated):
    package = importlib.import_module(PACKAGE)
    broken = {}
    for module in pkgutil.walk_packages(package.__path__, f"{PACKAGE}."):
        try:
            importlib.import_module(module.name)
        except Exception as exc:  # a generated module that does not import is the failure
            broken[module.name] = repr(exc)

    assert broken == {}
    assert importlib.import_module(f"{PACKAGE}.api.auth.auth_token_create")


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_drives_a_board_from_token_to_comment(generated, live_server):
    def api(name):
        return importlib.import_module(f"{PACKAGE}.api.{name}")

    models = importlib.import_module(f"{PACKAGE}.models")
    client_module = importlib.import_module(f"{PACKAGE}.client")
    UserFactory(username="ada", display_name="Ada Lovelace")

    # Given a token issued through the generated token module
    issued = api("auth.auth_token_create").sync(
        client=client_module.Client(base_url=live_server.url),
        body=models.AuthTokenRequest(username="ada", password=PASSWORD),
    )
    assert isinstance(issued, models.IssuedToken), issued
    client = client_module.AuthenticatedClient(
        base_url=live_server.url, token=issued.token, prefix="Token"
    )

    # When the client makes a board, a ticket, moves it, adds a checklist item and a comment
    board = api("boards.boards_create").sync(
        client=client,
        body=models.BoardInputRequest(
            name="Support",
            key="SUP",
            template=models.TemplateEnum("customer-success"),
            timezone="Europe/Berlin",
        ),
    )
    assert isinstance(board, models.Board), board
    first, second = board.columns[0], board.columns[1]
    ticket = api("boards.boards_tickets_create").sync(
        board.id,
        client=client,
        body=models.TicketInputRequest(title="Refund?", customer_email="dana@example.com"),
    )
    assert isinstance(ticket, models.Ticket), ticket
    assert ticket.column == first.id
    moved = api("boards.boards_tickets_move_create").sync(
        board.id,
        ticket.number,
        client=client,
        body=models.TicketMoveRequest(column=second.id, position=0),
    )
    assert isinstance(moved, models.Ticket), moved
    item = api("boards.boards_tickets_checklist_create").sync(
        board.id,
        ticket.number,
        client=client,
        body=models.ChecklistItemInputRequest(text="Check the invoice"),
    )
    assert isinstance(item, models.ChecklistItem), item
    comment = api("boards.boards_tickets_comments_create").sync(
        board.id,
        ticket.number,
        client=client,
        body=models.MessageInputRequest(body="Refund sent."),
    )
    assert isinstance(comment, models.Message), comment

    # Then reading back through the client shows each of them
    again = api("boards.boards_tickets_retrieve").sync(board.id, ticket.number, client=client)
    assert (again.title, again.column, again.customer_email) == (
        "Refund?",
        second.id,
        "dana@example.com",
    )
    assert board.timezone == "Europe/Berlin"
    checklist = api("boards.boards_tickets_checklist_list").sync(
        board.id, ticket.number, client=client
    )
    assert [entry.text for entry in checklist] == ["Check the invoice"]
    comments = api("boards.boards_tickets_comments_list").sync(
        board.id, ticket.number, client=client
    )
    assert [entry.body for entry in comments.results] == ["Refund sent."]
    activity = api("boards.boards_tickets_activity_list").sync(
        board.id, ticket.number, client=client
    )
    assert {"created", "moved"} <= {str(entry.kind) for entry in activity.results}
