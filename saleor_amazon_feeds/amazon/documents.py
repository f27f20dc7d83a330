"""Feed/report document bodies (pure helpers)."""

from __future__ import annotations

import gzip
import zlib

GZIP_MAGIC = b"\x1f\x8b"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"


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
