"""Every page of the site, as a browser visits it, for the sweeps that must hold on all of them
(tests/browser/test_accessibility.py: axe-core; tests/browser/test_phone.py: the width of a
phone). The team's pages come from tests/test_pages_every_state.py's `pages_of` (which a test
keeps in step with the URLconf); the pages of a signed-out visitor and of a customer are listed
here."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from feedback.services import csat_token
from portal import auth
from portal.models import PortalSettings
from tests.factories import PASSWORD
from tests.test_pages_every_state import pages_of

# Downloads (CSV exports, files) and the fragments the board's live redraw fetches alone are
# not pages: the fragments are checked inside the page that holds them (a rule form's row, in the
# rule form).
NOT_PAGES = {
    "boards:export-tickets", "feedback:export", "metrics:export", "workspace:attachment",
    "workspace:board-file", "boards:detail_columns", "workspace:board-chat-live",
    "workspace:board-files-live", "tickets:panel", "metrics:company-export", "my:work_live",
    "automation:row",
}  # fmt: skip
ROLES = ["admin", "member", "guest"]


def team_pages(states) -> list[str]:
    """The addresses of every page a signed-in user opens, each once."""
    board = states["board"]
    urls = [url for name, urls in pages_of(states).items() if name not in NOT_PAGES for url in urls]
    # The ticket panel (a fragment) as it is seen: open over the board, by its shared address.
    panels = [
        f"{reverse('boards:detail', args=[board.pk])}?ticket={t.number}" for t in states["tickets"]
    ]
    # The portal's settings page is the team's, though its URL name is the portal's.
    return [*urls, *panels, reverse("portal:settings", args=[board.pk]), "/boards/0/"]  # and a 404


def signed_out_pages(user) -> list[str]:
    """Signing in, signing up and resetting a password, for someone signed out."""
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return [
        reverse("login"),
        reverse("signup"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_confirm", args=[uid, token]),  # goes on to the new password form
        reverse("password_reset_complete"),
    ]


def visit_customer_pages(page, states, check) -> None:
    """Open each page a customer sees on the states' board (its request form and portal on),
    calling `check(page)` on each: the form and its thank-you page (on a page and in an
    <iframe>), the portal's sign-in form, the mailed sign-in link's page, then signed in by
    its Continue button the ticket list and a ticket, the thanks for a rating, and a rating
    link that is not valid."""
    board, ticket = states["board"], states["tickets"][0]
    PortalSettings.objects.update_or_create(
        board=board, defaults={"form_enabled": True, "portal_enabled": True}
    )
    signed_out = [
        reverse("portal:form", args=[board.key]),
        reverse("portal:form-sent", args=[board.key]),
        reverse("portal:form-embed", args=[board.key]),
        reverse("portal:form-embed-sent", args=[board.key]),
        reverse("portal:home", args=[board.key]),
        reverse("feedback:csat", args=[csat_token(ticket), 5]),
        reverse("feedback:csat", args=["not-a-token", 5]),
        reverse(
            "portal:link", args=[board.key, auth.link_create(board=board, customer=ticket.customer)]
        ),
    ]
    for url in signed_out:
        page.goto(url)
        check(page)
    page.get_by_role("button", name="Continue to your requests").click()
    page.wait_for_url(f"**{reverse('portal:home', args=[board.key])}")
    check(page)
    page.goto(reverse("portal:ticket", args=[board.key, ticket.number]))
    check(page)


def sign_in(page, user, password=PASSWORD) -> None:
    """Sign the page's browser in as `user` through the sign-in form."""
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: reverse("login") not in url)


def visit_as(page, states, user, check) -> None:
    """Open every page `user` opens, signed in (None: every page of someone signed out and of a
    customer), calling `check(page)` on each."""
    if user is None:
        anyone = states["board"].memberships.first().user
        for url in signed_out_pages(anyone):
            page.goto(url)
            check(page)
        visit_customer_pages(page, states, check)
        return
    sign_in(page, user)
    for url in team_pages(states):
        page.goto(url)
        check(page)
