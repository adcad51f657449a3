"""Every page of the request form and its settings renders in each state a board can be in (no
settings row, empty intro, no logo, no column, no brand; everything set); the rating pages a
customer reaches from a CSAT email are the board's customer pages too."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boards.services import tag_create
from feedback import services as feedback
from portal.models import PortalSettings
from portal.services import brand_set
from tests.portal.test_settings import PNG

CUSTOMER_PAGES = ["/help/CS/", "/help/CS/embed/", "/help/CS/sent/", "/help/CS/embed/sent/"]


@pytest.fixture(params=["bare", "everything"])
def state(request, board, admin_user, columns):
    """The form on, with nothing else set (no intro, logo, column, colour, areas), or all of it."""
    row = PortalSettings.objects.create(board=board, form_enabled=True)
    if request.param == "everything":
        row.title, row.intro, row.column = "Ask us", "We answer **within a day**.", columns[1]
        row.ask_priority = row.ask_company = row.portal_enabled = True
        row.frame_ancestors = "https://www.example.com"
        row.save()
        row.areas.add(tag_create(board=board, name="Billing", color="#22c55e"))
        brand_set(board=board, by=admin_user, color="#0f766e",
                  logo=SimpleUploadedFile("logo.png", PNG))  # fmt: skip
    return request.param


@pytest.mark.parametrize("path", CUSTOMER_PAGES)
def test_every_customer_page_renders_in_each_state(client, board, state, path):
    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in html  # laid out for a phone
    if state == "everything":
        assert "--brand: #0f766e" in html
        if "embed" not in path:
            assert 'src="/portal/CS/logo/"' in html
    else:
        assert "--brand:" not in html
        assert "/logo/" not in html
        if "embed" not in path:
            assert "customer-header__mark" in html


def test_the_intro_is_markdown_with_html_removed(client, board, form_on):
    form_on.intro = "We answer **fast**. <script>alert(1)</script>[x](javascript:alert(1))"
    form_on.save()

    html = client.get("/help/CS/").content.decode()

    assert "<strong>fast</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


def test_a_deleted_column_sends_requests_to_the_first_one(client, board, form_on, columns):
    from tests.portal.conftest import request_data
    from tickets.models import Ticket

    form_on.column = columns[-1]
    form_on.save()
    columns[-1].delete()  # SET_NULL: the settings keep no column

    client.post("/help/CS/", request_data(board))

    assert Ticket.objects.get().column == columns[0]


@pytest.mark.parametrize("with_row", [False, True])
def test_the_settings_page_renders_with_and_without_settings(client_as, board, with_row):
    if with_row:
        PortalSettings.objects.create(board=board, form_enabled=True, intro="Hi")

    response = client_as("admin").get(f"/boards/{board.pk}/settings/portal/")

    assert response.status_code == 200
    assert ("The form is on" in response.content.decode()) == with_row


# --- The rating pages --------------------------------------------------------------------------
def test_the_rating_thanks_is_in_the_boards_brand(client, board, ticket, admin_user):
    brand_set(board=board, by=admin_user, color="#0f766e")

    response = client.get(f"/feedback/csat/{feedback.csat_token(ticket)}/5/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "customer-page" in html
    assert "--brand: #0f766e" in html
    assert "Customer Success" in html
    assert "Team discount?" in html
    assert 'class="app-header' not in html
    assert "My boards" not in html


def test_an_expired_rating_link_is_refused_in_the_boards_brand(
    client, board, ticket, admin_user, monkeypatch
):
    brand_set(board=board, by=admin_user, color="#0f766e")
    token = feedback.csat_token(ticket)
    monkeypatch.setattr(feedback, "CSAT_LINK_DAYS", -1)

    response = client.get(f"/feedback/csat/{token}/5/")

    assert response.status_code == 410
    assert "--brand: #0f766e" in response.content.decode()


def test_a_tampered_rating_link_is_refused_on_a_page_without_a_board(client, ticket):
    response = client.get(f"/feedback/csat/{feedback.csat_token(ticket)}x/5/")

    html = response.content.decode()
    assert response.status_code == 400
    assert "customer-page" in html
    assert "customer-header" not in html
    assert "not valid" in html


def test_the_settings_page_reads_a_fixed_number_of_queries(
    client_as, board, admin_user, django_assert_max_num_queries
):
    row = PortalSettings.objects.create(board=board, form_enabled=True)
    for n in range(8):
        row.areas.add(tag_create(board=board, name=f"Area {n}", color="#22c55e"))
    client = client_as("admin")

    with django_assert_max_num_queries(14):
        response = client.get(f"/boards/{board.pk}/settings/portal/")

    assert response.content.decode().count("Area ") == 8


def test_the_thank_you_page_reads_a_fixed_number_of_queries(
    client, board, form_on, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert client.get("/help/CS/sent/").status_code == 200
