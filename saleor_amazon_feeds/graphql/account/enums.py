from ...models import accounts
from ..core.enums import enum_from_choices

AmazonRegion = enum_from_choices("AmazonRegion", accounts.Region, "SP-API region.")
AmazonEnvironment = enum_from_choices(
    "AmazonEnvironment", accounts.Environment, "Which Amazon the account talks to."
)
AmazonMarketplaceStatus = enum_from_choices(
    "AmazonMarketplaceStatus",
    accounts.MarketplaceStatus,
    "NEW until checked; CONFIGURED once Amazon accepted the credentials; ERROR "
    "with Amazon's reason otherwise.",
)
AmazonSyncScope = enum_from_choices(
    "AmazonSyncScope",
    accounts.SyncScope,
    "ALL: full listing data; INVENTORY: quantity and price only.",
)
