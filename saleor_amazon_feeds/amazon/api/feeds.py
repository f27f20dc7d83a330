"""Feeds API 2021-06-30: feed documents, feeds and the JSON_LISTINGS_FEED quota.

Documents live at presigned URLs (no SP-API token, no SP-API rate limit);
bodies go up as UTF-8 bytes and come down gunzipped (``documents.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import IO, Any
from urllib.parse import quote

from .. import documents
from ..core import SpApiCore
from ..marketplaces import get_marketplace
from ..rates import JSON_LISTINGS_FEED
from ..spapi_library import csv_param, iso_time


class FeedsApi(SpApiCore):
    """Feeds API 2021-06-30 operations."""

    def create_feed_document(
        self, content_type: str = documents.JSON_CONTENT_TYPE
    ) -> dict[str, Any]:
        """``{"feedDocumentId", "url"}``: where to upload the feed body."""
        return self._call(
            "createFeedDocument",
            "POST",
            "/feeds/2021-06-30/documents",
            body={"contentType": content_type},
        )

    def upload_feed_document(
        self,
        url: str,
        content: bytes | str | IO[bytes],
        content_type: str = documents.JSON_CONTENT_TYPE,
    ) -> None:
        """PUT the feed body to the presigned URL, as UTF-8 bytes (a file's
        bytes are streamed as they are)."""
        body, length = documents.upload_body(content)
        self._plain_http(
            "uploadFeedDocument",
            "PUT",
            url,
            content=body,
            headers={"Content-Type": content_type, "Content-Length": str(length)},
        )

    def create_feed(
        self,
        feed_type: str,
        marketplace_ids: Sequence[str],
        document_id: str,
        *,
        feed_options: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """``{"feedId"}``. Not retried after a 5xx: it may exist already."""
        body: dict[str, Any] = {
            "feedType": feed_type,
            "marketplaceIds": list(marketplace_ids),
            "inputFeedDocumentId": document_id,
        }
        if feed_options:
            body["feedOptions"] = dict(feed_options)
        return self._call("createFeed", "POST", "/feeds/2021-06-30/feeds", body=body)

    def get_feed(self, feed_id: str) -> dict[str, Any]:
        return self._call(
            "getFeed", "GET", f"/feeds/2021-06-30/feeds/{quote(str(feed_id), safe='')}"
        )

    def get_feeds(
        self,
        *,
        feed_types: Sequence[str] | None = None,
        marketplace_ids: Sequence[str] | None = None,
        processing_statuses: Sequence[str] | None = None,
        page_size: int | None = None,
        created_since: datetime | str | None = None,
        created_until: datetime | str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """``{"feeds": [...], "nextToken"?}``; with ``next_token`` nothing else
        may be sent, so the other filters are dropped."""
        if next_token:
            params: dict[str, Any] = {"nextToken": next_token}
        else:
            if not feed_types:
                raise ValueError("get_feeds needs feed_types or next_token")
            params = {
                "feedTypes": csv_param(feed_types),
                "marketplaceIds": csv_param(marketplace_ids),
                "processingStatuses": csv_param(processing_statuses),
                "pageSize": page_size,
                "createdSince": iso_time(created_since),
                "createdUntil": iso_time(created_until),
            }
        return self._call("getFeeds", "GET", "/feeds/2021-06-30/feeds", params=params)

    def cancel_feed(self, feed_id: str) -> dict[str, Any]:
        return self._call(
            "cancelFeed",
            "DELETE",
            f"/feeds/2021-06-30/feeds/{quote(str(feed_id), safe='')}",
        )

    def get_feed_document(self, document_id: str) -> dict[str, Any]:
        """``{"feedDocumentId", "url", "compressionAlgorithm"?}``."""
        return self._call(
            "getFeedDocument",
            "GET",
            f"/feeds/2021-06-30/documents/{quote(str(document_id), safe='')}",
        )

    def download_document(self, url: str, compression: str | None = None) -> bytes:
        """The document's bytes, gunzipped when it was compressed."""
        response = self._plain_http("downloadDocument", "GET", url)
        return documents.decompress(response.content, compression)

    def download_feed_document(self, document_id: str) -> bytes:
        """get_feed_document + download_document (e.g. a processing report)."""
        doc = self.get_feed_document(document_id)
        return self.download_document(doc["url"], doc.get("compressionAlgorithm"))

    def submit_json_listings_feed(
        self,
        marketplace_id: str,
        content: bytes | str,
        *,
        wait_for_quota: float = 0.0,
    ) -> str:
        """Upload and submit a JSON_LISTINGS_FEED; return the feed id.

        Takes one of the region's five submissions per five minutes first
        (waiting up to ``wait_for_quota`` seconds), so a full quota raises a
        retryable AmazonError with ``retry_after`` before anything is sent.
        """
        get_marketplace(marketplace_id)
        slot = uuid.uuid4().hex
        self.limiter.acquire_feed_submission(
            self.seller_id,
            self.region.value,
            JSON_LISTINGS_FEED,
            timeout=wait_for_quota,
            slot=slot,
        )
        doc = self.create_feed_document(documents.JSON_CONTENT_TYPE)
        self.upload_feed_document(doc["url"], content, documents.JSON_CONTENT_TYPE)
        try:
            feed = self.create_feed(
                JSON_LISTINGS_FEED, [marketplace_id], doc["feedDocumentId"]
            )
        finally:
            self.limiter.restamp_feed_submission(
                self.seller_id, self.region.value, slot, JSON_LISTINGS_FEED
            )
        return feed["feedId"]

    def next_feed_submission_at(self) -> datetime:
        return self.limiter.next_feed_submission_at(
            self.seller_id, self.region.value, JSON_LISTINGS_FEED
        )
