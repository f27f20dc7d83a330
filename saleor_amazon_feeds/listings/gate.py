"""The listing gate: which SKUs may receive offers (quantity and price).

An offer message (an INVENTORY or PRICES PATCH, or the urgent quantity-0
PATCH) for a SKU Amazon does not have is not refused by Amazon: it creates an
empty listing that cannot be sold and that Amazon's report counts as
accepted. So an offer goes only to a SKU whose listing

* is built in this very run (``LISTED``),
* was sent and Amazon has not answered yet (``SENT``): a submission sends
  LISTINGS before PRICES and INVENTORY, so this is how the later kinds of the
  same run see its listings,
* was accepted by Amazon (``ACCEPTED``), which stays true when a later update
  of it is rejected: the accepted version is still live,
* or was found on Amazon with getListingsItem (``FOUND``): on an
  INVENTORY-scope marketplace the listings are made elsewhere, so only Amazon
  can say which SKUs it has.

The offer names the product type Amazon knows the listing by, never an
invented one. Everything else is refused with a reason for the merchant.

This module is the rule; ``catalog.gate`` feeds it from the database and
Amazon, and the builder, reconciliation and the urgent PATCH all go through
that.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .kinds import SyncScope


class Basis(StrEnum):
    """Why a SKU may receive offers; lower in this order wins."""

    LISTED = "LISTED"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    FOUND = "FOUND"


PREFERENCE = {basis: rank for rank, basis in enumerate(Basis)}


@dataclass(frozen=True, slots=True)
class KnownListing:
    sku: str
    product_type: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class Lookup:
    """What getListingsItem said about a SKU.

    ``error`` set means Amazon could not be asked: nothing was learned and the
    answer must not be remembered.
    """

    found: bool
    product_type: str = ""
    checked_at: datetime | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class OfferDecision:
    product_type: str = ""
    basis: Basis | None = None
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return bool(self.product_type)


def prefer(a: KnownListing | None, b: KnownListing | None) -> KnownListing | None:
    """The better-founded of two facts about the same SKU."""
    if a is None or b is None:
        return a or b
    return a if PREFERENCE[a.basis] <= PREFERENCE[b.basis] else b


def needs_lookup(
    *,
    scope: str,
    known: KnownListing | None,
    cached: Lookup | None,
    now: datetime,
    miss_max_age: timedelta,
) -> bool:
    """Whether to ask Amazon about a SKU before deciding.

    Only INVENTORY-scope marketplaces ask: with scope ALL the plugin sends the
    listings itself, so what it sent is all Amazon can have from it. A miss is
    remembered for ``miss_max_age`` so a catalog is not looked up (at 5
    requests a second) on every run; a hit is kept until a DELETE is accepted.
    """
    if scope != SyncScope.INVENTORY or known is not None:
        return False
    if cached is None or cached.checked_at is None:
        return True
    useful = cached.found and cached.product_type
    return not useful and now - cached.checked_at >= miss_max_age


def decide(
    *,
    scope: str,
    marketplace_id: str,
    listed_as: str | None = None,
    known: KnownListing | None = None,
    lookup: Lookup | None = None,
) -> OfferDecision:
    """May this SKU get offers, and with which product type."""
    if listed_as:
        return OfferDecision(listed_as, Basis.LISTED)
    if known is not None and known.product_type:
        return OfferDecision(known.product_type, known.basis)
    if lookup is not None and lookup.found and lookup.product_type:
        return OfferDecision(lookup.product_type, Basis.FOUND)
    return OfferDecision(reason=_refusal(scope, marketplace_id, known, lookup))


def _refusal(
    scope: str,
    marketplace_id: str,
    known: KnownListing | None,
    lookup: Lookup | None,
) -> str:
    if known is not None or (lookup is not None and lookup.found):
        return (
            f"Amazon has this SKU in marketplace {marketplace_id} but no product "
            "type is known for it, so its quantity and price are not sent."
        )
    if scope != SyncScope.INVENTORY:
        return (
            f"Not listed on Amazon in marketplace {marketplace_id}: no listing "
            "for this SKU was sent in this run or accepted by Amazon before (see "
            "the listing problems for why), so its quantity and price are not "
            "sent; they go with its listing."
        )
    tail = (
        "An INVENTORY-scope marketplace only updates offers Amazon already has: "
        "create the listing in Seller Central or switch the marketplace to sync "
        "scope ALL."
    )
    if lookup is None:
        return (
            f"Not known to be on Amazon in marketplace {marketplace_id}, and "
            f"Amazon was not asked in this build. {tail}"
        )
    if lookup.error:
        return (
            "Could not ask Amazon whether it has this SKU in marketplace "
            f"{marketplace_id} ({lookup.error}); its offer waits for a later run."
        )
    when = (
        f" (checked {lookup.checked_at.isoformat(timespec='seconds')})"
        if lookup.checked_at
        else ""
    )
    return (
        f"Not on Amazon: getListingsItem found no listing for this SKU in "
        f"marketplace {marketplace_id}{when}. {tail}"
    )


def product_type_of(item: Mapping[str, Any], marketplace_id: str) -> str:
    """The product type in a getListingsItem answer for the marketplace."""
    for key in ("summaries", "productTypes"):
        for entry in item.get(key) or []:
            if (
                isinstance(entry, Mapping)
                and entry.get("marketplaceId") == marketplace_id
                and entry.get("productType")
            ):
                return str(entry["productType"])
    return ""
