"""Everything the sandbox remembers, behind one lock, optionally persisted.

The persisted part is plain JSON (bytes as base64) so a state file can be read
and edited by hand; request logs and quota buckets are deliberately transient.
"""

import base64
import json
import os
import tempfile
import threading
from collections import deque
from pathlib import Path
from typing import Any

from . import clock
from .faults import FaultInjector
from .quotas import Quotas

REQUEST_LOG_SIZE = 10_000


def empty_data() -> dict[str, Any]:
    return {
        "counters": {"feed": 0, "document": 0},
        "tokens": {},  # access token -> {"sellerId", "expiresAt"}
        "documents": {},  # feedDocumentId -> document record
        "feeds": {},  # feedId -> feed record
        "listings": {},  # sellerId -> marketplaceId -> sku -> listing record
        "orders": {},  # orderId -> Order (orders_2026-01-01 shape)
        "shipments": [],
    }


class SandboxState:
    def __init__(
        self,
        time_scale: float = 1.0,
        state_file: str | os.PathLike[str] | None = None,
        seed: bool = True,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.lock = threading.RLock()
        self.time_scale = time_scale
        self.state_file = Path(state_file) if state_file else None
        self.seed = seed
        self.faults = FaultInjector()
        self.quotas = Quotas(time_scale)
        self.requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
        self.data = empty_data()
        if self.state_file and self.state_file.exists():
            self._load()
        else:
            self._seed()
            self.save()

    # -- lifecycle -------------------------------------------------------------

    def _seed(self) -> None:
        from . import orders  # seeds need state helpers; import late to avoid a cycle

        tokens = self.data.get("tokens", {})
        self.data = empty_data()
        # Tokens survive resets: a client holding one should not be logged out
        # by a test resetting the catalog.
        self.data["tokens"] = tokens
        if self.seed:
            self.data["orders"] = orders.seed_orders()

    def reset(self) -> None:
        with self.lock:
            self._seed()
            self.faults.reset()
            self.quotas.refill()
            self.requests.clear()
            self.save()

    def _load(self) -> None:
        assert self.state_file is not None
        with open(self.state_file, encoding="utf-8") as fh:
            raw = json.load(fh)
        data = empty_data()
        data.update(raw.get("data", {}))
        for doc in data["documents"].values():
            if doc.get("content") is not None:
                doc["content"] = base64.b64decode(doc["content"])
        self.data = data
        if raw.get("faults"):
            self.faults.update(raw["faults"])

    def save(self) -> None:
        if not self.state_file:
            return
        with self.lock:
            data = dict(self.data)
            docs = {}
            for key, doc in data["documents"].items():
                doc = dict(doc)
                if isinstance(doc.get("content"), bytes):
                    doc["content"] = base64.b64encode(doc["content"]).decode()
                docs[key] = doc
            data["documents"] = docs
            blob = json.dumps({"data": data, "faults": self.faults.as_dict()}, indent=1)
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.state_file.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(blob)
            os.replace(tmp, self.state_file)

    # -- helpers ---------------------------------------------------------------

    def next_id(self, counter: str) -> int:
        with self.lock:
            self.data["counters"][counter] += 1
            return self.data["counters"][counter]

    def scaled(self, seconds: float) -> float:
        """A real-world duration as it passes in the sandbox."""
        return seconds / self.time_scale

    def log_request(
        self, method: str, path: str, query: str, operation: str, status: int
    ) -> None:
        self.requests.append(
            {
                "time": clock.iso_ms(clock.now()),
                "method": method,
                "path": path,
                "query": query,
                "operation": operation,
                "status": status,
            }
        )

    def listings_of(self, seller_id: str, marketplace_id: str) -> dict[str, Any]:
        with self.lock:
            by_market = self.data["listings"].setdefault(seller_id, {})
            return by_market.setdefault(marketplace_id, {})
