"""Who may frame the form: the page form nobody (frame-ancestors 'none', X-Frame-Options DENY);
the embeddable one, and its thank-you page, only the origins the board's admins name."""

import pytest

from portal.services import portal_settings_set


def csp(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


@pytest.mark.parametrize("path", ["/help/CS/", "/help/CS/sent/"])
def test_the_page_form_cannot_be_framed(client, board, form_on, admin_user, path):
    portal_settings_set(board=board, by=admin_user, frame_ancestors="https://www.example.com")

    response = client.get(path)

    assert csp(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/help/CS/embed/", "/help/CS/embed/sent/"])
def test_the_embeddable_form_is_framed_by_the_boards_origins_only(
    client, board, form_on, admin_user, path
):
    portal_settings_set(
        board=board, by=admin_user,
        frame_ancestors="https://www.example.com\nhttps://*.example.org:8443",
    )  # fmt: skip

    response = client.get(path)

    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == "https://www.example.com https://*.example.org:8443"
    assert "X-Frame-Options" not in response
    assert csp(response)["script-src"] == "'self'"  # the rest of the policy stays


def test_the_embeddable_form_without_origins_is_framed_nowhere(client, board, form_on):
    response = client.get("/help/CS/embed/")

    assert csp(response)["frame-ancestors"] == "'none'"
    assert "X-Frame-Options" not in response


def test_a_refused_embedded_submission_stays_frameable(client, board, form_on, admin_user):
    portal_settings_set(board=board, by=admin_user, frame_ancestors="https://www.example.com")

    response = client.post("/help/CS/embed/", {"name": ""}, HTTP_ORIGIN="http://testserver")

    assert response.status_code == 400
    assert csp(response)["frame-ancestors"] == "https://www.example.com"
    assert "X-Frame-Options" not in response


def test_the_embedded_form_has_no_header_and_no_csrf_token(client, board, form_on):
    page = client.get("/help/CS/embed/").content.decode()

    assert "customer-header" not in page
    assert "csrfmiddlewaretoken" not in page
    assert 'action="/help/CS/embed/"' in page
