"""Lists as Relay connections: keyset pages by primary key, and their size."""

import base64
import binascii
from collections.abc import Callable
from typing import Any

import graphene
from django.db.models import QuerySet

from .enums import AmazonFeedsErrorCode
from .errors import InputError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class CountableConnection(graphene.relay.Connection):
    """A connection that can say how many items all its pages hold."""

    class Meta:
        abstract = True

    total_count = graphene.Int(description="A total count of items in the collection.")

    @staticmethod
    def resolve_total_count(root, info) -> int | None:
        # A callable, so the COUNT runs only when a client asks for it.
        count: Callable[[], int] | None = getattr(root, "total_count", None)
        return count() if callable(count) else count


def connection_args() -> dict[str, Any]:
    return {
        "first": graphene.Int(
            default_value=DEFAULT_PAGE_SIZE,
            description=f"At most {MAX_PAGE_SIZE}.",
        ),
        "after": graphene.String(description="Cursor of the last item seen."),
    }


def _encode_cursor(pk: Any) -> str:
    return base64.b64encode(f"pk:{pk}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        kind, _, pk = base64.b64decode(cursor, validate=True).decode().partition(":")
        if kind != "pk" or not pk.isascii() or not pk.isdigit() or len(pk) > 18:
            raise ValueError(kind)
        return int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise InputError.single(
            "after", AmazonFeedsErrorCode.INVALID.value, "Invalid cursor."
        ) from exc


def paginate(
    connection_type: type[CountableConnection],
    queryset: QuerySet,
    first: int | None,
    after: str | None,
    *,
    descending: bool = False,
) -> CountableConnection:
    """Keyset pagination by primary key: stable under inserts, one query a
    page, plus one COUNT of the filtered ``queryset`` if totalCount is read."""
    if first is None:
        first = DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise InputError.single(
            "first",
            AmazonFeedsErrorCode.INVALID.value,
            f"'first' must be between 0 and {MAX_PAGE_SIZE}.",
        )
    page = queryset.order_by("-pk" if descending else "pk")
    if after:
        cursor = _decode_cursor(after)
        page = page.filter(**{"pk__lt" if descending else "pk__gt": cursor})
    rows = list(page[: first + 1])
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [
        connection_type.Edge(node=row, cursor=_encode_cursor(row.pk)) for row in rows
    ]
    return connection_type(
        edges=edges,
        page_info=graphene.relay.PageInfo(
            has_next_page=has_next,
            has_previous_page=bool(after),
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=queryset.count,
    )
