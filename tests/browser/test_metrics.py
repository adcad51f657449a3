"""The metrics dashboard in Chromium: the charts are drawn from the page's numbers."""

import re

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
    page.locator("#main").get_by_role("link", name="Metrics").click()

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


def test_the_company_view_leads_to_an_agent_and_a_board(
    new_page, sign_in, board, admin_user, member_user
):
    ticket = ticket_create(board=board, created_by=member_user, title="T", assignees=[member_user])
    ticket_update(ticket=ticket, by=member_user, status=Status.RESOLVED)
    page = new_page()
    sign_in(page, "alice", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Metrics").click()
    expect(page.get_by_role("heading", name="Company metrics")).to_be_visible()
    expect(page.get_by_text("Across the 1 board you administer")).to_be_visible()

    page.get_by_role("link", name="Mia Member").click()
    expect(page.get_by_role("heading", name="Metrics · Mia Member")).to_be_visible()
    page.get_by_role("link", name="Customer Success").click()
    expect(page.get_by_role("heading", name="Metrics · Mia Member")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/boards/{board.pk}/metrics/\?start=.*&agent="))


def test_a_manager_makes_a_team_and_reads_its_page(new_page, sign_in, board, member_user):
    ticket_create(board=board, created_by=member_user, title="T", assignees=[member_user])
    page = new_page()
    sign_in(page, "alice", PASSWORD)
    page.goto("/metrics/teams/")

    page.get_by_label("Name").fill("Tier 1")
    page.get_by_role("checkbox", name="Mia Member").check()
    page.get_by_role("button", name="Make the team").click()

    expect(page.get_by_role("heading", name="Team Tier 1")).to_be_visible()
    expect(page.get_by_text("Tickets assigned to the team’s 1 agent")).to_be_visible()


def test_the_customers_list_leads_to_the_customer_and_back(new_page, sign_in, board, member_user):
    ticket_create(
        board=board, created_by=member_user, title="Refund", customer_email="dana@example.com",
        customer_name="Dana Scully",
    )  # fmt: skip
    page = new_page()
    sign_in(page, "mia", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    main = page.get_by_role("main")
    main.get_by_role("searchbox").fill("scully")
    main.get_by_role("button", name="Search").click()
    expect(page.get_by_role("img", name="Tickets opened per month")).to_have_count(1)
    page.get_by_role("link", name="Dana Scully").click()

    expect(page.get_by_role("heading", name="Dana Scully")).to_be_visible()
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
