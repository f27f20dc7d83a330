import json

import pytest

from saleor_amazon_feeds.listings.editorjs import (
    editorjs_to_description,
    inline_html_to_text,
)


def doc(*blocks) -> dict:
    return {"time": 1, "blocks": list(blocks), "version": "2.28.0"}


def test_paragraphs_headers_entities_and_whitespace():
    d = editorjs_to_description(
        doc(
            {
                "type": "header",
                "data": {"text": "Gro&szlig;es <b>T-Shirt</b>", "level": 2},
            },
            {
                "type": "paragraph",
                "data": {
                    "text": "Weich &amp; leicht.<br>Zweite&nbsp;&nbsp; Zeile\n  hier"
                },
            },
        )
    )
    assert d.text == "Großes T-Shirt\nWeich & leicht.\nZweite Zeile hier"
    assert d.bullets == []
    assert d.warnings == []


def test_scripts_styles_comments_are_dropped():
    text = inline_html_to_text(
        'Ok<script>alert("x")</script><style>p{color:red}</style><!-- hidden -->'
        '<a href="javascript:evil()">Link</a>'
    )
    assert text == "OkLink"
    assert "alert" not in text


def test_nested_lists_become_flat_bullets():
    d = editorjs_to_description(
        doc(
            {
                "type": "list",
                "data": {
                    "style": "unordered",
                    "items": [
                        "<i>Baumwolle</i> 100&nbsp;%",
                        {
                            "content": "Pflege",
                            "items": [
                                {"content": "30 °C", "items": []},
                                "nicht bügeln",
                            ],
                        },
                    ],
                },
            },
            {"type": "list", "data": {"style": "ordered", "items": ["Eins", "Zwei"]}},
            {
                "type": "checklist",
                "data": {"items": [{"text": "Fertig", "checked": True}]},
            },
        )
    )
    assert d.bullets == [
        "Baumwolle 100 %",
        "Pflege",
        "30 °C",
        "nicht bügeln",
        "Eins",
        "Zwei",
        "Fertig",
    ]
    assert d.text.splitlines() == [
        "• Baumwolle 100 %",
        "• Pflege",
        "• 30 °C",
        "• nicht bügeln",
        "1. Eins",
        "2. Zwei",
        "• Fertig",
    ]


def test_quote_table_and_ignored_blocks():
    d = editorjs_to_description(
        doc(
            {"type": "quote", "data": {"text": "Top!", "caption": "Kundin"}},
            {"type": "table", "data": {"content": [["Größe", "M"], ["", ""]]}},
            {"type": "delimiter", "data": {}},
            {"type": "image", "data": {"file": {"url": "https://x/y.png"}}},
        )
    )
    assert d.text == "Top!\n— Kundin\nGröße | M"
    assert d.warnings == []


def test_broken_blocks_never_crash():
    d = editorjs_to_description(
        doc(
            "garbage",
            {"type": "paragraph"},
            {"type": "paragraph", "data": {"text": 5}},
            {"type": "list", "data": {"items": "oops"}},
            {"type": "list", "data": {"items": [None, {"content": 3}, "ok"]}},
            {"type": "mystery", "data": {"text": "read anyway"}},
            {"type": "mystery2", "data": {"x": 1}},
            {"type": "paragraph", "data": {"text": "still here"}},
        )
    )
    assert d.text == "• ok\nread anyway\nstill here"
    assert d.bullets == ["ok"]
    assert len(d.warnings) == 8
    assert "Block 1 is not an object" in d.warnings[0]


@pytest.mark.parametrize(
    ("raw", "text", "warning"),
    [
        (None, "", None),
        ("", "", None),
        (42, "", "not an EditorJS object"),
        ({"blocks": None}, "", "no list of blocks"),
        ("Plain old text\nsecond line", "Plain old text\nsecond line", "not EditorJS"),
        ("<p>Old <b>HTML</b></p>", "Old HTML", "not EditorJS"),
    ],
)
def test_odd_inputs(raw, text, warning):
    d = editorjs_to_description(raw)
    assert d.text == text
    if warning:
        assert warning in d.warnings[0]
    else:
        assert d.warnings == []


def test_truncated_json_keeps_complete_texts():
    full = json.dumps(
        doc(
            {"type": "paragraph", "data": {"text": 'Erst "zitiert"'}},
            {"type": "paragraph", "data": {"text": "Zweiter Absatz"}},
        )
    )
    d = editorjs_to_description(full[:-30].encode())
    assert d.text == 'Erst "zitiert"'
    assert "damaged" in d.warnings[0]
    assert editorjs_to_description(full).text == 'Erst "zitiert"\nZweiter Absatz'


def test_html_breaks_escape_text():
    d = editorjs_to_description(
        doc({"type": "paragraph", "data": {"text": "a &lt; b &amp; c<br>next"}})
    )
    assert d.text == "a < b & c\nnext"
    assert d.as_html_breaks() == "a &lt; b &amp; c<br>next"


def test_control_characters_and_block_tags_in_inline_html():
    assert inline_html_to_text("a\x00b\x07c") == "abc"
    assert inline_html_to_text("<p>a</p><p>b</p>c<div>d</div>e") == "a\nb\nc\nd\ne"
    assert inline_html_to_text("e\u0301") == "é"  # NFC
    assert inline_html_to_text("   ") == ""


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("A <b>cotton</b> shirt.", "A cotton shirt."),
        (
            '<a href="https://x.y/?a=1&amp;b=2" target="_blank">link</a> &amp; co',
            "link & co",
        ),
        ('x <span style="color: red">red</span>', "x red"),
        ("<B>Bold</B>&nbsp;x", "Bold x"),
        ('<a title="a>b">t</a>', "t"),
        ("x <i>y</i> <u>z</u> &lt;tag&gt;", "x y z <tag>"),
        # Not inline-only: lxml decides (line break, dropped script).
        ("a<b>b</b><br>c", "ab\nc"),
        ("<b>y</b><script>x</script>", "y"),
    ],
)
def test_inline_fast_path_matches_html_parsing(fragment, text):
    assert inline_html_to_text(fragment) == text
