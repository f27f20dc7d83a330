from ...models import AmazonAccount, AmazonMarketplace
from ...services.marketplaces import available_marketplaces
from ..core.connection import paginate
from ..core.ids import get_by_global_id
from .lookups import marketplace_by_global_id
from .types import (
    AmazonAccountConnection,
    AmazonAvailableMarketplace,
    AmazonMarketplaceConnection,
)


def _account(account_id: str) -> AmazonAccount:
    return get_by_global_id(
        AmazonAccount.objects.all(), account_id, "AmazonAccount", "accountId"
    )


def resolve_accounts(first: int | None, after: str | None) -> AmazonAccountConnection:
    return paginate(AmazonAccountConnection, AmazonAccount.objects.all(), first, after)


def resolve_marketplaces(
    first: int | None, after: str | None, account_id: str | None
) -> AmazonMarketplaceConnection:
    queryset = AmazonMarketplace.objects.select_related("account", "channel")
    if account_id:
        queryset = queryset.filter(account=_account(account_id))
    return paginate(AmazonMarketplaceConnection, queryset, first, after)


def resolve_marketplace(id: str) -> AmazonMarketplace:
    return marketplace_by_global_id(id, "id")


def resolve_available_marketplaces(
    account_id: str, refresh: bool
) -> list[AmazonAvailableMarketplace]:
    account = _account(account_id)
    configured = set(account.marketplaces.values_list("marketplace_id", flat=True))
    return [
        AmazonAvailableMarketplace(**vars(market), configured=market.id in configured)
        for market in available_marketplaces(account, force=refresh)
    ]
