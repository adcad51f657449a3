"""The workspace over the API: uploads, downloads and lookups through the parent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boards.models import Role
from boards.services import board_create, membership_add
from tickets.services import ticket_create
from workspace import services


def base(board, ticket):
    return f"/api/boards/{board.pk}/tickets/{ticket.number}/"


def test_a_member_uploads_several_files_in_one_request(board, ticket, api_as):
    files = [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"bb")]

    response = api_as("member").post(
        f"{base(board, ticket)}attachments/", {"files": files}, format="multipart"
    )

    assert response.status_code == 201
    assert sorted((f["name"], f["size"]) for f in response.json()["files"]) == [
        ("a.txt", 1),
        ("b.txt", 2),
    ]


def test_a_too_large_file_answers_413_with_a_clear_message(board, ticket, api_as, settings):
    settings.ATTACHMENT_MAX_BYTES = 1

    response = api_as("member").post(
        f"{base(board, ticket)}attachments/",
        {"files": [SimpleUploadedFile("big.bin", b"12")]},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "big.bin" in response.json()["detail"]


def test_a_guest_cannot_upload(board, ticket, api_as):
    response = api_as("guest").post(
        f"{base(board, ticket)}attachments/",
        {"files": [SimpleUploadedFile("a.txt", b"a")]},
        format="multipart",
    )

    assert response.status_code == 403


def test_downloads_are_attachments_with_nosniff_unless_image_or_pdf(
    board, ticket, member_user, api_as
):
    (html,) = services.attachments_upload(
        board=board, ticket=ticket, by=member_user,
        files=[SimpleUploadedFile("x.html", b"<script>alert(1)</script>")],
    )  # fmt: skip

    response = api_as("guest").get(f"{base(board, ticket)}attachments/{html.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


FILE_KINDS = {
    "shot.png": "image/png",
    "photo.jpg": "image/jpeg",
    "anim.gif": "image/gif",
    "pic.webp": "image/webp",
    "quote.pdf": "application/pdf",
    "notes.txt": "application/octet-stream",
    "page.html": "application/octet-stream",
    "logo.svg": "application/octet-stream",
    "data.csv": "application/octet-stream",
    "blob": "application/octet-stream",
}


@pytest.mark.parametrize("where", ["ticket", "board"])
@pytest.mark.parametrize(("name", "served_as"), FILE_KINDS.items())
def test_a_download_is_served_as_a_type_the_schema_documents(
    client, board, ticket, member_user, api_as, where, name, served_as
):
    """Images and PDFs as themselves, anything else as bytes to save: a closed list, each
    documented (a schema-driven client or fuzzer then meets no undocumented content type)."""
    (stored,) = services.attachments_upload(
        board=board, ticket=ticket if where == "ticket" else None, by=member_user,
        files=[SimpleUploadedFile(name, b"bytes")],
    )  # fmt: skip
    prefix = (
        base(board, ticket) + "attachments"
        if where == "ticket"
        else f"/api/boards/{board.pk}/files"
    )
    template = (
        "/api/boards/{board_id}/tickets/{number}/attachments/{id}/download/"
        if where == "ticket"
        else "/api/boards/{board_id}/files/{id}/download/"
    )
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    documented = schema["paths"][template]["get"]["responses"]["200"]["content"]

    response = api_as("guest").get(f"{prefix}/{stored.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == served_as
    assert served_as in documented
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_boards_attachment_cannot_be_reached_by_its_id(
    board, ticket, member_user, outsider_user, api_as
):
    other_board = board_create(name="Other", key="OT", created_by=outsider_user)
    other_ticket = ticket_create(board=other_board, created_by=outsider_user, title="Secret")
    (secret,) = services.attachments_upload(
        board=other_board, ticket=other_ticket, by=outsider_user,
        files=[SimpleUploadedFile("secret.txt", b"s")],
    )  # fmt: skip

    client = api_as("member")
    for path in (
        f"{base(board, ticket)}attachments/{secret.pk}/download/",
        f"/api/boards/{board.pk}/files/{secret.pk}/download/",
    ):
        assert client.get(path).status_code == 404
    assert client.delete(f"{base(board, ticket)}attachments/{secret.pk}/").status_code == 404


def test_another_boards_comment_cannot_be_edited_through_this_board(
    board, ticket, member_user, outsider_user, api_as
):
    other_board = board_create(name="Other", key="OT", created_by=outsider_user)
    membership_add(board=other_board, user=member_user, role=Role.MEMBER)
    other_ticket = ticket_create(board=other_board, created_by=member_user, title="Other")
    comment = services.message_post(
        board=other_board, ticket=other_ticket, by=member_user, body="Mine"
    )

    response = api_as("member").patch(
        f"{base(board, ticket)}comments/{comment.pk}/", {"body": "x"}, format="json"
    )

    assert response.status_code == 404


def test_comments_come_with_sanitised_html(board, ticket, api_as):
    api_as("member").post(
        f"{base(board, ticket)}comments/",
        {"body": "**Hi** <script>alert(1)</script>"},
        format="json",
    )

    (comment,) = api_as("guest").get(f"{base(board, ticket)}comments/").json()["results"]
    assert comment["html"] == "<p><strong>Hi</strong> </p>"
    assert comment["body"] == "**Hi** <script>alert(1)</script>"


def test_the_activity_lists_each_change_newest_first(board, ticket, member_user, api_as):
    services.checklist_item_add(ticket=ticket, by=member_user, text="Refund")

    entries = api_as("guest").get(f"{base(board, ticket)}activity/").json()["results"]

    assert [e["kind"] for e in entries] == ["checklist", "created"]
    assert entries[0]["summary"] == "added checklist item “Refund”"


def test_checklist_items_are_ticked_and_moved_over_the_api(board, ticket, member_user, api_as):
    first = services.checklist_item_add(ticket=ticket, by=member_user, text="One")
    services.checklist_item_add(ticket=ticket, by=member_user, text="Two")
    client = api_as("member")

    client.patch(
        f"{base(board, ticket)}checklist/{first.pk}/", {"done": True, "position": 1}, format="json"
    )

    items = client.get(f"{base(board, ticket)}checklist/").json()
    assert [(i["text"], i["done"], i["done_by"]) for i in items] == [
        ("Two", False, None),
        ("One", True, "mia"),
    ]
