"""Fields that carry their permissions: declared once, enforced and described."""

from typing import Any

import graphene
from saleor.permission.enums import BasePermissionEnum

from .connection import connection_args
from .permissions import checked_resolver, declared, with_permission_message


class PermissionsField(graphene.Field):
    """A field only callers holding one of ``permissions`` may resolve; its
    description says which, in Saleor's words.

    Used for root fields and for object type fields that differ from their
    type's permissions (see ``object_types``).
    """

    def __init__(
        self,
        type_: Any,
        *args: Any,
        permissions: tuple[BasePermissionEnum, ...] | list[BasePermissionEnum],
        description: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.permissions = declared(permissions)
        super().__init__(
            type_,
            *args,
            description=with_permission_message(description, self.permissions),
            **kwargs,
        )

    def get_resolver(self, parent_resolver):
        return checked_resolver(super().get_resolver(parent_resolver), self.permissions)


class ConnectionField(PermissionsField):
    """A root list of ``connection``: non-null, paginated with first/after."""

    def __init__(self, connection: Any, *args: Any, **kwargs: Any) -> None:
        # After the field's own arguments, as clients have always seen them.
        for name, argument in connection_args().items():
            kwargs.setdefault(name, argument)
        super().__init__(graphene.NonNull(connection), *args, **kwargs)
