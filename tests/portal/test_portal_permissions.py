"""The portal's role matrix, as data: every portal endpoint × the ticket's customer (owner),
another customer signed in to the same portal, a team member signed in to the team's app (no
portal session), and anyone (anonymous). Not yours: 404, so that no answer tells a ticket or a
file exists; not signed in to the portal: back to its sign-in page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver

from feedback.models import FeedbackResponse
from portal import auth
from tests.portal.conftest import portal_sign_in
from tickets.models import Status
from tickets.services import ticket_update
from workspace import services as workspace
from workspace.models import Message

pytestmark = pytest.mark.django_db

ROLES = ["owner", "other", "team", "anonymous"]
SIGN_IN = "signin"  # a redirect to the portal's sign-in page


def expect(owner, other, team, anonymous):
    return dict(zip(ROLES, [owner, other, team, anonymous], strict=True))


# (URL name, method, path under /portal/<KEY>/, data, expected status per role)
MATRIX = [
    ("home", "get", "", None, expect(200, 200, 200, 200)),
    ("home", "post", "", {"email": "someone@example.com"}, expect(200, 200, 200, 200)),
    # The link is the credential: whoever holds a valid one signs in with it.
    ("link", "get", "in/{token}/", None, expect(200, 200, 200, 200)),
    ("link", "post", "in/{token}/", None, expect(302, 302, 302, 302)),
    ("ticket", "get", "tickets/{number}/", None, expect(200, 404, SIGN_IN, SIGN_IN)),
    (
        "answer",
        "post",
        "tickets/{number}/answer/",
        {"body": "hi"},
        expect(302, 404, SIGN_IN, SIGN_IN),
    ),
    ("rate", "post", "tickets/{number}/rating/", {"score": 5}, expect(302, 404, SIGN_IN, SIGN_IN)),
    ("file", "get", "tickets/{number}/files/{file}/", None, expect(200, 404, SIGN_IN, SIGN_IN)),
    ("sign-out", "post", "out/", None, expect(302, 302, 302, 302)),
    ("sign-out-everywhere", "post", "out/everywhere/", None, expect(302, 302, 302, 302)),
]


@pytest.fixture
def resolved_with_file(ticket, member_user):
    """The owner's ticket, answered by the team with a file, and resolved (so it can be rated)."""
    reply = workspace.message_reply(
        ticket=ticket, by=member_user, body="Done", files=[SimpleUploadedFile("a.pdf", b"%PDF")]
    )
    ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
    return ticket, reply.attachments.get()


@pytest.fixture
def client_for(portal_board, customer, other_customer, member_user):
    def make(role: str) -> Client:
        client = Client()
        if role == "owner":
            portal_sign_in(client, portal_board, customer)
        elif role == "other":
            portal_sign_in(client, portal_board, other_customer)
        elif role == "team":
            client.force_login(member_user)
        return client

    return make


def test_the_matrix_covers_every_portal_endpoint():
    [portal] = [
        entry
        for entry in get_resolver().url_patterns
        if getattr(entry, "namespace", "") == "portal"
    ]
    # The portal's own views (the request form's are in portal.form_views); the logo is public
    # while the board's form or portal is on.
    names = {
        pattern.name
        for pattern in portal.url_patterns
        if isinstance(pattern, URLPattern)
        and pattern.callback.__module__ == "portal.views"
        and pattern.name != "logo"
    }

    assert names == {row[0] for row in MATRIX}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "path", "data", "statuses"),
    MATRIX,
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_each_role_gets_what_the_matrix_says(
    client_for, portal_board, customer, resolved_with_file, role, name, method, path, data, statuses
):
    ticket, attachment = resolved_with_file
    client = client_for(role)
    token = auth.link_create(board=portal_board, customer=customer)
    url = f"/portal/{portal_board.key}/" + path.format(
        token=token, number=ticket.number, file=attachment.pk
    )
    answers_before = Message.objects.filter(ticket=ticket).count()

    response = getattr(client, method)(url, data or {})

    expected = statuses[role]
    if expected == SIGN_IN:
        assert response.status_code == 302, url
        assert response["Location"] == f"/portal/{portal_board.key}/"
    else:
        assert response.status_code == expected, url
    if name in ("answer", "rate") and role != "owner":
        assert Message.objects.filter(ticket=ticket).count() == answers_before
        assert not FeedbackResponse.objects.exists()
