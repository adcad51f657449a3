"""The front end's scripts take every URL from the page (data-* attributes written with
{% url %} or {% socket_url %}), so that a route changes in one place."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve

from boards.consumers import BoardConsumer

SCRIPTS = sorted((Path(settings.BASE_DIR) / "static" / "js").glob("*.js"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_a_script_names_no_url_of_the_site(script):
    assert not re.findall(r"/(?:api|boards|ws|accounts|notifications)/", script.read_text())


def test_the_board_page_gives_its_scripts_the_urls_they_call(board, columns, client_as):
    html = client_as("admin").get(f"/boards/{board.pk}/").content.decode()

    assert f'data-socket-url="/ws/boards/{board.pk}/"' in html
    assert f'data-live-url="/boards/{board.pk}/live/columns/"' in html
    assert f'data-tickets-url="/api/boards/{board.pk}/tickets/"' in html
    assert f'data-url="/api/boards/{board.pk}/columns/{columns[0].pk}/"' in html
    assert f'data-live-url="/boards/{board.pk}/chat/live/"' in html
    assert f'data-live-url="/boards/{board.pk}/files/live/"' in html


def test_the_socket_url_a_page_is_given_is_the_board_sockets_route(board):
    from csboard.core.templatetags.ui import socket_url

    match = resolve(socket_url("board-socket", board.pk), urlconf=settings.SOCKET_URLCONF)

    assert match.func.consumer_class is BoardConsumer
    assert match.kwargs == {"board_id": board.pk}


STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))


def test_the_pages_link_every_stylesheet_tokens_first(client):
    html = client.get("/accounts/login/").content.decode()

    linked = re.findall(r'<link rel="stylesheet" href="/static/css/([\w-]+\.css)">', html)
    assert linked[0] == "tokens.css"
    assert sorted(linked) == sorted(path.name for path in STYLESHEETS)


@pytest.mark.parametrize("sheet", STYLESHEETS, ids=lambda path: path.name)
def test_a_stylesheet_wins_by_its_selectors_and_takes_its_colours_from_the_tokens(sheet):
    css = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)

    assert "!important" not in css
    if sheet.name != "tokens.css":
        assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(\s*\d", css)


@pytest.mark.parametrize("sheet", STYLESHEETS, ids=lambda path: path.name)
def test_a_stylesheet_closes_every_block_it_opens(sheet):
    """A brace left open (a merge's leftover) silently nests the rest of the file in a rule."""
    css = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)
    depth = 0
    for line_number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"line {line_number} closes a block never opened"
    assert depth == 0
