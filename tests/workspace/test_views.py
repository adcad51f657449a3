"""The workspace on the ticket page and the board page: each tab's actions, each role."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.realtime import now_ms
from csboard.core.pages import RENDERED_AT_HEADER
from notifications.models import Notification
from tests.pages import LOGIN, READ, WORK, expect, fill_data, fill_path, matrix_cases, messages_of
from tickets.services import ticket_create
from workspace import services
from workspace.models import Attachment, ChecklistItem, Message

TICKET = "/boards/{board}/tickets/{ticket}/"
BOARD = "/boards/{board}/"
OWN = expect(302, 302, 403, 404)  # mia's own object: she, or an admin for deletes
UPLOAD = object()  # a fresh small file in each request's `files`
MATRIX = [
    ("post", TICKET + "checklist/", {"text": "Call back"}, WORK),
    ("post", TICKET + "checklist/{item}/", {"done": "true"}, WORK),
    ("post", TICKET + "checklist/{item}/delete/", {}, WORK),
    ("post", TICKET + "chat/", {"body": "On it"}, WORK),
    ("post", TICKET + "chat/{comment}/edit/", {"body": "Edited"}, OWN),
    ("post", TICKET + "chat/{comment}/delete/", {}, OWN),
    ("post", TICKET + "attachments/", {"files": UPLOAD}, WORK),
    ("get", TICKET + "attachments/{attachment}/", None, READ),
    ("post", TICKET + "attachments/{attachment}/delete/", {}, OWN),
    ("post", BOARD + "chat/", {"body": "Standup"}, WORK),
    # The board chat's and files' lists alone, for the board page's live redraw.
    ("get", BOARD + "chat/live/", None, READ),
    ("get", BOARD + "files/live/", None, READ),
    ("post", BOARD + "chat/{message}/edit/", {"body": "Edited"}, OWN),
    ("post", BOARD + "chat/{message}/delete/", {}, OWN),
    ("post", BOARD + "files/", {"files": UPLOAD}, WORK),
    ("post", BOARD + "files/link/", {"title": "Doc", "url": "https://example.com"}, WORK),
    ("get", BOARD + "files/{file}/", None, expect(302, 302, 302, 404)),  # a link redirects
    ("post", BOARD + "files/{file}/delete/", {}, OWN),
]


@pytest.fixture(autouse=True)
def objects(board, columns, ticket, member_user):
    return {
        "board": board,
        "ticket": ticket.number,
        "item": services.checklist_item_add(ticket=ticket, by=member_user, text="Refund"),
        "comment": services.message_post(board=board, ticket=ticket, by=member_user, body="Hi"),
        "attachment": services.attachments_upload(
            board=board,
            ticket=ticket,
            by=member_user,
            files=[SimpleUploadedFile("notes.txt", b"hello")],
        )[0],
        "message": services.message_post(board=board, by=member_user, body="Team"),
        "file": services.link_add(
            board=board, by=member_user, title="Doc", url="https://example.com"
        ),
    }


@pytest.mark.parametrize(("method", "path", "data", "role", "expected"), matrix_cases(MATRIX))
def test_workspace_pages_answer_each_role_as_the_policy_says(
    method, path, data, role, expected, objects, client_as
):
    uploads = data and UPLOAD in data.values()
    data = {
        key: [SimpleUploadedFile("report.txt", b"numbers")] if value is UPLOAD else value
        for key, value in fill_data(data, objects).items()
    }
    files_before = Attachment.objects.count()

    response = getattr(client_as(role), method)(fill_path(path, objects), data)

    assert response.status_code == expected, response.content[:300]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)
    if uploads:  # stored for those allowed, and only for them
        stored = expected == 302 and role != "anonymous"
        assert Attachment.objects.count() - files_before == (1 if stored else 0)


def page(board, ticket):
    return f"/boards/{board.pk}/tickets/{ticket.number}/"


def test_a_member_ticks_an_item_and_returns_to_the_checklist_tab(board, ticket, objects, client_as):
    item = objects["item"]

    response = client_as("member").post(
        f"{page(board, ticket)}checklist/{item.pk}/", {"done": "true"}
    )

    assert response["Location"] == f"{page(board, ticket)}#checklist"
    item.refresh_from_db()
    assert item.is_done


def test_a_member_moves_an_item_down(board, ticket, objects, member_user, client_as):
    services.checklist_item_add(ticket=ticket, by=member_user, text="Second")

    client_as("member").post(
        f"{page(board, ticket)}checklist/{objects['item'].pk}/", {"direction": "down"}
    )

    assert list(ticket.checklist.values_list("text", flat=True)) == ["Second", "Refund"]


def test_a_chat_message_with_a_mention_lands_in_the_chat_tab_and_notifies(
    board, ticket, guest_user, client_as
):
    response = client_as("member").post(f"{page(board, ticket)}chat/", {"body": "Ping @gus"})

    assert response["Location"].endswith("#chat")
    assert Notification.objects.filter(recipient=guest_user, kind="mention").count() == 1


def test_an_admin_cannot_edit_a_members_message_and_is_told_why(board, ticket, objects, client_as):
    response = client_as("admin").post(
        f"{page(board, ticket)}chat/{objects['comment'].pk}/edit/", {"body": "Hijack"}
    )

    assert messages_of(response) == ["Only its author can edit this message."]
    assert Message.objects.get(pk=objects["comment"].pk).body == "Hi"


def test_uploading_several_files_from_the_page(board, ticket, client_as, settings, tmp_path):
    files = [SimpleUploadedFile("a.pdf", b"%PDF"), SimpleUploadedFile("b.txt", b"b")]

    response = client_as("member").post(f"{page(board, ticket)}attachments/", {"files": files})

    assert response["Location"].endswith("#attachments")
    assert ticket.attachments.count() == 3


def test_a_too_large_upload_answers_413_with_the_reason(board, ticket, client_as, settings):
    settings.ATTACHMENT_MAX_BYTES = 3

    response = client_as("member").post(
        f"{page(board, ticket)}attachments/", {"files": [SimpleUploadedFile("big.zip", b"1234")]}
    )

    assert response.status_code == 413
    assert "big.zip" in response.content.decode()
    assert ticket.attachments.count() == 1


@pytest.mark.parametrize(
    ("name", "inline"),
    [("photo.png", True), ("scan.pdf", True), ("page.html", False), ("logo.svg", False)],
)
def test_only_images_and_pdfs_open_in_the_browser(
    board, ticket, member_user, client_as, name, inline
):
    (attachment,) = services.attachments_upload(
        board=board, ticket=ticket, by=member_user, files=[SimpleUploadedFile(name, b"<svg/>")]
    )

    response = client_as("guest").get(f"{page(board, ticket)}attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert b"".join(response.streaming_content) == b"<svg/>"


def test_an_attachment_is_found_only_through_its_own_ticket(
    board, ticket, objects, member_user, client_as
):
    other = ticket_create(board=board, created_by=member_user, title="Other")

    response = client_as("member").get(
        f"{page(board, other)}attachments/{objects['attachment'].pk}/"
    )

    assert response.status_code == 404


def test_the_ticket_page_shows_every_tab(board, ticket, client_as):
    html = client_as("guest").get(page(board, ticket)).content.decode()

    for tab in ("details", "checklist", "chat", "attachments", "activity"):
        assert f'role="tabpanel" id="{tab}"' in html
    assert "1/1" not in html
    assert "0/1" in html
    assert "added file “notes.txt”" in html  # the activity tab tells the story


def test_a_guest_sees_the_workspace_without_any_form(board, ticket, client_as):
    html = client_as("guest").get(page(board, ticket)).content.decode()

    assert 'method="post"' not in html.split('class="tabs"')[1].split("</aside>")[0]


def test_the_board_page_shows_the_team_chat_and_files(board, client_as):
    html = client_as("guest").get(f"/boards/{board.pk}/").content.decode()

    assert 'id="board-chat"' in html
    assert "Team" in html
    assert 'id="board-files"' in html
    assert "Doc" in html


def _block(html: str, start: str, end: str) -> str:
    """From the first `start` to the `end` after it, each form's CSRF token (masked afresh on
    every render) left out."""
    block = html[html.index(start) : html.index(end, html.index(start)) + len(end)]
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">', "", block)


@pytest.mark.parametrize(
    ("panel", "start", "end"),
    [
        ("chat", '<ol class="chat__messages">', "</ol>"),
        ("files", '<ul class="file-list">', "</ul>"),
    ],
)
def test_the_board_panels_live_parts_are_the_board_pages_lists_and_counts(
    panel, start, end, board, member_user, client_as
):
    services.message_post(board=board, by=member_user, body="Standup at 10")
    services.link_add(board=board, by=member_user, title="Playbook", url="https://example.com/p")
    client = client_as("member")

    html = client.get(f"/boards/{board.pk}/").content.decode()
    live = client.get(f"/boards/{board.pk}/{panel}/live/")
    part = live.content.decode()

    assert _block(part, start, end) == _block(html, start, end)
    count = re.search(rf'<span class="tabs__count" id="board-{panel}-count">(\d+)</span>', html)
    assert f'id="board-{panel}-count" hx-swap-oob="true">{count[1]}</span>' in part
    assert int(live[RENDERED_AT_HEADER]) <= now_ms()


@pytest.mark.parametrize("panel", ["chat", "files"])
def test_the_board_panels_live_parts_run_the_same_queries_for_1_or_30_entries(
    panel, board, member_user, client_as, django_assert_max_num_queries
):
    client = client_as("member")
    services.message_post(board=board, by=member_user, body="First")
    services.link_add(board=board, by=member_user, title="First", url="https://example.com/1")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/boards/{board.pk}/{panel}/live/")
    for index in range(30):
        services.message_post(board=board, by=member_user, body=f"Note {index}")
        services.link_add(board=board, by=member_user, title=f"Doc {index}", url="https://e.com/")

    with django_assert_max_num_queries(len(few)):
        response = client.get(f"/boards/{board.pk}/{panel}/live/")

    assert "Note 29" in response.content.decode() or "Doc 29" in response.content.decode()


def test_a_board_link_shows_the_site_it_goes_to_beside_its_title(board, member_user, client_as):
    services.link_add(
        board=board, by=member_user, title="Playbook", url="https://Docs.Example.com/d/1?x=2"
    )

    html = client_as("guest").get(f"/boards/{board.pk}/").content.decode()

    assert ">Playbook</a>" in html
    assert 'title="https://Docs.Example.com/d/1?x=2">docs.example.com</span>' in html


def test_a_links_host_is_escaped(board, member_user, client_as):
    # Written past link_add's check, as an older row or another writer might have stored it.
    Attachment.objects.create(
        board=board, uploaded_by=member_user, name="Odd", url='https://a"><img src=x onerror=y>.com'
    )

    html = client_as("guest").get(f"/boards/{board.pk}/").content.decode()

    assert "<img src=x" not in html
    assert ">a&quot;&gt;&lt;img src=x onerror=y&gt;.com</span>" in html


def make_workspace(ticket, board, user, items, messages, files):
    ChecklistItem.objects.bulk_create(
        ChecklistItem(ticket=ticket, text=f"Item {i}", position=i) for i in range(items)
    )
    Message.objects.bulk_create(
        Message(board=board, ticket=ticket, author=user, body=f"Message {i}")
        for i in range(messages)
    )
    Attachment.objects.bulk_create(
        Attachment(board=board, ticket=ticket, uploaded_by=user, name=f"f{i}.txt",
                   file=f"boards/x/f{i}.txt", size=1)
        for i in range(files)
    )  # fmt: skip


def test_the_ticket_page_runs_the_same_queries_with_a_big_workspace(
    board, member_user, client_as, django_assert_num_queries
):
    small = ticket_create(board=board, created_by=member_user, title="Small")
    big = ticket_create(board=board, created_by=member_user, title="Big")
    make_workspace(small, board, member_user, 1, 1, 1)
    make_workspace(big, board, member_user, 200, 500, 50)
    client = client_as("member")
    client.get(page(board, small))  # warm the session

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        client.get(page(board, small))
    with CaptureQueriesContext(connection) as big_queries:
        response = client.get(page(board, big))

    assert response.status_code == 200
    assert len(big_queries) == len(small_queries)
    assert "Message 499" in response.content.decode()


def test_a_mention_of_a_member_is_highlighted_in_the_ticket_chat_and_an_outsider_is_not(
    board, ticket, outsider_user, client_as
):
    client_as("member").post(f"{page(board, ticket)}chat/", {"body": "Ping @gus and @olga"})

    html = client_as("member").get(page(board, ticket)).content.decode()

    assert '<span class="mention">@gus</span> and @olga' in html


def test_a_mention_is_highlighted_in_the_board_chat(board, client_as):
    client_as("member").post(f"/boards/{board.pk}/chat/", {"body": "Morning @alice"})

    html = client_as("member").get(f"/boards/{board.pk}/").content.decode()

    assert '<span class="mention">@alice</span>' in html


def test_the_chat_offers_the_boards_members_to_mention_from_the_page(board, ticket, client_as):
    html = client_as("member").get(page(board, ticket)).content.decode()

    assert 'data-mentions="mentionable"' in html
    assert '<script id="mentionable" type="application/json">' in html
    assert '{"username": "gus", "name": "Gus Guest"}' in html
    assert "olga" not in html
