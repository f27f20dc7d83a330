"""Validate bodies against Amazon's published models and schemas, read in place.

Everything here degrades to "no validation" when the spec folder is absent, so
the sandbox still runs from a bare checkout.
"""

from functools import cache
from typing import Any

from jsonschema import (
    Draft4Validator,
    Draft7Validator,
    Draft202012Validator,
    FormatChecker,
)
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend

from saleor_amazon_feeds.spapi_spec import load_json, spec_dir

from . import clock

FEED_SCHEMA = "schemas/listings-feed-schema-v2.json"
MESSAGE_SCHEMA = "schemas/listings-feed-message-schema-v2.json"
REPORT_SCHEMA = "schemas/listings-feed-processing-report-schema-v2.json"

_formats = FormatChecker(formats=())


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    # jsonschema only checks date-time with an optional package; Amazon rejects
    # "02/21/2022" style dates, so the sandbox must too.
    if not isinstance(value, str) or "T" not in value.upper():
        return not isinstance(value, str)
    clock.parse_iso(value)
    return True


def enabled() -> bool:
    return spec_dir() is not None


def error_path(error: ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        )
    return out


def describe(error: ValidationError) -> str:
    path = error_path(error)
    return f"{path}: {error.message}" if path else error.message


@cache
def _definition_validator(model: str, definition: str) -> Draft4Validator | None:
    try:
        doc = load_json(f"models/{model}.json")
    except FileNotFoundError:
        return None
    # Swagger 2.0 schemas are draft-4 with refs into the model's "definitions".
    schema = {"$ref": f"#/definitions/{definition}", "definitions": doc["definitions"]}
    return Draft4Validator(schema, format_checker=_formats)


def model_errors(model: str, definition: str, instance: Any) -> list[str]:
    """Human-readable violations of ``definition`` in ``models/<model>.json``."""
    validator = _definition_validator(model, definition)
    if validator is None:
        return []
    errors = sorted(
        validator.iter_errors(instance), key=lambda e: list(e.absolute_path)
    )
    return [describe(e) for e in errors]


@cache
def _schema_validator(relative: str) -> Draft7Validator | None:
    try:
        return Draft7Validator(load_json(relative), format_checker=_formats)
    except FileNotFoundError:
        return None


def schema_errors(relative: str, instance: Any) -> list[ValidationError]:
    validator = _schema_validator(relative)
    if validator is None:
        return []
    return sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))


@cache
def feed_envelope_validator() -> Draft7Validator | None:
    """The feed schema with messages reduced to "an array": messages are judged
    one by one so one bad message does not sink the whole feed."""
    try:
        schema = dict(load_json(FEED_SCHEMA))
    except FileNotFoundError:
        return None
    props = dict(schema["properties"])
    messages = {k: v for k, v in props["messages"].items() if k != "items"}
    props["messages"] = messages
    schema["properties"] = props
    return Draft7Validator(schema, format_checker=_formats)


@cache
def feed_message_validators() -> tuple[Draft7Validator, ...]:
    out = []
    try:
        out.append(
            Draft7Validator(load_json(FEED_SCHEMA)["properties"]["messages"]["items"])
        )
        out.append(Draft7Validator(load_json(MESSAGE_SCHEMA)))
    except FileNotFoundError:
        return ()
    return tuple(out)


def message_errors(message: Any) -> list[ValidationError]:
    seen: dict[str, ValidationError] = {}
    for validator in feed_message_validators():
        for err in validator.iter_errors(message):
            seen.setdefault(describe(err), err)
    return list(seen.values())


# Product type definition schemas use Amazon's meta-schema vocabulary on top of
# JSON Schema 2019-09/2020-12; the keywords that constrain values are enforced.


def _max_utf8_byte_length(
    validator: Any, limit: int, instance: Any, schema: Any
) -> Any:
    if isinstance(instance, str) and len(instance.encode()) > limit:
        yield ValidationError(f"{instance!r} is longer than {limit} UTF-8 bytes")


def _selector_key(schema: dict[str, Any], item: Any) -> Any:
    selectors = schema.get("selectors") or []
    if not isinstance(item, dict):
        return repr(item)
    if not selectors:
        return repr(sorted(item.items(), key=lambda kv: kv[0]))
    return tuple(repr(item.get(s)) for s in selectors)


def _max_unique_items(validator: Any, limit: int, instance: Any, schema: Any) -> Any:
    if isinstance(instance, list):
        unique = {_selector_key(schema, item) for item in instance}
        if len(unique) > limit:
            yield ValidationError(
                f"expected at most {limit} value(s) per selector combination, "
                f"got {len(unique)}"
            )


def _min_unique_items(validator: Any, limit: int, instance: Any, schema: Any) -> Any:
    if isinstance(instance, list):
        unique = {_selector_key(schema, item) for item in instance}
        if len(unique) < limit:
            yield ValidationError(f"expected at least {limit} unique value(s)")


PtdValidator = extend(
    Draft202012Validator,
    {
        "maxUtf8ByteLength": _max_utf8_byte_length,
        "maxUniqueItems": _max_unique_items,
        "minUniqueItems": _min_unique_items,
    },
)


def ptd_validator(schema: dict[str, Any]) -> Any:
    return PtdValidator(schema, format_checker=_formats)


def response_errors(model: str, operation_id: str, status: str, body: Any) -> list[str]:
    """Violations of an operation's response schema; used by tests to keep the
    sandbox honest about the shapes it returns."""
    doc = load_json(f"models/{model}.json")
    for ops in doc["paths"].values():
        for op in ops.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                schema = op["responses"][status].get("schema")
                if schema is None:
                    return [] if body in (None, b"", "") else ["body not expected"]
                full = dict(schema)
                full["definitions"] = doc["definitions"]
                validator = Draft4Validator(full, format_checker=_formats)
                return [describe(e) for e in validator.iter_errors(body)]
    raise KeyError(f"{operation_id} not in {model}")
