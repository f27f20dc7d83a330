from ...models import mappings
from ..core.enums import enum_from_choices

AmazonShippingServiceLevel = enum_from_choices(
    "AmazonShippingServiceLevel",
    mappings.ShippingServiceLevel,
    "Amazon's ShipServiceLevelCategory of an order.",
)
