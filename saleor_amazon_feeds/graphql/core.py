"""Conventions shared by the schema: global IDs, pagination, mutations."""

import base64
import binascii
import uuid
from typing import Any

import graphene
from django.db import models, transaction
from django.db.models import Model, QuerySet
from graphql_relay import from_global_id, to_global_id

from .errors import AmazonFeedsError, AmazonFeedsErrorCode, InputError
from .inputs import input_problems
from .permissions import Permissions, check_permissions

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Checked in order: big fields subclass the plain ones.
_MAX_PK = {
    models.BigAutoField: 2**63 - 1,
    models.BigIntegerField: 2**63 - 1,
    models.AutoField: 2**31 - 1,
    models.IntegerField: 2**31 - 1,
}


def global_id(type_name: str, pk: Any) -> str:
    return to_global_id(type_name, str(pk))


def parse_pk(model: type[Model], pk: str) -> Any:
    """``pk`` as ``model`` stores it, or ValueError: a malformed or
    out-of-range key must be an input error, not a database error."""
    field = model._meta.pk
    if isinstance(field, models.UUIDField):
        return uuid.UUID(pk)
    limit = next((v for k, v in _MAX_PK.items() if isinstance(field, k)), None)
    if limit is not None:
        if not pk.isascii() or not pk.isdigit() or int(pk) > limit:
            raise ValueError(pk)
        return int(pk)
    return field.to_python(pk)


def resolve_global_id(
    value: str,
    expected_types: str | tuple[str, ...],
    field: str,
    model: type[Model],
) -> Any:
    """The primary key inside a Relay global ID, parsed for ``model``, or an
    InputError naming ``field``. The value is not repeated: clients paste
    anything into ID fields."""
    if isinstance(expected_types, str):
        expected_types = (expected_types,)
    try:
        type_name, pk = from_global_id(value)
        if type_name not in expected_types:
            raise ValueError(type_name)
        return parse_pk(model, pk)
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error) as exc:
        raise InputError.single(
            field,
            AmazonFeedsErrorCode.INVALID.value,
            f"Not a valid {' or '.join(expected_types)} ID.",
        ) from exc


def resolve_global_ids(
    values: list[str],
    expected_types: str | tuple[str, ...],
    field: str,
    model: type[Model],
) -> list[Any]:
    """Several IDs; every malformed one is reported with its index."""
    pks, errors = [], []
    for index, value in enumerate(values):
        try:
            pks.append(resolve_global_id(value, expected_types, field, model))
        except InputError as exc:
            errors += [{**e, "field": f"{field}[{index}]"} for e in exc.errors]
    if errors:
        raise InputError(errors)
    return pks


def get_by_global_id(
    queryset: QuerySet, value: str, type_name: str | tuple[str, ...], field: str
) -> Model:
    pk = resolve_global_id(value, type_name, field, queryset.model)
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise InputError.single(
            field,
            AmazonFeedsErrorCode.NOT_FOUND.value,
            f"No {queryset.model._meta.verbose_name} with this ID.",
        ) from exc


def get_all_by_global_ids(
    queryset: QuerySet, values: list[str], type_name: str, field: str
) -> list[Model]:
    """All of them in the order given, or an error naming each unknown one
    (as Saleor's bulk mutations do): never a partial result."""
    pks = resolve_global_ids(values, type_name, field, queryset.model)
    found = queryset.in_bulk(pks)
    missing = [i for i, pk in enumerate(pks) if pk not in found]
    if missing:
        raise InputError(
            [
                {
                    "field": f"{field}[{i}]",
                    "code": AmazonFeedsErrorCode.NOT_FOUND.value,
                    "message": f"No {queryset.model._meta.verbose_name} with this ID.",
                }
                for i in missing
            ]
        )
    return [found[pk] for pk in dict.fromkeys(pks)]


# -- pagination ------------------------------------------------------------------


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


def connection_args() -> dict[str, Any]:
    return {
        "first": graphene.Int(
            default_value=DEFAULT_PAGE_SIZE,
            description=f"At most {MAX_PAGE_SIZE}.",
        ),
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
        first = DEFAULT_PAGE_SIZE
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
    """Saleor-style mutation: input problems land in ``errors``, never as
    exceptions, and a mutation that reports errors has changed nothing.

    Subclasses set ``permissions`` (any one grants it; required) and implement
    ``perform(root, info, **data)`` returning a dict of output fields. It runs
    in one transaction: an ``InputError`` raised half-way rolls back what was
    written before it, and work queued with ``transaction.on_commit`` is
    dropped with it.
    """

    errors = graphene.List(graphene.NonNull(AmazonFeedsError), required=True)

    permissions: Permissions = ()
    # Values of required output fields when the input had errors (Saleor's
    # bulk mutations answer count 0, not null).
    error_defaults: dict[str, Any] = {}

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options: Any) -> None:
        super().__init_subclass_with_meta__(**options)
        if not cls.permissions:
            raise TypeError(f"{cls.__name__} must declare its permissions.")
        for name, field in cls._meta.fields.items():
            required = isinstance(field.type, graphene.NonNull)
            if required and name != "errors" and name not in cls.error_defaults:
                raise TypeError(
                    f"{cls.__name__}.{name} is required: give it an error default."
                )

    @classmethod
    def mutate(cls, root, info, **data):
        check_permissions(info, cls.permissions)
        problems = input_problems(data)
        if problems:
            return cls._failed(problems)
        try:
            with transaction.atomic():
                result = cls.perform(root, info, **data)
        except InputError as exc:
            return cls._failed(exc.errors)
        return cls(errors=[], **result)

    @classmethod
    def _failed(cls, errors: list[dict[str, Any]]):
        return cls(errors=[AmazonFeedsError(**e) for e in errors], **cls.error_defaults)

    @classmethod
    def perform(cls, root, info, **data) -> dict[str, Any]:
        raise NotImplementedError
