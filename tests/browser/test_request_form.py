"""The request form embedded in an <iframe> on another site, in a real browser: a page served
on 127.0.0.1 frames the form on localhost (another site, so no SameSite=Lax cookie reaches the
frame), and the customer's request opens a ticket; a site the board does not name cannot frame
the form at all."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from portal.models import PortalSettings
from tests.factories import PASSWORD
from tickets.models import Source, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def embedding_site(live_server):
    """A customer's own web site on http://127.0.0.1:<port>/, whose page frames the form."""
    form = f"{live_server.url}/help/CS/embed/"
    page = (
        "<!doctype html><html><head><title>Acme support</title></head><body>"
        f'<h1>Acme</h1><iframe src="{form}" title="Contact us" style="width:100%;height:900px">'
        "</iframe></body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def form_on(board):
    return PortalSettings.objects.create(board=board, form_enabled=True)


def test_a_customer_sends_the_form_embedded_on_another_site(
    new_page, live_server, embedding_site, board, form_on
):
    assert live_server.url.startswith("http://localhost:")
    form_on.frame_ancestors = embedding_site
    form_on.save()
    page = new_page()
    page.goto(embedding_site)

    frame = page.frame_locator("iframe")
    frame.get_by_label("Your name").fill("Dana Scully")
    frame.get_by_label("Your email").fill("dana@fbi.example")
    frame.get_by_label("Subject").fill("Invoice missing")
    frame.get_by_label("Message").fill("My invoice for March never arrived.")
    page.wait_for_timeout(3200)  # a person takes a few seconds (the form's timing check)
    frame.get_by_role("button", name="Send request").click()

    expect(frame.get_by_role("heading", name="Thank you: we have your request")).to_be_visible()
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.title, ticket.customer_email) == (
        Source.FORM, "Invoice missing", "dana@fbi.example",
    )  # fmt: skip
    assert page.url == f"{embedding_site}/"  # the customer never left their site


def test_a_site_the_board_does_not_name_cannot_frame_the_form(
    new_page, embedding_site, board, form_on
):
    form_on.frame_ancestors = "https://www.example.com"
    form_on.save()
    page = new_page()
    page.goto(embedding_site)
    page.wait_for_timeout(1000)

    frame = page.frames[-1]
    assert frame is not page.main_frame
    assert frame.locator("form").count() == 0  # the browser refused to show it


def test_the_customer_portal_settings_fit_a_phone(new_page, sign_in, board, form_on):
    """The page's long addresses (the form's, the portal's) wrap rather than push it sideways."""
    page = new_page({"width": 390, "height": 844})
    sign_in(page, "alice", PASSWORD)
    page.goto(f"/boards/{board.pk}/settings/portal/")
    expect(page.get_by_role("heading", name="Customer portal")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
