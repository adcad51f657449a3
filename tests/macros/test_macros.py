"""Macros: placeholders filled in safely, personal and shared ones and who may do what (a role
matrix over the API), applying one in one click, all or nothing."""

import pytest

from boards.services import tag_create
from csboard.core.exceptions import ApplicationError
from macros.models import Macro
from macros.placeholders import fill
from macros.services import macro_apply, macro_create
from mail.models import Email
from tickets.models import Status, Ticket
from workspace.models import Message

pytestmark = pytest.mark.django_db

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]


def expect(admin, member, guest, outsider, anonymous=401):
    return dict(zip(ROLES, [admin, member, guest, outsider, anonymous], strict=True))


@pytest.fixture
def shared(board, admin_user):
    return macro_create(
        board=board, by=admin_user, shared=True, name="Thanks",
        body="Hello {{ customer.name }}, about {{ticket.ref}}: thanks. {{agent.name}}",
    )  # fmt: skip


@pytest.fixture
def personal(board, member_user):
    return macro_create(board=board, by=member_user, shared=False, name="Mine", body="Noted.")


@pytest.fixture
def others(board, admin_user):
    """The admin's own macro: nobody else sees it."""
    return macro_create(board=board, by=admin_user, shared=False, name="Alice's", body="Hi")


def test_placeholders_are_filled_in_and_nothing_else_is_read(board, ticket, member_user):
    text = "{{customer.name}} {{ ticket.ref }} {{agent.name}} {{ticket.__class__}} {{ user.password }} {%x%}"
    assert fill(text, ticket=ticket, agent=member_user) == (
        f"Dana Scully CS-{ticket.number} Mia Member {{{{ticket.__class__}}}} "
        "{{ user.password }} {%x%}"
    )


BASE = "/api/boards/{board}/macros/"
MATRIX = [
    ("get", BASE, None, expect(200, 200, 200, 404)),
    ("get", BASE + "{shared}/", None, expect(200, 200, 200, 404)),
    ("get", BASE + "{others}/", None, expect(200, 404, 404, 404)),
    ("post", BASE, {"name": "New", "body": "x"}, expect(201, 201, 403, 404)),
    ("post", BASE, {"name": "New", "body": "x", "shared": True}, expect(201, 403, 403, 404)),
    ("patch", BASE + "{shared}/", {"name": "Renamed"}, expect(200, 403, 403, 404)),
    ("patch", BASE + "{personal}/", {"name": "Renamed"}, expect(404, 200, 403, 404)),
    ("delete", BASE + "{shared}/", None, expect(204, 403, 403, 404)),
    ("delete", BASE + "{personal}/", None, expect(404, 204, 403, 404)),
    ("post", BASE + "{shared}/render/", {"ticket": "{ticket}"}, expect(200, 200, 403, 404)),
    ("post", BASE + "{personal}/render/", {"ticket": "{ticket}"}, expect(404, 200, 403, 404)),
    ("post", BASE + "{shared}/apply/", {"ticket": "{ticket}"}, expect(200, 200, 403, 404)),
    # Links and merges, under the ticket.
    ("get", "/api/boards/{board}/tickets/{ticket}/links/", None, expect(200, 200, 200, 404)),
    (
        "post",
        "/api/boards/{board}/tickets/{ticket}/links/",
        {"kind": "relates", "reference": "{other_ref}"},
        expect(201, 201, 403, 404),
    ),
    (
        "delete",
        "/api/boards/{board}/tickets/{ticket}/links/{link}/",
        None,
        expect(204, 204, 403, 404),
    ),
    (
        "post",
        "/api/boards/{board}/tickets/{ticket}/merge/",
        {"target": "{other}"},
        expect(200, 200, 403, 404),
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "role", "expected"),
    [(m, p, b, role, e[role]) for m, p, b, e in MATRIX for role in ROLES],
)
def test_each_role_gets_the_expected_status(
    method, path, body, role, expected, board, ticket, shared, personal, others, address, api_as,
    member_user,
):  # fmt: skip
    from relations.models import TicketLink
    from tests.factories import TicketFactory

    other = TicketFactory(board=board, created_by=member_user)
    link = TicketLink.objects.create(
        from_ticket=ticket, to_ticket=TicketFactory(board=board), kind="relates"
    )
    names = {
        "board": board.pk, "ticket": ticket.number, "shared": shared.pk,
        "personal": personal.pk, "others": others.pk, "other": other.number,
        "other_ref": other.reference, "link": link.pk,
    }  # fmt: skip

    def filled(value):
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return names[value[1:-1]]
        return value

    data = {key: filled(value) for key, value in (body or {}).items()}
    response = getattr(api_as(role), method)(path.format(**names), data, format="json")

    assert response.status_code == expected, response.content


def test_a_guest_lists_the_shared_macros_only(api_as, board, shared, personal, others):
    names = [row["name"] for row in api_as("guest").get(f"/api/boards/{board.pk}/macros/").json()]
    assert names == ["Thanks"]


def test_each_member_lists_the_shared_and_their_own(api_as, board, shared, personal, others):
    names = [row["name"] for row in api_as("member").get(f"/api/boards/{board.pk}/macros/").json()]
    assert names == ["Mine", "Thanks"]


def test_rendering_fills_the_macro_in_for_the_ticket(api_as, board, ticket, shared):
    answer = api_as("member").post(
        f"/api/boards/{board.pk}/macros/{shared.pk}/render/",
        {"ticket": ticket.number},
        format="json",
    )
    assert answer.json() == {
        "body": f"Hello Dana Scully, about CS-{ticket.number}: thanks. Mia Member"
    }


def test_a_name_is_taken_once_per_board_for_shared_and_once_per_person(
    board, admin_user, shared, api_as
):
    taken = api_as("admin").post(
        f"/api/boards/{board.pk}/macros/",
        {"name": "THANKS", "body": "x", "shared": True},
        format="json",
    )
    assert taken.status_code == 409
    assert "name" in taken.json()
    mine = api_as("admin").post(
        f"/api/boards/{board.pk}/macros/", {"name": "Thanks", "body": "x"}, format="json"
    )
    assert mine.status_code == 201  # a personal one may share a shared one's name


def test_a_tag_of_another_board_or_a_guest_as_assignee_is_a_400(board, guest_user, api_as):
    answer = api_as("member").post(
        f"/api/boards/{board.pk}/macros/",
        {"name": "X", "body": "x", "assignee": guest_user.username, "add_tags": [999999]},
        format="json",
    )
    assert answer.status_code == 400
    assert {"assignee", "add_tags"} <= set(answer.json())


def test_a_blank_assignee_is_a_400_and_null_means_nobody(board, api_as):
    url = f"/api/boards/{board.pk}/macros/"
    blank = api_as("member").post(url, {"name": "X", "body": "x", "assignee": ""}, format="json")
    nobody = api_as("member").post(url, {"name": "Y", "body": "y", "assignee": None}, format="json")

    assert blank.status_code == 400
    assert "assignee" in blank.json()
    assert nobody.status_code == 201
    assert nobody.json()["assignee"] is None


@pytest.fixture
def waiting_macro(board, admin_user, member_user):
    billing = tag_create(board=board, name="billing")
    return macro_create(
        board=board, by=admin_user, shared=True, name="Need details",
        body="Hi {{customer.name}}, could you send the invoice number?",
        set_status=Status.WAITING, add_tags=[billing], assign_to_me=True,
    )  # fmt: skip


def test_applying_a_reply_macro_sends_the_reply_and_applies_its_actions(
    board, ticket, waiting_macro, member_user, address
):
    ticket, message = macro_apply(macro=waiting_macro, ticket=ticket, by=member_user)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.WAITING
    assert [tag.name for tag in ticket.tags.all()] == ["billing"]
    assert list(ticket.assignees.all()) == [member_user]
    assert message.public
    assert message.body == "Hi Dana Scully, could you send the invoice number?"
    email = Email.objects.get(entry=message)  # the outbox row, sent after commit
    assert (email.direction, email.to) == (Email.Direction.OUTBOUND, ["dana@example.com"])


def test_a_refused_apply_writes_nothing(board, ticket, waiting_macro, member_user):
    # No support address to send from: the reply is refused, and so are its actions.
    with pytest.raises(ApplicationError) as refused:
        macro_apply(macro=waiting_macro, ticket=ticket, by=member_user)

    assert refused.value.status_code == 400
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status != Status.WAITING
    assert not ticket.tags.exists()
    assert not ticket.assignees.exists()
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_note_macro_posts_a_note_with_the_text_as_edited(board, ticket, member_user, client_as):
    note = macro_create(
        board=board, by=member_user, shared=False, name="Escalate", body="Escalating",
        kind=Macro.Kind.NOTE, set_status=Status.NEEDS_REVIEW,
    )  # fmt: skip
    client = client_as("member")
    answer = client.post(
        f"/boards/{board.pk}/tickets/{ticket.number}/macros/apply/",
        {"macro": note.pk, "body": "Escalating to billing"},
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 302
    (message,) = Message.objects.filter(ticket=ticket)
    assert (message.public, message.body) == (False, "Escalating to billing")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEEDS_REVIEW


def test_another_persons_macro_cannot_be_applied(board, ticket, others, client_as):
    answer = client_as("member").post(
        f"/boards/{board.pk}/tickets/{ticket.number}/macros/apply/",
        {"macro": others.pk, "body": "x"},
    )
    assert answer.status_code == 404
    assert not Message.objects.filter(ticket=ticket).exists()


PAGES = [
    ("/boards/{board}/macros/", expect(200, 200, 200, 404, 302)),
    ("/boards/{board}/macros/{shared}/", expect(200, 200, 403, 404, 302)),
    ("/boards/{board}/macros/{others}/", expect(200, 404, 403, 404, 302)),
]


@pytest.mark.parametrize(
    ("path", "role", "expected"), [(p, r, e[r]) for p, e in PAGES for r in ROLES]
)
def test_the_macro_pages_by_role(path, role, expected, board, shared, others, client_as):
    answer = client_as(role).get(path.format(board=board.pk, shared=shared.pk, others=others.pk))
    assert answer.status_code == expected


def test_the_macros_page_escapes_what_was_written(board, member_user, client_as):
    macro_create(
        board=board,
        by=member_user,
        shared=False,
        name="<script>x</script>",
        body="<img src=x onerror=alert(1)>",
    )
    page = client_as("member").get(f"/boards/{board.pk}/macros/").content.decode()
    assert "<script>x</script>" not in page
    assert "<img src=x" not in page


def test_a_member_adds_a_personal_macro_from_the_page_but_not_a_shared_one(board, client_as):
    client = client_as("member")
    client.post(
        f"/boards/{board.pk}/macros/new/",
        {"name": "Mine", "kind": "reply", "body": "x", "shared": "on"},
    )
    (macro,) = Macro.objects.all()
    assert macro.owner is not None  # the shared box is not offered to a member, nor taken
