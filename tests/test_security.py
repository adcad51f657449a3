"""Classic breaks, checked across the whole site rather than page by page.

- CSRF: every POST form on every page carries a CSRF token, and every form target refuses a
  signed-in POST that lacks one.
- Stored XSS: a script payload saved in every free-text field comes back escaped on every page.
"""

import pytest
from django.test import Client

from boards.models import Column, Tag
from tests.pages import post_form_actions

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def pages(board, ticket):
    """The pages an admin sees, which hold every form of the site between them."""
    return [
        "/",
        "/boards/new/",
        f"/boards/{board.pk}/",
        f"/boards/{board.pk}/settings/",
        f"/boards/{board.pk}/tickets/{ticket.number}/",
        f"/boards/{board.pk}/settings/sla/",
        "/settings/email/",
        "/notifications/",
        f"/boards/{board.pk}/settings/feedback/",
        f"/boards/{board.pk}/metrics/",
    ]


@pytest.fixture(autouse=True)
def workspace(board, ticket, admin_user, member_user, settings, tmp_path):
    """A checklist item, messages, files and a notification, so their forms are on the pages."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workspace import services

    settings.MEDIA_ROOT = str(tmp_path)
    services.checklist_item_add(ticket=ticket, by=admin_user, text=PAYLOAD)
    services.message_post(board=board, ticket=ticket, by=admin_user, body=PAYLOAD + " @mia")
    services.message_post(board=board, by=admin_user, body=PAYLOAD + " [x](javascript:alert(1))")
    services.attachments_upload(
        board=board, ticket=ticket, by=admin_user, files=[SimpleUploadedFile(PAYLOAD, b"x")]
    )
    services.link_add(board=board, by=admin_user, title=PAYLOAD, url="https://example.com/")
    services.message_post(board=board, by=member_user, body="@alice " + PAYLOAD)


@pytest.fixture
def csrf_client(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def _form_targets(client, pages):
    targets = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        targets.update(action for action in post_form_actions(response) if action)
    return sorted(targets)


def test_every_post_form_carries_a_csrf_token(csrf_client, pages):
    for page in pages:
        html = csrf_client.get(page).content.decode()
        assert html.count('method="post"') == html.count('name="csrfmiddlewaretoken"'), page


def test_every_form_target_refuses_a_post_without_a_csrf_token(csrf_client, pages):
    targets = _form_targets(csrf_client, pages)
    assert len(targets) > 10  # the crawl found the site's forms

    refused = {target: csrf_client.post(target, {}).status_code for target in targets}

    assert {target: code for target, code in refused.items() if code != 403} == {}


def test_the_api_refuses_a_session_write_without_a_csrf_token(csrf_client, board):
    response = csrf_client.post(
        f"/api/boards/{board.pk}/tickets/", {"title": "x"}, content_type="application/json"
    )

    assert response.status_code == 403


@pytest.fixture
def poisoned(board, ticket, admin_user, member_user):
    """Every free-text field of every object, holding the same script payload."""
    board.name = board.description = PAYLOAD
    board.save()
    Column.objects.filter(board=board).update(name=PAYLOAD)
    Tag.objects.create(board=board, name=PAYLOAD[:40], color="#22c55e")
    ticket.title = PAYLOAD[:200]
    ticket.description = ticket.customer_name = ticket.customer_company = PAYLOAD
    ticket.save()
    ticket.assignees.add(member_user)
    for user in (admin_user, member_user):
        user.display_name = PAYLOAD[:150]
        user.save()
    return board


def test_stored_script_payloads_come_back_escaped_on_every_page(client_as, poisoned, pages):
    client = client_as("admin")

    for page in pages:
        html = client.get(page).content.decode()
        assert "<script>alert" not in html, page
        assert "<img src=x onerror" not in html, page
        assert 'href="javascript:' not in html, page
        assert "&lt;script&gt;alert" in html or page == "/boards/new/", page


def test_stored_script_payloads_come_back_as_plain_strings_in_the_api(api_as, poisoned, ticket):
    body = api_as("member").get(f"/api/boards/{poisoned.pk}/tickets/{ticket.number}/")

    assert body["Content-Type"] == "application/json"
    assert body.json()["description"] == PAYLOAD
