"""The kinds of feed the plugin sends, each a JSON_LISTINGS_FEED document, the
order they go in, which kinds a marketplace's sync scope allows, and what set
a submission off.

Plain data, below both the models that store these (submissions, listing
states, the sync outbox, marketplaces) and the code that produces them.
"""

from enum import StrEnum


class FeedKind(StrEnum):
    """What a merchant can submit (X-Cart's feed checkboxes)."""

    LISTINGS = "LISTINGS"
    INVENTORY = "INVENTORY"
    PRICES = "PRICES"
    DELETIONS = "DELETIONS"


# The order kinds of one request are sent in: deletions first (a SKU moved to
# another product must be gone before it is listed again), listings before the
# offers that need them.
KIND_ORDER: tuple[FeedKind, ...] = (
    FeedKind.DELETIONS,
    FeedKind.LISTINGS,
    FeedKind.PRICES,
    FeedKind.INVENTORY,
)


class SyncScope(StrEnum):
    """What the plugin sends to a marketplace."""

    ALL = "ALL"
    INVENTORY = "INVENTORY"

    @property
    def label(self) -> str:
        return _SCOPE_LABELS[self]


_SCOPE_LABELS = {
    SyncScope.ALL: "Full listing data",
    SyncScope.INVENTORY: "Quantity and price only",
}

# Quantity and price only: listings Amazon already has (another seller's
# catalogue entry, or listed by hand) get offers, never content.
INVENTORY_SCOPE_KINDS: frozenset[FeedKind] = frozenset(
    {FeedKind.INVENTORY, FeedKind.PRICES, FeedKind.DELETIONS}
)


def scope_kinds(scope: str) -> frozenset[FeedKind]:
    """The kinds a marketplace with this sync scope is sent."""
    if scope == SyncScope.INVENTORY:
        return INVENTORY_SCOPE_KINDS
    return frozenset(FeedKind)


class FeedTrigger(StrEnum):
    """What set a feed submission off."""

    MANUAL = "MANUAL"  # a merchant (or an API client) asked for it
    AUTO = "AUTO"  # the automatic sync's drain
