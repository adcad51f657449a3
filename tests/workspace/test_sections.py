"""The ticket page's sections redrawn alone for htmx: each action posted with HX-Request is sent to
its section (the page's view with ?section=), which draws that section only, with what the post
left to say and its status; without the header the same posts redirect to the page as before."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mail.models import SupportAddress
from mail.outbound import reply_send
from tests.pages import READ, expect, matrix_cases
from workspace import services
from workspace.models import Attachment, ChecklistItem, Message

HX = {"HTTP_HX_REQUEST": "true"}


def page(board, ticket):
    return f"/boards/{board.pk}/tickets/{ticket.number}/"


def hx_post(client, url, data):
    return client.post(url, data, follow=True, **HX)


def test_an_htmx_checklist_add_is_redirected_to_the_checklist_section_alone(
    board, ticket, client_as
):
    response = client_as("member").post(f"{page(board, ticket)}checklist/", {"text": "Call"}, **HX)

    assert response.status_code == 302
    assert response["Location"] == f"{page(board, ticket)}?section=checklist"


def test_the_same_checklist_add_without_htmx_goes_back_to_the_page_tab(board, ticket, client_as):
    response = client_as("member").post(f"{page(board, ticket)}checklist/", {"text": "Call"})

    assert response["Location"] == f"{page(board, ticket)}#checklist"
    assert ChecklistItem.objects.filter(ticket=ticket, text="Call").exists()


def test_the_checklist_section_alone_holds_the_new_item_an_empty_add_field_and_the_activity(
    board, ticket, client_as
):
    response = hx_post(client_as("member"), f"{page(board, ticket)}checklist/", {"text": "Call"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div class="ticket-section" id="section-checklist"')
    assert "Call" in html
    assert 'data-form="checklist-add"' in html
    assert 'name="text" maxlength="500" required' in html
    assert '<div id="section-activity" hx-swap-oob="true">' in html
    assert (
        '<span class="tabs__count" id="tab-count-checklist" hx-swap-oob="true">0/1</span>' in html
    )


def test_ticking_an_item_with_htmx_draws_it_ticked(board, ticket, member_user, client_as):
    item = services.checklist_item_add(ticket=ticket, by=member_user, text="Refund")

    response = hx_post(
        client_as("member"), f"{page(board, ticket)}checklist/{item.pk}/", {"done": "true"}
    )

    assert "checklist-item--done" in response.content.decode()
    assert "1/1" in response.content.decode()


def test_an_empty_checklist_item_is_refused_inline_with_a_400(board, ticket, client_as):
    response = hx_post(client_as("member"), f"{page(board, ticket)}checklist/", {"text": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="message message--error" role="alert"' in html
    assert "This field is required." in html
    assert 'id="section-checklist"' in html


def test_a_note_sent_with_htmx_comes_back_in_the_chat_section_with_an_empty_textarea(
    board, ticket, client_as
):
    response = hx_post(client_as("member"), f"{page(board, ticket)}chat/", {"body": "On it"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-chat"' in html
    assert "On it" in html
    assert 'name="body" rows="3" required placeholder' in html  # the compose textarea, empty
    # A reply's files are attachments too: the attachments section comes along, out of band.
    assert (
        '<div class="ticket-section" id="section-attachments" data-section hx-swap-oob="true">'
        in (html)
    )


def test_deleting_a_reply_to_the_customer_is_a_409_in_the_chat_section(
    board, ticket, member_user, client_as
):
    SupportAddress.objects.create(board=board, address="help@example.com")
    message = reply_send(ticket=ticket, by=member_user, body="Hello Dana")

    response = hx_post(client_as("member"), f"{page(board, ticket)}chat/{message.pk}/delete/", {})

    assert response.status_code == 409
    assert "stays as it is" in response.content.decode()
    assert Message.objects.filter(pk=message.pk).exists()


def test_an_upload_with_htmx_comes_back_in_the_attachments_section(board, ticket, client_as):
    response = hx_post(
        client_as("member"),
        f"{page(board, ticket)}attachments/",
        {"files": [SimpleUploadedFile("report.txt", b"numbers")]},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-attachments"' in html
    assert "report.txt" in html
    assert "data-upload-progress" in html
    assert (
        '<span class="tabs__count" id="tab-count-attachments" hx-swap-oob="true">1</span>' in html
    )


def test_a_file_too_large_is_a_413_in_the_attachments_section_not_a_page(
    board, ticket, client_as, settings
):
    settings.ATTACHMENT_MAX_BYTES = 4

    response = hx_post(
        client_as("member"),
        f"{page(board, ticket)}attachments/",
        {"files": [SimpleUploadedFile("big.txt", b"too many bytes")]},
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert 'id="section-attachments"' in html
    assert "<html" not in html
    assert 'role="alert"' in html
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_a_file_too_large_without_htmx_is_still_the_refusal_page(
    board, ticket, client_as, settings
):
    settings.ATTACHMENT_MAX_BYTES = 4

    response = client_as("member").post(
        f"{page(board, ticket)}attachments/",
        {"files": [SimpleUploadedFile("big.txt", b"too many bytes")]},
    )

    assert response.status_code == 413
    assert "<html" in response.content.decode()


def test_deleting_a_file_with_htmx_redraws_the_attachments_section(
    board, ticket, member_user, client_as
):
    [file] = services.attachments_upload(
        board=board, ticket=ticket, by=member_user, files=[SimpleUploadedFile("a.txt", b"a")]
    )

    response = hx_post(
        client_as("member"), f"{page(board, ticket)}attachments/{file.pk}/delete/", {}
    )

    assert response.status_code == 200
    assert "No files yet." in response.content.decode()


def test_a_ticket_edit_with_htmx_redraws_the_details_header_and_facts(board, ticket, client_as):
    data = {"title": "Renamed", "status": "ready", "priority": "urgent"}

    response = hx_post(client_as("member"), f"{page(board, ticket)}edit/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-details"' in html
    assert "saved." in html
    assert '<header class="panel ticket" id="ticket-header" hx-swap-oob="true">' in html
    assert "Renamed" in html
    assert '<section class="panel" id="ticket-facts" hx-swap-oob="true">' in html


def test_a_refused_ticket_edit_with_htmx_is_a_400_with_its_field_errors(board, ticket, client_as):
    response = client_as("member").post(
        f"{page(board, ticket)}edit/", {"title": "", "status": "ready", "priority": "high"}, **HX
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="section-details"' in html
    assert "<html" not in html
    assert "field__error" in html


def test_a_refused_ticket_edit_without_htmx_is_still_the_page_with_the_form(
    board, ticket, client_as
):
    response = client_as("member").post(
        f"{page(board, ticket)}edit/", {"title": "", "status": "ready", "priority": "high"}
    )

    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_a_section_asked_for_without_htmx_is_the_whole_page(board, ticket, client_as):
    response = client_as("member").get(f"{page(board, ticket)}?section=checklist")

    assert "<html" in response.content.decode()


def test_an_unknown_section_is_the_whole_page(board, ticket, client_as):
    response = client_as("member").get(f"{page(board, ticket)}?section=move", **HX)

    assert "<html" in response.content.decode()


SECTIONS = ["details", "checklist", "chat", "attachments"]


@pytest.mark.parametrize(
    ("method", "path", "data", "role", "expected"),
    matrix_cases(
        [
            ("get", f"/boards/{{board}}/tickets/{{ticket}}/?section={name}", None, READ)
            for name in SECTIONS
        ]
    ),
)
def test_each_section_alone_answers_each_role_as_the_ticket_page(
    method, path, data, role, expected, board, ticket, client_as
):
    response = client_as(role).get(path.format(board=board.pk, ticket=ticket.number), **HX)

    assert response.status_code == expected
    if expected == 200:
        assert "<html" not in response.content.decode()


def test_a_guest_sees_the_checklist_section_without_its_forms(board, ticket, client_as):
    response = client_as("guest").get(f"{page(board, ticket)}?section=checklist", **HX)

    assert 'data-form="checklist-add"' not in response.content.decode()


def test_an_htmx_post_by_a_guest_is_still_refused(board, ticket, client_as):
    response = client_as("guest").post(f"{page(board, ticket)}checklist/", {"text": "x"}, **HX)

    assert response.status_code == expect(302, 302, 403, 404)["guest"]


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_alone_runs_the_same_queries_for_1_or_20_rows(
    section, board, ticket, member_user, client_as, django_assert_max_num_queries
):
    client = client_as("member")
    url = f"{page(board, ticket)}?section={section}"

    def add_rows(count):
        for index in range(count):
            services.checklist_item_add(ticket=ticket, by=member_user, text=f"Step {index}")
            services.message_post(board=board, ticket=ticket, by=member_user, body=f"Note {index}")
            services.attachments_upload(
                board=board,
                ticket=ticket,
                by=member_user,
                files=[SimpleUploadedFile(f"f{index}.txt", b"x")],
            )

    add_rows(1)
    client.get(url, **HX)  # the session read once
    with CaptureQueriesContext(connection) as few:
        client.get(url, **HX)
    add_rows(20)

    with django_assert_max_num_queries(len(few)):
        response = client.get(url, **HX)

    assert response.status_code == 200
    assert len(few) <= SECTION_QUERIES[section]


# The user and their role, the ticket, the bell's count, the activity, and what the section draws
# (the edit form's people and tags and the header's follow button; the checklist; the chat's
# messages, reply address and files; the files).
SECTION_QUERIES = {"details": 10, "checklist": 7, "chat": 9, "attachments": 7}
