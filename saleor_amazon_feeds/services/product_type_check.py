"""Is a product type one Amazon offers where it will be used?

A product type Amazon does not offer in a marketplace makes every listing of
the product fail there, one feed later and with a vaguer message. Choices are
checked against Amazon's Product Type Definitions when they are written, for
each configured marketplace they apply to (its Amazon ID, or every one for
"*"). Definitions are cached by the catalog (a day), so a check usually costs
no call. Marketplaces that are not CONFIGURED cannot be asked and are skipped.
"""

from collections.abc import Mapping

from ..amazon.errors import AmazonError
from ..amazon_clients import client_for
from ..catalog.product_types import get_definition
from ..mapping.options import ANY_MARKETPLACE
from ..models import AmazonMarketplace
from ..models.accounts import MarketplaceStatus


def product_type_problems(choices: Mapping[str, str]) -> dict[str, str]:
    """Marketplace key ("*" or an Amazon ID) -> why the choice cannot be used."""
    marketplaces = list(
        AmazonMarketplace.objects.filter(
            status=MarketplaceStatus.CONFIGURED
        ).select_related("account")
    )
    problems: dict[str, str] = {}
    for key, product_type in choices.items():
        seen: set[str] = set()
        for marketplace in marketplaces:
            amazon_id = marketplace.marketplace_id
            if (key != ANY_MARKETPLACE and amazon_id != key) or amazon_id in seen:
                continue
            seen.add(amazon_id)
            problem = _problem(marketplace, product_type)
            if problem:
                problems[key] = problem
                break
    return problems


def _problem(marketplace: AmazonMarketplace, product_type: str) -> str | None:
    try:
        with client_for(marketplace.account) as client:
            get_definition(client, marketplace.marketplace_id, product_type)
    except AmazonError as exc:
        if exc.status == 404:
            return (
                f"Amazon offers no product type {product_type} in marketplace "
                f"{marketplace.marketplace_id} ({marketplace.country}); search "
                "with amazonProductTypes."
            )
        return (
            f"Could not check product type {product_type} with Amazon for "
            f"marketplace {marketplace.marketplace_id}: {exc.merchant_message}"
        )
    return None
