"""Request/response values and the route table the HTTP layer dispatches on."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from .errors import invalid_input


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    path_params: dict[str, str] = field(default_factory=dict)
    operation: str = ""
    seller_id: str = ""
    base_url: str = ""

    @classmethod
    def build(
        cls, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> "Request":
        path, _, raw_query = target.partition("?")
        query = parse_qs(raw_query, keep_blank_values=True)
        return cls(method, path, query, headers, body)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def param_list(self, name: str) -> list[str] | None:
        """A Swagger array parameter: csv by default, repeated keys tolerated."""
        values = self.query.get(name)
        if values is None:
            return None
        out = [part.strip() for v in values for part in v.split(",")]
        return [v for v in out if v]

    def param_int(self, name: str, default: int, minimum: int, maximum: int) -> int:
        raw = self.param(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid_input(
                f"Invalid value for parameter '{name}': {raw!r}"
            ) from None
        if not minimum <= value <= maximum:
            raise invalid_input(
                f"Parameter '{name}' must be between {minimum} and {maximum}."
            )
        return value

    def json(self) -> Any:
        if not self.body:
            raise invalid_input("The request body is missing.")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise invalid_input(
                "The request body is not valid JSON.", str(exc)
            ) from None


@dataclass
class Response:
    status: int = 200
    body: Any = None  # dict/list -> JSON; bytes sent verbatim; None -> empty
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    # Fault: send the headers and half the body, then reset the connection.
    drop: bool = False

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False).encode()


Handler = Callable[[Request], Response]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: str
    handler: Handler
    sp_api: bool  # needs an access token, counts against quotas, can be faulted


def route(
    method: str, template: str, operation: str, handler: Handler, sp_api: bool = True
) -> Route:
    """Compile ``/x/{name}/y`` into a regex; each name matches one segment."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, re.compile(f"^{regex}$"), operation, handler, sp_api)
