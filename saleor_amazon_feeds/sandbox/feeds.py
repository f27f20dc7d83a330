"""Feeds 2021-06-30: documents, feeds, and their asynchronous processing.

Document URLs imitate S3 presigned URLs on the sandbox's own host: signed,
expiring after five minutes, and bound to the Content-Type given at creation.
"""

import base64
import gzip
import hashlib
import hmac
import json
import secrets
import uuid
from typing import Any
from urllib.parse import quote

from . import clock, feed_processing, sellers, validation
from .errors import ApiError, invalid_input, quota_exceeded
from .routing import Request, Response
from .state import SandboxState

MODEL = "feeds_2021-06-30"
SUPPORTED_FEED_TYPES = ("JSON_LISTINGS_FEED",)
STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")
URL_LIFETIME = 300
QUEUE_SECONDS = 1.0  # real-world seconds, divided by time_scale
PROGRESS_SECONDS = 2.0
GZIP_THRESHOLD = 32 * 1024  # reports larger than this are served compressed
RETENTION_DAYS = 90


def _secret(state: SandboxState) -> bytes:
    with state.lock:
        if "urlSecret" not in state.data:
            state.data["urlSecret"] = secrets.token_hex(16)
        return state.data["urlSecret"].encode()


def _signature(state: SandboxState, method: str, doc_id: str, date: str) -> str:
    msg = f"{method}\n{doc_id}\n{date}".encode()
    return hmac.new(_secret(state), msg, hashlib.sha256).hexdigest()


def signed_url(
    state: SandboxState,
    base_url: str,
    method: str,
    doc_id: str,
    *,
    expired: bool = False,
) -> str:
    """A presigned-style URL; ``expired`` dates it just past its lifetime."""
    now = int(clock.now())
    date = str(now - URL_LIFETIME - 1 if expired else now)
    sig = _signature(state, method, doc_id, date)
    return (
        f"{base_url}/_sandbox/documents/{quote(doc_id, safe='')}"
        f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={date}"
        f"&X-Amz-Expires={URL_LIFETIME}&X-Amz-Signature={sig}"
    )


def _s3_error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    ).encode()
    return Response(status, body, content_type="application/xml")


def _check_signature(
    state: SandboxState, request: Request, method: str
) -> Response | None:
    doc_id = request.path_params["documentId"]
    date = request.param("X-Amz-Date", "")
    sig = request.param("X-Amz-Signature", "")
    if (
        not date
        or not sig
        or not hmac.compare_digest(sig, _signature(state, method, doc_id, date))
    ):
        return _s3_error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature "
            "you provided.",
        )
    try:
        expired = clock.now() > int(date) + URL_LIFETIME
    except ValueError:
        expired = True
    if expired:
        return _s3_error(403, "AccessDenied", "Request has expired")
    return None


# -- documents -------------------------------------------------------------------


def create_feed_document(state: SandboxState, request: Request) -> Response:
    body = request.json()
    errors = validation.model_errors(MODEL, "CreateFeedDocumentSpecification", body)
    if not errors and not (
        isinstance(body, dict) and isinstance(body.get("contentType"), str)
    ):
        errors = ["contentType: is a required property"]
    if errors:
        raise invalid_input("Invalid request body.", "; ".join(errors))
    n = state.next_id("document")
    doc_id = f"amzn1.tortuga.4.eu.{uuid.uuid4()}.T{n:04d}SBX"
    with state.lock:
        state.data["documents"][doc_id] = {
            "feedDocumentId": doc_id,
            "sellerId": request.seller_id,
            "kind": "input",
            "contentType": body["contentType"],
            "content": None,
            "compressionAlgorithm": None,
            "createdAt": clock.now(),
        }
        state.save()
    url = signed_url(
        state,
        request.base_url,
        "PUT",
        doc_id,
        expired=state.faults.expire_upload_url(),
    )
    return Response(201, {"feedDocumentId": doc_id, "url": url})


def _normalise_ctype(value: str) -> str:
    return ";".join(part.strip() for part in value.lower().split(";"))


def upload_document(state: SandboxState, request: Request) -> Response:
    error = _check_signature(state, request, "PUT")
    if error:
        return error
    doc_id = request.path_params["documentId"]
    with state.lock:
        doc = state.data["documents"].get(doc_id)
        if doc is None or doc["kind"] != "input":
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        sent = request.headers.get("content-type", "")
        if _normalise_ctype(sent) != _normalise_ctype(doc["contentType"]):
            # The Content-Type is part of Amazon's presigned upload signature.
            return _s3_error(
                403,
                "SignatureDoesNotMatch",
                f"Content-Type {sent!r} does not match {doc['contentType']!r} "
                "given to createFeedDocument.",
            )
        doc["content"] = request.body
        doc["uploadedAt"] = clock.now()
        state.save()
    etag = hashlib.md5(request.body).hexdigest()
    return Response(200, None, headers={"ETag": f'"{etag}"'})


def download_document(state: SandboxState, request: Request) -> Response:
    error = _check_signature(state, request, "GET")
    if error:
        return error
    doc_id = request.path_params["documentId"]
    with state.lock:
        doc = state.data["documents"].get(doc_id)
    if doc is None or doc.get("content") is None:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    headers = {}
    if (
        doc.get("compressionAlgorithm") == "GZIP"
        and request.param("contentEncoding") == "gzip"
    ):
        headers["Content-Encoding"] = "gzip"
    ctype = doc["contentType"]
    if doc.get("compressionAlgorithm") == "GZIP" and "Content-Encoding" not in headers:
        ctype = "application/octet-stream"
    return Response(200, doc["content"], headers=headers, content_type=ctype)


def get_feed_document(state: SandboxState, request: Request) -> Response:
    doc_id = request.path_params["feedDocumentId"]
    with state.lock:
        doc = state.data["documents"].get(doc_id)
    if doc is None or doc["sellerId"] != request.seller_id:
        raise ApiError(404, "NotFound", f"Feed document {doc_id} not found.")
    url = signed_url(state, request.base_url, "GET", doc_id)
    if request.param("enableContentEncodingUrlHeader", "false").lower() == "true":
        url += "&contentEncoding=gzip"
    body = {"feedDocumentId": doc_id, "url": url}
    if doc.get("compressionAlgorithm"):
        body["compressionAlgorithm"] = doc["compressionAlgorithm"]
    return Response(200, body)


# -- feeds -----------------------------------------------------------------------


def public_feed(feed: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in feed.items() if not k.startswith("_")}


def create_feed(state: SandboxState, request: Request) -> Response:
    body = request.json()
    errors = validation.model_errors(MODEL, "CreateFeedSpecification", body)
    if not errors:
        for key in ("feedType", "marketplaceIds", "inputFeedDocumentId"):
            if not isinstance(body, dict) or key not in body:
                errors.append(f"{key}: is a required property")
    if errors:
        raise invalid_input("Invalid request body.", "; ".join(errors))
    feed_type = body["feedType"]
    if feed_type not in SUPPORTED_FEED_TYPES:
        raise invalid_input(
            f"Invalid feedType: {feed_type}.",
            f"The sandbox processes only {', '.join(SUPPORTED_FEED_TYPES)}.",
        )
    markets = sellers.require_marketplaces(body["marketplaceIds"])
    regions = {sellers.region_of(m) for m in markets}
    if len(regions) > 1:
        raise invalid_input("All marketplaceIds of a feed must belong to one region.")
    with state.lock:
        doc = state.data["documents"].get(body["inputFeedDocumentId"])
    if doc is None or doc["sellerId"] != request.seller_id or doc["kind"] != "input":
        raise invalid_input(
            f"Invalid inputFeedDocumentId: {body['inputFeedDocumentId']}."
        )
    if not state.quotas.take_listings_feed(request.seller_id, regions.pop()):
        raise quota_exceeded()
    n = state.next_id("feed")
    feed_id = str(50_001_019_000 + n)
    now = clock.now()
    with state.lock:
        state.data["feeds"][feed_id] = {
            "feedId": feed_id,
            "feedType": feed_type,
            "marketplaceIds": markets,
            "createdTime": clock.iso(now),
            "processingStatus": "IN_QUEUE",
            "_sellerId": request.seller_id,
            "_created": now,
            "_input": body["inputFeedDocumentId"],
            "_options": body.get("feedOptions") or {},
            "_queueUntil": now + state.scaled(QUEUE_SECONDS),
            "_seq": n,
        }
        state.save()
    return Response(202, {"feedId": feed_id})


def _own_feed(state: SandboxState, request: Request) -> dict[str, Any]:
    feed_id = request.path_params["feedId"]
    with state.lock:
        feed = state.data["feeds"].get(feed_id)
    if feed is None or feed["_sellerId"] != request.seller_id:
        raise ApiError(404, "NotFound", f"Feed {feed_id} not found.")
    return feed


def get_feed(state: SandboxState, request: Request) -> Response:
    advance(state)
    with state.lock:
        return Response(200, public_feed(_own_feed(state, request)))


def cancel_feed(state: SandboxState, request: Request) -> Response:
    advance(state)
    with state.lock:
        feed = _own_feed(state, request)
        if feed["processingStatus"] != "IN_QUEUE":
            raise invalid_input(
                f"The feed cannot be cancelled: its processingStatus is "
                f"{feed['processingStatus']}; only IN_QUEUE feeds can be cancelled."
            )
        feed["processingStatus"] = "CANCELLED"
        state.save()
    return Response(200, None)


def _encode_token(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def decode_token(token: str, name: str) -> dict[str, Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(data, dict):
            raise ValueError
        return data
    except ValueError:
        raise invalid_input(f"Invalid {name}.") from None


def get_feeds(state: SandboxState, request: Request) -> Response:
    advance(state)
    token = request.param("nextToken")
    if token:
        others = [k for k in request.query if k != "nextToken"]
        if others:
            raise invalid_input("nextToken cannot be combined with other parameters.")
        filters = decode_token(token, "nextToken")
    else:
        feed_types = request.param_list("feedTypes")
        if not feed_types:
            raise invalid_input("Either feedTypes or nextToken is required.")
        if len(feed_types) > 10:
            raise invalid_input("feedTypes accepts at most 10 values.")
        statuses = request.param_list("processingStatuses")
        bad = [s for s in statuses or [] if s not in STATUSES]
        if bad:
            raise invalid_input(f"Invalid processingStatuses: {', '.join(bad)}.")
        markets = request.param_list("marketplaceIds")
        if markets is not None and not 1 <= len(markets) <= 10:
            raise invalid_input("marketplaceIds accepts 1 to 10 values.")
        now = clock.now()
        since = _time_param(request, "createdSince", now - RETENTION_DAYS * 86400)
        until = _time_param(request, "createdUntil", now)
        filters = {
            "feedTypes": feed_types,
            "statuses": statuses,
            "markets": markets,
            "since": since,
            "until": until,
            "pageSize": request.param_int("pageSize", 10, 1, 100),
            "offset": 0,
        }
    with state.lock:
        feeds = [
            f
            for f in state.data["feeds"].values()
            if f["_sellerId"] == request.seller_id
            and f["feedType"] in filters["feedTypes"]
            and (
                not filters["statuses"] or f["processingStatus"] in filters["statuses"]
            )
            and (
                not filters["markets"]
                or set(f["marketplaceIds"]) & set(filters["markets"])
            )
            and filters["since"] <= f["_created"] <= filters["until"]
        ]
        feeds.sort(key=lambda f: (-f["_created"], -f["_seq"]))
        offset, size = filters["offset"], filters["pageSize"]
        page = [public_feed(f) for f in feeds[offset : offset + size]]
    body: dict[str, Any] = {"feeds": page}
    if offset + size < len(feeds):
        body["nextToken"] = _encode_token(dict(filters, offset=offset + size))
    return Response(200, body)


def _time_param(request: Request, name: str, default: float) -> float:
    raw = request.param(name)
    if not raw:
        return default
    try:
        return clock.parse_iso(raw)
    except ValueError:
        raise invalid_input(f"Invalid date-time for '{name}': {raw}.") from None


# -- processing ------------------------------------------------------------------


def advance(state: SandboxState) -> None:
    """Move feeds along IN_QUEUE -> IN_PROGRESS -> DONE/FATAL as time passes.

    Called by a background ticker and before answering feed reads, so status
    is consistent whichever comes first. One feed per seller is in progress at
    a time, as on Amazon.
    """
    now = clock.now()
    faults = state.faults.faults
    with state.lock:
        feeds = sorted(state.data["feeds"].values(), key=lambda f: f["_seq"])
        busy = {f["_sellerId"] for f in feeds if f["processingStatus"] == "IN_PROGRESS"}
        changed = False
        for feed in feeds:
            status = feed["processingStatus"]
            if (
                status == "IN_PROGRESS"
                and now >= feed["_doneAt"]
                and not faults.stuck_feeds
            ):
                _finish(state, feed, now)
                busy.discard(feed["_sellerId"])
                changed = True
            elif (
                status == "IN_QUEUE"
                and now >= feed["_queueUntil"]
                and feed["_sellerId"] not in busy
            ):
                feed["processingStatus"] = "IN_PROGRESS"
                feed["processingStartTime"] = clock.iso(now)
                feed["_doneAt"] = now + state.scaled(PROGRESS_SECONDS)
                busy.add(feed["_sellerId"])
                changed = True
        if changed:
            state.save()


def _finish(state: SandboxState, feed: dict[str, Any], now: float) -> None:
    seller_id = feed["_sellerId"]
    if state.faults.faults.fatal_feeds:
        status, report = (
            "FATAL",
            feed_processing.fatal(
                feed["feedId"],
                seller_id,
                "4000000",
                "An internal error occurred while processing the feed. "
                "Submit the feed again.",
            ),
        )
    else:
        doc = state.data["documents"].get(feed["_input"]) or {}
        status, report = feed_processing.process(
            state, seller_id, feed["feedId"], feed["marketplaceIds"], doc.get("content")
        )
    content = json.dumps(report, ensure_ascii=False, indent=1).encode()
    compression = None
    if len(content) > GZIP_THRESHOLD:
        content = gzip.compress(content, mtime=0)
        compression = "GZIP"
    if state.faults.faults.broken_reports:
        content = content[: max(1, len(content) // 2)]
    n = state.next_id("document")
    doc_id = f"amzn1.tortuga.4.eu.{uuid.uuid4()}.T{n:04d}RPT"
    state.data["documents"][doc_id] = {
        "feedDocumentId": doc_id,
        "sellerId": seller_id,
        "kind": "result",
        "contentType": "application/json",
        "content": content,
        "compressionAlgorithm": compression,
        "createdAt": now,
    }
    feed["processingStatus"] = status
    feed["processingEndTime"] = clock.iso(now)
    feed["resultFeedDocumentId"] = doc_id
    feed["_summary"] = report.get("summary")


def admin_feeds(state: SandboxState) -> list[dict[str, Any]]:
    advance(state)
    with state.lock:
        out = []
        for feed in sorted(state.data["feeds"].values(), key=lambda f: f["_seq"]):
            view = public_feed(feed)
            view["inputFeedDocumentId"] = feed["_input"]
            view["feedOptions"] = feed["_options"]
            view["summary"] = feed.get("_summary")
            doc = state.data["documents"].get(feed["_input"]) or {}
            content = doc.get("content")
            view["inputContentType"] = doc.get("contentType")
            view["inputSize"] = len(content) if content is not None else None
            out.append(view)
        return out
