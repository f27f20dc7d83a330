"""Types several domains return: the mutation error and Saleor object references."""

import graphene
from django.db.models import Model

from .enums import AmazonFeedsErrorCode
from .ids import global_id
from .object_types import AmazonObjectType


class AmazonFeedsError(AmazonObjectType):
    class Meta:
        # A mutation's own errors: the mutation checked the caller.
        inherit_permissions = True

    field = graphene.String(
        description="The input field the error is about; null for the whole input."
    )
    code = AmazonFeedsErrorCode(required=True)
    message = graphene.String(required=True)


class SaleorObjectRef(AmazonObjectType):
    """A Saleor object referenced by the plugin: its Saleor global ID and name."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)

    class Meta:
        # Only reachable through fields that are checked themselves.
        inherit_permissions = True

    @staticmethod
    def of(type_name: str, obj: Model) -> "SaleorObjectRef":
        """The reference to ``obj``, a Saleor model whose GraphQL type is
        ``type_name`` (Saleor's IDs, so clients can look it up there)."""
        return SaleorObjectRef(id=global_id(type_name, obj.pk), name=obj.name)
