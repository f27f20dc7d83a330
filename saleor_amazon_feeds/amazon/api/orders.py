"""Orders API 2026-01-01 (searchOrders, getOrder) and v0 confirmShipment.

Orders are read with v2026-01-01 (the v0 getOrders family is deprecated, to
be removed 2027-03-27); shipments are still confirmed with v0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ..core import SpApiCore
from ..spapi_library import csv_param, iso_time


class OrdersApi(SpApiCore):
    """Orders API operations."""

    def search_orders(
        self,
        marketplace_ids: Sequence[str],
        last_updated_after: datetime | str | None = None,
        pagination_token: str | None = None,
        *,
        created_after: datetime | str | None = None,
        created_before: datetime | str | None = None,
        last_updated_before: datetime | str | None = None,
        fulfillment_statuses: Sequence[str] | None = None,
        fulfilled_by: Sequence[str] | None = None,
        max_results_per_page: int | None = None,
        included_data: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """One page: ``{"orders": [...], "pagination": {"nextToken"?}, ...}``.

        Orders API v2026-01-01 (python-amazon-sp-api's wrapper would split
        lists into repeated parameters and drop ``pagination``).
        """
        if (last_updated_after is None) == (created_after is None):
            raise ValueError("pass exactly one of last_updated_after, created_after")
        return self._call(
            "searchOrders",
            "GET",
            "/orders/2026-01-01/orders",
            params={
                "marketplaceIds": csv_param(marketplace_ids),
                "lastUpdatedAfter": iso_time(last_updated_after),
                "lastUpdatedBefore": iso_time(last_updated_before),
                "createdAfter": iso_time(created_after),
                "createdBefore": iso_time(created_before),
                "fulfillmentStatuses": csv_param(fulfillment_statuses),
                "fulfilledBy": csv_param(fulfilled_by),
                "maxResultsPerPage": max_results_per_page,
                "includedData": csv_param(included_data),
                "paginationToken": pagination_token,
            },
        )

    def iter_orders(
        self,
        marketplace_ids: Sequence[str],
        last_updated_after: datetime | str | None = None,
        **filters: Any,
    ) -> Iterator[dict[str, Any]]:
        """Every order of :meth:`search_orders`, following ``nextToken``."""
        token: str | None = None
        while True:
            page = self.search_orders(
                marketplace_ids, last_updated_after, token, **filters
            )
            yield from page.get("orders", [])
            token = (page.get("pagination") or {}).get("nextToken")
            if not token:
                return

    def get_order(
        self, order_id: str, *, included_data: Sequence[str] | None = None
    ) -> dict[str, Any]:
        return self._call(
            "getOrder",
            "GET",
            f"/orders/2026-01-01/orders/{quote(order_id, safe='')}",
            params={"includedData": csv_param(included_data)},
        )

    def confirm_shipment(
        self,
        order_id: str,
        marketplace_id: str,
        package_detail: Mapping[str, Any],
        *,
        cod_collection_method: str | None = None,
    ) -> dict[str, Any]:
        """Orders API v0 confirmShipment; Amazon answers 204, so ``{}``."""
        body: dict[str, Any] = {
            "marketplaceId": marketplace_id,
            "packageDetail": dict(package_detail),
        }
        if cod_collection_method:
            body["codCollectionMethod"] = cod_collection_method
        return self._call(
            "confirmShipment",
            "POST",
            f"/orders/v0/orders/{quote(order_id, safe='')}/shipmentConfirmation",
            body=body,
        )
