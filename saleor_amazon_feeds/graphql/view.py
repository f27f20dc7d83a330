"""GraphQL over HTTP at /plugins/global/<PLUGIN_ID>/graphql/."""

import json
import logging
from fnmatch import fnmatchcase
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from graphql import GraphQLError
from saleor.core.exceptions import PermissionDenied

from ..amazon.errors import AmazonError
from ..endpoint import route
from .context import build_context
from .core import InputError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
_EXPECTED = (PermissionDenied, InputError, AmazonError, GraphQLError)


def _cors_headers(request: HttpRequest) -> dict[str, str]:
    """Mirror Saleor's ASGI CORS handling so WSGI deployments behave the same."""
    origin = request.headers.get("Origin")
    if not origin:
        return {}
    allowed = getattr(settings, "ALLOWED_GRAPHQL_ORIGINS", ["*"])
    if not any(fnmatchcase(origin, pattern) for pattern in allowed):
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Headers": (
            "Origin, Content-Type, Accept, Authorization, Authorization-Bearer"
        ),
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Vary": "Origin",
    }


def format_error(error: Exception) -> dict[str, Any]:
    original = getattr(error, "original_error", None) or error
    formatted: dict[str, Any] = {"message": str(error)}
    if isinstance(error, GraphQLError):
        if error.locations:
            formatted["locations"] = [
                {"line": loc.line, "column": loc.column} for loc in error.locations
            ]
        if error.path:
            formatted["path"] = error.path
    extensions: dict[str, Any] = {"exceptionCode": type(original).__name__}
    if isinstance(original, AmazonError):
        formatted["message"] = original.merchant_message
        extensions["amazonCode"] = original.code
    elif isinstance(original, InputError):
        extensions["errors"] = original.errors
    elif not isinstance(original, _EXPECTED):
        # Unexpected failures must not leak internals (or secrets) to the client.
        log.exception("Amazon Feeds GraphQL resolver failed", exc_info=original)
        formatted["message"] = "Internal server error."
        extensions["exceptionCode"] = "INTERNAL_ERROR"
    formatted["extensions"] = extensions
    return formatted


def _error_response(message: str, status: int, headers: dict[str, str]) -> HttpResponse:
    response = JsonResponse({"errors": [{"message": message}]}, status=status)
    for key, value in headers.items():
        response[key] = value
    return response


def execute(request: HttpRequest, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Run one operation; the status is 400 when it could not be parsed/validated."""
    from .schema import schema

    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise ValueError("The 'query' field must be a non-empty string.")
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        raise ValueError("The 'variables' field must be an object.")
    context = build_context(request)
    result = schema.execute(
        query,
        variable_values=variables,
        operation_name=body.get("operationName"),
        context_value=context,
    )
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [format_error(e) for e in result.errors]
    return payload, 400 if result.invalid else 200


@route("graphql", methods=("POST", "OPTIONS"))
def graphql_view(plugin, request: HttpRequest) -> HttpResponse:
    cors = _cors_headers(request)
    if request.method == "OPTIONS":
        response = HttpResponse(status=200 if cors else 400)
        for key, value in cors.items():
            response[key] = value
        response["Access-Control-Max-Age"] = "600"
        return response
    if len(request.body) > MAX_BODY_BYTES:
        return _error_response("Request body exceeds maximum size.", 413, cors)
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError("Send one GraphQL operation as a JSON object.")
        payload, status = execute(request, body)
    except (ValueError, UnicodeDecodeError) as exc:
        return _error_response(f"Unable to parse the request: {exc}", 400, cors)
    response = JsonResponse(payload, status=status)
    for key, value in cors.items():
        response[key] = value
    return response
