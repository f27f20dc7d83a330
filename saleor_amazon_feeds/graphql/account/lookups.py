from ...models import AmazonMarketplace
from ..core.ids import get_by_global_id


def marketplace_by_global_id(
    value: str, field: str = "marketplaceId"
) -> AmazonMarketplace:
    """The configured marketplace a client names, with what most callers read
    next (its account and channel), or an InputError naming ``field``."""
    return get_by_global_id(
        AmazonMarketplace.objects.select_related("account", "channel"),
        value,
        "AmazonMarketplace",
        field,
    )
