"""Product Type Definitions API 2020-09-01: search, definitions and their schemas."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from ..core import SpApiCore
from ..errors import AmazonError
from ..spapi_library import csv_param


class ProductTypesApi(SpApiCore):
    """Product Type Definitions API 2020-09-01 operations."""

    def search_product_types(
        self,
        marketplace_id: str,
        keywords: str | Sequence[str] | None = None,
        *,
        item_name: str | None = None,
        locale: str | None = None,
        search_locale: str | None = None,
    ) -> dict[str, Any]:
        """``{"productTypes": [{"name", "displayName", ...}], ...}``."""
        return self._call(
            "searchDefinitionsProductTypes",
            "GET",
            "/definitions/2020-09-01/productTypes",
            params={
                "marketplaceIds": marketplace_id,
                "keywords": csv_param(keywords),
                "itemName": item_name,
                "locale": locale,
                "searchLocale": search_locale,
            },
        )

    def get_product_type(
        self,
        marketplace_id: str,
        product_type: str,
        *,
        requirements: str = "LISTING",
        requirements_enforced: str = "ENFORCED",
        locale: str = "DEFAULT",
        product_type_version: str | None = None,
        seller_specific: bool = True,
    ) -> dict[str, Any]:
        """The definition; its JSON schema is at ``["schema"]["link"]["resource"]``."""
        return self._call(
            "getDefinitionsProductType",
            "GET",
            f"/definitions/2020-09-01/productTypes/{quote(product_type, safe='')}",
            params={
                "marketplaceIds": marketplace_id,
                "sellerId": self.seller_id if seller_specific else None,
                "requirements": requirements,
                "requirementsEnforced": requirements_enforced,
                "locale": locale,
                "productTypeVersion": product_type_version,
            },
        )

    def download_schema(self, url: str) -> dict[str, Any]:
        """Fetch and parse a product type JSON schema from its presigned link."""
        response = self._plain_http("downloadSchema", "GET", url)
        try:
            return json.loads(response.content)
        except ValueError:
            raise AmazonError(
                "product type schema is not valid JSON",
                code="InvalidSchemaDocument",
                operation="downloadSchema",
                status=response.status_code,
                merchant_message=(
                    "Amazon's product type schema could not be read; try again later"
                ),
            ) from None
