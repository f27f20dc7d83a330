"""Read the JSON_LISTINGS_FEED processing report.

Reports come from a download that may be truncated, gzip-compressed or (rarely)
not a report at all. Anything that does not have the documented shape raises
``ReportError`` naming the offending field, so a caller can mark the feed as
"report unreadable" instead of crashing a worker.
"""

import gzip
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .severity import Severity

SEVERITIES = frozenset(Severity)


class ReportError(ValueError):
    """The processing report cannot be read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class ReportSummary:
    messages_processed: int
    messages_accepted: int
    messages_invalid: int
    errors: int
    warnings: int


@dataclass(frozen=True, slots=True)
class ReportIssue:
    message_id: int | None
    sku: str | None
    kind: str | None
    code: str | None
    severity: str
    message: str
    attribute_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProcessingReport:
    feed_id: str
    seller_id: str
    summary: ReportSummary
    issues: tuple[ReportIssue, ...]
    # Issues Amazon attached to listing items (only with includedData), per SKU.
    item_issues: Mapping[str, tuple[ReportIssue, ...]] = field(default_factory=dict)

    @property
    def feed_level_issues(self) -> tuple[ReportIssue, ...]:
        """Issues about the whole document (e.g. bad JSON), without a messageId."""
        return tuple(i for i in self.issues if i.message_id is None)

    def issues_for(self, message_id: int) -> tuple[ReportIssue, ...]:
        return tuple(i for i in self.issues if i.message_id == message_id)

    def failed_message_ids(self) -> frozenset[int]:
        return frozenset(
            i.message_id
            for i in self.issues
            if i.severity == Severity.ERROR and i.message_id is not None
        )


def parse_processing_report(
    raw: bytes | str | Mapping[str, Any],
    *,
    correlation: Mapping[int, tuple[str, str]] | None = None,
) -> ProcessingReport:
    """Parse a report; ``correlation`` is the feed writer's messageId map."""
    data = _load(raw) if not isinstance(raw, Mapping) else raw
    if not isinstance(data, Mapping):
        raise ReportError("The report is not a JSON object.")
    correlation = correlation or {}

    header = _object(data, "header", "report")
    feed_id = _string(header, "feedId", "header")
    seller_id = _string(header, "sellerId", "header")
    summary_data = _object(data, "summary", "report")
    summary = ReportSummary(
        messages_processed=_count(summary_data, "messagesProcessed"),
        messages_accepted=_count(summary_data, "messagesAccepted"),
        messages_invalid=_count(summary_data, "messagesInvalid"),
        errors=_count(summary_data, "errors"),
        warnings=_count(summary_data, "warnings"),
    )
    issues_data = data.get("issues")
    if not isinstance(issues_data, list):
        raise ReportError("report.issues is missing or not a list.")
    issues = tuple(
        _issue(item, f"issues[{index}]", correlation)
        for index, item in enumerate(issues_data)
    )

    item_issues: dict[str, tuple[ReportIssue, ...]] = {}
    items = data.get("items", [])
    if not isinstance(items, list):
        raise ReportError("report.items is not a list.")
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, Mapping):
            raise ReportError(f"{where} is not an object.")
        sku = _string(item, "sku", where)
        found = item.get("issues", [])
        if not isinstance(found, list):
            raise ReportError(f"{where}.issues is not a list.")
        item_issues[sku] = tuple(
            _issue(issue, f"{where}.issues[{n}]", {}, default_sku=sku)
            for n, issue in enumerate(found)
        )
    return ProcessingReport(feed_id, seller_id, summary, issues, item_issues)


def _load(raw: bytes | str) -> Any:
    if isinstance(raw, bytes):
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError, zlib.error) as exc:
                raise ReportError(f"The compressed report is damaged: {exc}.") from exc
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReportError(f"The report is not UTF-8 text: {exc}.") from exc
    if not isinstance(raw, str):
        raise ReportError(f"Cannot read a report from {type(raw).__name__}.")
    if not raw.strip():
        raise ReportError("The report is empty.")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"The report is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}); it may be truncated."
        ) from exc
    except RecursionError as exc:
        raise ReportError("The report is nested too deeply to read.") from exc


def _issue(
    item: Any,
    where: str,
    correlation: Mapping[int, tuple[str, str]],
    *,
    default_sku: str | None = None,
) -> ReportIssue:
    if not isinstance(item, Mapping):
        raise ReportError(f"{where} is not an object.")
    message_id = item.get("messageId")
    if message_id is not None and (
        isinstance(message_id, bool) or not isinstance(message_id, int)
    ):
        raise ReportError(f"{where}.messageId must be an integer, not {message_id!r}.")
    severity = _string(item, "severity", where).upper()
    if severity not in SEVERITIES:
        raise ReportError(f"{where}.severity {severity!r} is not ERROR/WARNING/INFO.")
    message = _string(item, "message", where)
    code = _optional_string(item, "code", where)
    names: list[str] = []
    single = _optional_string(item, "attributeName", where)
    if single:
        names.append(single)
    many = item.get("attributeNames", [])
    if not isinstance(many, list) or not all(isinstance(n, str) for n in many):
        raise ReportError(f"{where}.attributeNames must be a list of strings.")
    names.extend(n for n in many if n not in names)

    sku = _optional_string(item, "sku", where) or default_sku
    kind = None
    if message_id is not None and message_id in correlation:
        # Our own record is authoritative: the report may omit or shorten the SKU.
        sku, kind = correlation[message_id]
    return ReportIssue(message_id, sku, kind, code, severity, message, tuple(names))


def _object(data: Mapping, key: str, where: str) -> Mapping:
    value = data.get(key)
    if not isinstance(value, Mapping):
        state = "missing" if value is None else "not an object"
        raise ReportError(f"{where}.{key} is {state}.")
    return value


def _string(data: Mapping, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        state = "missing" if value is None else f"not a non-empty string ({value!r})"
        raise ReportError(f"{where}.{key} is {state}.")
    return value


def _optional_string(data: Mapping, key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReportError(f"{where}.{key} must be a string, not {value!r}.")
    return value or None


def _count(data: Mapping, key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        state = "missing" if value is None else f"not a count ({value!r})"
        raise ReportError(f"report.summary.{key} is {state}.")
    return value


def sent_value(summary: Mapping[str, Any] | None, attributes: Sequence[str]) -> Any:
    """What was sent for the attributes an issue names: the listing's values
    of those attributes, or the whole offer (quantity, price) otherwise."""
    if not summary:
        return None
    values = summary.get("values")
    if values is None:
        return {k: v for k, v in summary.items() if k != "reason"} or None
    picked = {name: values[name] for name in attributes if name in values}
    return picked or None
