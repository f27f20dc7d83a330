import pytest

from saleor_amazon_feeds.listings.text import (
    fit_text,
    limits_from_schema,
    utf8_length,
)


def test_untouched_when_it_fits():
    result = fit_text("Kurz", max_chars=10, max_bytes=10)
    assert (result.value, result.trimmed, result.warning) == ("Kurz", False, None)
    assert fit_text("x" * 5).value == "x" * 5


def test_prefers_word_boundary():
    result = fit_text("Das schöne blaue Hemd aus Baumwolle", max_chars=20)
    assert result.value == "Das schöne blaue"
    assert result.trimmed
    assert "20 characters" in result.warning


def test_long_word_is_cut_hard():
    assert fit_text("Donaudampfschifffahrtsgesellschaft", max_chars=10).value == (
        "Donaudampf"
    )


@pytest.mark.parametrize("limit", range(1, 40))
def test_byte_limit_never_breaks_characters(limit):
    text = "äöü 漢字テキスト 👕🇩🇪 e\u0301 👍🏽 👨‍👩‍👧 end"
    result = fit_text(text, max_bytes=limit)
    assert utf8_length(result.value) <= limit
    assert text.startswith(result.value)
    assert result.value.encode("utf-8").decode("utf-8") == result.value


def test_emoji_and_cjk_at_byte_limits():
    # Each CJK char is 3 bytes: 7 bytes hold two of them, not two and a third.
    assert fit_text("漢字テキスト", max_bytes=7).value == "漢字"
    # 4-byte emoji: 5 bytes hold exactly one.
    assert fit_text("👕👕", max_bytes=5).value == "👕"
    # Skin tone modifier stays with its emoji or both go.
    assert fit_text("👍🏽", max_bytes=5).value == ""
    assert fit_text("ab👍🏽", max_bytes=7).value == "ab"
    # ZWJ family sequence is kept whole or dropped whole.
    family = "👨‍👩‍👧"
    assert fit_text("x" + family, max_bytes=12).value == "x"
    assert fit_text("x" + family + "y", max_chars=len(family) + 1).value == "x" + family
    # Flags are pairs of regional indicators.
    assert fit_text("🇩🇪🇫🇷", max_chars=3).value == "🇩🇪"


def test_combining_marks_stay_with_base():
    decomposed = "Cafe\u0301 au lait"
    assert fit_text(decomposed, max_chars=5).value == "Cafe\u0301"
    assert fit_text(decomposed, max_chars=4).value == "Caf"
    assert fit_text("e\u0301", max_bytes=2).value == ""


def test_both_limits_tighter_one_wins():
    text = "ä" * 100
    assert len(fit_text(text, max_chars=80, max_bytes=100).value) == 50
    assert len(fit_text(text, max_chars=40, max_bytes=100).value) == 40


def test_ellipsis_counts_towards_limits():
    result = fit_text("one two three four five", max_chars=12, ellipsis="…")
    assert result.value == "one two…"
    assert len(result.value) <= 12
    assert utf8_length(fit_text("abcdef", max_bytes=5, ellipsis="…").value) <= 5
    # No room for the ellipsis: plain cut.
    assert fit_text("abcdef", max_chars=1, ellipsis="…").value == "a"


def test_trailing_punctuation_dropped_and_negative_rejected():
    assert fit_text("Rot, Blau, Grün", max_chars=10).value == "Rot, Blau"
    with pytest.raises(ValueError):
        fit_text("x", max_chars=-1)


def test_limits_from_schema():
    assert limits_from_schema({"maxLength": 200, "maxUtf8ByteLength": 400}) == (
        200,
        400,
    )
    assert limits_from_schema({"type": "string"}) == (None, None)
