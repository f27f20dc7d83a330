"""Listings Items API 2021-08-01: one listing per call, by SKU.

``mode=VALIDATION_PREVIEW`` validates without saving; it counts against the
operation's rate and also against a limit shared by every seller of the
application (see ``rates.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from ..core import SpApiCore
from ..rates import APPLICATION_SCOPE, VALIDATION_PREVIEW
from ..spapi_library import csv_param


class ListingsApi(SpApiCore):
    """Listings Items API 2021-08-01 operations."""

    def _listings_path(self, sku: str) -> str:
        return (
            f"/listings/2021-08-01/items/{quote(self.seller_id, safe='')}/"
            f"{quote(sku, safe='')}"
        )

    @staticmethod
    def _preview_limits(mode: str | None) -> tuple[tuple[str, str], ...]:
        if mode == "VALIDATION_PREVIEW":
            return ((APPLICATION_SCOPE, VALIDATION_PREVIEW),)
        return ()

    def get_listings_item(
        self,
        sku: str,
        marketplace_id: str,
        *,
        included_data: Sequence[str] | None = None,
        issue_locale: str | None = None,
    ) -> dict[str, Any]:
        return self._call(
            "getListingsItem",
            "GET",
            self._listings_path(sku),
            params={
                "marketplaceIds": marketplace_id,
                "includedData": csv_param(included_data),
                "issueLocale": issue_locale,
            },
        )

    def put_listings_item(
        self,
        sku: str,
        marketplace_id: str,
        body: Mapping[str, Any],
        mode: str | None = None,
        *,
        included_data: Sequence[str] | None = None,
        issue_locale: str | None = None,
    ) -> dict[str, Any]:
        """Create or fully replace a listing; ``mode="VALIDATION_PREVIEW"``
        validates without saving."""
        return self._write_listings_item(
            "putListingsItem",
            "PUT",
            sku,
            marketplace_id,
            body,
            mode,
            included_data,
            issue_locale,
        )

    def patch_listings_item(
        self,
        sku: str,
        marketplace_id: str,
        body: Mapping[str, Any],
        mode: str | None = None,
        *,
        included_data: Sequence[str] | None = None,
        issue_locale: str | None = None,
    ) -> dict[str, Any]:
        return self._write_listings_item(
            "patchListingsItem",
            "PATCH",
            sku,
            marketplace_id,
            body,
            mode,
            included_data,
            issue_locale,
        )

    def _write_listings_item(
        self,
        operation: str,
        method: str,
        sku: str,
        marketplace_id: str,
        body: Mapping[str, Any],
        mode: str | None,
        included_data: Sequence[str] | None,
        issue_locale: str | None,
    ) -> dict[str, Any]:
        return self._call(
            operation,
            method,
            self._listings_path(sku),
            params={
                "marketplaceIds": marketplace_id,
                "mode": mode,
                "includedData": csv_param(included_data),
                "issueLocale": issue_locale,
            },
            body=body,
            extra_limits=self._preview_limits(mode),
        )

    def delete_listings_item(
        self, sku: str, marketplace_id: str, *, issue_locale: str | None = None
    ) -> dict[str, Any]:
        return self._call(
            "deleteListingsItem",
            "DELETE",
            self._listings_path(sku),
            params={"marketplaceIds": marketplace_id, "issueLocale": issue_locale},
        )
