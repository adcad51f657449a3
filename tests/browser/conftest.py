"""Playwright against Debian's Chromium and pytest-django's live server.

Playwright's sync API keeps an event loop running in the test thread, which Django would
otherwise take for async code and refuse database access from.
"""

import os
import shutil

import pytest

# The board in every state (tests/test_pages_every_state.py), for the sweeps of every page.
from tests.test_pages_every_state import states  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it with apt-get.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """Open pages in fresh browser contexts (one per user), closed after the test. They talk to
    the ASGI server when the test asks for `asgi_server`, else to pytest-django's live server."""
    contexts = []
    if "asgi_server" in request.fixturenames:
        base_url = request.getfixturevalue("asgi_server")
    else:
        base_url = request.getfixturevalue("live_server").url

    def make(viewport=None, **options):
        """`options` go to the context, e.g. color_scheme="dark" (the system setting)."""
        context = browser.new_context(
            base_url=base_url, viewport=viewport or {"width": 1440, "height": 900}, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in():
    def do(page, username, password):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return do
