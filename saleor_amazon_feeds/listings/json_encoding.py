"""JSON text for Amazon payloads, with money kept as exact decimals.

``json.dumps`` cannot write a Decimal as a number, and converting to float first
turns 19.99 into a binary approximation that Amazon's ``multipleOf: 0.01`` checks
can reject. Decimals are handed to orjson as pre-serialised fragments, digit for
digit; orjson does the rest, which matters because the feed build writes every
message of the catalog through here.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson


def dumps(value: Any) -> str:
    """Serialise plain JSON data (dict, list, str, int, bool, None, Decimal).

    Amounts are Decimals throughout the plugin: orjson would write a float NaN
    as null, so floats are not meant to reach here.
    """
    return dumps_bytes(value).decode("utf-8")


def dumps_bytes(value: Any) -> bytes:
    """Like ``dumps``, as UTF-8 bytes (what a feed document is made of)."""
    try:
        return orjson.dumps(value, default=_default)
    except orjson.JSONEncodeError as exc:
        # A non-finite number is a bad value, not a bad type: keep them apart
        # so callers can tell a wrong amount from a programming error.
        if isinstance(exc.__cause__, ValueError):
            raise exc.__cause__ from None
        raise TypeError(str(exc)) from None


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as a JSON number")
        return orjson.Fragment(format(value, "f"))
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
