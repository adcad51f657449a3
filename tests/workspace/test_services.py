"""Checklists, chat and files: the rules, through the real database and storage."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from boards.services import board_delete
from csboard.core.exceptions import InvalidInput, PayloadTooLarge, PermissionRefused
from notifications.models import Notification
from tests.workspace.conftest import stored_files
from tickets.models import Activity
from tickets.services import ticket_delete, ticket_update
from workspace import services
from workspace.models import Attachment, Message


def upload(name="notes.txt", content=b"hello"):
    return SimpleUploadedFile(name, content)


def history(ticket, kind):
    return list(ticket.activities.filter(kind=kind).values_list("data", flat=True))


# --- Checklist ---------------------------------------------------------------------------------
def test_checklist_items_keep_their_order_and_who_ticked_them_when(ticket, member_user):
    first = services.checklist_item_add(ticket=ticket, by=member_user, text="Refund")
    second = services.checklist_item_add(ticket=ticket, by=member_user, text="Apologise")

    services.checklist_item_update(item=second, by=member_user, position=0)
    services.checklist_item_update(item=first, by=member_user, done=True)

    items = list(ticket.checklist.all())
    assert [(i.text, i.position) for i in items] == [("Apologise", 0), ("Refund", 1)]
    assert items[1].done_by == member_user
    assert items[1].done_at is not None


def test_deleting_an_item_closes_the_gap(ticket, member_user):
    items = [services.checklist_item_add(ticket=ticket, by=member_user, text=t) for t in "abc"]

    services.checklist_item_delete(item=items[0], by=member_user)

    assert list(ticket.checklist.values_list("text", "position")) == [("b", 0), ("c", 1)]


def test_checklist_changes_are_in_the_history(ticket, member_user):
    item = services.checklist_item_add(ticket=ticket, by=member_user, text="Refund")
    services.checklist_item_add(ticket=ticket, by=member_user, text="Apologise")
    services.checklist_item_update(item=item, by=member_user, done=True, text="Refund 20 €")
    services.checklist_item_update(item=item, by=member_user, done=False)
    services.checklist_item_update(item=item, by=member_user, position=1)
    services.checklist_item_delete(item=item, by=member_user)

    actions = [d["action"] for d in history(ticket, Activity.Kind.CHECKLIST)]
    assert actions == ["removed", "moved", "unticked", "ticked", "edited", "added", "added"]
    moved = ticket.activities.get(kind=Activity.Kind.CHECKLIST, data__action="moved")
    assert (moved.data["from"], moved.data["to"], moved.actor) == (0, 1, member_user)
    assert moved.summary == "moved checklist item “Refund 20 €” from position 1 to 2"


def test_a_move_past_the_end_of_the_checklist_is_not_history(ticket, member_user):
    item = services.checklist_item_add(ticket=ticket, by=member_user, text="Refund")

    services.checklist_item_update(item=item, by=member_user, position=5)

    actions = [d["action"] for d in history(ticket, Activity.Kind.CHECKLIST)]
    assert actions == ["added"]


def test_an_empty_checklist_item_is_refused(ticket, member_user):
    with pytest.raises(InvalidInput) as refused:
        services.checklist_item_add(ticket=ticket, by=member_user, text="   ")

    assert "text" in refused.value.fields


# --- Chat --------------------------------------------------------------------------------------
def test_a_mention_notifies_the_member_exactly_once(board, ticket, member_user, guest_user):
    services.message_post(
        board=board, ticket=ticket, by=member_user, body="@gus and @GUS, see @nobody"
    )

    notes = Notification.objects.filter(kind=Notification.Kind.MENTION)
    assert [n.recipient for n in notes] == [guest_user]


def test_a_mention_added_by_an_edit_notifies_only_the_newly_mentioned_member(
    board, ticket, admin_user, member_user, guest_user
):
    message = services.message_post(board=board, ticket=ticket, by=member_user, body="@gus hi")

    services.message_edit(message=message, by=member_user, body="@gus hi, and @alice too")

    notes = Notification.objects.filter(kind=Notification.Kind.MENTION)
    assert sorted(n.recipient.username for n in notes) == ["alice", "gus"]
    alice = notes.get(recipient=admin_user)
    assert alice.title == f"{member_user} mentioned you in {ticket.reference}"
    assert alice.body == "@gus hi, and @alice too"


def test_saving_a_message_again_with_the_same_mention_notifies_nobody_again(
    board, ticket, member_user, guest_user
):
    message = services.message_post(board=board, ticket=ticket, by=member_user, body="@gus hi")

    services.message_edit(message=message, by=member_user, body="@GUS hi there")
    services.message_edit(message=message, by=member_user, body="@gus hi there!")

    assert Notification.objects.filter(recipient=guest_user).count() == 1


def test_a_mention_added_to_a_board_chat_message_notifies_the_member(
    board, member_user, guest_user
):
    message = services.message_post(board=board, by=member_user, body="Standup at 10")

    services.message_edit(message=message, by=member_user, body="Standup at 10, @gus")

    (note,) = Notification.objects.filter(recipient=guest_user, kind=Notification.Kind.MENTION)
    assert note.url == f"/boards/{board.pk}/#board-chat"


def test_a_mention_of_someone_outside_the_board_notifies_nobody(
    board, ticket, member_user, outsider_user
):
    services.message_post(board=board, ticket=ticket, by=member_user, body="cc @olga")

    assert not Notification.objects.exists()


def test_assignees_hear_of_a_message_once_even_when_mentioned_and_never_the_author(
    board, ticket, admin_user, member_user
):
    ticket_update(ticket=ticket, by=admin_user, assignees=[admin_user, member_user])
    Notification.objects.all().delete()

    services.message_post(board=board, ticket=ticket, by=member_user, body="@alice have a look")

    kinds = list(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == [("alice", Notification.Kind.MENTION)]


def test_a_comment_notifies_assignees(board, ticket, admin_user, member_user):
    ticket_update(ticket=ticket, by=admin_user, assignees=[member_user])

    services.message_post(board=board, ticket=ticket, by=admin_user, body="Customer replied")

    assert Notification.objects.filter(
        recipient=member_user, kind=Notification.Kind.COMMENT
    ).exists()


def test_an_internal_note_is_no_first_response(board, ticket, member_user):
    # The customer never sees it: only a reply (mail.outbound.reply_send) answers them.
    services.message_post(board=board, ticket=ticket, by=member_user, body="Hello Dana")

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_a_guest_message_does_not_count_as_a_first_response(board, ticket, guest_user):
    # Guests cannot post through pages or API; the rule holds in the service too.
    services.message_post(board=board, ticket=ticket, by=guest_user, body="Hello")

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_only_the_author_edits_and_the_author_or_an_admin_deletes(
    board, ticket, admin_user, member_user
):
    message = services.message_post(board=board, ticket=ticket, by=member_user, body="Hi")

    with pytest.raises(PermissionRefused):
        services.message_edit(message=message, by=admin_user, body="Changed")
    services.message_edit(message=message, by=member_user, body="Hi there")
    services.message_delete(message=message, by=admin_user)

    assert not Message.objects.exists()
    actions = [d["action"] for d in history(ticket, Activity.Kind.COMMENT)]
    assert actions == ["deleted", "edited", "posted"]


def test_a_member_cannot_delete_someone_elses_message(board, admin_user, member_user):
    message = services.message_post(board=board, by=admin_user, body="Board-wide")

    with pytest.raises(PermissionRefused):
        services.message_delete(message=message, by=member_user)


def test_board_chat_messages_belong_to_no_ticket(board, member_user):
    message = services.message_post(board=board, by=member_user, body="Standup at 10")

    assert message.ticket is None
    assert message.board == board


# --- Files -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\dana\\report.pdf", "report.pdf"),
        ("in\x00voice\x1b[31m.pdf", "invoice[31m.pdf"),
        ("right\u202etxt.exe", "righttxt.exe"),
        ("   ", "file"),
        ("..", "file"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(given, kept):
    assert services.clean_file_name(given) == kept


def test_several_files_upload_at_once_through_storage(board, ticket, member_user, media):
    created = services.attachments_upload(
        board=board, ticket=ticket, by=member_user, files=[upload("a.txt"), upload("b.png")]
    )

    assert sorted(a.name for a in created) == ["a.txt", "b.png"]
    assert len(stored_files(media)) == 2
    assert [d["name"] for d in history(ticket, Activity.Kind.ATTACHMENT)] == ["b.png", "a.txt"]


def test_a_file_over_the_limit_is_refused_with_413_and_nothing_is_kept(
    board, ticket, member_user, media, settings
):
    settings.ATTACHMENT_MAX_BYTES = 10

    with pytest.raises(PayloadTooLarge) as refused:
        services.attachments_upload(
            board=board, ticket=ticket, by=member_user,
            files=[upload("small.txt", b"ok"), upload("big.bin", b"x" * 11)],
        )  # fmt: skip

    assert refused.value.status_code == 413
    assert "big.bin" in refused.value.message
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_an_upload_failing_half_way_leaves_no_file_and_no_row(
    board, ticket, member_user, media, monkeypatch
):
    real_record = services.activity_record
    calls = []

    def fail_on_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_record(**kwargs)

    monkeypatch.setattr(services, "activity_record", fail_on_second)

    with pytest.raises(RuntimeError):
        services.attachments_upload(
            board=board, ticket=ticket, by=member_user, files=[upload("a.txt"), upload("b.txt")]
        )

    assert not Attachment.objects.exists()
    assert stored_files(media) == []


class BrokenUpload(SimpleUploadedFile):
    """An upload whose reading breaks after the first chunk has been written to disk."""

    def chunks(self, chunk_size=None):
        yield b"the first half"
        raise OSError("connection reset")


def test_a_write_failing_part_way_leaves_no_partial_file(board, ticket, member_user, media):
    with pytest.raises(OSError, match="connection reset"):
        services.attachments_upload(
            board=board, ticket=ticket, by=member_user,
            files=[upload("a.txt"), BrokenUpload("b.txt", b"the first half, the second half")],
        )  # fmt: skip

    assert not Attachment.objects.exists()
    assert stored_files(media) == []


class WritesThenFails(FileSystemStorage):
    """Writes the whole file to disk, then fails, as a storage whose reply is lost would."""

    def _save(self, name, content):
        super()._save(name, content)
        raise OSError("lost the reply")


def test_a_storage_failing_after_writing_leaves_no_file(
    board, ticket, member_user, media, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.WritesThenFails"},
    }

    with pytest.raises(OSError, match="lost the reply"):
        services.attachments_upload(board=board, ticket=ticket, by=member_user, files=[upload()])

    assert not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_deleting_a_ticket_removes_its_files_from_storage(board, ticket, member_user, media):
    services.attachments_upload(board=board, ticket=ticket, by=member_user, files=[upload()])
    assert len(stored_files(media)) == 1

    ticket_delete(ticket=ticket, by=member_user)

    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_deleting_a_board_removes_its_ticket_and_board_files(board, ticket, member_user, media):
    services.attachments_upload(board=board, ticket=ticket, by=member_user, files=[upload()])
    services.attachments_upload(board=board, by=member_user, files=[upload("plan.pdf")])

    board_delete(board=board)

    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_delete_keeps_the_file(board, ticket, member_user, media):
    (attachment,) = services.attachments_upload(
        board=board, ticket=ticket, by=member_user, files=[upload()]
    )

    def delete_then_fail():
        with transaction.atomic():
            services.attachment_delete(attachment=attachment, by=member_user)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        delete_then_fail()

    assert len(stored_files(media)) == 1


def test_deleting_an_attachment_is_in_the_history(board, ticket, member_user, media):
    (attachment,) = services.attachments_upload(
        board=board, ticket=ticket, by=member_user, files=[upload("notes.txt")]
    )

    services.attachment_delete(attachment=attachment, by=member_user)

    removed = ticket.activities.filter(kind=Activity.Kind.ATTACHMENT).first()
    assert removed.data == {"action": "removed", "name": "notes.txt"}
    assert removed.actor == member_user
    assert removed.summary == "removed file “notes.txt”"


def test_only_the_uploader_or_an_admin_deletes_a_file(board, admin_user, member_user, media):
    (mine,) = services.attachments_upload(board=board, by=admin_user, files=[upload()])

    with pytest.raises(PermissionRefused):
        services.attachment_delete(attachment=mine, by=member_user)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.y/z", "x"])
def test_board_links_are_web_addresses_only(board, member_user, url):
    with pytest.raises(InvalidInput) as refused:
        services.link_add(board=board, by=member_user, title="Doc", url=url)

    assert "url" in refused.value.fields
