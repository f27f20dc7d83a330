"""Object types whose every field is permission-checked, on every path.

Saleor's own types check permissions in their resolvers, field by field; a
query-level check alone leaks whatever a type can reach (a marketplace returned
by a product query would carry its account). Here every object type declares
who may read each of its fields, and the declaration wraps the field's
resolver, so the check holds on every path that reaches the type:

* ``Meta.permissions``: the type's default, for its plain fields;
* a ``PermissionsField``: a field that differs (stricter or other
  permissions) declares its own, which also names them in its description.
  It must be nullable, so that one refused field does not erase its parents;
* ``Meta.inherit_permissions = True`` only for small value types (a Saleor
  object reference) that are reachable solely through checked fields.

A field with no declaration is an error when the class is created, so a new
field cannot ship unchecked.
"""

from collections.abc import Callable, Iterable
from typing import Any

import graphene
from graphene.types.objecttype import ObjectTypeOptions
from graphene.types.resolver import get_default_resolver
from graphene.utils.get_unbound_function import get_unbound_function
from graphene.utils.str_converters import to_camel_case
from saleor.permission.enums import BasePermissionEnum

from .fields import PermissionsField
from .permissions import FIELD_PERMISSIONS, Permissions, checked_resolver


class AmazonObjectTypeOptions(ObjectTypeOptions):
    permissions: Permissions = ()
    inherit_permissions = False


class AmazonObjectType(graphene.ObjectType):
    """An object type whose every field is permission-checked (see module doc)."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls,
        permissions: Iterable[BasePermissionEnum] | None = None,
        inherit_permissions: bool = False,
        _meta=None,
        **options: Any,
    ) -> None:
        if _meta is None:
            _meta = AmazonObjectTypeOptions(cls)
        _meta.permissions = tuple(permissions or ())
        _meta.inherit_permissions = inherit_permissions
        super().__init_subclass_with_meta__(_meta=_meta, **options)
        _guard_fields(cls)


def _guard_fields(cls) -> None:
    meta = cls._meta
    own = {n: f for n, f in meta.fields.items() if isinstance(f, PermissionsField)}
    if meta.inherit_permissions:
        if meta.permissions or own:
            raise TypeError(f"{cls.__name__}: inherits, so declares no permissions")
        for name, field in meta.fields.items():
            FIELD_PERMISSIONS[(meta.name, _graphql_name(field, name))] = ()
        return
    for name, field in meta.fields.items():
        if name in own:
            required = own[name].permissions
            if isinstance(field.type, graphene.NonNull):
                raise TypeError(
                    f"{cls.__name__}.{name} has permissions of its own and must be "
                    "nullable, or one refused field would null its parents."
                )
        else:
            required = meta.permissions
            if not required:
                raise TypeError(
                    f"{cls.__name__}.{name} declares no permission: set "
                    "Meta.permissions or make it a PermissionsField."
                )
            # A PermissionsField checks itself; plain fields get the type's check.
            _wrap_resolver(cls, name, field, required)
        FIELD_PERMISSIONS[(meta.name, _graphql_name(field, name))] = required


def _graphql_name(field, name: str) -> str:
    return field.name or to_camel_case(name)


def _wrap_resolver(cls, name: str, field, required: Permissions) -> None:
    if field.resolver is not None:
        field.resolver = checked_resolver(field.resolver, required)
        return
    own = getattr(cls, f"resolve_{name}", None)
    inner = (
        get_unbound_function(own)
        if own
        else _default_resolver(name, field.default_value)
    )
    setattr(cls, f"resolve_{name}", staticmethod(checked_resolver(inner, required)))


def _default_resolver(name: str, default_value: Any) -> Callable:
    def resolve(root, info, **args):
        return get_default_resolver()(name, default_value, root, info, **args)

    return resolve
