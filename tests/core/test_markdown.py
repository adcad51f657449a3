"""Markdown rendering: @mentions of board members highlighted (and nothing else able to pass
for one), and the plain words of a text for previews."""

import pytest

from csboard.core.markdown import plain_text, render

MEMBERS = frozenset({"mia", "ann.lee"})


def test_a_mention_of_a_member_is_highlighted():
    assert (
        str(render("Thanks @mia!", MEMBERS)) == '<p>Thanks <span class="mention">@mia</span>!</p>'
    )


def test_a_mention_is_matched_whatever_its_case_and_keeps_a_full_stop_outside():
    html = str(render("Ask @Ann.Lee.", MEMBERS))

    assert '<span class="mention">@Ann.Lee</span>.' in html


def test_an_at_name_of_someone_not_on_the_board_stays_plain():
    html = str(render("Ask @olga and @miako", MEMBERS))

    assert "mention" not in html
    assert "@olga and @miako" in html


def test_without_members_nothing_is_a_mention():
    assert "mention" not in str(render("Hi @mia"))


@pytest.mark.parametrize(
    "text",
    ["`@mia`", "```\n@mia\n```", "mail mia@example.com", "[site](https://example.com/@mia)",
     "<https://example.com/@mia>"],
)  # fmt: skip
def test_code_addresses_and_urls_are_not_searched_for_mentions(text):
    assert "mention" not in str(render(text, MEMBERS))


def test_a_mention_inside_link_text_is_highlighted_and_the_link_kept():
    html = str(render("[@mia](https://example.com/x)", MEMBERS))

    assert 'href="https://example.com/x"' in html
    assert '<span class="mention">@mia</span>' in html


def test_a_span_typed_as_html_cannot_pass_for_a_mention():
    html = str(
        render('<span class="mention">@olga</span> <span class="mention x">y</span>', MEMBERS)
    )

    assert 'class="mention"' not in html
    assert "class=" not in html


def test_a_span_typed_as_html_keeps_no_other_attribute():
    html = str(
        render('<span class="mention" onclick="alert(1)" style="color:red">x</span>', MEMBERS)
    )

    assert "onclick" not in html
    assert "style" not in html
    assert "class" not in html


@pytest.mark.parametrize(
    "text",
    ['@mia"><script>alert(1)</script>', "@mia<img src=x onerror=alert(1)>",
     '[@mia](javascript:alert(1))', "**@mia**<svg onload=alert(1)>"],
)  # fmt: skip
def test_a_mention_next_to_markup_opens_no_hole(text):
    html = str(render(text, MEMBERS))

    assert '<span class="mention">@mia</span>' in html
    for bad in ("<script", "onerror", "onload", "javascript:", "<img", "<svg"):
        assert bad not in html


def test_the_same_text_renders_with_the_members_it_is_given_each_time():
    assert "mention" in str(render("cc @mia", MEMBERS))
    assert "mention" not in str(render("cc @mia", frozenset({"gus"})))


# --- Plain text for previews -------------------------------------------------------------------
def test_a_preview_drops_the_formatting_and_keeps_the_words():
    text = "# Title\n\n**Bold** and *italic* and ~~no~~\n\n- one\n- two\n\n> quoted"

    assert plain_text(text) == "Title Bold and italic and ~~no~~ one two quoted"


def test_a_preview_shows_a_link_as_its_text():
    assert plain_text("See [the docs](https://example.com/docs) now") == "See the docs now"


def test_a_preview_keeps_the_characters_of_code():
    assert plain_text("Run `make test` or\n\n```\nx = 1 < 2\n```") == "Run make test or x = 1 < 2"


def test_a_preview_of_html_in_markdown_keeps_its_text_and_drops_scripts():
    text = "<b>Hello</b> <script>alert(1)</script><em>there</em> &amp; <a href='x'>you</a>"

    assert plain_text(text) == "Hello there & you"


def test_a_preview_is_cut_at_its_limit_with_an_ellipsis():
    assert plain_text("one two three four", 9) == "one two…"
    assert plain_text("short", 9) == "short"


def test_a_preview_of_nothing_is_empty():
    assert plain_text("") == ""
    assert plain_text(None) == ""
