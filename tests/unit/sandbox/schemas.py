"""Check sandbox responses against the response schemas in Amazon's models."""

import json
from typing import Any

from saleor_amazon_feeds.sandbox import validation
from saleor_amazon_feeds.spapi_spec import load_json, spec_dir


def assert_response(
    model: str, operation_id: str, response: Any, status: int = 200
) -> Any:
    """Assert the HTTP status and that the body fits the operation's schema."""
    assert response.status_code == status, response.text
    body = response.json() if response.content else None
    if spec_dir() is not None:
        errors = validation.response_errors(model, operation_id, str(status), body)
        assert errors == [], errors
    return body


def assert_report(report: bytes) -> dict[str, Any]:
    """A processing report must validate against Amazon's report schema."""
    body = json.loads(report)
    if spec_dir() is not None:
        from jsonschema import Draft7Validator

        schema = load_json(validation.REPORT_SCHEMA)
        errors = [e.message for e in Draft7Validator(schema).iter_errors(body)]
        assert errors == [], errors
    return body
