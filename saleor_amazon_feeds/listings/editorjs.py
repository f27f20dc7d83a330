"""Saleor descriptions (EditorJS JSON) as Amazon description text and bullets.

Amazon's detail page rules forbid HTML in descriptions apart from line breaks,
so the output is plain text: one line per paragraph, header or list item, with
inline markup removed and entities decoded. ``as_html_breaks`` produces the one
allowed markup, ``<br>``, for marketplaces that would otherwise collapse lines.

Descriptions are user content: a broken block is skipped with a warning, never
an exception.
"""

import html
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml import html as lxml_html

_DROP_TAGS = ("script", "style", "template", "noscript", "iframe", "object", "svg")
_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}
_SPACES = re.compile(r"[^\S\n]+")
# Inline tags whose removal leaves exactly their text; attribute values may not
# contain angle brackets or quotes-with-brackets, anything else goes to lxml.
_INLINE_TAG = re.compile(
    r"</?(?:b|i|u|s|em|strong|a|span|mark|code|sub|sup|small)"
    r"(?:\s+[^<>\"']*(?:\"[^<>\"]*\"|'[^<>']*')?)*\s*/?>",
    re.IGNORECASE,
)
_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)} | {127: None}
_TEXT_BLOCKS = ("paragraph", "header", "quote", "code", "warning")
_IGNORED_BLOCKS = ("delimiter", "image", "embed", "raw", "attaches", "linkTool")


@dataclass(slots=True)
class Description:
    text: str = ""
    bullets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_html_breaks(self) -> str:
        """The text escaped, with ``<br>`` between lines."""
        return "<br>".join(
            html.escape(line, quote=False) for line in self.text.split("\n")
        )


def inline_html_to_text(fragment: str) -> str:
    """Text of an inline HTML fragment: tags dropped, entities decoded, spaces tidied.

    ``<br>`` and block elements become line breaks; scripts and styles vanish
    with their content.
    """
    if not isinstance(fragment, str) or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    if "\n" not in fragment and "\r" not in fragment:
        # Most EditorJS paragraphs only carry inline emphasis and links; when
        # nothing else is there, dropping those tags is all lxml would do.
        stripped = _INLINE_TAG.sub("", fragment)
        if "<" not in stripped:
            return _tidy(html.unescape(stripped))
    # Source newlines are just spaces in HTML; only <br> and blocks break lines.
    fragment = re.sub(r"[\r\n]+", " ", fragment)
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for node in list(
        root.iter(etree.Comment, etree.ProcessingInstruction, *_DROP_TAGS)
    ):
        node.drop_tree()
    for element in root.iter(etree.Element):
        if element is root:
            continue
        if element.tag in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
        if element.tag == "br" or element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    return _tidy(root.text_content())


def editorjs_to_description(raw: Any) -> Description:
    """Convert an EditorJS document (dict or JSON text) to text plus bullets."""
    result = Description()
    blocks = _blocks(raw, result.warnings)
    lines: list[str] = []
    for index, block in enumerate(blocks):
        if not isinstance(block, Mapping):
            result.warnings.append(f"Block {index + 1} is not an object; skipped.")
            continue
        kind = block.get("type")
        data = block.get("data")
        if not isinstance(data, Mapping):
            result.warnings.append(f"Block {index + 1} ({kind}) has no data; skipped.")
            continue
        if kind == "list" or kind == "checklist":
            items = list(_list_items(data.get("items"), index, result.warnings))
            result.bullets.extend(items)
            ordered = data.get("style") == "ordered"
            lines.extend(
                f"{n}. {item}" if ordered else f"• {item}"
                for n, item in enumerate(items, 1)
            )
        elif kind == "table":
            for row in data.get("content") or ():
                if isinstance(row, list):
                    cells = [inline_html_to_text(c) for c in row if isinstance(c, str)]
                    if any(cells):
                        lines.append(" | ".join(cells))
        elif kind in _TEXT_BLOCKS or (kind not in _IGNORED_BLOCKS and "text" in data):
            text = data.get("code") if kind == "code" else data.get("text")
            if kind == "warning":
                text = " ".join(
                    t
                    for t in (data.get("title"), data.get("message"))
                    if isinstance(t, str)
                )
            if text is not None and not isinstance(text, str):
                result.warnings.append(f"Block {index + 1} ({kind}) text is not text.")
                continue
            converted = inline_html_to_text(text or "")
            if kind == "quote" and isinstance(data.get("caption"), str):
                caption = inline_html_to_text(data["caption"])
                if caption:
                    converted = f"{converted}\n— {caption}" if converted else caption
            if converted:
                lines.append(converted)
            if kind not in _TEXT_BLOCKS:
                result.warnings.append(f"Unknown block type {kind!r} read as text.")
        elif kind not in _IGNORED_BLOCKS:
            result.warnings.append(f"Unknown block type {kind!r} skipped.")
    result.text = "\n".join(lines)
    return result


def _blocks(raw: Any, warnings: list[str]) -> list:
    if raw is None or raw == "":
        return []
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            if raw.lstrip()[:1] in ("{", "["):
                warnings.append(
                    "Description JSON is damaged; only its texts were read."
                )
                return [
                    {"type": "paragraph", "data": {"text": text}}
                    for text in _salvage_texts(raw)
                ]
            # Older imports stored plain text or HTML in the description field.
            warnings.append("Description is not EditorJS JSON; read as text.")
            return [{"type": "paragraph", "data": {"text": raw}}]
    if not isinstance(raw, Mapping):
        warnings.append("Description is not an EditorJS object.")
        return []
    blocks = raw.get("blocks")
    if not isinstance(blocks, list):
        warnings.append("Description has no list of blocks.")
        return []
    return blocks


_TEXT_FIELD = re.compile(r'"(?:text|content)"\s*:\s*("(?:[^"\\]|\\.)*")')


def _salvage_texts(raw: str) -> list[str]:
    # A truncated document still holds complete "text" strings before the cut.
    texts = []
    for literal in _TEXT_FIELD.findall(raw):
        try:
            value = json.loads(literal)
        except ValueError:
            continue
        if isinstance(value, str):
            texts.append(value)
    return texts


def _list_items(
    items: Any, index: int, warnings: list[str], depth: int = 0
) -> Iterator[str]:
    # Nested items become bullets of their own, in document order: Amazon
    # bullets are flat and a joined "a; b; c" would hide the structure.
    if not isinstance(items, list):
        warnings.append(f"Block {index + 1} (list) has no items.")
        return
    if depth > 20:
        warnings.append(f"Block {index + 1} (list) is nested too deeply; cut.")
        return
    for item in items:
        children = None
        if isinstance(item, str):
            content = item
        elif isinstance(item, Mapping):
            content = item.get("content", item.get("text", ""))
            children = item.get("items")
            if not isinstance(content, str):
                warnings.append(
                    f"Block {index + 1} (list) has an item that is not text."
                )
                content = ""
        else:
            warnings.append(f"Block {index + 1} (list) has an item that is not text.")
            continue
        text = inline_html_to_text(content).replace("\n", " ")
        text = _SPACES.sub(" ", text).strip()
        if text:
            yield text
        if children:
            yield from _list_items(children, index, warnings, depth + 1)


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(_CONTROL))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u00a0", " ")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
