"""Saleor objects the order import creates once and then reuses.

* "Amazon shipping": the shipping method of imported orders that no shipping
  mapping covers, in a zone of its own with no countries or channel listings,
  so shop checkouts never offer it.
* "Amazon imported orders (default rate)": ``orderBulkCreate`` requires a tax
  class on every line and on shipping, and some products and methods have none.

Both are looked up by name and created under a transaction-level advisory
lock, so parallel workers create each exactly once.
"""

from __future__ import annotations

from django.db import connection, transaction
from saleor.shipping.models import ShippingMethod, ShippingZone
from saleor.tax.models import TaxClass

AMAZON_SHIPPING_NAME = "Amazon shipping"
AMAZON_SHIPPING_ZONE = "Amazon (imported orders)"
FALLBACK_TAX_CLASS = "Amazon imported orders (default rate)"
_CREATE_LOCK_KEY = 0x414D5A4E53484950  # "AMZNSHIP"


def _lock_creation() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CREATE_LOCK_KEY])


def fallback_tax_class() -> TaxClass:
    """The plugin's tax class for products and methods without one (the
    amounts are Amazon's anyway; the rate used for VAT-inclusive prices is
    the country's default rate, as for any product without a tax class)."""
    found = TaxClass.objects.filter(name=FALLBACK_TAX_CLASS).order_by("pk").first()
    if found is not None:
        return found
    with transaction.atomic():
        _lock_creation()
        found, _ = TaxClass.objects.get_or_create(name=FALLBACK_TAX_CLASS)
    return found


def amazon_shipping_method() -> ShippingMethod:
    """The "Amazon shipping" method, created with its zone on first use."""
    method = ShippingMethod.objects.filter(
        name=AMAZON_SHIPPING_NAME, shipping_zone__name=AMAZON_SHIPPING_ZONE
    ).first()
    if method is not None:
        return method
    with transaction.atomic():
        _lock_creation()
        zone, _ = ShippingZone.objects.get_or_create(
            name=AMAZON_SHIPPING_ZONE,
            defaults={
                "description": "Used by orders imported from Amazon without a "
                "shipping mapping."
            },
        )
        method, _ = ShippingMethod.objects.get_or_create(
            name=AMAZON_SHIPPING_NAME,
            shipping_zone=zone,
            defaults={"type": "price"},
        )
    return method
