"""Orders 2026-01-01 (searchOrders, getOrder) and Orders v0 confirmShipment.

Orders are stored whole in the ``Order`` shape; ``includedData`` only decides
which datasets a response carries.
"""

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from . import clock, sellers, validation
from .errors import ApiError, invalid_input
from .feeds import _encode_token, decode_token
from .routing import Request, Response
from .state import SandboxState

MODEL = "orders_2026-01-01"
MODEL_V0 = "ordersV0"
DATA_DIR = Path(__file__).parent / "data"
# Amazon only answers for changes older than two minutes; scaled by time_scale.
SEARCH_LAG_SECONDS = 120.0
FULFILLMENT_STATUSES = (
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
)
DATASETS = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
)
ORDER_DATASETS = {
    "buyer": "BUYER",
    "recipient": "RECIPIENT",
    "proceeds": "PROCEEDS",
    "payment": "PAYMENT",
    "tax": "TAX",
    "fulfillment": "FULFILLMENT",
    "packages": "PACKAGES",
    "fulfillmentOrders": "FULFILLMENT_ORDERS",
}
ITEM_DATASETS = {
    "proceeds": "PROCEEDS",
    "expense": "EXPENSE",
    "promotion": "PROMOTION",
    "cancellation": "CANCELLATION",
    "fulfillment": "FULFILLMENT",
    "tax": "TAX",
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


# -- seed ------------------------------------------------------------------------


@cache
def _seed_file() -> list[dict[str, Any]]:
    with open(DATA_DIR / "orders.json", encoding="utf-8") as fh:
        return json.load(fh)["orders"]


def _shift_times(node: Any, delta: float) -> Any:
    if isinstance(node, dict):
        return {k: _shift_times(v, delta) for k, v in node.items()}
    if isinstance(node, list):
        return [_shift_times(v, delta) for v in node]
    if isinstance(node, str) and _ISO.match(node):
        return clock.iso(clock.parse_iso(node) + delta)
    return node


def seed_orders() -> dict[str, dict[str, Any]]:
    """Seed orders, moved in time so the newest changed an hour ago.

    Relative ages stay as authored; absolute dates follow the clock so that a
    client asking for "the last few days" finds them.
    """
    orders = _seed_file()
    newest = max(clock.parse_iso(o["lastUpdatedTime"]) for o in orders)
    delta = (clock.now() - 3600) - newest
    delta -= delta % 60  # keep whole minutes: authored times read naturally
    return {o["orderId"]: _shift_times(copy.deepcopy(o), delta) for o in orders}


# -- rendering -------------------------------------------------------------------


def render(order: dict[str, Any], included: list[str]) -> dict[str, Any]:
    wanted = set(included)
    out = {
        k: v
        for k, v in order.items()
        if ORDER_DATASETS.get(k, "") in wanted or k not in ORDER_DATASETS
    }
    items = []
    for item in order["orderItems"]:
        items.append(
            {
                k: v
                for k, v in item.items()
                if ITEM_DATASETS.get(k, "") in wanted or k not in ITEM_DATASETS
            }
        )
    out["orderItems"] = items
    return copy.deepcopy(out)


def _included(request: Request) -> list[str]:
    values = request.param_list("includedData") or []
    bad = [v for v in values if v not in DATASETS]
    if bad:
        raise invalid_input(f"Invalid includedData value(s): {', '.join(bad)}.")
    return values


def _time(request: Request, name: str) -> float | None:
    raw = request.param(name)
    if raw is None:
        return None
    try:
        return clock.parse_iso(raw)
    except ValueError:
        raise invalid_input(f"Invalid date-time for '{name}': {raw}.") from None


# -- API -------------------------------------------------------------------------


def search_orders(state: SandboxState, request: Request) -> Response:
    token = request.param("paginationToken")
    if token:
        query = decode_token(token, "paginationToken")
    else:
        query = _search_query(state, request)
    with state.lock:
        matches = [o for o in state.data["orders"].values() if _matches(o, query)]
    field = "createdTime" if query["by"] == "created" else "lastUpdatedTime"
    matches.sort(key=lambda o: (clock.parse_iso(o[field]), o["orderId"]))
    offset, size = query["offset"], query["size"]
    page = matches[offset : offset + size]
    body: dict[str, Any] = {"orders": [render(o, query["included"]) for o in page]}
    if offset + size < len(matches):
        body["pagination"] = {
            "nextToken": _encode_token(dict(query, offset=offset + size))
        }
    bound = "createdBefore" if query["by"] == "created" else "lastUpdatedBefore"
    body[bound] = clock.iso(query["before"])
    return Response(200, body)


def _search_query(state: SandboxState, request: Request) -> dict[str, Any]:
    created_after = _time(request, "createdAfter")
    created_before = _time(request, "createdBefore")
    updated_after = _time(request, "lastUpdatedAfter")
    updated_before = _time(request, "lastUpdatedBefore")
    if (created_after is None) == (updated_after is None):
        raise invalid_input(
            "Exactly one of 'createdAfter' and 'lastUpdatedAfter' must be provided."
        )
    if created_after is not None and updated_before is not None:
        raise invalid_input(
            "'lastUpdatedBefore' cannot be combined with 'createdAfter'."
        )
    if updated_after is not None and created_before is not None:
        raise invalid_input(
            "'createdBefore' cannot be combined with 'lastUpdatedAfter'."
        )
    by = "created" if created_after is not None else "updated"
    after = created_after if by == "created" else updated_after
    before = created_before if by == "created" else updated_before
    latest = clock.now() - state.scaled(SEARCH_LAG_SECONDS)
    name = "createdBefore" if by == "created" else "lastUpdatedBefore"
    if before is None:
        before = latest
    elif before > latest + 1:
        raise invalid_input(
            f"'{name}' must be at least two minutes before the time of the request."
        )
    if before < after:
        raise invalid_input(f"'{name}' must be equal to or after the '{by}After' date.")
    statuses = request.param_list("fulfillmentStatuses")
    bad = [s for s in statuses or [] if s not in FULFILLMENT_STATUSES]
    if bad:
        raise invalid_input(f"Invalid fulfillmentStatuses: {', '.join(bad)}.")
    fulfilled_by = request.param_list("fulfilledBy")
    if fulfilled_by and any(f not in ("MERCHANT", "AMAZON") for f in fulfilled_by):
        raise invalid_input("Invalid fulfilledBy value.")
    markets = request.param_list("marketplaceIds")
    if markets is not None and len(markets) > 50:
        raise invalid_input("marketplaceIds accepts at most 50 values.")
    return {
        "by": by,
        "after": after,
        "before": before,
        "statuses": statuses,
        "fulfilledBy": fulfilled_by,
        "markets": markets,
        "included": _included(request),
        "size": request.param_int("maxResultsPerPage", 100, 1, 100),
        "offset": 0,
    }


def _matches(order: dict[str, Any], q: dict[str, Any]) -> bool:
    field = "createdTime" if q["by"] == "created" else "lastUpdatedTime"
    ts = clock.parse_iso(order[field])
    if not q["after"] <= ts <= q["before"]:
        return False
    fulfillment = order.get("fulfillment") or {}
    if q["statuses"] and fulfillment.get("fulfillmentStatus") not in q["statuses"]:
        return False
    if q["fulfilledBy"] and fulfillment.get("fulfilledBy") not in q["fulfilledBy"]:
        return False
    return not (
        q["markets"] and order["salesChannel"].get("marketplaceId") not in q["markets"]
    )


def get_order(state: SandboxState, request: Request) -> Response:
    order_id = request.path_params["orderId"]
    included = _included(request)
    with state.lock:
        order = state.data["orders"].get(order_id)
        if order is None:
            raise ApiError(404, "NotFound", f"Order {order_id} not found.")
        return Response(200, {"order": render(order, included)})


# -- confirmShipment (Orders v0) ---------------------------------------------------


def confirm_shipment(state: SandboxState, request: Request) -> Response:
    order_id = request.path_params["orderId"]
    body = request.json()
    errors = validation.model_errors(MODEL_V0, "ConfirmShipmentRequest", body)
    if not errors:
        errors = _basic_shipment_errors(body)
    if errors:
        raise invalid_input("Invalid Input", "; ".join(errors))
    detail = body["packageDetail"]
    ref = detail["packageReferenceId"]
    if not (ref.isdigit() and int(ref) > 0):
        raise invalid_input(
            "Invalid Input",
            "packageDetail.packageReferenceId must be a positive numeric string.",
        )
    with state.lock:
        order = state.data["orders"].get(order_id)
        if order is None:
            raise ApiError(404, "NotFound", f"Order {order_id} not found.")
        _check_shippable(order, body)
        now = clock.now()
        state.data["shipments"].append(
            {"orderId": order_id, "receivedTime": clock.iso_ms(now), "request": body}
        )
        _record_package(order, detail, now)
        state.save()
    return Response(204, None)


def _basic_shipment_errors(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["body must be an object"]
    detail = body.get("packageDetail")
    if not isinstance(body.get("marketplaceId"), str):
        return ["marketplaceId: is a required property"]
    if not isinstance(detail, dict):
        return ["packageDetail: is a required property"]
    missing = [
        k
        for k in (
            "packageReferenceId",
            "carrierCode",
            "trackingNumber",
            "shipDate",
            "orderItems",
        )
        if k not in detail
    ]
    if missing:
        return [f"packageDetail.{k}: is a required property" for k in missing]
    if not isinstance(detail["orderItems"], list) or not all(
        isinstance(i, dict)
        and isinstance(i.get("orderItemId"), str)
        and isinstance(i.get("quantity"), int)
        for i in detail["orderItems"]
    ):
        return ["packageDetail.orderItems: items need orderItemId and integer quantity"]
    try:
        clock.parse_iso(str(detail["shipDate"]))
    except ValueError:
        return ["packageDetail.shipDate: is not a 'date-time'"]
    return []


def _check_shippable(order: dict[str, Any], body: dict[str, Any]) -> None:
    detail = body["packageDetail"]
    market = order["salesChannel"].get("marketplaceId")
    if body["marketplaceId"] != market:
        raise invalid_input(
            "Invalid Input",
            f"marketplaceId does not match the order's marketplace {market}.",
        )
    fulfillment = order.get("fulfillment") or {}
    if fulfillment.get("fulfilledBy") == "AMAZON":
        raise invalid_input(
            "Invalid Input",
            "The order is fulfilled by Amazon and cannot be confirmed by the seller.",
        )
    status = fulfillment.get("fulfillmentStatus")
    if status not in ("UNSHIPPED", "PARTIALLY_SHIPPED"):
        raise invalid_input(
            "Invalid Input", f"The order cannot be shipped in status {status}."
        )
    if any(
        p.get("packageReferenceId") == detail["packageReferenceId"]
        for p in order.get("packages", [])
    ):
        raise invalid_input(
            "Invalid Input",
            f"packageReferenceId {detail['packageReferenceId']} was already "
            "confirmed for this order.",
        )
    if not detail["orderItems"]:
        raise invalid_input(
            "Invalid Input", "packageDetail.orderItems must not be empty."
        )
    items = {i["orderItemId"]: i for i in order["orderItems"]}
    asked: dict[str, int] = {}
    for line in detail["orderItems"]:
        item_id = line["orderItemId"]
        if item_id not in items:
            raise invalid_input(
                "Invalid Input",
                f"orderItemId {item_id} is not part of order {order['orderId']}.",
            )
        asked[item_id] = asked.get(item_id, 0) + line["quantity"]
    for item_id, quantity in asked.items():
        open_qty = _unshipped(items[item_id])
        if quantity <= 0 or quantity > open_qty:
            raise invalid_input(
                "Invalid Input",
                f"quantity {quantity} for orderItemId {item_id} is invalid; "
                f"{open_qty} unit(s) remain to be shipped.",
            )


def _unshipped(item: dict[str, Any]) -> int:
    f = item.get("fulfillment") or {}
    if "quantityUnfulfilled" in f:
        return int(f["quantityUnfulfilled"])
    return int(item["quantityOrdered"]) - int(f.get("quantityFulfilled", 0))


def _record_package(order: dict[str, Any], detail: dict[str, Any], now: float) -> None:
    items = {i["orderItemId"]: i for i in order["orderItems"]}
    for line in detail["orderItems"]:
        item = items[line["orderItemId"]]
        f = item.setdefault("fulfillment", {})
        shipped = int(f.get("quantityFulfilled", 0)) + line["quantity"]
        f["quantityFulfilled"] = shipped
        f["quantityUnfulfilled"] = int(item["quantityOrdered"]) - shipped
    package = {
        "packageReferenceId": detail["packageReferenceId"],
        "createdTime": clock.iso(now),
        "packageStatus": {"status": "SHIPPED"},
        "carrier": detail.get("carrierName") or detail["carrierCode"],
        "shipTime": clock.iso(clock.parse_iso(detail["shipDate"])),
        "trackingNumber": detail["trackingNumber"],
        "packageItems": [
            {"orderItemId": line["orderItemId"], "quantity": line["quantity"]}
            for line in detail["orderItems"]
        ],
    }
    if detail.get("shippingMethod"):
        package["shippingService"] = detail["shippingMethod"]
    order.setdefault("packages", []).append(package)
    done = all(_unshipped(i) == 0 for i in order["orderItems"])
    order.setdefault("fulfillment", {})["fulfillmentStatus"] = (
        "SHIPPED" if done else "PARTIALLY_SHIPPED"
    )
    order["lastUpdatedTime"] = clock.iso(now)


# -- admin -----------------------------------------------------------------------


def upsert_orders(state: SandboxState, payload: Any) -> dict[str, Any]:
    """Admin: insert or replace orders by orderId; a changed order gets a new
    lastUpdatedTime, which is what makes it show up in incremental searches."""
    if isinstance(payload, dict):
        payload = payload.get("orders", [payload])
    if not isinstance(payload, list) or not payload:
        raise invalid_input("Expected a JSON list of orders.")
    errors: list[str] = []
    for n, order in enumerate(payload):
        found = validation.model_errors(MODEL, "Order", order)
        if not found and (
            not isinstance(order, dict) or not isinstance(order.get("orderId"), str)
        ):
            found = ["orderId: is a required property"]
        if not found and not isinstance(order.get("orderItems"), list):
            found = ["orderItems: is a required property"]
        errors.extend(f"[{n}].{e}" for e in found)
    if errors:
        raise invalid_input("Invalid order(s).", "; ".join(errors))
    created, updated, unchanged = [], [], []
    now = clock.iso(clock.now())
    with state.lock:
        for order in payload:
            order = copy.deepcopy(order)
            existing = state.data["orders"].get(order["orderId"])
            if existing is not None and _same(existing, order):
                unchanged.append(order["orderId"])
                continue
            order["lastUpdatedTime"] = now
            (updated if existing else created).append(order["orderId"])
            state.data["orders"][order["orderId"]] = order
        state.save()
    return {"created": created, "updated": updated, "unchanged": unchanged}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    strip = lambda o: {k: v for k, v in o.items() if k != "lastUpdatedTime"}  # noqa: E731
    return strip(a) == strip(b)


def marketplace_name(marketplace_id: str) -> str:
    m = sellers.marketplace(marketplace_id)
    return m["name"] if m else marketplace_id
