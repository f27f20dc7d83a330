"""Confirm Saleor fulfillments of imported merchant-fulfilled orders to Amazon.

One :class:`AmazonShipmentConfirmation` per fulfillment, its
``packageReferenceId`` the fulfillment's number within the order (stable, so a
retry after a crash never confirms a second package). The row is locked while
Amazon is called; Amazon answering "already confirmed" for that reference
counts as success when Amazon's package has the same tracking number, and moves
to the next free reference when the package was confirmed elsewhere. The
outcome is also written to the order's metadata (``amazon.shipment.<n>``) so it
shows on the order in the dashboard.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from saleor.order.models import Fulfillment, Order

from ..amazon.errors import AmazonError
from ..amazon_clients import client_for
from ..crashpoints import crash_point
from ..models import AmazonImportedOrder, AmazonShipmentConfirmation
from ..models.orders import ShipmentStatus
from .mapping import ORDER_ITEM_KEY

log = logging.getLogger(__name__)

CARRIER_KEY = "amazon.carrier"
# Amazon carrier codes recognised in a shipping method's name.
KNOWN_CARRIERS = (
    ("royal mail", "Royal Mail"),
    ("deutsche post", "Deutsche Post"),
    ("dhl", "DHL"),
    ("dpd", "DPD"),
    ("gls", "GLS"),
    ("hermes", "Hermes"),
    ("fedex", "FedEx"),
    ("usps", "USPS"),
    ("ups", "UPS"),
    ("ontrac", "OnTrac"),
    ("colissimo", "Colissimo"),
    ("chronopost", "Chronopost"),
    ("poste italiane", "Poste Italiane"),
    ("correos", "Correos"),
    ("postnl", "PostNL"),
)


class RetryLater(Exception):
    def __init__(self, message: str, countdown: float | None = None) -> None:
        super().__init__(message)
        self.countdown = countdown


def carrier_for(fulfillment: Fulfillment) -> tuple[str, str]:
    """(carrierCode, carrierName): given on the fulfillment's metadata, mapped on
    the shipping method's metadata, recognised in its name, else "Other"."""
    order = fulfillment.order
    given = (fulfillment.metadata or {}).get(CARRIER_KEY)
    if given:
        return given, given
    method = order.shipping_method
    if method is not None and (method.metadata or {}).get(CARRIER_KEY):
        code = method.metadata[CARRIER_KEY]
        return code, code
    name = order.shipping_method_name or (method.name if method else "") or ""
    lowered = name.lower()
    for needle, code in KNOWN_CARRIERS:
        if re.search(rf"\b{re.escape(needle)}\b", lowered):
            return code, code
    return "Other", name or "Other"


def package_detail(fulfillment: Fulfillment) -> dict[str, Any]:
    code, name = carrier_for(fulfillment)
    items: dict[str, int] = {}
    for line in fulfillment.lines.select_related("order_line").order_by("pk"):
        item_id = (line.order_line.metadata or {}).get(ORDER_ITEM_KEY)
        if item_id:
            items[item_id] = items.get(item_id, 0) + line.quantity
    detail: dict[str, Any] = {
        "packageReferenceId": str(fulfillment.fulfillment_order),
        "carrierCode": code,
        "trackingNumber": fulfillment.tracking_number,
        "shipDate": fulfillment.created_at.astimezone(UTC)
        .replace(microsecond=0)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "orderItems": [{"orderItemId": k, "quantity": v} for k, v in items.items()],
    }
    if code == "Other":
        detail["carrierName"] = name
    if fulfillment.order.shipping_method_name:
        detail["shippingMethod"] = fulfillment.order.shipping_method_name
    return detail


def confirm_fulfillment(fulfillment_id: int, last_attempt: bool = True) -> str | None:
    """Confirm one fulfillment; returns the confirmation status (None: nothing to do).

    Raises :class:`RetryLater` for a retryable Amazon error unless
    ``last_attempt``, in which case the confirmation ends FAILED.
    """
    fulfillment = (
        Fulfillment.objects.select_related("order", "order__shipping_method")
        .filter(pk=fulfillment_id)
        .first()
    )
    if fulfillment is None or not fulfillment.tracking_number:
        return None
    record = (
        AmazonImportedOrder.objects.select_related("marketplace__account")
        .filter(order_id=fulfillment.order_id)
        .first()
    )
    if record is None or record.fulfilled_by != "MERCHANT":
        return None
    detail = package_detail(fulfillment)
    with transaction.atomic():
        confirmation, _ = AmazonShipmentConfirmation.objects.get_or_create(
            fulfillment=fulfillment,
            defaults={
                "imported_order": record,
                "package_reference_id": detail["packageReferenceId"],
            },
        )
        confirmation = AmazonShipmentConfirmation.objects.select_for_update().get(
            pk=confirmation.pk
        )
        # A reference chosen by an earlier attempt stays.
        detail["packageReferenceId"] = confirmation.package_reference_id
        if confirmation.status == ShipmentStatus.CONFIRMED:
            if confirmation.tracking_number != fulfillment.tracking_number:
                confirmation.last_error = (
                    f"Tracking number changed to {fulfillment.tracking_number} after "
                    "Amazon confirmed the shipment; Amazon keeps "
                    f"{confirmation.tracking_number}."
                )
                confirmation.save(update_fields=["last_error", "updated_at"])
            return confirmation.status
        confirmation.carrier_code = detail["carrierCode"]
        confirmation.carrier_name = detail.get("carrierName", detail["carrierCode"])
        confirmation.shipping_method = detail.get("shippingMethod", "")
        confirmation.tracking_number = detail["trackingNumber"]
        confirmation.items = detail["orderItems"]
        confirmation.attempts += 1
        retry: RetryLater | None = None
        try:
            client = client_for(record.marketplace.account)
            try:
                _send(client, record, detail, confirmation)
            finally:
                client.close()
        except AmazonError as err:
            if err.retryable and not last_attempt:
                confirmation.status = ShipmentStatus.PENDING
                confirmation.last_error = err.merchant_message
                retry = RetryLater(err.merchant_message, err.retry_after)
            else:
                confirmation.status = ShipmentStatus.FAILED
                confirmation.last_error = str(err)
        else:
            _confirmed(confirmation)
        confirmation.save()
        _write_order_metadata(fulfillment.order, confirmation)
    if retry is not None:
        raise retry
    return confirmation.status


def _already_confirmed(err: AmazonError) -> bool:
    return "already confirmed" in f"{err.message} {err.details or ''}"


def _send(client, record, detail, confirmation) -> None:
    """confirmShipment. A packageReferenceId Amazon already has is either ours
    (same tracking number: an earlier attempt got through) or taken by a package
    confirmed elsewhere (Seller Central): then the next free number is used."""
    for _ in range(3):
        try:
            client.confirm_shipment(
                record.amazon_order_id, record.marketplace.marketplace_id, detail
            )
            crash_point("shipment.after_confirm")
            return
        except AmazonError as err:
            if err.retryable:
                raise
            refused = err
        # Refused: maybe an earlier attempt got through (then Amazon has our
        # package and may now refuse for another reason, e.g. "SHIPPED").
        body = client.get_order(record.amazon_order_id, included_data=["PACKAGES"])
        packages = (body.get("order", body) or {}).get("packages") or []
        reference = detail["packageReferenceId"]
        if any(
            p.get("packageReferenceId") == reference
            and p.get("trackingNumber") == detail["trackingNumber"]
            for p in packages
        ):
            return
        if not _already_confirmed(refused):
            raise refused
        used = [
            int(p["packageReferenceId"])
            for p in packages
            if str(p.get("packageReferenceId", "")).isdigit()
        ]
        detail["packageReferenceId"] = str(max([*used, int(reference)]) + 1)
        confirmation.package_reference_id = detail["packageReferenceId"]
    raise AmazonError(
        "No free packageReferenceId",
        code="PackageReferenceConflict",
        merchant_message="Amazon already has packages with the references tried.",
        reached_amazon=False,
    )


def _confirmed(confirmation: AmazonShipmentConfirmation) -> None:
    confirmation.status = ShipmentStatus.CONFIRMED
    confirmation.last_error = ""
    confirmation.confirmed_at = timezone.now()


def _write_order_metadata(order: Order, confirmation: AmazonShipmentConfirmation):
    value = confirmation.status
    if confirmation.status == ShipmentStatus.CONFIRMED:
        value = f"CONFIRMED {confirmation.carrier_code} {confirmation.tracking_number}"
    elif confirmation.last_error:
        value = f"{confirmation.status}: {confirmation.last_error}"[:500]
    key = f"amazon.shipment.{confirmation.package_reference_id}"
    # An atomic JSONB merge, like Saleor's own metadata writes.
    Order.objects.filter(pk=order.pk).update(
        metadata=RawSQL("metadata || %s::jsonb", [json.dumps({key: value})])
    )


# How far back the sweep looks for a confirmation that was never recorded.
SWEEP_WINDOW = timedelta(days=7)
# Fulfillments the import itself creates (an order shipped before its first
# import) are written with the order; Amazon has those packages already.
IMPORTED_WITH_ORDER = timedelta(minutes=1)


def unrecorded_fulfillments(limit: int = 100) -> list[int]:
    """Fulfillments with a tracking number of imported merchant-fulfilled
    orders that have no confirmation at all.

    The confirmation row is written in the transaction that calls Amazon, so a
    worker that dies after Amazon answered (or after taking the task from the
    queue) leaves no row behind; confirming again is safe, since a reference
    Amazon already has with the same tracking number counts as confirmed.
    """
    merchant_orders = AmazonImportedOrder.objects.filter(
        fulfilled_by="MERCHANT", order_id__isnull=False
    ).values("order_id")
    return list(
        Fulfillment.objects.filter(
            order_id__in=merchant_orders,
            created_at__gte=timezone.now() - SWEEP_WINDOW,
            created_at__gt=F("order__created_at") + IMPORTED_WITH_ORDER,
        )
        .exclude(tracking_number="")
        .exclude(pk__in=AmazonShipmentConfirmation.objects.values("fulfillment_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
