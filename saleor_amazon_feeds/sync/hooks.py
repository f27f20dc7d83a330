"""What each Saleor change records in the outbox, and what it sets off.

The plugin's hooks, its stock webhook and its own options mutations call
these. Saleor calls product, variant and category hooks once their
transaction has committed, order hooks from within the mutation's
transaction; either way the outbox row is written in the transaction that is
current, and the drain (plus, for stock, the urgent check) is scheduled here,
to run only once it commits.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from saleor.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttribute,
)
from saleor.order.models import FulfillmentLine, OrderLine
from saleor.product.models import Product

from ..crashpoints import crash_point
from . import outbox, tasks
from .outbox import Change


def product_changed(product: Any) -> None:
    if product is not None and product.pk:
        _record(Change.CONTENT, product_ids=[product.pk])


def product_deleted(product: Any, variant_ids: Iterable[int] | None) -> None:
    _record(
        Change.DELETE,
        variant_ids=list(variant_ids or ()),
        product_ids=[product.pk] if product is not None and product.pk else [],
    )


def variant_changed(variant: Any) -> None:
    if variant is not None and variant.pk:
        _record(Change.CONTENT, variant_ids=[variant.pk])


def variant_deleted(variant: Any) -> None:
    if variant is None:
        return
    # Without the id (cleared by some delete paths) the product's listings are
    # checked instead: the deletion builder finds which SKUs are gone.
    variant_id = variant.pk
    product_id = getattr(variant, "product_id", None)
    _record(
        Change.DELETE,
        variant_ids=[variant_id] if variant_id else [],
        product_ids=[] if variant_id else [product_id] if product_id else [],
    )
    if product_id:
        # Siblings: a family's variation data changes with one child gone.
        _record(Change.CONTENT, product_ids=[product_id])


def category_changed(category: Any) -> None:
    if category is None or not category.pk:
        return
    categories = category.get_descendants(include_self=True)
    product_ids = list(
        Product.objects.filter(category__in=categories).values_list("pk", flat=True)
    )
    _record(Change.CONTENT, product_ids=product_ids)


def attribute_value_changed(value: Any) -> None:
    """An attribute value renamed (``attributeValueUpdate``): Saleor bumps no
    product's updated_at for it, so the hook is the only trace; every product
    and variant carrying the value is recorded."""
    if value is None or not value.pk:
        return
    product_ids = AssignedProductAttributeValue.objects.filter(
        value_id=value.pk
    ).values_list("product_id", flat=True)
    variant_ids = AssignedVariantAttribute.objects.filter(
        values__id=value.pk
    ).values_list("variant_id", flat=True)
    _record(Change.CONTENT, product_ids=list(product_ids), variant_ids=variant_ids)


def orders_changed(orders: Iterable[Any]) -> None:
    order_ids = [o.pk for o in orders if o is not None and o.pk]
    if not order_ids:
        return
    variant_ids = OrderLine.objects.filter(
        order_id__in=order_ids, variant_id__isnull=False
    ).values_list("variant_id", flat=True)
    _record(Change.STOCK, variant_ids=list(variant_ids))


def fulfillment_changed(fulfillment: Any) -> None:
    if fulfillment is None or not fulfillment.pk:
        return
    variant_ids = FulfillmentLine.objects.filter(
        fulfillment_id=fulfillment.pk, order_line__variant_id__isnull=False
    ).values_list("order_line__variant_id", flat=True)
    _record(Change.STOCK, variant_ids=list(variant_ids))


def stock_changed(variant_ids: Iterable[int]) -> int:
    """Saleor's stock webhook named these variants; returns the rows written."""
    return _record(Change.STOCK, variant_ids=variant_ids)


def _record(
    change: Change,
    *,
    variant_ids: Iterable[int] = (),
    product_ids: Iterable[int] = (),
) -> int:
    # Saleor has committed product, variant and category changes by now: a
    # crash here loses the hook's row, which the listing reconciliation
    # (listing_reconcile.py) finds again through Saleor's updated_at.
    crash_point("hooks.before_outbox")
    variant_ids = outbox.ids(variant_ids)
    if change == Change.DELETE:
        written = outbox.record_deletions(
            variant_ids=variant_ids, product_ids=product_ids
        )
    else:
        written = outbox.record_variants(
            change, variant_ids=variant_ids, product_ids=product_ids
        )
    if written:
        # Nothing is sent for a change that rolls back.
        transaction.on_commit(tasks.nudge_drain)
        if change == Change.STOCK and variant_ids:
            transaction.on_commit(lambda: tasks.check_unsellable(variant_ids))
    return written
