"""JSON text for Amazon payloads, with money kept as exact decimals.

``json.dumps`` cannot write a Decimal as a number, and converting to float first
turns 19.99 into a binary approximation that Amazon's ``multipleOf: 0.01`` checks
can reject. This writer prints Decimals digit for digit.
"""

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

_encode_string = json.JSONEncoder(ensure_ascii=False).encode


def dumps(value: Any) -> str:
    """Serialise plain JSON data (dict, list, str, int, bool, None, Decimal)."""
    parts: list[str] = []
    _write(value, parts.append)
    return "".join(parts)


def _write(value: Any, emit) -> None:
    if value is None:
        emit("null")
    elif value is True:
        emit("true")
    elif value is False:
        emit("false")
    elif isinstance(value, str):
        emit(_encode_string(value))
    elif isinstance(value, int):
        emit(str(int(value)))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as a JSON number")
        emit(format(value, "f"))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be written as a JSON number")
        emit(repr(value))
    elif isinstance(value, Mapping):
        emit("{")
        first = True
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {key!r}")
            if not first:
                emit(",")
            first = False
            emit(_encode_string(key))
            emit(":")
            _write(item, emit)
        emit("}")
    elif isinstance(value, list | tuple):
        emit("[")
        for index, item in enumerate(value):
            if index:
                emit(",")
            _write(item, emit)
        emit("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
