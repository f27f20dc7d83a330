"""GraphQL over HTTP at /plugins/global/<PLUGIN_ID>/graphql/.

The request goes through the same stages as Saleor's own API, each of which
answers a bad request with a clear error instead of an exception: the body
(size, JSON), the document (syntax, depth, validation, cost), the variables
(coerced strictly, named in errors), the caller (a token Saleor refuses is an
authentication error) and only then execution.
"""

from fnmatch import fnmatchcase
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from graphql import GraphQLError
from graphql.error import GraphQLSyntaxError
from graphql.execution import execute as execute_document
from graphql.language.parser import parse
from graphql.language.source import Source
from graphql.validation import validate
from jwt.exceptions import PyJWTError

from ..saleor_compat import BasePlugin
from .core.context import build_context
from .core.errors import format_error
from .core.inputs import InputGuard, variable_errors
from .core.limits import cost_errors, depth_errors
from .schema import schema

_MIDDLEWARE = [InputGuard()]


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


class BadRequest(Exception):
    """The request is not one GraphQL operation the server can read (HTTP 400)."""


def _params(raw: bytes) -> tuple[str, dict[str, Any], str | None]:
    try:
        # orjson refuses nesting beyond 1024 levels instead of recursing.
        body = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as exc:
        raise BadRequest("Unable to parse the request: not valid JSON.") from exc
    if not isinstance(body, dict):
        raise BadRequest("Send one GraphQL operation as a JSON object.")
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest("The 'query' field must be a non-empty string.")
    variables = body.get("variables")
    if variables is None:
        variables = {}
    if not isinstance(variables, dict):
        raise BadRequest("The 'variables' field must be an object.")
    operation_name = body.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("The 'operationName' field must be a string.")
    return query, variables, operation_name or None


def _parse(query: str):
    try:
        return parse(Source(query))
    except GraphQLSyntaxError as exc:
        raise BadRequest(f"Unable to parse the query: {exc.message}") from exc
    except RecursionError as exc:
        raise BadRequest("The query is nested too deeply.") from exc


def _result(errors: list, data: Any = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"data": data}
    if errors:
        payload["errors"] = [format_error(e) for e in errors]
    return payload


def execute(request: HttpRequest, raw: bytes) -> tuple[dict[str, Any], int]:
    """Run one operation; 400 when it could not be read, validated or coerced."""
    query, variables, operation_name = _params(raw)
    document = _parse(query)
    # Cheapest first; each stage may rely on the ones before it (the cost
    # rule recurses, so depth comes first; it reads variables, so they are
    # checked before it; graphql-core's own rules are the most expensive).
    for stage in (
        lambda: depth_errors(document),
        lambda: variable_errors(schema, document, operation_name, variables),
        lambda: cost_errors(schema, document, variables),
        lambda: validate(schema, document),
    ):
        errors = stage()
        if errors:
            return _result(errors), 400
    context = build_context(request)
    try:
        # Resolve the caller once, up front: an expired or revoked token is
        # one authentication error, not a failure in every field.
        bool(context.user)
    except PyJWTError as exc:
        error = GraphQLError(str(exc))
        error.original_error = exc
        return _result([error]), 200
    try:
        result = execute_document(
            schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            middleware=_MIDDLEWARE,
        )
    except GraphQLError as exc:
        # graphql-core's own variable coercion, should it refuse what
        # ``variable_errors`` let through.
        return _result([exc]), 400
    return _result(result.errors, result.data), 400 if result.invalid else 200


def graphql_view(plugin: BasePlugin, request: HttpRequest) -> HttpResponse:
    cors = _cors_headers(request)
    if request.method == "OPTIONS":
        response = HttpResponse(status=200 if cors else 400)
        response["Access-Control-Max-Age"] = "600"
    else:
        try:
            payload, status = execute(request, request.body)
        except BadRequest as exc:
            payload, status = {"errors": [{"message": str(exc)}]}, 400
        response = JsonResponse(payload, status=status)
    for key, value in cors.items():
        response[key] = value
    return response
