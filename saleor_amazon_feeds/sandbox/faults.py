"""Fault switches set through ``PUT /_sandbox/faults``.

Rates draw from a seeded RNG (reseeded on reset) and the ``*_next`` counters
fail exactly the next N matching calls, so tests stay deterministic.
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

    @property
    def slow_seconds(self) -> float:
        return self.faults.slow_ms / 1000.0


def _throttled() -> ApiError:
    return ApiError(
        429, "QuotaExceeded", "You exceeded your quota for the requested resource."
    )
