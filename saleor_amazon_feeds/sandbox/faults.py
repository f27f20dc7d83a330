"""Fault switches set through ``PUT /_sandbox/faults``.

Rates draw from a seeded RNG (reseeded on reset) and the ``*_next`` counters
fail exactly the next N matching calls, so tests stay deterministic.

Besides Amazon's error answers (429, 500/503), two faults of the way there:
``drop_next`` processes the next N matching calls (``drop_operations``, every
SP-API and document call when unset) and then cuts the connection in the
middle of the response body, as a reset connection or a dying load balancer
does: the caller cannot tell whether Amazon acted. ``expired_upload_urls_next``
makes the next N createFeedDocument answers hand out a presigned upload URL
that has already expired (S3 answers 403 ``AccessDenied`` "Request has
expired" in XML), as when a worker waits longer than the URL's five minutes
between creating the document and uploading it.
"""

import random
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

from .errors import ApiError, invalid_input


@dataclass
class Faults:
    server_error_rate: float = 0.0
    server_error_next: int = 0
    server_error_status: int = 500
    server_error_operations: list[str] | None = None
    throttle_all: bool = False
    throttle_next: int = 0
    slow_ms: int = 0
    fatal_feeds: bool = False
    stuck_feeds: bool = False
    broken_reports: bool = False
    revoked_refresh_token: bool = False
    drop_next: int = 0
    drop_operations: list[str] | None = None
    expired_upload_urls_next: int = 0
    seed: int = 0


_TYPES: dict[str, tuple[type, ...]] = {
    "server_error_rate": (int, float),
    "server_error_next": (int,),
    "server_error_status": (int,),
    "server_error_operations": (list, type(None)),
    "throttle_all": (bool,),
    "throttle_next": (int,),
    "slow_ms": (int,),
    "fatal_feeds": (bool,),
    "stuck_feeds": (bool,),
    "broken_reports": (bool,),
    "revoked_refresh_token": (bool,),
    "drop_next": (int,),
    "drop_operations": (list, type(None)),
    "expired_upload_urls_next": (int,),
    "seed": (int,),
}


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.faults = Faults()
        self._rng = random.Random(0)

    def reset(self) -> None:
        with self._lock:
            self.faults = Faults()
            self._rng = random.Random(0)

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self.faults)

    def update(self, changes: Any) -> dict[str, Any]:
        if not isinstance(changes, dict):
            raise invalid_input("Faults must be a JSON object.")
        names = {f.name for f in fields(Faults)}
        for key, value in changes.items():
            if key not in names:
                raise invalid_input(
                    f"Unknown fault switch '{key}'.", f"Known: {sorted(names)}"
                )
            types = _TYPES[key]
            # bool is an int subclass; keep switches and counters apart.
            if isinstance(value, bool) and bool not in types:
                raise invalid_input(f"Fault '{key}' has the wrong type.")
            if not isinstance(value, types):
                raise invalid_input(f"Fault '{key}' has the wrong type.")
        for key in ("drop_next", "expired_upload_urls_next"):
            if changes.get(key, 0) < 0:
                raise invalid_input(f"{key} must not be negative.")
        rate = changes.get("server_error_rate", 0.0)
        if not 0.0 <= rate <= 1.0:
            raise invalid_input("server_error_rate must be between 0.0 and 1.0.")
        if changes.get("server_error_status", 500) not in (500, 503):
            raise invalid_input("server_error_status must be 500 or 503.")
        with self._lock:
            for key, value in changes.items():
                setattr(self.faults, key, value)
            if "seed" in changes:
                self._rng = random.Random(changes["seed"])
            return asdict(self.faults)

    def check(self, operation: str, sp_api: bool) -> None:
        """Raise the injected error for this call, if any."""
        with self._lock:
            f = self.faults
            targeted = (
                sp_api
                if f.server_error_operations is None
                else operation in f.server_error_operations
            )
            if sp_api and f.throttle_all:
                raise _throttled()
            if sp_api and f.throttle_next > 0:
                f.throttle_next -= 1
                raise _throttled()
            if not targeted:
                return
            fail = False
            if f.server_error_next > 0:
                f.server_error_next -= 1
                fail = True
            elif f.server_error_rate > 0 and self._rng.random() < f.server_error_rate:
                fail = True
            if fail:
                if f.server_error_status == 503:
                    raise ApiError(
                        503, "ServiceUnavailable", "Service temporarily unavailable."
                    )
                raise ApiError(
                    500,
                    "InternalFailure",
                    "We encountered an internal error. Please try again.",
                )

    def drop_response(self, operation: str) -> bool:
        """Whether to cut this call's response off mid-body (counts it)."""
        with self._lock:
            f = self.faults
            if f.drop_next <= 0 or operation == "admin":
                return False
            if f.drop_operations is not None and operation not in f.drop_operations:
                return False
            f.drop_next -= 1
            return True

    def expire_upload_url(self) -> bool:
        """Whether this createFeedDocument hands out an expired URL (counts it)."""
        with self._lock:
            if self.faults.expired_upload_urls_next <= 0:
                return False
            self.faults.expired_upload_urls_next -= 1
            return True

    @property
    def slow_seconds(self) -> float:
        return self.faults.slow_ms / 1000.0


def _throttled() -> ApiError:
    return ApiError(
        429, "QuotaExceeded", "You exceeded your quota for the requested resource."
    )
