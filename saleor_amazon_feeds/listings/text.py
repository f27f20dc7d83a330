"""Fit text into Amazon's limits by characters and by UTF-8 bytes.

Schemas give ``maxLength`` (code points) and often ``maxUtf8ByteLength`` too;
German umlauts, CJK and emoji make the byte limit the tighter one. A cut never
splits a character, keeps combining marks, emoji sequences (ZWJ, skin tones,
variation selectors, flags) with their base, and backs up to a word boundary
when one is near. Python strings hold code points, so surrogate pairs cannot be
split here; they only exist once the text is encoded as UTF-16.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# How far back (in characters) a cut may move to end on a word boundary.
WORD_WINDOW = 30
_TRAILING = " \t\n,;:-–—/"


@dataclass(frozen=True, slots=True)
class FittedText:
    value: str
    trimmed: bool
    warning: str | None = None


def utf8_length(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


def limits_from_schema(
    value_schema: Mapping[str, Any],
) -> tuple[int | None, int | None]:
    """(max characters, max UTF-8 bytes) of a value's schema, if it gives them."""
    chars = value_schema.get("maxLength")
    size = value_schema.get("maxUtf8ByteLength")
    return (
        int(chars) if isinstance(chars, int) else None,
        int(size) if isinstance(size, int) else None,
    )


def fit_text(
    value: str,
    *,
    max_chars: int | None = None,
    max_bytes: int | None = None,
    ellipsis: str = "",
    label: str = "Text",
) -> FittedText:
    """Trim ``value`` to both limits; the warning says what was cut and why."""
    if (
        max_chars is not None
        and max_chars < 0
        or max_bytes is not None
        and max_bytes < 0
    ):
        raise ValueError("Limits must not be negative.")
    if _fits(value, max_chars, max_bytes):
        return FittedText(value, False)
    room_chars = None if max_chars is None else max_chars - len(ellipsis)
    room_bytes = None if max_bytes is None else max_bytes - utf8_length(ellipsis)
    if (room_chars is not None and room_chars <= 0) or (
        room_bytes is not None and room_bytes <= 0
    ):
        ellipsis, room_chars, room_bytes = "", max_chars, max_bytes
    cut = _hard_cut(value, room_chars, room_bytes)
    cut = _cluster_boundary(value, cut)
    cut = _word_boundary(value, cut)
    result = value[:cut].rstrip(_TRAILING)
    if result:
        result += ellipsis
    limits = []
    if max_chars is not None:
        limits.append(f"{max_chars} characters")
    if max_bytes is not None:
        limits.append(f"{max_bytes} bytes")
    warning = (
        f"{label} was shortened from {len(value)} to {len(result)} characters "
        f"to fit Amazon's limit of {' and '.join(limits)}."
    )
    return FittedText(result, True, warning)


def _fits(value: str, max_chars: int | None, max_bytes: int | None) -> bool:
    if max_chars is not None and len(value) > max_chars:
        return False
    return max_bytes is None or utf8_length(value) <= max_bytes


def _hard_cut(value: str, max_chars: int | None, max_bytes: int | None) -> int:
    cut = len(value) if max_chars is None else min(len(value), max_chars)
    if max_bytes is not None:
        head = value[:cut].encode("utf-8", "surrogatepass")[:max_bytes]
        # "ignore" drops only the partial character at the end of the slice.
        cut = len(head.decode("utf-8", "ignore"))
    return cut


def _joins_previous(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or code == 0x200D  # zero width joiner
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _cluster_boundary(value: str, cut: int) -> int:
    """Move ``cut`` back so that no grapheme cluster straddles it."""
    while 0 < cut < len(value) and (
        _joins_previous(value[cut]) or value[cut - 1] == "\u200d"
    ):
        cut -= 1
    if 0 < cut < len(value) and _is_regional_indicator(value[cut]):
        run = 0
        while cut - run > 0 and _is_regional_indicator(value[cut - run - 1]):
            run += 1
        if run % 2:
            cut -= 1
    # Hangul and other conjoining scripts are rare in listings; NFC text keeps
    # Korean syllables precomposed, so they are single code points already.
    return cut


def _word_boundary(value: str, cut: int) -> int:
    if cut >= len(value) or value[cut].isspace() or cut == 0:
        return cut
    floor = max(cut - WORD_WINDOW, 1)
    for index in range(cut - 1, floor - 1, -1):
        if value[index].isspace():
            return index
    # No space nearby (CJK, long words): a hard cut on a character boundary.
    return cut
