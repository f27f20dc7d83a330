"""Enums shared by every domain: error codes, and enums made from model choices."""

from collections.abc import Iterable
from enum import Enum

import graphene


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
    UNKNOWN_PRODUCT_TYPE = "unknown_product_type"
    KIND_OUT_OF_SCOPE = "kind_out_of_scope"
    SHIPPING_METHOD_NOT_IN_ZONE = "shipping_method_not_in_zone"
    SHIPPING_ZONE_NOT_IN_CHANNEL = "shipping_zone_not_in_channel"
    SHIPPING_METHOD_NOT_IN_CHANNEL = "shipping_method_not_in_channel"
    SANDBOX_NOT_CONFIGURED = "sandbox_not_configured"
    AMAZON_ERROR = "amazon_error"


def enum_from_choices(
    name: str, choices: Iterable[Enum], description: str
) -> type[graphene.Enum]:
    """A GraphQL enum of a model's choices: member names as GraphQL values,
    stored values as Python values."""
    return graphene.Enum(
        name, [(m.name, m.value) for m in choices], description=description
    )
