"""Sellers API v1: the marketplaces a seller participates in."""

from __future__ import annotations

from typing import Any

from ..core import SpApiCore


class SellersApi(SpApiCore):
    """Sellers API v1 operations."""

    def get_marketplace_participations(self) -> list[dict[str, Any]]:
        """The marketplaces the seller participates in (Sellers API v1)."""
        payload = self._call(
            "getMarketplaceParticipations",
            "GET",
            "/sellers/v1/marketplaceParticipations",
        )
        return payload.get("payload", []) if isinstance(payload, dict) else payload
