"""Dark mode in a real browser: the system setting (prefers-color-scheme) unless the user chose
on their settings page, which the server draws as data-theme on <html>; the customer pages
follow the system only; the charts take the theme's colours. Screenshots of the board, a
ticket and the metrics, light and dark, on a desktop and a phone, go to docs/screenshots/
(README, "Screenshots")."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Theme, User
from boards.models import Board
from portal.models import PortalSettings
from tests.browser.every_page import sign_in
from web.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# --color-bg of each theme (static/css/tokens.css), as the browser computes it.
LIGHT_BG, DARK_BG = "rgb(243, 244, 247)", "rgb(15, 18, 24)"
BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"


def test_a_user_who_switches_to_dark_sees_every_page_dark_on_a_light_system(
    new_page, board, member_user
):
    page = new_page(color_scheme="light")
    sign_in(page, member_user)
    page.goto(reverse("sla:email_preferences"))
    assert page.evaluate(BACKGROUND) == LIGHT_BG

    page.get_by_label("Dark").check()
    page.get_by_role("button", name="Save theme").click()

    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert page.evaluate(BACKGROUND) == DARK_BG
    page.goto(reverse("boards:detail", args=[board.pk]))
    assert page.evaluate(BACKGROUND) == DARK_BG
    assert User.objects.get(pk=member_user.pk).theme == Theme.DARK


def test_a_user_on_the_system_theme_follows_the_system(new_page, member_user):
    page = new_page(color_scheme="dark")
    sign_in(page, member_user)

    assert page.evaluate("() => document.documentElement.dataset.theme") is None
    assert page.evaluate(BACKGROUND) == DARK_BG


def test_a_user_who_chose_light_stays_light_on_a_dark_system(new_page, member_user):
    User.objects.filter(pk=member_user.pk).update(theme=Theme.LIGHT)
    page = new_page(color_scheme="dark")
    sign_in(page, member_user)

    assert page.evaluate(BACKGROUND) == LIGHT_BG


# A customer page's background, --color-surface-muted, in each theme.
@pytest.mark.parametrize(
    ("scheme", "background"), [("light", "rgb(248, 249, 251)"), ("dark", "rgb(29, 34, 44)")]
)
def test_the_customer_pages_follow_the_system_setting(new_page, board, scheme, background):
    PortalSettings.objects.create(board=board, form_enabled=True)
    page = new_page(color_scheme=scheme)

    page.goto(reverse("portal:form", args=[board.key]))

    assert page.locator("html").get_attribute("data-theme") is None
    assert page.evaluate(BACKGROUND) == background


def test_the_charts_take_the_colours_of_the_dark_theme(new_page, board, member_user):
    page = new_page(color_scheme="dark")
    sign_in(page, member_user)

    page.goto(reverse("metrics:dashboard", args=[board.pk]))

    expect(page.locator("body[data-charts-drawn]")).to_be_attached()
    # --color-text-muted and --chart-0 of the dark theme
    assert page.evaluate("() => Chart.defaults.color") == "rgb(180, 188, 203)"
    flow = page.evaluate(
        "() => Chart.getChart('chart-flow').data.datasets.map((d) => d.borderColor)"
    )
    assert "rgb(165, 180, 252)" in flow


def shot(page, name):
    page.screenshot(path=str(SHOTS / name), full_page=False)


def test_screenshots_of_the_board_a_ticket_and_the_metrics_light_and_dark(new_page, asgi_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    board = Board.objects.get(key="CS")
    ticket = board.tickets.order_by("number").first()
    pages = {
        "board": reverse("boards:detail", args=[board.pk]),
        "ticket": reverse("tickets:detail", args=[board.pk, ticket.number]),
        "metrics": reverse("metrics:dashboard", args=[board.pk]),
    }
    for scheme in ("light", "dark"):
        for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = new_page(viewport, color_scheme=scheme)
            sign_in(page, User.objects.get(username="member"), password=DEMO_PASSWORD)
            for name, url in pages.items():
                page.goto(url)
                if name == "metrics":
                    expect(page.locator("body[data-charts-drawn]")).to_be_attached()
                if name == "board":  # as a rep sees it: live
                    expect(page.locator("[data-live-status]")).to_have_text("Live")
                assert page.evaluate(BACKGROUND) == (DARK_BG if scheme == "dark" else LIGHT_BG)
                shot(page, f"{name}-{scheme}-{device}.png")
