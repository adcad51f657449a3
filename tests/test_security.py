"""Classic breaks, checked across the whole site rather than page by page.

- CSRF: every POST form on every page, the signed-out ones (sign-in, sign-up, password reset)
  included, carries a CSRF token, and every form target refuses a POST that lacks one.
- Stored XSS: a script payload saved in every free-text field (and in a customer's mail: its
  sender's name, subject, text, HTML and file names) comes back escaped on every page and in
  every HTML email.
"""

import re

import pytest
from django.test import Client
from django.utils.html import escape

from boards.models import Column, Tag
from feedback.models import FeedbackResponse
from tests.factories import PASSWORD
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
        f"/boards/{board.pk}/settings/portal/",
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
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        here = response.request["PATH_INFO"]  # a form without an action posts to its page
        targets.update(action or here for action in post_form_actions(response))
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


@pytest.fixture
def signed_out_pages(member_user):
    """Every page with a form for someone signed out; the password-reset link, as mailed, first
    redirects to the page that holds the new-password form."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(member_user.pk))
    token = default_token_generator.make_token(member_user)
    return [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        f"/accounts/reset/{uid}/{token}/",
    ]


def test_every_signed_out_form_carries_a_csrf_token(signed_out_pages):
    client = Client(enforce_csrf_checks=True)

    for page in signed_out_pages:
        response = client.get(page, follow=True)
        html = response.content.decode()
        assert post_form_actions(response), page  # the page has its form
        assert html.count('method="post"') == html.count('name="csrfmiddlewaretoken"'), page


def test_every_signed_out_form_target_refuses_a_post_without_a_csrf_token(
    signed_out_pages, member_user
):
    client = Client(enforce_csrf_checks=True)
    targets = _form_targets(client, signed_out_pages)
    assert len(targets) == 4  # sign-in, sign-up, reset request and the new-password form
    assert any(target.endswith("/set-password/") for target in targets)

    refused = {
        target: client.post(target, {"username": "mia", "new_password1": "x"}).status_code
        for target in targets
    }

    assert {target: code for target, code in refused.items() if code != 403} == {}
    member_user.refresh_from_db()
    assert member_user.check_password(PASSWORD)


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
    # Each column's name its own (names are unique on a board), the payload at its start.
    for index, column in enumerate(Column.objects.filter(board=board)):
        Column.objects.filter(pk=column.pk).update(name=f"{PAYLOAD}{index or ''}"[:80])
    ticket.tags.add(Tag.objects.create(board=board, name=PAYLOAD[:40], color="#22c55e"))
    ticket.title = PAYLOAD[:200]
    ticket.description = ticket.customer_name = ticket.customer_company = PAYLOAD
    ticket.customer_phone = PAYLOAD[:40]
    ticket.save()
    ticket.assignees.add(member_user)
    FeedbackResponse.objects.create(
        board=board,
        kind=FeedbackResponse.Kind.NPS,
        score=2,
        email=ticket.customer_email,
        customer_id=ticket.customer_id,
        ticket=ticket,
        name=PAYLOAD,
        comment=PAYLOAD,
        source=PAYLOAD[:50],
    )
    for user in (admin_user, member_user):
        user.display_name = PAYLOAD[:150]
        user.save()
    _poisoned_mail(board, ticket, member_user)
    return board


def _poisoned_mail(board, ticket, member_user):
    """The customer's mail on the ticket, the payload in its sender's name, subject, text, HTML
    and an attachment's name, and the team's reply to it (the conversation's every field)."""
    from email.message import EmailMessage

    from mail.models import SupportAddress
    from mail.outbound import reply_send
    from mail.services import mail_receive

    SupportAddress.objects.create(board=board, address="support@example.com")
    message = EmailMessage()
    message["From"] = f'"{PAYLOAD[:60]}" <{ticket.customer_email}>'
    message["To"] = "support@example.com"
    message["Subject"] = f"[{board.key}-{ticket.number}] {PAYLOAD}"
    message.set_content(PAYLOAD)
    message.add_alternative(
        f"<p>{PAYLOAD}<a href='javascript:alert(1)'>x</a></p>"
        "<img src='cid:shot@fbi.example' onerror='alert(1)'>",
        subtype="html",
    )
    message.add_attachment(b"x", maintype="text", subtype="plain", filename=f"{PAYLOAD}.txt")
    message.add_attachment(  # an inline image, its name shown as the thumbnail's alt and title
        b"\x89PNG", maintype="image", subtype="png", filename=f"{PAYLOAD}.png",
        cid="<shot@fbi.example>",
    )  # fmt: skip
    assert mail_receive(message.as_bytes()).ticket == ticket
    reply_send(ticket=ticket, by=member_user, body=PAYLOAD)


@pytest.fixture
def poisoned_pages(pages, poisoned, ticket):
    return [*pages, f"/customers/{ticket.customer_id}/"]


def assert_escaped(html: str, where: str):
    assert "<script>alert" not in html, where
    assert "<img src=x onerror" not in html, where
    assert 'href="javascript:' not in html, where


def test_stored_script_payloads_come_back_escaped_on_every_page(client_as, poisoned_pages):
    client = client_as("admin")

    for page in poisoned_pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert_escaped(html, page)
        assert "&lt;script&gt;alert" in html or page == "/boards/new/", page


def test_the_ticket_page_shows_the_poisoned_phone_tag_and_customer_escaped(
    client_as, poisoned, ticket
):
    html = client_as("admin").get(f"/boards/{poisoned.pk}/tickets/{ticket.number}/").content
    board_html = client_as("admin").get(f"/boards/{poisoned.pk}/").content.decode()

    assert html.decode().count("&lt;script&gt;alert") >= 4  # title, description, customer, phone
    # the mail as formatted: its inline image through our view, without its handler
    (image,) = ticket.attachments.filter(content_id="shot@fbi.example")
    source = f'src="/boards/{poisoned.pk}/tickets/{ticket.number}/attachments/{image.pk}/"'
    (mail_html,) = re.findall(r'<div class="prose chat-message__mail">(.*?)</div>', html.decode())
    assert f"<img {source}>" in mail_html
    assert "onerror" not in mail_html
    assert f'class="chip" style="--chip: #22c55e">{escape(PAYLOAD[:40])}<' in board_html


def test_the_customer_page_shows_the_poisoned_customer_and_feedback_escaped(
    client_as, poisoned, ticket
):
    html = client_as("member").get(f"/customers/{ticket.customer_id}/").content.decode()

    assert_escaped(html, "customer page")
    assert html.count(escape(PAYLOAD)) >= 2  # name, company
    assert escape(PAYLOAD)[:60] in html.split("</h1>", 1)[1]  # and the feedback comment


def _html_of(email) -> str:
    (html, content_type), *_ = email.alternatives
    assert content_type == "text/html"
    return html


def test_the_sla_reminder_email_escapes_the_payload(poisoned, ticket, mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    from reminders.models import Reminder
    from reminders.services import reminder_deliver
    from tickets.models import Ticket

    due = timezone.now() - timedelta(hours=1)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=due)
    reminder = Reminder.objects.create(ticket=ticket, kind=Reminder.Kind.OVERDUE, due_for=due)

    assert reminder_deliver(reminder_id=reminder.pk) == Reminder.Outcome.SENT

    assert mailoutbox
    for email in mailoutbox:
        html = _html_of(email)
        assert_escaped(html, "SLA reminder")
        assert "&lt;script&gt;alert" in html


def test_the_csat_request_email_escapes_the_payload(poisoned, ticket, member_user, mailoutbox):
    from feedback.models import FeedbackSettings
    from feedback.services import csat_request_send
    from tickets.models import Status
    from tickets.services import ticket_update

    FeedbackSettings.objects.create(board=poisoned, csat_on_resolve=False)
    ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
    FeedbackSettings.objects.filter(board=poisoned).update(csat_on_resolve=True)

    assert csat_request_send(ticket_id=ticket.pk) is True

    (email,) = mailoutbox
    html = _html_of(email)
    assert_escaped(html, "CSAT request")
    assert "&lt;script&gt;alert" in html


def test_the_weekly_digest_email_escapes_a_detractor_comment(
    poisoned, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    from datetime import UTC, datetime

    from metrics.services import weekly_digest_send

    FeedbackResponse.objects.filter(board=poisoned).update(
        received_at=datetime(2026, 11, 20, tzinfo=UTC)
    )

    with django_capture_on_commit_callbacks(execute=True):  # sent once its record commits
        assert weekly_digest_send(now=datetime(2026, 11, 23, 9, tzinfo=UTC)) == 1

    (email,) = mailoutbox
    html = _html_of(email)
    assert_escaped(html, "weekly digest")
    assert escape(PAYLOAD)[:60] in html  # the detractor's comment is there, escaped


def test_stored_script_payloads_come_back_as_plain_strings_in_the_api(api_as, poisoned, ticket):
    body = api_as("member").get(f"/api/boards/{poisoned.pk}/tickets/{ticket.number}/")

    assert body["Content-Type"] == "application/json"
    assert body.json()["description"] == PAYLOAD


# --- Guessed ids: another board's object through this board's URL -----------------------------
# alice is admin of board A; each row aims one of board B's objects (or mia's notification) at a
# URL of board A. Board B is either a stranger's or one where alice is admin too and wrote every
# object herself, so that only the lookup through the URL's own board or ticket stands between
# her and the object. Either way: the same 404 as for an id that does not exist, nothing changed.
A_TICKET = "/boards/{a}/tickets/{a_ticket}/"
API_A = "/api/boards/{a}/"
API_A_TICKET = API_A + "tickets/{a_ticket}/"
GUESSED = [
    # (channel, method, path, data, the object aimed at)
    ("api", "patch", API_A_TICKET + "checklist/{item}/", {"done": True}, "item"),
    ("api", "delete", API_A_TICKET + "checklist/{item}/", None, "item"),
    ("api", "patch", API_A_TICKET + "comments/{comment}/", {"body": "Hijacked"}, "comment"),
    ("api", "delete", API_A_TICKET + "comments/{comment}/", None, "comment"),
    ("api", "get", API_A_TICKET + "attachments/{attachment}/download/", None, "attachment"),
    ("api", "delete", API_A_TICKET + "attachments/{attachment}/", None, "attachment"),
    ("api", "patch", API_A + "messages/{message}/", {"body": "Hijacked"}, "message"),
    ("api", "delete", API_A + "messages/{message}/", None, "message"),
    ("api", "get", API_A + "files/{upload}/download/", None, "upload"),
    ("api", "delete", API_A + "files/{link}/", None, "link"),
    ("api", "delete", API_A + "files/{upload}/", None, "upload"),
    ("html", "post", A_TICKET + "checklist/{item}/", {"done": "true"}, "item"),
    ("html", "post", A_TICKET + "checklist/{item}/delete/", {}, "item"),
    ("html", "post", A_TICKET + "chat/{comment}/edit/", {"body": "Hijacked"}, "comment"),
    ("html", "post", A_TICKET + "chat/{comment}/delete/", {}, "comment"),
    ("html", "get", A_TICKET + "attachments/{attachment}/", None, "attachment"),
    ("html", "post", A_TICKET + "attachments/{attachment}/delete/", {}, "attachment"),
    ("html", "post", "/boards/{a}/chat/{message}/edit/", {"body": "Hijacked"}, "message"),
    ("html", "post", "/boards/{a}/chat/{message}/delete/", {}, "message"),
    ("html", "get", "/boards/{a}/files/{link}/", None, "link"),
    ("html", "get", "/boards/{a}/files/{upload}/", None, "upload"),
    ("html", "post", "/boards/{a}/files/{link}/delete/", {}, "link"),
    ("html", "post", "/boards/{a}/files/{upload}/delete/", {}, "upload"),
    ("html", "post", "/notifications/{notification}/open/", {}, "notification"),
]


@pytest.fixture(params=["stranger", "admin of both"])
def board_b(request, admin_user, outsider_user, member_user):
    """Board B, its ticket and one of each workspace object; and a notification of mia's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from boards.services import board_create
    from notifications.services import notify
    from tickets.services import ticket_create
    from workspace import services

    owner = admin_user if request.param == "admin of both" else outsider_user
    b = board_create(name="Other team", key="OT", created_by=owner)
    b_ticket = ticket_create(board=b, created_by=owner, title="Theirs")
    (attachment,) = services.attachments_upload(
        board=b, ticket=b_ticket, by=owner, files=[SimpleUploadedFile("b.txt", b"b")]
    )
    (upload,) = services.attachments_upload(
        board=b, by=owner, files=[SimpleUploadedFile("plan.txt", b"plan")]
    )
    (notification,) = notify(recipients=[member_user], kind="mention", title="Ping", url="/")
    return {
        "item": services.checklist_item_add(ticket=b_ticket, by=owner, text="Theirs"),
        "comment": services.message_post(board=b, ticket=b_ticket, by=owner, body="Theirs"),
        "attachment": attachment,
        "message": services.message_post(board=b, by=owner, body="Theirs"),
        "link": services.link_add(board=b, by=owner, title="Theirs", url="https://example.com"),
        "upload": upload,
        "notification": notification,
    }


def _row(obj) -> dict:
    from django.forms.models import model_to_dict

    return model_to_dict(type(obj).objects.get(pk=obj.pk))


@pytest.mark.parametrize(
    ("channel", "method", "path", "data", "target"),
    [pytest.param(*row, id=f"{row[0]} {row[1].upper()} {row[2]}") for row in GUESSED],
)
def test_another_boards_object_is_not_found_through_this_boards_url(
    board, ticket, board_b, api_as, client_as, channel, method, path, data, target
):
    # Given one of board B's objects (or mia's notification), as it is now
    obj = board_b[target]
    before = _row(obj)
    url = path.format(a=board.pk, a_ticket=ticket.number, **{target: obj.pk})

    # When alice, admin of board A, aims its id at board A's URL
    if channel == "api":
        response = getattr(api_as("admin"), method)(url, data, format="json")
    else:
        response = getattr(client_as("admin"), method)(url, data)

    # Then it is not found, and the object is untouched
    assert response.status_code == 404, (url, response.status_code)
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert _row(obj) == before


def test_a_reply_emailed_to_the_customer_carries_the_payload_escaped(poisoned, ticket):
    from email import policy
    from email.parser import BytesParser

    from mail.models import Email

    sent = Email.objects.get(ticket=ticket, direction=Email.Direction.OUTBOUND)
    message = BytesParser(policy=policy.default).parsebytes(bytes(sent.raw))
    html = message.get_body(preferencelist=("html",)).get_content()

    assert_escaped(html, "reply email")  # the sanitiser drops the markup, script and all
    assert "<script" not in html
