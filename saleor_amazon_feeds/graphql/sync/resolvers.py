from ...models import AmazonMarketplace
from ...sync.status import SyncStatus, sync_statuses
from ..account.lookups import marketplace_by_global_id


def resolve_sync_statuses(marketplace_id: str | None) -> list[SyncStatus]:
    """One status per marketplace (all of them, or the one named)."""
    if marketplace_id:
        marketplaces = [marketplace_by_global_id(marketplace_id)]
    else:
        marketplaces = list(
            AmazonMarketplace.objects.select_related("account", "channel")
        )
    return sync_statuses(marketplaces)
