"""axe-core (installed from npm, package.json's devDependencies) on every page, for every role
and signed out, in the light theme and the dark: no serious or critical violation anywhere.
The pages are tests/browser/every_page.py's; the failures are listed page by page, rule and
element, so that one run shows all that is left to fix."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.every_page import ROLES, visit_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = ["light", "dark"]
# WCAG 2.1 A and AA, and the best practices axe counts as serious (landmarks, headings…).
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({rule: v.id, impact: v.impact, help: v.help,
                  targets: v.nodes.slice(0, 5).map((n) =>
                    n.target.join(" ") + (v.id === "color-contrast" ? ` [${n.any[0].message}]` : ""))}));
}"""


class Axe:
    """Runs axe on each page it is given and keeps what it finds, page by page."""

    def __init__(self):
        self.found = []

    def __call__(self, page):
        page.wait_for_load_state("load")
        if not page.evaluate("() => !!window.axe"):
            page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(RUN):
            self.found.append(
                f"{page.url}: {violation['rule']} ({violation['impact']}: {violation['help']}) "
                f"at {', '.join(violation['targets'])}"
            )

    def report(self) -> str:
        return "\n".join(self.found)


@pytest.fixture(params=SCHEMES)
def scheme(request):
    return request.param


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_no_page_has_a_serious_violation(states, new_page, user_for, role, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)  # axe is an inline script
    axe = Axe()

    visit_as(page, states, user_for(role), axe)

    assert not axe.found, f"{len(axe.found)} serious findings:\n{axe.report()}"


def test_axe_reports_a_violation_it_is_shown(new_page, live_server):
    """The sweep can fail: a page with an unlabelled field and grey-on-grey text is caught."""
    page = new_page(bypass_csp=True)
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        """() => { document.querySelector("main").insertAdjacentHTML("beforeend",
        '<input id="bare"><p style="color:#aaa;background:#bbb">faint</p>'); }"""
    )
    axe = Axe()

    axe(page)

    assert any("label" in found and "#bare" in found for found in axe.found)
    assert any("color-contrast" in found for found in axe.found)
