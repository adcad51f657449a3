"""The board's Customer portal settings: admins only; the request form and portal switched,
the form's fields, where requests land, who may embed it, and the board's brand."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boards.models import Board
from boards.services import board_create, tag_create
from csboard.core.exceptions import InvalidInput, PermissionRefused
from portal.models import PortalSettings
from portal.services import brand_set, frame_ancestors_clean, portal_settings_set
from tests.pages import MANAGE, MANAGE_PAGE, matrix_cases

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32

SAVE = {"form_enabled": "on", "title": "Ask us", "link_minutes": "30"}
MATRIX = [
    ("get", "/boards/{board}/settings/portal/", None, MANAGE_PAGE),
    ("post", "/boards/{board}/settings/portal/save/", SAVE, MANAGE),
    ("post", "/boards/{board}/settings/portal/brand/", {"brand_color": "#112233"}, MANAGE),
]


@pytest.mark.parametrize(("method", "path", "data", "role", "status"), matrix_cases(MATRIX))
def test_only_board_admins_reach_the_portal_settings(
    client_as, board, method, path, data, role, status
):
    client = client_as(role)

    response = getattr(client, method)(path.format(board=board.pk), data or {})

    assert response.status_code == status
    changed = PortalSettings.objects.filter(board=board, form_enabled=True).exists()
    recoloured = Board.objects.get(pk=board.pk).brand_color == "#112233"
    assert changed == (role == "admin" and "save" in path)
    assert recoloured == (role == "admin" and "brand" in path)


def test_the_board_settings_link_to_the_portal_settings(client_as, board):
    page = client_as("admin").get(f"/boards/{board.pk}/settings/").content.decode()

    assert f'href="/boards/{board.pk}/settings/portal/"' in page


def test_the_page_shows_the_forms_addresses_and_an_iframe_to_copy(client_as, board):
    page = client_as("admin").get(f"/boards/{board.pk}/settings/portal/").content.decode()

    assert "https://csboard.example/help/CS/" in page
    assert '&lt;iframe src="https://csboard.example/help/CS/embed/"' in page
    assert "https://csboard.example/portal/CS/" in page


def test_an_admin_saves_every_setting(client_as, board, columns):
    billing = tag_create(board=board, name="Billing", color="#22c55e")
    data = {
        "form_enabled": "on", "portal_enabled": "on", "title": "Ask us", "intro": "**Hi**",
        "column": columns[1].pk, "ask_priority": "on", "ask_company": "on",
        "areas": [billing.pk], "frame_ancestors": "HTTPS://www.Example.com/\nhttp://localhost:3000",
        "link_minutes": "60",
    }  # fmt: skip

    response = client_as("admin").post(f"/boards/{board.pk}/settings/portal/save/", data)

    assert response.status_code == 302
    row = PortalSettings.objects.get(board=board)
    assert (row.form_enabled, row.portal_enabled, row.title, row.intro) == (
        True, True, "Ask us", "**Hi**",
    )  # fmt: skip
    assert (row.column, row.ask_priority, row.ask_company, row.link_minutes) == (
        columns[1], True, True, 60,
    )  # fmt: skip
    assert list(row.areas.all()) == [billing]
    assert row.frame_ancestors == "https://www.example.com\nhttp://localhost:3000"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"link_minutes": "4"}, "link_minutes"),
        ({"link_minutes": "1441"}, "link_minutes"),
        ({"frame_ancestors": "https://example.com/path"}, "frame_ancestors"),
        ({"frame_ancestors": "*"}, "frame_ancestors"),
    ],
)
def test_a_setting_out_of_bounds_is_refused_and_nothing_saved(client_as, board, data, field):
    response = client_as("admin").post(
        f"/boards/{board.pk}/settings/portal/save/", {"link_minutes": "30", **data}
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not PortalSettings.objects.filter(board=board).exists()


@pytest.mark.parametrize(
    ("line", "origin"),
    [
        ("https://www.example.com", "https://www.example.com"),
        ("https://www.example.com/", "https://www.example.com"),
        ("HTTPS://Shop.Example.COM:8443", "https://shop.example.com:8443"),
        ("https://*.example.com", "https://*.example.com"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_origins_that_frame_ancestors_can_hold_are_kept(line, origin):
    assert frame_ancestors_clean(line) == [origin]


@pytest.mark.parametrize(
    "line",
    [
        "http://www.example.com",  # http off this machine
        "https://www.example.com/help",  # a path
        "https://www.example.com?x=1",
        "https://user@www.example.com",
        "*",
        "https://*",
        "https://*.com",  # a whole top-level domain
        "https://www.*.example.com",
        "'self'",
        "'none'",
        "javascript:alert(1)",
        "https://www.example.com https://evil.example",  # two on one line
        "https://example.com;script-src *",  # a directive smuggled in
        "https://example.com:99999",
        "data:",
    ],
)
def test_anything_else_is_refused(line):
    with pytest.raises(InvalidInput) as refused:
        frame_ancestors_clean(line)

    assert "frame_ancestors" in refused.value.fields


def test_a_column_or_area_of_another_board_is_refused(board, admin_user):
    other = board_create(name="Sales", key="SAL", created_by=admin_user)
    foreign = tag_create(board=other, name="Foreign", color="#22c55e")

    with pytest.raises(InvalidInput) as refused:
        portal_settings_set(
            board=board, by=admin_user, column=other.columns.first(), areas=[foreign]
        )

    assert set(refused.value.fields) == {"column", "areas"}


def test_a_member_is_refused_by_the_service_too(board, member_user):
    with pytest.raises(PermissionRefused):
        portal_settings_set(board=board, by=member_user, form_enabled=True)
    with pytest.raises(PermissionRefused):
        brand_set(board=board, by=member_user, color="#000000")


# --- Brand -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "kind"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")]
)
def test_a_logo_is_stored_under_a_random_name_with_its_checked_type(
    client_as, board, content, kind
):
    upload = SimpleUploadedFile("../../evil.html", content, content_type="text/html")

    response = client_as("admin").post(
        f"/boards/{board.pk}/settings/portal/brand/", {"brand_color": "#4F46E5", "logo": upload}
    )

    assert response.status_code == 302
    board.refresh_from_db()
    assert (board.brand_color, board.logo_type) == ("#4f46e5", kind)
    assert board.logo.name.startswith(f"brand/{board.pk}/")
    assert "evil" not in board.logo.name
    assert board.logo.storage.exists(board.logo.name)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b"<html><script>alert(1)</script></html>"),  # HTML disguised as a PNG
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("logo.gif", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_a_logo_that_is_not_a_png_jpeg_or_webp_is_refused(client_as, board, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")

    response = client_as("admin").post(
        f"/boards/{board.pk}/settings/portal/brand/", {"logo": upload}
    )

    assert response.status_code == 400
    assert "PNG, JPEG or WebP" in response.content.decode()
    board.refresh_from_db()
    assert (board.logo.name, board.logo_type) == ("", "")


def test_a_logo_over_the_size_limit_is_refused(board, admin_user):
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * (512 * 1024))

    with pytest.raises(InvalidInput) as refused:
        brand_set(board=board, by=admin_user, logo=upload)

    assert "512 KB" in refused.value.fields["logo"][0]


@pytest.mark.parametrize("color", ["red", "#12345", "#1234567", "#gggggg", "url(x)"])
def test_a_colour_that_is_not_rrggbb_is_refused(client_as, board, color):
    response = client_as("admin").post(
        f"/boards/{board.pk}/settings/portal/brand/", {"brand_color": color}
    )

    assert response.status_code == 400
    assert Board.objects.get(pk=board.pk).brand_color == ""


def test_a_new_logo_replaces_the_old_file_after_commit(
    board, admin_user, django_capture_on_commit_callbacks
):
    brand_set(board=board, by=admin_user, logo=SimpleUploadedFile("a.png", PNG))
    board.refresh_from_db()
    old = board.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        brand_set(board=board, by=admin_user, logo=SimpleUploadedFile("b.png", PNG))

    board.refresh_from_db()
    assert board.logo.name != old
    assert not board.logo.storage.exists(old)
    assert board.logo.storage.exists(board.logo.name)


def test_removing_the_logo_deletes_it(board, admin_user, django_capture_on_commit_callbacks):
    brand_set(board=board, by=admin_user, logo=SimpleUploadedFile("a.png", PNG))
    board.refresh_from_db()
    old = board.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        brand_set(board=board, by=admin_user, remove_logo=True)

    board.refresh_from_db()
    assert (board.logo.name, board.logo_type) == ("", "")
    assert not board.logo.storage.exists(old)


def test_the_logo_is_served_as_its_checked_type_on_the_form(client, board, form_on, admin_user):
    brand_set(board=board, by=admin_user, logo=SimpleUploadedFile("a.png", PNG), color="#112233")

    page = client.get("/help/CS/").content.decode()
    logo = client.get("/portal/CS/logo/")

    assert 'src="/portal/CS/logo/"' in page
    assert "--brand: #112233" in page
    assert (logo.status_code, logo["Content-Type"]) == (200, "image/png")
    assert logo["X-Content-Type-Options"] == "nosniff"
