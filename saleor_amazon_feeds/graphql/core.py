"""Conventions shared by the schema: errors, permissions, global IDs, pagination."""

import base64
import binascii
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

import graphene
from django.db.models import Model, QuerySet
from graphql_relay import from_global_id, to_global_id
from saleor.core.exceptions import PermissionDenied
from saleor.permission.enums import BasePermissionEnum
from saleor.permission.utils import has_one_of_permissions

from .context import requestor

MAX_PAGE_SIZE = 100


class AmazonFeedsErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    UNKNOWN_MARKETPLACE = "unknown_marketplace"
    REGION_MISMATCH = "region_mismatch"
    NOT_PARTICIPATING = "not_participating"
    CURRENCY_MISMATCH = "currency_mismatch"
    WAREHOUSE_NOT_IN_CHANNEL = "warehouse_not_in_channel"
    UNKNOWN_ATTRIBUTE = "unknown_attribute"
    UNKNOWN_SOURCE = "unknown_source"
    SHIPPING_METHOD_NOT_IN_ZONE = "shipping_method_not_in_zone"
    SHIPPING_ZONE_NOT_IN_CHANNEL = "shipping_zone_not_in_channel"
    SHIPPING_METHOD_NOT_IN_CHANNEL = "shipping_method_not_in_channel"
    SANDBOX_NOT_CONFIGURED = "sandbox_not_configured"
    AMAZON_ERROR = "amazon_error"


class AmazonFeedsError(graphene.ObjectType):
    field = graphene.String(
        description="The input field the error is about; null for the whole input."
    )
    code = AmazonFeedsErrorCode(required=True)
    message = graphene.String(required=True)


class InputError(Exception):
    """One or more problems with a mutation's input, reported in `errors`."""

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, field: str | None, code: str, message: str) -> "InputError":
        return cls([{"field": field, "code": code, "message": message}])


class ErrorCollector:
    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def add(self, field: str | None, code: str, message: str) -> None:
        self.errors.append({"field": field, "code": code, "message": message})

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)


def check_permissions(info, permissions: Iterable[BasePermissionEnum]) -> None:
    permissions = list(permissions)
    if not has_one_of_permissions(requestor(info.context), permissions):
        raise PermissionDenied(permissions=permissions)


def permission_required(*permissions: BasePermissionEnum) -> Callable:
    """Resolver decorator: any one of `permissions` grants access."""

    def decorator(resolver: Callable) -> Callable:
        @wraps(resolver)
        def wrapper(root, info, *args, **kwargs):
            check_permissions(info, permissions)
            return resolver(root, info, *args, **kwargs)

        return wrapper

    return decorator


def global_id(type_name: str, pk: Any) -> str:
    return to_global_id(type_name, str(pk))


def resolve_global_id(
    value: str, expected_types: str | tuple[str, ...], field: str
) -> str:
    """The primary key inside a Relay global ID, or an InputError naming `field`."""
    if isinstance(expected_types, str):
        expected_types = (expected_types,)
    try:
        type_name, pk = from_global_id(value)
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        type_name, pk = "", ""
    if type_name not in expected_types or not pk:
        raise InputError.single(
            field,
            AmazonFeedsErrorCode.INVALID.value,
            f"Couldn't resolve ID '{value}' to a {' or '.join(expected_types)}.",
        )
    return pk


def get_by_global_id(
    queryset: QuerySet, value: str, type_name: str | tuple[str, ...], field: str
) -> Model:
    pk = resolve_global_id(value, type_name, field)
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise InputError.single(
            field,
            AmazonFeedsErrorCode.NOT_FOUND.value,
            f"No {queryset.model._meta.verbose_name} with ID '{value}'.",
        ) from exc


# -- pagination ------------------------------------------------------------------


def _encode_cursor(pk: Any) -> str:
    return base64.b64encode(f"pk:{pk}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        kind, _, pk = base64.b64decode(cursor).decode().partition(":")
        if kind != "pk":
            raise ValueError(kind)
        return int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise InputError.single(
            "after", AmazonFeedsErrorCode.INVALID.value, "Invalid cursor."
        ) from exc


def connection_args() -> dict[str, Any]:
    return {
        "first": graphene.Int(description=f"At most {MAX_PAGE_SIZE}; default 20."),
        "after": graphene.String(description="Cursor of the last item seen."),
    }


def paginate(
    connection_type,
    queryset: QuerySet,
    first: int | None,
    after: str | None,
    *,
    descending: bool = False,
):
    """Keyset pagination by primary key: stable under inserts, one query a page."""
    if first is None:
        first = 20
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise InputError.single(
            "first",
            AmazonFeedsErrorCode.INVALID.value,
            f"'first' must be between 0 and {MAX_PAGE_SIZE}.",
        )
    queryset = queryset.order_by("-pk" if descending else "pk")
    if after:
        cursor = _decode_cursor(after)
        queryset = queryset.filter(**{"pk__lt" if descending else "pk__gt": cursor})
    rows = list(queryset[: first + 1])
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
    )


class CountableConnection(graphene.relay.Connection):
    class Meta:
        abstract = True


# -- mutations -------------------------------------------------------------------


class BaseMutation(graphene.Mutation):
    """Saleor-style mutation: input problems land in `errors`, never as exceptions.

    Subclasses set `permissions` and implement `perform(root, info, **data)`
    returning a dict of output fields.
    """

    errors = graphene.List(graphene.NonNull(AmazonFeedsError), required=True)

    permissions: tuple[BasePermissionEnum, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root, info, **data):
        check_permissions(info, cls.permissions)
        try:
            result = cls.perform(root, info, **data)
        except InputError as exc:
            return cls(errors=[AmazonFeedsError(**e) for e in exc.errors])
        return cls(errors=[], **result)

    @classmethod
    def perform(cls, root, info, **data) -> dict[str, Any]:
        raise NotImplementedError
