"""Stream JSON_LISTINGS_FEED documents from an iterator of messages.

Messages are serialised one at a time into the current document's buffer and
then dropped, so memory grows with one document's bytes plus the small
messageId -> (sku, kind) map the report parser needs, never with the number
of message objects.
"""

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO

from . import json_encoding
from .messages import FeedMessage

MAX_MESSAGES_PER_FEED = 25_000
FEED_VERSION = "2.0"


@dataclass(frozen=True, slots=True)
class FeedDocument:
    content: bytes
    message_count: int
    # messageId -> (sku, kind), to read the processing report back.
    correlation: dict[int, tuple[str, str]]


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
        self.correlation: dict[int, tuple[str, str]] = {}
        header: dict = {"sellerId": seller_id, "version": FEED_VERSION}
        if issue_locale:
            header["issueLocale"] = issue_locale
        if included_data:
            header["report"] = {
                "includedData": list(included_data),
                "apiVersion": "2021-08-01",
            }
        self._fh.write(
            b'{"header":' + json_encoding.dumps_bytes(header) + b',"messages":['
        )
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
        self._fh.write((b"," + head if message_id > 1 else head) + body[1:])
        self.correlation[message_id] = (message.sku, str(message.kind))
        return message_id

    def close(self) -> None:
        if not self._closed:
            self._fh.write(b"]}")
            self._closed = True


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
    return replace(message, encoded=message_bytes(message))


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
    # One document at a time: the writer and the buffer it fills.
    current: tuple[FeedDocumentWriter, io.BytesIO] | None = None
    for message in messages:
        if current is None:
            buffer = io.BytesIO()
            current = (
                FeedDocumentWriter(
                    buffer,
                    seller_id=seller_id,
                    issue_locale=issue_locale,
                    included_data=included_data,
                    max_messages=max_messages,
                ),
                buffer,
            )
        current[0].add(message)
        if current[0].full:
            yield _finish(*current)
            current = None
    if current is not None:
        yield _finish(*current)


def _finish(writer: FeedDocumentWriter, buffer: io.BytesIO) -> FeedDocument:
    writer.close()
    content = buffer.getvalue()
    buffer.close()
    return FeedDocument(content, len(writer.correlation), writer.correlation)
