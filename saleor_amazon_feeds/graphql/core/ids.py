"""Relay global IDs: the plugin's objects and the Saleor objects it references.

Every ID a client sends is checked against the type it must name and the key
format of that type's model, so a malformed or out-of-range key is an input
error naming the field, never a database error.
"""

import binascii
import uuid
from typing import Any

from django.db import models
from django.db.models import Model, QuerySet
from graphql_relay import from_global_id, to_global_id

from .enums import AmazonFeedsErrorCode
from .errors import InputError

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
    """``pk`` as ``model`` stores it, or ValueError."""
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
