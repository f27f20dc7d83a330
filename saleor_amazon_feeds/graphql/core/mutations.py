"""The mutation base: a checked caller, errors in the payload, one transaction."""

from collections.abc import Iterable
from typing import Any

import graphene
from django.db import transaction
from graphene.types.mutation import MutationOptions
from graphene.utils.trim_docstring import trim_docstring
from saleor.permission.enums import BasePermissionEnum

from .errors import InputError
from .inputs import input_problems
from .permissions import (
    Permissions,
    check_permissions,
    declared,
    with_permission_message,
)
from .types import AmazonFeedsError


class BaseMutationOptions(MutationOptions):
    permissions: Permissions = ()


class BaseMutation(graphene.Mutation):
    """Saleor-style mutation: input problems land in ``errors``, never as
    exceptions, and a mutation that reports errors has changed nothing.

    Subclasses declare ``Meta.permissions`` (any one grants it; required, and
    named in the description) and implement ``perform(root, info, **data)``
    returning a dict of output fields. It runs in one transaction: an
    ``InputError`` raised half-way rolls back what was written before it, and
    work queued with ``transaction.on_commit`` is dropped with it.
    """

    errors = graphene.List(graphene.NonNull(AmazonFeedsError), required=True)

    # Values of required output fields when the input had errors (Saleor's
    # bulk mutations answer count 0, not null).
    error_defaults: dict[str, Any] = {}

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls,
        permissions: Iterable[BasePermissionEnum] | None = None,
        description: str | None = None,
        _meta: BaseMutationOptions | None = None,
        **options: Any,
    ) -> None:
        try:
            permissions = declared(permissions)
        except ValueError:
            raise TypeError(
                f"{cls.__name__} must declare its permissions in Meta."
            ) from None
        if _meta is None:
            _meta = BaseMutationOptions(cls)
        _meta.permissions = permissions
        description = with_permission_message(
            description or trim_docstring(cls.__doc__), permissions
        )
        super().__init_subclass_with_meta__(
            description=description, _meta=_meta, **options
        )
        for name, field in cls._meta.fields.items():
            required = isinstance(field.type, graphene.NonNull)
            if required and name != "errors" and name not in cls.error_defaults:
                raise TypeError(
                    f"{cls.__name__}.{name} is required: give it an error default."
                )

    @classmethod
    def mutate(cls, root, info, **data):
        check_permissions(info, cls._meta.permissions)
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
