"""The metrics dashboard in Chromium: the charts are drawn from the page's numbers."""

import pytest
from playwright.sync_api import expect

from feedback.services import feedback_receive
from tests.factories import PASSWORD
from tickets.models import Status
from tickets.services import ticket_create, ticket_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_its_charts(new_page, sign_in, board, member_user):
    for index in range(3):
        ticket = ticket_create(
            board=board, created_by=member_user, title=f"T{index}", assignees=[member_user]
        )
    ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
    feedback_receive(board=board, kind="nps", score=10, email="a@example.com")
    page = new_page()
    sign_in(page, "mia", PASSWORD)

    page.goto(f"/boards/{board.pk}/")
    page.get_by_role("link", name="Metrics").click()

    expect(page.locator("body")).to_have_attribute("data-charts-drawn", "true")
    for chart in ("chart-volume", "chart-scores", "chart-agents", "chart-flow"):
        painted = page.evaluate(
            """id => { const c = document.getElementById(id);
                       const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       return px.some(v => v !== 0); }""",
            chart,
        )
        assert painted, chart
    expect(page.get_by_role("cell", name="3", exact=True)).to_be_visible()
    # One agent's own dashboard is a click away.
    page.locator("#main").get_by_role("link", name="Mia Member").click()
    expect(page.get_by_role("heading", name="Metrics · Mia Member")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-charts-drawn", "true")
