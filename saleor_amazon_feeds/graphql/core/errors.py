"""Errors as clients see them: one shape, a named field, nothing internal.

Mutations report input problems in their ``errors`` payload (Saleor's
convention); queries raise ``InputError``, which reaches the client as a
GraphQL error whose ``extensions.errors`` names the fields. Anything the plugin
did not expect is logged and answered as "Internal server error." Every
message passes the secret redactor on its way out.
"""

import logging
import re
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError
from jwt.exceptions import PyJWTError

from ...amazon.credentials import redact
from ...amazon.errors import AmazonError
from ...mapping.problems import InputProblem
from ...saleor_compat import PermissionDenied
from .enums import AmazonFeedsErrorCode

log = logging.getLogger(__name__)


class InputError(Exception):
    """One or more problems with the input, each naming its field."""

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, field: str | None, code: str, message: str) -> "InputError":
        return cls([{"field": field, "code": code, "message": message}])

    @classmethod
    def from_problems(cls, problems: Iterable[InputProblem]) -> "InputError":
        """The problems the pure checks (``mapping``) found, as API errors."""
        return cls(
            [
                # ``get`` refuses a code the API does not have, rather than
                # answering a null error code.
                {
                    "field": p.field,
                    "code": AmazonFeedsErrorCode.get(p.code.value).value,
                    "message": p.message,
                }
                for p in problems
            ]
        )


def raise_for_problems(problems: list[InputProblem]) -> None:
    if problems:
        raise InputError.from_problems(problems)


class ErrorCollector:
    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def add(self, field: str | None, code: str, message: str) -> None:
        self.errors.append({"field": field, "code": code, "message": message})

    def extend(self, error: InputError) -> None:
        self.errors.extend(error.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)


EXPECTED = (PermissionDenied, InputError, AmazonError, GraphQLError, PyJWTError)

# graphql-core repeats submitted values in its messages ("found <value>", "got
# invalid value <value>"); a value may be a secret sent in the wrong place.
_ECHOED_VALUES = (
    (re.compile(r"got invalid value [^\n]*"), "got an invalid value."),
    (re.compile(r"has invalid value [^\n]*"), "has an invalid value."),
    (re.compile(r", found [^\n]*"), "."),
)


def _without_values(message: str) -> str:
    for pattern, replacement in _ECHOED_VALUES:
        message = pattern.sub(replacement, message)
    return message


def format_error(error: Exception) -> dict[str, Any]:
    original = getattr(error, "original_error", None) or error
    formatted: dict[str, Any] = {"message": _without_values(str(error))}
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
        extensions["errors"] = [
            {**e, "message": redact(e["message"])} for e in original.errors
        ]
    elif isinstance(original, PyJWTError):
        # Saleor answers an expired or revoked token the same way: the client
        # should get a new token, not report a bug.
        extensions["code"] = "UNAUTHENTICATED"
    elif isinstance(original, GraphQLError) and getattr(original, "extensions", None):
        extensions.update(original.extensions)
    elif not isinstance(original, EXPECTED):
        # Unexpected failures must not leak internals (or secrets) to the client.
        log.exception("Amazon Feeds GraphQL resolver failed", exc_info=original)
        formatted["message"] = "Internal server error."
        extensions["exceptionCode"] = "INTERNAL_ERROR"
    formatted["message"] = redact(formatted["message"])
    formatted["extensions"] = extensions
    return formatted
