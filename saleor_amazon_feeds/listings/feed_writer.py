"""Stream JSON_LISTINGS_FEED documents from an iterator of messages.

Messages are serialised one at a time into the current document's file and
then dropped. A document larger than ``SPOOL_IN_MEMORY_BYTES`` lives in a
temporary file (a full 25,000-message LISTINGS document is some 150 MB), so a
worker's memory holds neither the message objects nor the document's bytes:
only the messageId -> (sku, kind) map the report parser needs, packed (a few
bytes per message), and each message's offset, from which one message is read
back when needed.
"""

import json
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from . import json_encoding
from .messages import FeedMessage

MAX_MESSAGES_PER_FEED = 25_000
FEED_VERSION = "2.0"
# Smaller documents (a drain's few messages) never touch the disk.
SPOOL_IN_MEMORY_BYTES = 1 << 20


def spooled_file(prefix: str) -> IO[bytes]:
    """A temporary file held in memory up to ``SPOOL_IN_MEMORY_BYTES``, then
    on disk; closed by whoever holds it."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES, prefix=prefix)


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """A written feed document: its bytes in ``file`` (the upload streams
    it, ``content`` reads it whole), closed by whoever consumed it."""

    file: IO[bytes]
    size: int
    message_count: int
    # messageId -> (sku, kind), to read the processing report back.
    correlation: Mapping[int, tuple[str, str]]
    # Where each message's JSON starts, and after the last where it ends.
    offsets: Sequence[int]

    @property
    def content(self) -> bytes:
        self.file.seek(0)
        return self.file.read()

    def message(self, message_id: int) -> dict[str, Any]:
        """One message as written (with its messageId), read back; numbers
        with a fraction as Decimals, digit for digit as they were built."""
        start, end = self.offsets[message_id - 1], self.offsets[message_id]
        if message_id < self.message_count:
            end -= 1  # the comma before the next message
        self.file.seek(start)
        return json.loads(self.file.read(end - start), parse_float=Decimal)

    def close(self) -> None:
        self.file.close()


class Correlation(Mapping[int, tuple[str, str]]):
    """messageId -> (sku, kind) of a document's messages, ids 1..n, packed:
    as a dict of tuples, 25,000 messages held some 6 MB."""

    def __init__(self) -> None:
        self._skus = bytearray()
        self._ends = array("I")
        self._kinds = array("B")
        self._kind_names: list[str] = []

    def add(self, sku: str, kind: str) -> int:
        """Record the next message; returns its id."""
        try:
            index = self._kind_names.index(kind)
        except ValueError:
            index = len(self._kind_names)
            self._kind_names.append(kind)
        self._skus += sku.encode()
        self._ends.append(len(self._skus))
        self._kinds.append(index)
        return len(self._ends)

    def __getitem__(self, message_id: int) -> tuple[str, str]:
        if not isinstance(message_id, int) or not 1 <= message_id <= len(self._ends):
            raise KeyError(message_id)
        start = self._ends[message_id - 2] if message_id > 1 else 0
        sku = self._skus[start : self._ends[message_id - 1]].decode()
        return sku, self._kind_names[self._kinds[message_id - 1]]

    def __iter__(self) -> Iterator[int]:
        return iter(range(1, len(self._ends) + 1))

    def __len__(self) -> int:
        return len(self._ends)


# Bytes gathered before a write to the document's file.
_WRITE_BLOCK = 1 << 20


class FeedDocumentWriter:
    """Write one feed document to a binary file object, message by message."""

    def __init__(
        self,
        fh: IO[bytes],
        *,
        seller_id: str,
        issue_locale: str | None = None,
        included_data: Sequence[str] | None = None,
        max_messages: int = MAX_MESSAGES_PER_FEED,
    ) -> None:
        if not seller_id:
            raise ValueError("A feed needs the seller id.")
        if not 1 <= max_messages <= MAX_MESSAGES_PER_FEED:
            raise ValueError(f"max_messages must be 1..{MAX_MESSAGES_PER_FEED}.")
        self._fh = fh
        self.max_messages = max_messages
        self.correlation = Correlation()
        self.offsets = array("Q")
        header: dict = {"sellerId": seller_id, "version": FEED_VERSION}
        if issue_locale:
            header["issueLocale"] = issue_locale
        if included_data:
            header["report"] = {
                "includedData": list(included_data),
                "apiVersion": "2021-08-01",
            }
        opening = b'{"header":' + json_encoding.dumps_bytes(header) + b',"messages":['
        # Messages gather here and reach the file a block at a time: a
        # spooled file's write checks its rollover on every call.
        self._pending = bytearray(opening)
        self.size = len(opening)
        self._closed = False

    @property
    def full(self) -> bool:
        return len(self.correlation) >= self.max_messages

    def add(self, message: FeedMessage) -> int:
        if self._closed:
            raise RuntimeError("The feed document is already closed.")
        if self.full:
            raise OverflowError(f"A feed document holds {self.max_messages} messages.")
        message_id = len(self.correlation) + 1
        # Serialise before recording, so a bad message leaves the document intact.
        body = message_bytes(message)
        head = b'{"messageId":%d,' % message_id
        pending = self._pending
        if message_id > 1:
            pending += b","
            self.size += 1
        self.offsets.append(self.size)
        pending += head
        pending += memoryview(body)[1:]
        self.size += len(head) + len(body) - 1
        self.correlation.add(message.sku, str(message.kind))
        if len(pending) >= _WRITE_BLOCK:
            self._flush()
        return message_id

    def close(self) -> None:
        if not self._closed:
            self.offsets.append(self.size)
            self._pending += b"]}"
            self.size += 2
            self._flush()
            self._closed = True

    def _flush(self) -> None:
        self._fh.write(self._pending)
        self._pending = bytearray()


def message_bytes(message: FeedMessage) -> bytes:
    """``{"sku": ..., **payload}`` as JSON: a document's message without its
    messageId, which the writer puts first."""
    if message.encoded is not None:
        return message.encoded
    return json_encoding.dumps_bytes({"sku": message.sku, **message.payload})


def encoded(message: FeedMessage) -> FeedMessage:
    """The message with its bytes kept: hashed and written without a second
    serialisation."""
    if message.encoded is not None:
        return message
    # Constructed, not dataclasses.replace: this runs once per message.
    return FeedMessage(
        message.sku, message.kind, message.payload, message_bytes(message)
    )


def iter_feed_documents(
    messages: Iterable[FeedMessage],
    *,
    seller_id: str,
    issue_locale: str | None = None,
    included_data: Sequence[str] | None = None,
    max_messages: int = MAX_MESSAGES_PER_FEED,
) -> Iterator[FeedDocument]:
    """Yield feed documents of at most ``max_messages`` messages each.

    messageIds restart at 1 in every document, as Amazon correlates them per
    feed. No messages, no document: the schema requires at least one.
    """
    # One document at a time: the writer and the file it fills.
    current: tuple[FeedDocumentWriter, IO[bytes]] | None = None
    try:
        for message in messages:
            if current is None:
                # Closed by the document's consumer (or below, on an error).
                spool = spooled_file("amazon-feed-")
                current = (
                    FeedDocumentWriter(
                        spool,
                        seller_id=seller_id,
                        issue_locale=issue_locale,
                        included_data=included_data,
                        max_messages=max_messages,
                    ),
                    spool,
                )
            current[0].add(message)
            if current[0].full:
                document, current = _finish(*current), None
                yield document
        if current is not None:
            document, current = _finish(*current), None
            yield document
    finally:
        if current is not None:
            current[1].close()


def _finish(writer: FeedDocumentWriter, file: IO[bytes]) -> FeedDocument:
    writer.close()
    return FeedDocument(
        file,
        writer.size,
        len(writer.correlation),
        writer.correlation,
        writer.offsets,
    )
