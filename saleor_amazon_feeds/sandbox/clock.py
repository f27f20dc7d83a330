"""Wall-clock helpers: Amazon speaks ISO 8601 UTC with a trailing ``Z``."""

import time
from datetime import UTC, datetime


def now() -> float:
    return time.time()


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(ts: float) -> str:
    """ISO with milliseconds, for fields that must order events closer than 1 s."""
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(value: str) -> float:
    """Parse an ISO 8601 date-time; raises ValueError for anything else.

    A naive value is taken as UTC, as Amazon does for its date-time parameters.
    """
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()
