"""The ticket workspace in a real browser: a member works through every tab; a guest only looks."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from boards.services import tag_create
from notifications.models import Notification
from tests.factories import PASSWORD
from tickets.models import Activity, Priority, Status
from tickets.services import ticket_update
from workspace import services
from workspace.models import Attachment, ChecklistItem, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def ticket_path(ticket) -> str:
    return f"/boards/{ticket.board_id}/tickets/{ticket.number}/"


@pytest.fixture
def as_member(new_page, sign_in, ticket):
    """Mia, a member of the board, on the ticket's page."""
    page = new_page()
    sign_in(page, "mia", PASSWORD)
    page.goto(ticket_path(ticket))
    return page


def open_tab(page, name: str):
    page.get_by_role("tab", name=name).click()
    panel = page.get_by_role("tabpanel", name=name)
    expect(panel).to_be_visible()
    return panel


def detail(page, term: str):
    """The value beside `term` in the side panel's details list."""
    row = page.locator(".details > div").filter(has=page.get_by_text(term, exact=True))
    return row.locator("dd")


def edit_ticket(page):
    page.get_by_text("Edit ticket").click()
    return page.locator("#edit form")


# --- Details -----------------------------------------------------------------------------------
def test_a_member_writes_a_markdown_description(as_member, ticket):
    form = edit_ticket(as_member)
    form.get_by_label("Description").fill("Customer wants **20%** off.\n\n- seats: 40")
    form.get_by_role("button", name="Save changes").click()

    expect(as_member.locator("#details .prose strong")).to_have_text("20%")
    expect(as_member.locator("#details .prose li")).to_have_text("seats: 40")


def test_a_member_sets_status_priority_assignees_and_tags(as_member, board, ticket):
    tag_create(board=board, name="VIP", color="#e11d48")
    as_member.reload()

    form = edit_ticket(as_member)
    form.get_by_label("Status").select_option(label="In progress")
    form.get_by_label("Priority").select_option(label="High")
    form.get_by_label("Mia Member").check()
    form.get_by_label("Alice Admin").check()
    form.get_by_label("VIP").check()
    form.get_by_role("button", name="Save changes").click()

    expect(as_member.get_by_role("status")).to_contain_text(f"{ticket.reference} saved.")
    expect(detail(as_member, "Status")).to_have_text("In progress")
    expect(detail(as_member, "Priority")).to_have_text("High")
    expect(detail(as_member, "Assignees")).to_contain_text("Mia Member")
    expect(detail(as_member, "Assignees")).to_contain_text("Alice Admin")
    expect(detail(as_member, "Tags")).to_have_text("VIP")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == (Status.IN_PROGRESS, Priority.HIGH)
    assert sorted(ticket.assignees.values_list("username", flat=True)) == ["alice", "mia"]


def test_a_member_sets_a_due_date_and_then_changes_it(as_member, ticket):
    form = edit_ticket(as_member)
    expect(form.get_by_label("Due")).to_have_accessible_description("As 7 Oct 2026 14:00")
    form.get_by_label("Due").fill("1 May 2030 09:30")
    form.get_by_role("button", name="Save changes").click()
    expect(detail(as_member, "Due")).to_have_text("1 May 2030, 09:30")

    form = edit_ticket(as_member)
    expect(form.get_by_label("Due")).to_have_value("1 May 2030 09:30")
    form.get_by_label("Due").fill("2030-05-03T14:00")  # ISO is read as well
    form.get_by_role("button", name="Save changes").click()

    expect(detail(as_member, "Due")).to_have_text("3 May 2030, 14:00")
    changes = ticket.activities.filter(kind=Activity.Kind.DUE).values_list("to_value", flat=True)
    assert [value[:16] for value in changes] == ["2030-05-03T14:00", "2030-05-01T09:30"]


def test_the_customer_contact_shows_as_a_card(as_member):
    card = as_member.locator(".contact-card")

    expect(card.get_by_role("heading", name="Customer")).to_be_visible()
    expect(card).to_contain_text("Dana Scully")
    expect(card).to_contain_text("FBI")
    expect(card.get_by_role("link", name="dana@example.com")).to_have_attribute(
        "href", "mailto:dana@example.com"
    )


# --- Checklist ---------------------------------------------------------------------------------
def add_item(panel, text: str) -> None:
    panel.get_by_label("New checklist item").fill(text)
    panel.get_by_role("button", name="Add").click()
    expect(panel.get_by_text(text, exact=True)).to_be_visible()


def item(panel, text: str):
    """The checklist row whose text is exactly `text`."""
    return panel.locator(".checklist-item").filter(has=panel.page.get_by_text(text, exact=True))


@pytest.fixture
def checklist(as_member, ticket, member_user):
    """Two items on the ticket, and Mia on its Checklist tab."""
    for text in ("Check the contract", "Send the invoice"):
        services.checklist_item_add(ticket=ticket, by=member_user, text=text)
    as_member.reload()
    return open_tab(as_member, "Checklist")


def test_a_member_adds_a_checklist_item_and_stays_on_the_tab(as_member):
    panel = open_tab(as_member, "Checklist")

    add_item(panel, "Check the contract")

    expect(as_member.get_by_role("tab", name="Checklist")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(panel.get_by_text("0/1 done")).to_be_visible()


def test_a_member_edits_a_checklist_item(checklist):
    row = item(checklist, "Check the contract")
    row.get_by_text("Edit", exact=True).click()
    row.get_by_label("Item text").fill("Check the signed contract")
    row.get_by_role("button", name="Save").click()

    expect(checklist.locator(".checklist-item__text")).to_have_text(
        ["Check the signed contract", "Send the invoice"]
    )


def test_ticking_an_item_shows_who_ticked_it(checklist):
    checklist.get_by_role("button", name="Tick “Check the contract”").click()

    expect(item(checklist, "Check the contract")).to_contain_text("Ticked by Mia Member")
    expect(checklist.get_by_text("1/2 done")).to_be_visible()
    expect(checklist.get_by_role("button", name="Untick “Check the contract”")).to_be_visible()


def test_a_member_moves_an_item_up(checklist):
    checklist.get_by_role("button", name="Move “Send the invoice” up").click()

    expect(checklist.locator(".checklist-item__text")).to_have_text(
        ["Send the invoice", "Check the contract"]
    )


def test_a_member_deletes_an_item(checklist):
    checklist.get_by_role("button", name="Delete “Check the contract”").click()

    expect(checklist.locator(".checklist-item__text")).to_have_text(["Send the invoice"])
    assert list(ChecklistItem.objects.values_list("text", flat=True)) == ["Send the invoice"]


def test_the_board_card_shows_the_checklist_progress(as_member, board, ticket, member_user):
    first = services.checklist_item_add(ticket=ticket, by=member_user, text="Refund")
    services.checklist_item_add(ticket=ticket, by=member_user, text="Apologise")
    services.checklist_item_update(item=first, by=member_user, done=True)

    as_member.goto(f"/boards/{board.pk}/")

    card = as_member.get_by_role("article").filter(has_text=ticket.title)
    expect(card.get_by_title("Checklist: 1 of 2 done")).to_have_text("1/2")


# --- Chat --------------------------------------------------------------------------------------
def test_a_member_posts_a_message_mentioning_a_colleague(as_member, admin_user):
    panel = open_tab(as_member, "Chat")
    panel.get_by_label("Internal note").fill("Called *Dana*, @alice please approve")
    panel.get_by_role("button", name="Add note").click()

    expect(panel.locator(".chat-message__body em")).to_have_text("Dana")
    expect(panel.locator(".chat-message__meta")).to_contain_text("Mia Member")
    assert (
        Notification.objects.filter(recipient=admin_user, kind=Notification.Kind.MENTION).count()
        == 1
    )


def test_a_member_edits_and_then_deletes_their_own_message(as_member, board, ticket, member_user):
    services.message_post(board=board, ticket=ticket, by=member_user, body="Calling Dana now")
    as_member.reload()
    panel = open_tab(as_member, "Chat")
    message = panel.locator(".chat-message")

    message.get_by_text("Edit", exact=True).click()
    message.get_by_label("Edit message").fill("Called Dana: she accepts")
    message.get_by_role("button", name="Save").click()
    expect(panel.locator(".chat-message__body")).to_have_text("Called Dana: she accepts")
    expect(panel.locator(".chat-message__meta")).to_contain_text("(edited)")

    panel.get_by_role("button", name="Delete").click()
    expect(panel.get_by_text("No messages yet.")).to_be_visible()
    assert not Message.objects.exists()


# --- Attachments -------------------------------------------------------------------------------
def test_a_member_uploads_two_files_downloads_one_and_deletes_the_other(as_member, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "contract.pdf").write_bytes(b"%PDF-1.4")
    (sources / "notes.txt").write_text("call notes")
    panel = open_tab(as_member, "Attachments")

    panel.locator('input[type="file"]').set_input_files(
        [str(sources / "contract.pdf"), str(sources / "notes.txt")]
    )
    panel.get_by_role("button", name="Upload").click()

    files = panel.locator(".file")
    notes = files.filter(has=as_member.get_by_role("link", name="notes.txt"))
    contract = files.filter(has=as_member.get_by_role("link", name="contract.pdf"))
    expect(notes).to_contain_text("10 bytes · Mia Member")
    expect(contract).to_contain_text("8 bytes · Mia Member")

    with as_member.expect_download() as download:
        notes.get_by_role("link", name="notes.txt").click()
    assert download.value.suggested_filename == "notes.txt"
    assert Path(download.value.path()).read_text() == "call notes"

    panel.get_by_role("button", name="Delete contract.pdf").click()
    expect(panel.get_by_role("link", name="contract.pdf")).to_have_count(0)
    expect(panel.get_by_role("link", name="notes.txt")).to_be_visible()
    assert list(Attachment.objects.values_list("name", flat=True)) == ["notes.txt"]


# --- Activity ----------------------------------------------------------------------------------
def test_the_activity_tab_lists_what_happened_newest_first(as_member):
    add_item(open_tab(as_member, "Checklist"), "Call back")
    chat = open_tab(as_member, "Chat")
    chat.get_by_label("Internal note").fill("Left a voicemail")
    chat.get_by_role("button", name="Add note").click()
    expect(chat.locator(".chat-message__body")).to_have_text("Left a voicemail")

    timeline = open_tab(as_member, "Activity")

    expect(timeline.locator(".timeline__entry")).to_have_text(
        [
            re.compile(r"Mia Member wrote a message"),
            re.compile(r"Mia Member added checklist item “Call back”"),
            re.compile(r"Mia Member created this ticket"),
        ]
    )


# --- A guest -----------------------------------------------------------------------------------
def test_a_guest_sees_every_tab_of_the_ticket_with_no_way_to_change_it(
    new_page, sign_in, board, ticket, member_user
):
    ticket_update(ticket=ticket, by=member_user, description="Wants **20%** off")
    item = services.checklist_item_add(ticket=ticket, by=member_user, text="Check the contract")
    services.checklist_item_update(item=item, by=member_user, done=True)
    services.message_post(board=board, ticket=ticket, by=member_user, body="Called Dana")
    services.attachments_upload(
        board=board, ticket=ticket, by=member_user,
        files=[SimpleUploadedFile("notes.txt", b"call notes")],
    )  # fmt: skip
    page = new_page()
    sign_in(page, "gus", PASSWORD)
    page.goto(ticket_path(ticket))

    for tab, text in [
        ("Details", "Wants 20% off"),
        ("Checklist", "Ticked by Mia Member"),
        ("Chat", "Called Dana"),
        ("Attachments", "notes.txt"),
        ("Activity", "added file “notes.txt”"),
    ]:
        expect(open_tab(page, tab)).to_contain_text(text)

    # CSS locators count hidden tab panels too: no control anywhere on the ticket.
    main = page.locator("main")
    # Save following it (tickets/_follow.html): anyone who may see a ticket may follow it.
    follow = "form.follow, form.follow *"
    expect(
        main.locator(f":is(form, input, textarea, select, summary):not({follow})")
    ).to_have_count(0)
    expect(main.locator(f'button:not([role="tab"]):not({follow})')).to_have_count(0)
    expect(main.locator("form.follow button")).to_have_count(1)
    expect(main.get_by_text(re.compile(r"^(Edit|Delete|Upload|Send|Add)\b"))).to_have_count(0)
    attachments = open_tab(page, "Attachments")
    expect(attachments.get_by_role("link", name="notes.txt")).to_be_visible()  # reading is fine
    expect(page.locator(".contact-card")).to_contain_text("Dana Scully")


def test_the_bell_counts_a_mention_and_the_centre_marks_it_read(
    new_page, sign_in, board, ticket, member_user
):
    services.message_post(board=board, ticket=ticket, by=member_user, body="@alice look")
    page = new_page()
    sign_in(page, "alice", PASSWORD)

    expect(page.locator(".bell__count")).to_have_text("1")
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator(".bell__count")).to_have_count(0)
