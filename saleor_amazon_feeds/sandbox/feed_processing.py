"""Processing a JSON_LISTINGS_FEED document into listings changes and a report.

Issue codes follow what Amazon's processing reports use: 4002001 (feed cannot
be parsed), 4002008 (message fails the message schema), 90220 (required
attribute missing), 99022/4000001 (attribute value invalid).
"""

import json
from typing import Any

from . import listings, product_types, validation
from .state import SandboxState

OPERATIONS = ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE")


def _issue(
    message_id: Any,
    sku: Any,
    code: str,
    message: str,
    attribute: str | None = None,
    severity: str = "ERROR",
) -> dict[str, Any]:
    issue: dict[str, Any] = {}
    if (
        isinstance(message_id, int)
        and not isinstance(message_id, bool)
        and message_id >= 1
    ):
        issue["messageId"] = message_id
    if isinstance(sku, str) and sku:
        issue["sku"] = sku
    issue.update({"code": code, "severity": severity, "message": message})
    if attribute:
        issue["attributeName"] = attribute
    return issue


def _report(
    feed_id: str,
    header: dict[str, Any],
    issues: list[dict[str, Any]],
    summary: dict[str, Any],
) -> dict[str, Any]:
    report_header: dict[str, Any] = {
        "sellerId": header.get("sellerId", ""),
        "version": "2.0",
        "feedId": feed_id,
    }
    if isinstance(header.get("report"), dict):
        report_header["report"] = header["report"]
    return {"header": report_header, "issues": issues, "summary": summary}


def _summary(
    processed: int = 0, accepted: int = 0, invalid: int = 0, issues: Any = ()
) -> dict[str, Any]:
    return {
        "errors": sum(1 for i in issues if i["severity"] == "ERROR"),
        "warnings": sum(1 for i in issues if i["severity"] == "WARNING"),
        "messagesProcessed": processed,
        "messagesAccepted": accepted,
        "messagesInvalid": invalid,
    }


def fatal(feed_id: str, seller_id: str, code: str, message: str) -> dict[str, Any]:
    issues = [_issue(None, None, code, message)]
    return _report(feed_id, {"sellerId": seller_id}, issues, _summary(issues=issues))


def _basic_message_errors(message: Any) -> list[str]:
    """What is checked without Amazon's schemas: enough to process safely."""
    if not isinstance(message, dict):
        return ["message must be an object"]
    errors = []
    mid = message.get("messageId")
    if not isinstance(mid, int) or isinstance(mid, bool) or mid < 1:
        errors.append("messageId must be a positive integer")
    if not isinstance(message.get("sku"), str) or not message.get("sku"):
        errors.append("sku must be a non-empty string")
    op = message.get("operationType")
    if op not in OPERATIONS:
        errors.append(f"operationType must be one of {list(OPERATIONS)}")
    if op in ("UPDATE", "PARTIAL_UPDATE", "PATCH") and not isinstance(
        message.get("productType"), str
    ):
        errors.append("productType is required")
    if op in ("UPDATE", "PARTIAL_UPDATE") and not isinstance(
        message.get("attributes"), dict
    ):
        errors.append("attributes is required")
    if op == "PATCH" and not isinstance(message.get("patches"), list):
        errors.append("patches is required")
    return errors


def _schema_issues(message: Any) -> list[dict[str, Any]]:
    mid = message.get("messageId") if isinstance(message, dict) else None
    sku = message.get("sku") if isinstance(message, dict) else None
    out = []
    if validation.enabled():
        for err in validation.message_errors(message):
            path = list(err.absolute_path)
            attribute = (
                str(path[1]) if len(path) > 1 and path[0] == "attributes" else None
            )
            out.append(
                _issue(
                    mid,
                    sku,
                    "4002008",
                    "The provided message did not meet the schema validation "
                    f"requirements for a feed message: {validation.describe(err)}",
                    attribute,
                )
            )
    if not out:
        for text in _basic_message_errors(message):
            out.append(
                _issue(
                    mid,
                    sku,
                    "4002008",
                    "The provided message did not meet the schema validation "
                    f"requirements for a feed message: {text}",
                )
            )
    return out


def _attribute_issue(mid: int, sku: str, issue: dict[str, Any]) -> dict[str, Any]:
    names = issue.get("attributeNames") or []
    return _issue(
        mid,
        sku,
        issue["code"],
        issue["message"],
        names[0] if names else None,
        issue["severity"],
    )


def process(
    state: SandboxState,
    seller_id: str,
    feed_id: str,
    marketplace_ids: list[str],
    content: bytes | None,
) -> tuple[str, dict[str, Any]]:
    """Run the feed; returns (processingStatus, processing report)."""
    if not content:
        return "FATAL", fatal(
            feed_id,
            seller_id,
            "4002001",
            "Item 'Feed' cannot be parsed. The feed document is empty.",
        )
    try:
        feed = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return "FATAL", fatal(
            feed_id, seller_id, "4002001", f"Item 'Feed' cannot be parsed. {exc}"
        )
    envelope_errors: list[str] = []
    validator = validation.feed_envelope_validator()
    if validator is not None:
        envelope_errors = [validation.describe(e) for e in validator.iter_errors(feed)]
    if not isinstance(feed, dict):
        envelope_errors = envelope_errors or ["the feed must be a JSON object"]
    else:
        header = feed.get("header")
        if not isinstance(header, dict) or header.get("version") != "2.0":
            envelope_errors = envelope_errors or [
                'header with version "2.0" is required'
            ]
        if not isinstance(feed.get("messages"), list) or not feed.get("messages"):
            envelope_errors = envelope_errors or ["messages must be a non-empty array"]
    if envelope_errors:
        return "FATAL", fatal(
            feed_id,
            seller_id,
            "4002002",
            "The feed did not meet the schema validation requirements for a feed: "
            + "; ".join(envelope_errors),
        )

    header = feed["header"]
    issues: list[dict[str, Any]] = []
    accepted = invalid = 0
    seen_ids: set[int] = set()
    touched_skus: list[str] = []
    with state.lock:
        for message in feed["messages"]:
            message_issues = _schema_issues(message)
            mid = message.get("messageId") if isinstance(message, dict) else None
            if not message_issues and mid in seen_ids:
                message_issues = [
                    _issue(
                        mid,
                        message.get("sku"),
                        "4002009",
                        f"The messageId '{mid}' is used by more than one message.",
                    )
                ]
            if isinstance(mid, int):
                seen_ids.add(mid)
            if not message_issues:
                message_issues = _apply(state, seller_id, marketplace_ids, message)
            issues.extend(message_issues)
            if any(i["severity"] == "ERROR" for i in message_issues):
                invalid += 1
            else:
                accepted += 1
                if message["sku"] not in touched_skus:
                    touched_skus.append(message["sku"])
        report = _report(
            feed_id,
            header,
            issues,
            _summary(len(feed["messages"]), accepted, invalid, issues),
        )
        included = (header.get("report") or {}).get("includedData")
        if included:
            items = []
            for sku in touched_skus:
                records = [
                    r
                    for m in marketplace_ids
                    if (r := listings.get_listing(state, seller_id, m, sku))
                ]
                if records:
                    items.append(listings.render_item(records, included))
            item_issues = [
                i
                for sku in touched_skus
                for m in marketplace_ids
                for i in (listings.get_listing(state, seller_id, m, sku) or {}).get(
                    "issues", []
                )
            ]
            report["summary"]["itemSummary"] = {
                "items": len(items),
                "errors": sum(1 for i in item_issues if i["severity"] == "ERROR"),
                "warnings": sum(1 for i in item_issues if i["severity"] == "WARNING"),
            }
            report["items"] = items
    return "DONE", report


def _apply(
    state: SandboxState,
    seller_id: str,
    marketplace_ids: list[str],
    message: dict[str, Any],
) -> list[dict[str, Any]]:
    """Validate, then apply one message to all the feed's marketplaces or none."""
    mid, sku, op = message["messageId"], message["sku"], message["operationType"]
    if op == "DELETE":
        # Amazon accepts a DELETE for a SKU it does not know: the end state holds.
        for market in marketplace_ids:
            listings.delete_listing(state, seller_id, market, sku)
        return []
    product_type = message["productType"]
    issues: list[dict[str, Any]] = []
    planned: list[tuple[str, dict[str, Any]]] = []
    for market in marketplace_ids:
        existing = listings.get_listing(state, seller_id, market, sku)
        current = existing["attributes"] if existing else {}
        if op == "UPDATE":
            attributes = message["attributes"]
            found = product_types.attribute_issues(
                product_type, market, attributes, message.get("requirements", "LISTING")
            )
        else:
            if op == "PARTIAL_UPDATE":
                attributes = dict(current)
                attributes.update(message["attributes"])
                touched = set(message["attributes"])
            else:
                try:
                    attributes, touched = listings.apply_patches(
                        product_type, current, message["patches"]
                    )
                except listings.PatchError as exc:
                    return [_issue(mid, sku, "4000001", str(exc))]
            # Amazon accepts partial data for SKUs it does not know yet; the
            # listing then stays incomplete until the rest arrives.
            found = [
                i
                for i in product_types.attribute_issues(
                    product_type, market, attributes, enforced=False
                )
                if not i.get("attributeNames") or set(i["attributeNames"]) & touched
            ]
        for issue in found:
            converted = _attribute_issue(mid, sku, issue)
            if converted not in issues:
                issues.append(converted)
        planned.append((market, attributes))
    if any(i["severity"] == "ERROR" for i in issues):
        return issues
    for market, attributes in planned:
        listings.save_listing(
            state,
            seller_id,
            market,
            sku,
            product_type,
            attributes,
            message.get("requirements") if op == "UPDATE" else None,
        )
    return issues
