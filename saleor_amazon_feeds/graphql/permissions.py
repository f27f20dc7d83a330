"""Who may read and do what: one declaration per field, enforced on the type.

Saleor's own types check permissions in their resolvers, field by field; a
query-level check alone leaks whatever a type can reach (a marketplace returned
by a product query would carry its account). Here every object type declares
the permissions of each of its fields, and the declaration wraps the field's
resolver, so the check holds on every path that reaches the type:

* ``AmazonObjectType`` with ``Meta.permissions`` (the type's default) and
  ``Meta.field_permissions`` (stricter or different fields). A field with no
  declaration is an error when the class is created, so a new field cannot
  ship unchecked, and a field stricter than its type must be nullable so that
  one refused field does not erase its parents.
* ``Meta.inherit_permissions = True`` only for small value types (a Saleor
  object reference) that are reachable solely through checked fields.
* Root fields use ``permission_required``; mutations set ``permissions`` on
  ``BaseMutation``. Both refuse an empty permission list (Saleor's check treats
  "no permissions" as "everyone").
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

import graphene
from graphene.types.objecttype import ObjectTypeOptions
from graphene.types.resolver import get_default_resolver
from graphene.utils.get_unbound_function import get_unbound_function
from graphene.utils.str_converters import to_camel_case
from saleor.core.exceptions import PermissionDenied
from saleor.permission.enums import (
    BasePermissionEnum,
    ChannelPermissions,
    OrderPermissions,
    ProductPermissions,
)
from saleor.permission.utils import has_one_of_permissions

from .context import requestor

MANAGE_CHANNELS = ChannelPermissions.MANAGE_CHANNELS
MANAGE_PRODUCTS = ProductPermissions.MANAGE_PRODUCTS
MANAGE_ORDERS = OrderPermissions.MANAGE_ORDERS

Permissions = tuple[BasePermissionEnum, ...]

# Accounts and marketplaces are configured with MANAGE_CHANNELS; product-side
# pages (listings, feeds, sync) need MANAGE_PRODUCTS; order-side pages
# MANAGE_ORDERS. Each of them may see which marketplaces exist.
ANY_PLUGIN_PERMISSION: Permissions = (MANAGE_CHANNELS, MANAGE_PRODUCTS, MANAGE_ORDERS)

# (GraphQL type name, field name) -> permissions, any one of which grants the
# field; () for fields that inherit their parent's check. The permission tests
# compare this with their own table.
FIELD_PERMISSIONS: dict[tuple[str, str], Permissions] = {}


def has_permission(info, permissions: Iterable[BasePermissionEnum]) -> bool:
    permissions = tuple(permissions)
    if not permissions:
        raise ValueError("An empty permission list would grant everyone.")
    # One requestor, many fields: remember each answer for the request.
    cache = info.context.__dict__.setdefault("_amazon_feeds_permissions", {})
    if permissions not in cache:
        cache[permissions] = has_one_of_permissions(
            requestor(info.context), permissions
        )
    return cache[permissions]


def check_permissions(info, permissions: Iterable[BasePermissionEnum]) -> None:
    permissions = tuple(permissions)
    if not has_permission(info, permissions):
        raise PermissionDenied(permissions=permissions)


def permission_required(*permissions: BasePermissionEnum) -> Callable:
    """Resolver decorator for root fields: any one of ``permissions`` grants it."""
    if not permissions:
        raise ValueError("permission_required needs at least one permission.")

    def decorator(resolver: Callable) -> Callable:
        @wraps(resolver)
        def wrapper(root, info, *args, **kwargs):
            check_permissions(info, permissions)
            return resolver(root, info, *args, **kwargs)

        wrapper.permissions = permissions  # type: ignore[attr-defined]
        return wrapper

    return decorator


class AmazonObjectTypeOptions(ObjectTypeOptions):
    permissions: Permissions = ()
    field_permissions: dict[str, Permissions] | None = None
    inherit_permissions = False


class AmazonObjectType(graphene.ObjectType):
    """An object type whose every field is permission-checked (see module doc)."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls,
        permissions: Iterable[BasePermissionEnum] | None = None,
        field_permissions: dict[str, Iterable[BasePermissionEnum]] | None = None,
        inherit_permissions: bool = False,
        _meta=None,
        **options: Any,
    ) -> None:
        if _meta is None:
            _meta = AmazonObjectTypeOptions(cls)
        _meta.permissions = tuple(permissions or ())
        _meta.field_permissions = {
            name: tuple(perms) for name, perms in (field_permissions or {}).items()
        }
        _meta.inherit_permissions = inherit_permissions
        super().__init_subclass_with_meta__(_meta=_meta, **options)
        _guard_fields(cls)


def _guard_fields(cls) -> None:
    meta = cls._meta
    unknown = set(meta.field_permissions) - set(meta.fields)
    if unknown:
        raise TypeError(f"{cls.__name__}: permissions for unknown fields {unknown}")
    if meta.inherit_permissions:
        if meta.permissions or meta.field_permissions:
            raise TypeError(f"{cls.__name__}: inherits, so declares no permissions")
        for name in meta.fields:
            FIELD_PERMISSIONS[(meta.name, _graphql_name(meta.fields[name], name))] = ()
        return
    for name, field in meta.fields.items():
        required = meta.field_permissions.get(name, meta.permissions)
        if not required:
            raise TypeError(
                f"{cls.__name__}.{name} declares no permission: set Meta.permissions "
                "or Meta.field_permissions."
            )
        if required != meta.permissions and isinstance(field.type, graphene.NonNull):
            raise TypeError(
                f"{cls.__name__}.{name} is stricter than its type and must be "
                "nullable, or one refused field would null its parents."
            )
        FIELD_PERMISSIONS[(meta.name, _graphql_name(field, name))] = required
        _wrap_resolver(cls, name, field, required)


def _graphql_name(field, name: str) -> str:
    return field.name or to_camel_case(name)


def _wrap_resolver(cls, name: str, field, required: Permissions) -> None:
    if field.resolver is not None:
        inner = field.resolver
    else:
        own = getattr(cls, f"resolve_{name}", None)
        inner = (
            get_unbound_function(own)
            if own
            else _default_resolver(name, field.default_value)
        )

    @wraps(inner)
    def checked(root, info, **args):
        check_permissions(info, required)
        return inner(root, info, **args)

    checked.permissions = required  # type: ignore[attr-defined]
    if field.resolver is not None:
        field.resolver = checked
    else:
        setattr(cls, f"resolve_{name}", staticmethod(checked))


def _default_resolver(name: str, default_value: Any) -> Callable:
    def resolve(root, info, **args):
        return get_default_resolver()(name, default_value, root, info, **args)

    return resolve
