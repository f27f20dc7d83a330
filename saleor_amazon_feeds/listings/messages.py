"""JSON_LISTINGS_FEED messages built from plain inputs.

A message is kept without its ``messageId``: ids are per feed document, so the
feed writer assigns them while streaming. Amounts stay ``Decimal`` all the way
to the JSON text (see ``json_encoding``).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import partial
from typing import Any

# Amazon's longest seller SKU; a longer one fails the whole message.
MAX_SKU = 40


class Requirements(StrEnum):
    LISTING = "LISTING"
    LISTING_PRODUCT_ONLY = "LISTING_PRODUCT_ONLY"
    LISTING_OFFER_ONLY = "LISTING_OFFER_ONLY"


class MessageKind(StrEnum):
    """What a message does for us; the report correlation keys on it."""

    LISTING = "listing"
    PARENT = "parent"
    CHILD = "child"
    INVENTORY = "inventory"
    PRICE = "price"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class FeedMessage:
    sku: str
    kind: MessageKind
    # Everything after messageId and sku, in Amazon's key order.
    payload: Mapping[str, Any] = field(default_factory=dict)
    # The JSON of sku and payload as written into a document (see
    # ``feed_writer.encoded``): serialised once, hashed and written as is.
    encoded: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def operation_type(self) -> str:
        return self.payload["operationType"]

    def as_dict(self, message_id: int) -> dict[str, Any]:
        return {"messageId": message_id, "sku": self.sku, **self.payload}


# ISO 4217 minor units for currencies Amazon marketplaces use; two is the default.
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "CLP": 0, "HUF": 2, "KWD": 3, "BHD": 3}
# Dropped from variation parents, which are never buyable. condition_type stays:
# product types list it as required for every item, parents included.
OFFER_ATTRIBUTES = frozenset(
    {"purchasable_offer", "fulfillment_availability", "list_price"}
)


def money(amount: Decimal | int | str, currency: str) -> Decimal:
    """Quantize an amount to the currency's minor unit; floats are refused.

    A float has already lost the cents it was meant to carry, so accepting one
    would hide the bug rather than fix it.
    """
    if isinstance(amount, float | bool):
        raise TypeError("Pass amounts as Decimal, int or str, never float.")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"Amount {amount!r} is not a finite number.")
    if value < 0:
        raise ValueError(f"Amount {amount!r} is negative.")
    exponent = Decimal(1).scaleb(-_MINOR_UNITS.get(currency.upper(), 2))
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def localized(
    value: Any, *, marketplace_id: str, language_tag: str | None = None, **extra: Any
) -> list[dict[str, Any]]:
    """One attribute value in Amazon's shape: ``[{"value", "language_tag", ...}]``."""
    item: dict[str, Any] = {"value": value}
    if language_tag:
        item["language_tag"] = language_tag
    item["marketplace_id"] = marketplace_id
    item.update(extra)
    return [item]


def fulfillment_availability(
    quantity: int,
    *,
    handling_time_days: int | None = None,
    channel: str = "DEFAULT",
) -> list[dict[str, Any]]:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValueError(f"Quantity must be a non-negative integer, not {quantity!r}.")
    item: dict[str, Any] = {"fulfillment_channel_code": channel, "quantity": quantity}
    if handling_time_days is not None:
        item["lead_time_to_ship_max_days"] = int(handling_time_days)
    return [item]


def purchasable_offer(
    price: Decimal | int | str,
    *,
    marketplace_id: str,
    currency: str,
    audience: str = "ALL",
) -> list[dict[str, Any]]:
    return [
        {
            "marketplace_id": marketplace_id,
            "currency": currency,
            "audience": audience,
            "our_price": [{"schedule": [{"value_with_tax": money(price, currency)}]}],
        }
    ]


def list_price(
    amount: Decimal | int | str, *, marketplace_id: str, currency: str
) -> list[dict[str, Any]]:
    """``list_price`` is its own attribute, not part of ``purchasable_offer``.

    Product type schemas since 2024 define it as
    ``[{"marketplace_id", "currency", "value_with_tax"}]`` (the older ``value``
    form is deprecated); in EU marketplaces it is required for many product types
    and 0 means "no list price".
    """
    return [
        {
            "marketplace_id": marketplace_id,
            "currency": currency,
            "value_with_tax": money(amount, currency),
        }
    ]


def listing_update(
    sku: str,
    product_type: str,
    attributes: Mapping[str, Any],
    *,
    requirements: Requirements = Requirements.LISTING,
    kind: MessageKind = MessageKind.LISTING,
) -> FeedMessage:
    """A full UPDATE: Amazon replaces every attribute with these."""
    _check_sku(sku)
    if not attributes:
        raise ValueError(f"Listing {sku} has no attributes to send.")
    return FeedMessage(
        sku,
        kind,
        {
            "operationType": "UPDATE",
            "productType": product_type,
            "requirements": Requirements(requirements).value,
            "attributes": dict(attributes),
        },
    )


def patch_message(
    sku: str,
    product_type: str,
    patches: Sequence[Mapping[str, Any]],
    *,
    kind: MessageKind,
) -> FeedMessage:
    _check_sku(sku)
    if not patches:
        raise ValueError(f"Patch for {sku} has no operations.")
    return FeedMessage(
        sku,
        kind,
        {
            "operationType": "PATCH",
            "productType": product_type,
            "patches": [dict(p) for p in patches],
        },
    )


def inventory_patch(
    sku: str,
    product_type: str,
    quantity: int,
    *,
    handling_time_days: int | None = None,
    channel: str = "DEFAULT",
) -> FeedMessage:
    value = fulfillment_availability(
        quantity, handling_time_days=handling_time_days, channel=channel
    )
    return patch_message(
        sku,
        product_type,
        [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": value,
            }
        ],
        kind=MessageKind.INVENTORY,
    )


def price_patch(
    sku: str,
    product_type: str,
    price: Decimal | int | str,
    *,
    marketplace_id: str,
    currency: str,
    compare_at_price: Decimal | int | str | None = None,
    audience: str = "ALL",
) -> FeedMessage:
    """Replace the offer price; a compare-at price becomes ``list_price``.

    Without a compare-at price ``list_price`` is left untouched rather than
    cleared, so a value maintained in Seller Central survives price syncs.
    """
    patches = [
        {
            "op": "replace",
            "path": "/attributes/purchasable_offer",
            "value": purchasable_offer(
                price,
                marketplace_id=marketplace_id,
                currency=currency,
                audience=audience,
            ),
        }
    ]
    if compare_at_price is not None:
        patches.append(
            {
                "op": "replace",
                "path": "/attributes/list_price",
                "value": list_price(
                    compare_at_price, marketplace_id=marketplace_id, currency=currency
                ),
            }
        )
    return patch_message(sku, product_type, patches, kind=MessageKind.PRICE)


def delete_message(sku: str) -> FeedMessage:
    _check_sku(sku)
    return FeedMessage(sku, MessageKind.DELETE, {"operationType": "DELETE"})


@dataclass(frozen=True, slots=True)
class StockLevel:
    quantity: int
    allocated: int = 0


def sellable_quantity(
    stocks: Iterable[StockLevel | tuple[int, int]],
    *,
    buffer: int = 0,
    maximum: int | None = None,
    track_inventory: bool = True,
    untracked_quantity: int = 0,
) -> int:
    """Stock to offer on Amazon: free stock over warehouses, less a safety buffer.

    Each warehouse counts at least 0: an over-allocated warehouse cannot eat into
    another warehouse's stock, matching how Saleor allocates per warehouse.

    A variant that does not track inventory is sold by Saleor without limit,
    whatever its stock rows say; Amazon needs a number, so it offers
    ``untracked_quantity`` (the marketplace's setting), never more than
    ``maximum``. The buffer guards counted stock and does not apply.
    ``sync.quantities`` states the same rule in SQL.
    """
    if not track_inventory:
        offered = max(int(untracked_quantity), 0)
        return offered if maximum is None else min(offered, max(int(maximum), 0))
    total = 0
    for stock in stocks:
        quantity, allocated = (
            (stock.quantity, stock.allocated)
            if isinstance(stock, StockLevel)
            else stock
        )
        total += max(int(quantity) - int(allocated), 0)
    total -= max(int(buffer), 0)
    if maximum is not None:
        total = min(total, int(maximum))
    return max(total, 0)


# Variation families ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VariantListing:
    sku: str
    attributes: Mapping[str, Any]
    # Amazon attribute name (e.g. "size") -> the variant's value for it.
    theme_values: Mapping[str, str]


# (key, make) -> the value made under that key, possibly made earlier; a
# key's first element is the attribute the value is made for.
Intern = Callable[[tuple, Callable[[], list[dict[str, Any]]]], list[dict[str, Any]]]


def _made(key: tuple, make: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return make()


def variation_theme_name(
    theme_attributes: Sequence[str], allowed: Iterable[str] | None = None
) -> str:
    """Theme name from the selection attributes, in the order they are given.

    When the product type lists its allowed themes, the one naming the same
    attributes is used even if its order differs (``COLOR/SIZE`` vs
    ``SIZE/COLOR``): Amazon accepts only names from that list.
    """
    parts = [a.strip().upper() for a in theme_attributes if a and a.strip()]
    if not parts:
        raise ValueError("A variation family needs at least one theme attribute.")
    if len(set(parts)) != len(parts):
        raise ValueError(f"Theme attributes repeat: {', '.join(theme_attributes)}.")
    wanted = "/".join(parts)
    if allowed is None:
        return wanted
    allowed = list(allowed)
    if wanted in allowed:
        return wanted
    matches = sorted(
        a for a in allowed if sorted(a.upper().split("/")) == sorted(parts)
    )
    if matches:
        return matches[0]
    raise ValueError(
        f"No variation theme for {wanted}; the product type allows: "
        f"{', '.join(allowed) or 'none'}."
    )


def variation_family(
    parent_sku: str,
    product_type: str,
    *,
    parent_attributes: Mapping[str, Any],
    variants: Sequence[VariantListing],
    theme_attributes: Sequence[str],
    marketplace_id: str,
    language_tag: str | None = None,
    allowed_themes: Iterable[str] | None = None,
    requirements: Requirements = Requirements.LISTING,
    parent_requirements: Requirements = Requirements.LISTING_PRODUCT_ONLY,
    intern: Intern | None = None,
) -> list[FeedMessage]:
    """Parent UPDATE first, then one child UPDATE per variant (sorted by SKU).

    The parent is not buyable, so offer attributes are dropped from it and it is
    sent with product-only requirements; Amazon rejects offers on parents.

    ``intern(key, make)`` may return one shared value for every family
    attribute made under the same key (the parentage level, the theme, the
    children's theme values and their relationship to the parent), so the
    caller validates each once; the values are then shared between messages
    and must not be mutated.
    """
    if not variants:
        raise ValueError(f"Variation family {parent_sku} has no variants.")
    shared = intern or _made
    theme = variation_theme_name(theme_attributes, allowed_themes)
    theme_keys = [a.strip().lower() for a in theme_attributes if a and a.strip()]
    theme_value = shared(("variation_theme", theme), lambda: [{"name": theme}])

    def level(value: str) -> list[dict[str, Any]]:
        return shared(
            ("parentage_level", marketplace_id, value),
            lambda: [{"marketplace_id": marketplace_id, "value": value}],
        )

    parent_attrs = {
        k: v for k, v in parent_attributes.items() if k not in OFFER_ATTRIBUTES
    }
    parent_attrs["parentage_level"] = level("parent")
    parent_attrs["variation_theme"] = theme_value
    relationship = shared(
        ("child_parent_sku_relationship", marketplace_id, parent_sku),
        lambda: [
            {
                "marketplace_id": marketplace_id,
                "child_relationship_type": "variation",
                "parent_sku": parent_sku,
            }
        ],
    )
    messages = [
        listing_update(
            parent_sku,
            product_type,
            parent_attrs,
            requirements=parent_requirements,
            kind=MessageKind.PARENT,
        )
    ]
    seen: set[str] = set()
    for variant in sorted(variants, key=lambda v: v.sku):
        if variant.sku == parent_sku or variant.sku in seen:
            raise ValueError(f"SKU {variant.sku} appears twice in family {parent_sku}.")
        seen.add(variant.sku)
        missing = [
            k for k in theme_keys if not str(variant.theme_values.get(k, "")).strip()
        ]
        if missing:
            raise ValueError(
                f"Variant {variant.sku} has no value for {', '.join(missing)}."
            )
        attrs = dict(variant.attributes)
        for key in theme_keys:
            text = variant.theme_values[key]
            attrs[key] = shared(
                (key, marketplace_id, language_tag, text),
                partial(
                    localized,
                    text,
                    marketplace_id=marketplace_id,
                    language_tag=language_tag,
                ),
            )
        attrs["parentage_level"] = level("child")
        attrs["child_parent_sku_relationship"] = relationship
        attrs["variation_theme"] = theme_value
        messages.append(
            listing_update(
                variant.sku,
                product_type,
                attrs,
                requirements=requirements,
                kind=MessageKind.CHILD,
            )
        )
    return messages


def sku_too_long(sku: str) -> str | None:
    """Why Amazon would refuse this SKU's length, or None."""
    if len(sku) > MAX_SKU:
        return f"SKU {sku!r} is longer than Amazon's {MAX_SKU} characters."
    return None


def _check_sku(sku: str) -> None:
    if not isinstance(sku, str) or not sku.strip():
        raise ValueError("A message needs a non-empty SKU.")
    if problem := sku_too_long(sku):
        raise ValueError(problem)
