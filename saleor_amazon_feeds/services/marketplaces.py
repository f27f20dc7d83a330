"""Verifying accounts and marketplaces against Amazon's Sellers API."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from .. import conf
from ..amazon.errors import AmazonError
from ..amazon.marketplaces import is_known_marketplace
from ..amazon_clients import client_for
from ..models.accounts import AmazonAccount, AmazonMarketplace, MarketplaceStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AvailableMarketplace:
    id: str
    name: str
    country: str
    currency: str
    language: str
    domain: str
    participating: bool
    has_suspended_listings: bool
    supported: bool


def fetch_participations(
    account: AmazonAccount, *, force: bool = False
) -> list[dict[str, Any]]:
    """Amazon's participations for the account, reusing a recent answer.

    Raises AmazonError when Amazon refuses (bad credentials, outage, quota).
    """
    now = timezone.now()
    fetched_at = account.participations_fetched_at
    max_age = timedelta(seconds=conf.participations_max_age())
    if not force and fetched_at and now - fetched_at < max_age:
        return account.participations
    with client_for(account) as client:
        if force:
            client.forget_access_token()
        participations = client.get_marketplace_participations()
    account.participations = participations
    account.participations_fetched_at = now
    if account.pk:
        AmazonAccount.objects.filter(pk=account.pk).update(
            participations=participations, participations_fetched_at=now
        )
    return participations


def available_marketplaces(
    account: AmazonAccount, *, force: bool = False
) -> list[AvailableMarketplace]:
    result = []
    for entry in fetch_participations(account, force=force):
        market = entry.get("marketplace") or {}
        participation = entry.get("participation") or {}
        result.append(
            AvailableMarketplace(
                id=market.get("id", ""),
                name=market.get("name", ""),
                country=market.get("countryCode", ""),
                currency=market.get("defaultCurrencyCode", ""),
                language=market.get("defaultLanguageCode", ""),
                domain=market.get("domainName", ""),
                participating=bool(participation.get("isParticipating")),
                has_suspended_listings=bool(participation.get("hasSuspendedListings")),
                supported=is_known_marketplace(market.get("id") or ""),
            )
        )
    return result


def find_participation(
    participations: list[dict[str, Any]], marketplace_id: str
) -> dict[str, Any] | None:
    for entry in participations:
        if (entry.get("marketplace") or {}).get("id") == marketplace_id:
            return entry.get("participation") or {}
    return None


def not_participating_message(account: AmazonAccount, marketplace_id: str) -> str:
    return (
        f"Amazon says seller {account.seller_id} does not sell on marketplace "
        f"{marketplace_id}. Pick one of the account's available marketplaces."
    )


def apply_check_result(
    marketplace: AmazonMarketplace,
    participations: list[dict[str, Any]] | None,
    error: AmazonError | None,
) -> None:
    """Set status, last error and check time from a verification outcome."""
    marketplace.checked_at = timezone.now()
    if error is not None:
        marketplace.status = MarketplaceStatus.ERROR
        marketplace.last_error = error.merchant_message
        return
    participation = find_participation(participations or [], marketplace.marketplace_id)
    if not participation or not participation.get("isParticipating"):
        marketplace.status = MarketplaceStatus.ERROR
        marketplace.last_error = not_participating_message(
            marketplace.account, marketplace.marketplace_id
        )
        return
    marketplace.status = MarketplaceStatus.CONFIGURED
    marketplace.last_error = (
        "Amazon reports suspended listings on this marketplace."
        if participation.get("hasSuspendedListings")
        else ""
    )


def check_credentials(
    account: AmazonAccount,
) -> tuple[list[dict[str, Any]] | None, AmazonError | None]:
    """Exchange the refresh token and read participations, live.

    A verification must reach LWA: a cached access token outlives a revoked
    authorisation by up to an hour.
    """
    try:
        return fetch_participations(account, force=True), None
    except AmazonError as error:
        log.info(
            "Amazon refused the credentials check of account %s: %s",
            account.pk,
            error.code,
        )
        return None, error


def verify_marketplace(marketplace: AmazonMarketplace) -> None:
    participations, error = check_credentials(marketplace.account)
    apply_check_result(marketplace, participations, error)
    marketplace.save(update_fields=["status", "last_error", "checked_at", "updated_at"])


def verify_account_marketplaces(account: AmazonAccount) -> None:
    """Re-check every marketplace after the account's credentials changed."""
    participations, error = check_credentials(account)
    for marketplace in account.marketplaces.all():
        marketplace.account = account
        apply_check_result(marketplace, participations, error)
        marketplace.save(
            update_fields=["status", "last_error", "checked_at", "updated_at"]
        )
