"""The sandbox's own control API under ``/_sandbox`` (no access token needed)."""

from typing import Any

from . import feeds, listings, orders, sellers
from .errors import invalid_input
from .routing import Request, Response
from .state import SandboxState


def reset(state: SandboxState, request: Request) -> Response:
    state.reset()
    return Response(200, {"status": "reset"})


def get_faults(state: SandboxState, request: Request) -> Response:
    return Response(200, state.faults.as_dict())


def put_faults(state: SandboxState, request: Request) -> Response:
    updated = state.faults.update(request.json())
    state.save()
    return Response(200, updated)


def post_orders(state: SandboxState, request: Request) -> Response:
    return Response(200, orders.upsert_orders(state, request.json()))


def get_orders(state: SandboxState, request: Request) -> Response:
    with state.lock:
        return Response(200, {"orders": list(state.data["orders"].values())})


def get_listings(state: SandboxState, request: Request) -> Response:
    market = request.param("marketplaceId")
    if market is not None and sellers.marketplace(market) is None:
        raise invalid_input(f"Unknown marketplaceId {market}.")
    out: list[dict[str, Any]] = []
    with state.lock:
        for by_market in state.data["listings"].values():
            for market_id, skus in sorted(by_market.items()):
                if market is None or market_id == market:
                    out.extend(listings.admin_view(r) for _, r in sorted(skus.items()))
    return Response(200, {"listings": out})


def get_shipments(state: SandboxState, request: Request) -> Response:
    with state.lock:
        return Response(200, {"shipments": list(state.data["shipments"])})


def get_requests(state: SandboxState, request: Request) -> Response:
    operation = request.param("operation")
    with state.lock:
        entries = [
            r
            for r in state.requests
            if operation is None or r["operation"] == operation
        ]
    return Response(200, {"requests": entries})


def get_feeds(state: SandboxState, request: Request) -> Response:
    return Response(200, {"feeds": feeds.admin_feeds(state)})


def health(state: SandboxState, request: Request) -> Response:
    return Response(200, {"status": "ok", "timeScale": state.time_scale})
