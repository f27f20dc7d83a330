"""Feed/report document bodies (pure helpers)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterable
from typing import IO

GZIP_MAGIC = b"\x1f\x8b"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
UPLOAD_CHUNK_BYTES = 1 << 20


def as_utf8(content: bytes | str) -> bytes:
    """Feed bodies go to Amazon as UTF-8 bytes.

    python-amazon-sp-api encodes str uploads as ISO-8859-1, which turns every
    umlaut into mojibake or fails outright on anything outside Latin-1.
    """
    if isinstance(content, str):
        return content.encode("utf-8")
    return bytes(content)


def decompress(content: bytes, compression: str | None) -> bytes:
    """Undo ``compressionAlgorithm`` (only GZIP exists); sniff gzip otherwise.

    Sniffing matters because some HTTP stacks already inflate a body served
    with Content-Encoding: gzip while the document still says GZIP.
    """
    if content[:2] == GZIP_MAGIC:
        try:
            return gzip.decompress(content)
        except (OSError, EOFError, zlib.error):
            if compression:
                raise
    if compression and compression.upper() != "GZIP":
        raise ValueError(f"unsupported compressionAlgorithm {compression!r}")
    return content


def upload_body(
    content: bytes | str | IO[bytes],
) -> tuple[Callable[[], bytes | Iterable[bytes]], int]:
    """The body for each attempt of an upload, and its length in bytes.

    A file (a spooled feed document) is streamed from its start on every
    attempt, never read whole into memory; its length goes out as
    Content-Length, since a presigned S3 PUT refuses chunked encoding.
    """
    if isinstance(content, bytes | str):
        data = as_utf8(content)
        return (lambda: data), len(data)
    file = content
    length = file.seek(0, 2)

    def chunks() -> Iterable[bytes]:
        file.seek(0)
        return iter(lambda: file.read(UPLOAD_CHUNK_BYTES), b"")

    return chunks, length
