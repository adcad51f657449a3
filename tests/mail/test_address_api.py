"""The support addresses over REST (admins only; the role matrix is in tests/test_api_permissions):
the IMAP password is written, stored encrypted, and never read back."""

from mail.models import SupportAddress


def test_an_admin_adds_a_mailbox_whose_password_is_never_read_back(board, api_as):
    url = f"/api/boards/{board.pk}/addresses/"
    created = api_as("admin").post(
        url,
        {
            "address": "Help@CS.example", "name": "CS help", "imap_host": "imap.cs.example",
            "imap_port": 993, "imap_username": "help", "password": "s3cret-imap",
        },
        format="json",
    )  # fmt: skip

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["has_password"] is True
    assert "password" not in body
    assert "s3cret-imap" not in created.content.decode()
    stored = SupportAddress.objects.get(pk=body["id"])
    assert stored.imap_password
    assert "s3cret-imap" not in stored.imap_password  # encrypted at rest
    listed = api_as("admin").get(url).content.decode()
    assert "s3cret-imap" not in listed
    assert stored.imap_password not in listed


def test_a_patch_keeps_the_password_and_the_same_address_twice_is_a_conflict(board, api_as):
    url = f"/api/boards/{board.pk}/addresses/"
    client = api_as("admin")
    first = client.post(
        url,
        {"address": "help@cs.example", "imap_host": "h", "imap_username": "u", "password": "p"},
        format="json",
    ).json()  # fmt: skip

    renamed = client.patch(f"{url}{first['id']}/", {"name": "Renamed"}, format="json")
    again = client.post(url, {"address": "HELP@cs.example"}, format="json")
    bad = client.post(url, {"address": "not an address"}, format="json")

    assert renamed.status_code == 200
    assert renamed.json()["has_password"] is True
    assert renamed.json()["name"] == "Renamed"
    assert again.status_code == 409
    assert bad.status_code == 400
    assert SupportAddress.objects.filter(board=board).count() == 1


def test_the_email_settings_page_adds_and_removes_an_address_for_admins_only(board, client_as):
    page = f"/boards/{board.pk}/settings/email/"
    admin = client_as("admin")

    added = admin.post(
        f"{page}add/",
        {"address": "help@cs.example", "imap_security": "ssl", "imap_folder": "INBOX"},
        follow=True,
    )
    taken = admin.post(
        f"{page}add/",
        {"address": "HELP@cs.example", "imap_security": "ssl", "imap_folder": "INBOX"},
    )
    address = SupportAddress.objects.get(board=board)

    assert "Mail to help@cs.example now reaches this board." in added.content.decode()
    assert "already receives mail" in taken.content.decode()
    assert client_as("member").get(page).status_code == 403
    assert client_as("guest").post(f"{page}{address.pk}/delete/").status_code == 403
    assert client_as("outsider").get(page).status_code == 404
    client_as("admin").post(f"{page}{address.pk}/delete/")  # one client, signed in again
    assert not SupportAddress.objects.filter(board=board).exists()
