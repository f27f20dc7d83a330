"""Built messages as bytes: how a slice stores its messages for the
submission, and how a submission keeps a document's sent records until the
document is sent.

A record's head is one JSON array (ids, kinds, sku, digest, summary, whether
the values are in the document); the summary as the listing state's
JSONField stores it (Decimals as strings).
JSON never holds a raw newline, so heads (and a slice's message bytes) are
stored one per line.
"""

from array import array
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import orjson

from ..listings.feed_writer import message_bytes, spooled_file
from ..listings.messages import FeedMessage, MessageKind
from .types import BuiltMessage, FeedKind


def head(built: BuiltMessage) -> bytes:
    """The record of ``built`` without its message's bytes."""
    return orjson.dumps(
        [
            built.product_id,
            built.variant_id,
            str(built.feed_kind),
            str(built.message.kind),
            built.message.sku,
            built.digest,
            built.summary,
            built.values_in_document,
        ],
        default=_summary_value,
    )


def from_head(line: bytes, encoded: bytes | None = None) -> BuiltMessage:
    """The record ``head`` wrote, with the message's bytes when given."""
    (
        product_id,
        variant_id,
        feed_kind,
        kind,
        sku,
        digest,
        summary,
        in_document,
    ) = orjson.loads(line)
    return BuiltMessage(
        product_id=product_id,
        variant_id=variant_id,
        message=FeedMessage(sku=sku, kind=MessageKind(kind), encoded=encoded),
        feed_kind=FeedKind(feed_kind),
        digest=digest,
        summary=summary,
        values_in_document=in_document,
    )


def frame(built: BuiltMessage) -> bytes:
    """A message with its bytes: its head, then the bytes, a line each."""
    return head(built) + b"\n" + message_bytes(built.message) + b"\n"


def unframe(data: bytes) -> Iterator[BuiltMessage]:
    lines = data.split(b"\n")
    for i in range(0, len(lines) - 1, 2):
        yield from_head(lines[i], lines[i + 1])


def _summary_value(value: Any) -> Any:
    # As the listing state's JSONField (DjangoJSONEncoder) would store it.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return value
    try:
        return dict(value)
    except (TypeError, ValueError):
        raise TypeError(f"{type(value).__name__} is not JSON serialisable") from None


class SentRecords:
    """A document's sent records (``BuiltMessage.sent_record``) in order, as
    heads in a spooled temporary file: memory holds 8 bytes per record, not
    the records (25,000 as objects held some 20 MB). Read back by iterating,
    as often as needed; ``close`` frees the file."""

    def __init__(self) -> None:
        # In memory for a drain's few records, on disk for a full document's.
        self._file = spooled_file("amazon-records-")
        self._ends = array("Q")

    def append(self, record: BuiltMessage) -> None:
        line = head(record) + b"\n"
        # At the end: reading the records back moves the file's position.
        end = self._ends[-1] if self._ends else 0
        self._file.seek(end)
        self._file.write(line)
        self._ends.append(end + len(line))

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[BuiltMessage]:
        self._file.seek(0)
        for _ in range(len(self._ends)):
            yield from_head(self._file.readline())

    def split(self, count: int) -> "SentRecords":
        """The first ``count`` records as their own spool; this one keeps
        the rest (a document takes the records of its messages)."""
        taken = SentRecords()
        if count == len(self):
            # The usual case: a document ends where its last record was added.
            taken._file, self._file = self._file, taken._file
            taken._ends, self._ends = self._ends, taken._ends
            return taken
        rest = SentRecords()
        for i, record in enumerate(self):
            (taken if i < count else rest).append(record)
        self.close()
        self._file, self._ends = rest._file, rest._ends
        return taken

    def close(self) -> None:
        self._file.close()
