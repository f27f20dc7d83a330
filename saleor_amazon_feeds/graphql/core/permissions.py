"""Who may read and do what, and the one place a permission is checked.

Each field declares its permissions once, where it is defined, and that
declaration both enforces them and tells clients in the field's description:

* root fields are ``PermissionsField``s (``fields``);
* mutations list them in ``Meta.permissions`` (``mutations.BaseMutation``);
* object types are ``AmazonObjectType``s (``object_types``): ``Meta.permissions``
  for their fields, a ``PermissionsField`` for a field that differs.

Saleor's own check treats "no permissions" as "everyone"; every declaration
here refuses an empty list instead.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from saleor.permission.enums import (
    BasePermissionEnum,
    ChannelPermissions,
    OrderPermissions,
    ProductPermissions,
)

from ...saleor_compat import (
    PermissionDenied,
    has_one_of_permissions,
    message_one_of_permissions_required,
)
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


def declared(permissions: Iterable[BasePermissionEnum] | None) -> Permissions:
    """``permissions`` as a declaration; an empty one would grant everyone."""
    permissions = tuple(permissions or ())
    if not permissions:
        raise ValueError("Declare at least one permission.")
    return permissions


def with_permission_message(description: str | None, permissions: Permissions) -> str:
    """``description`` ending in Saleor's own sentence naming the permissions."""
    message = message_one_of_permissions_required(permissions)
    return description + message if description else message.lstrip()


def has_permission(info, permissions: Iterable[BasePermissionEnum]) -> bool:
    permissions = declared(permissions)
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


def checked_resolver(resolver: Callable, permissions: Permissions) -> Callable:
    """``resolver``, run only for a caller holding one of ``permissions``."""

    @wraps(resolver)
    def checked(root, info, *args, **kwargs):
        check_permissions(info, permissions)
        return resolver(root, info, *args, **kwargs)

    checked.permissions = permissions  # type: ignore[attr-defined]
    return checked
