"""Helpers for the HTML page tests: the permission matrix's shape, and reading rendered pages."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]
LOGIN = "/accounts/login/"


def expect(admin, member, guest, outsider, anonymous=302):
    """Expected status per role; anonymous callers are always sent to sign in first."""
    return dict(zip(ROLES, [admin, member, guest, outsider, anonymous], strict=True))


READ = expect(200, 200, 200, 404)  # anyone on the board
WORK = expect(302, 302, 403, 404)  # members and admins act, then are redirected
MANAGE = expect(302, 403, 403, 404)  # admins only
MANAGE_PAGE = expect(200, 403, 403, 404)


def matrix_cases(matrix):
    """One test case per endpoint and role: (method, path, data, role, expected status)."""
    for method, path, data, statuses in matrix:
        for role in ROLES:
            yield pytest.param(
                method, path, data, role, statuses[role], id=f"{method.upper()} {path} {role}"
            )


def fill_path(path: str, objects: dict) -> str:
    return path.format(**{name: getattr(obj, "pk", obj) for name, obj in objects.items()})


def fill_data(data: dict | None, objects: dict) -> dict:
    return {
        key: fill_path(value, objects) if isinstance(value, str) else value
        for key, value in (data or {}).items()
    }


class _FormCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            attributes = dict(attrs)
            method = (attributes.get("method") or "get").lower()
            self.forms.append((method, attributes.get("action") or ""))


def post_form_actions(response) -> list[str]:
    """Where each POST form of the page submits to."""
    collector = _FormCollector()
    collector.feed(response.content.decode())
    return [action for method, action in collector.forms if method == "post"]


def messages_of(response) -> list[str]:
    """The messages the request left for the user (shown on the page it redirects to)."""
    return [str(message) for message in get_messages(response.wsgi_request)]
