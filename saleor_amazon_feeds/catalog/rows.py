"""The catalog as the builder reads it: plain rows, no Django.

``loader`` fills these from Saleor's tables a page at a time; ``build`` turns
them into feed messages. Keeping them free of Django lets the builder's core
be tested from hand-made rows, without PostgreSQL or Saleor.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..listings.messages import StockLevel
from ..mapping.resolution import Measure, SourceValue


@dataclass(frozen=True, slots=True)
class ChannelListing:
    is_published: bool
    published_at: datetime | None
    available_for_purchase_at: datetime | None

    def problem(self, now: datetime) -> str | None:
        """Why the product cannot be sold in the channel now, or None."""
        if not self.is_published or (
            self.published_at is not None and self.published_at > now
        ):
            return "is not published"
        if (
            self.available_for_purchase_at is None
            or self.available_for_purchase_at > now
        ):
            return "is not available for purchase"
        return None


@dataclass
class VariantRow:
    id: int
    sku: str | None
    name: str
    external_reference: str | None
    weight: Measure | None
    metadata: dict[str, str]
    track_inventory: bool
    price: Decimal | None = None
    prior_price: Decimal | None = None
    currency: str | None = None
    stocks: list[StockLevel] = field(default_factory=list)
    # Saleor attribute slug -> values, in assignment order.
    attributes: dict[str, list[SourceValue]] = field(default_factory=dict)


@dataclass
class ProductRow:
    id: int
    name: str
    slug: str
    description: Any
    seo_title: str | None
    seo_description: str | None
    product_type_id: int
    product_type_name: str
    category_name: str | None
    weight: Measure | None
    metadata: dict[str, str]
    private_metadata: dict[str, Any]
    category_private_metadata: dict[str, Any]
    listing: ChannelListing | None = None
    media: list[str] = field(default_factory=list)
    attributes: dict[str, list[SourceValue]] = field(default_factory=dict)
    variants: list[VariantRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SelectionAttribute:
    slug: str
    name: str


@dataclass
class CatalogPage:
    products: list[ProductRow]
    # product type id -> variant selection attributes in their configured order.
    selection: dict[int, list[SelectionAttribute]] = field(default_factory=dict)
