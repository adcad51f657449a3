"""A customer's mail as HTML inside our pages: cleaned, and its `cid:` images pointed at the files
that came with it."""

from csboard.core.mailhtml import content_id_key, sanitise, with_images


def test_an_inline_image_points_at_its_file_whatever_the_case_or_encoding_of_its_cid():
    html = '<img src="cid:Shot%40X.example" alt="a"><img src="CID:shot@x.example" alt="b">'

    shown = with_images(html, {"shot@x.example": "/files/1/?size=a&b"})

    assert shown == (
        '<img src="/files/1/?size=a&amp;b" alt="a"><img src="/files/1/?size=a&amp;b" alt="b">'
    )


def test_an_image_without_its_file_or_from_elsewhere_keeps_no_source():
    html = '<img src="cid:other@x" alt="a"><img src="https://t.example/p.gif" alt="b">'

    assert with_images(html, {"shot@x": "/files/1/"}) == '<img alt="a"><img alt="b">'


def test_what_was_stored_is_cleaned_again_when_shown():
    stored = '<p onclick="x()">Hi<script>alert(1)</script></p><a href="javascript:x()">y</a>'

    assert with_images(stored, {}) == '<p>Hi</p><a rel="noopener noreferrer nofollow">y</a>'
    assert sanitise("\x00<b>bold</b>") == "<b>bold</b>"


def test_a_source_cannot_break_out_of_its_attribute():
    html = '<img src="cid:a&quot;onerror=&quot;x()" alt="a">'

    shown = with_images(html, {'a"onerror="x()': '/f/"><script>'})

    assert shown == '<img src="/f/&quot;&gt;&lt;script&gt;" alt="a">'


def test_content_ids_compare_without_brackets_or_case():
    assert content_id_key(" <Image001.PNG@01DB> ") == "image001.png@01db"
