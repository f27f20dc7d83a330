"""The one seeded selling partner and the marketplaces it sells in."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from .errors import invalid_input
from .routing import Request, Response

DATA_DIR = Path(__file__).parent / "data"


@cache
def seller() -> dict[str, Any]:
    with open(DATA_DIR / "seller.json", encoding="utf-8") as fh:
        return json.load(fh)


def seller_id() -> str:
    return seller()["sellerId"]


def marketplaces() -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in seller()["participations"]}


def marketplace(marketplace_id: str) -> dict[str, Any] | None:
    return marketplaces().get(marketplace_id)


def region_of(marketplace_id: str) -> str:
    m = marketplace(marketplace_id)
    return m["region"] if m else "UNKNOWN"


def require_marketplaces(
    ids: list[str] | None, name: str = "marketplaceIds", max_items: int | None = None
) -> list[str]:
    """Check a required marketplaceIds parameter against the participations."""
    if not ids:
        raise invalid_input(f"Missing required parameter '{name}'.")
    if max_items is not None and len(ids) > max_items:
        raise invalid_input(f"Parameter '{name}' accepts at most {max_items} value(s).")
    unknown = [m for m in ids if m not in marketplaces()]
    if unknown:
        raise invalid_input(
            f"Invalid '{name}' provided: {', '.join(unknown)}.",
            "The seller does not participate in these marketplaces.",
        )
    return ids


def get_marketplace_participations(request: Request) -> Response:
    payload = []
    for m in seller()["participations"]:
        payload.append(
            {
                "marketplace": {
                    k: m[k]
                    for k in (
                        "id",
                        "name",
                        "countryCode",
                        "defaultCurrencyCode",
                        "defaultLanguageCode",
                        "domainName",
                    )
                },
                "participation": {
                    "isParticipating": True,
                    "hasSuspendedListings": m["hasSuspendedListings"],
                },
                "storeName": seller()["storeName"],
            }
        )
    return Response(200, {"payload": payload})
