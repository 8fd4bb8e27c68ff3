"""Ingest: bytes on disk -> `Source` (decoded text, metadata, structure the markup gave, damage found).

Public API: `read(path) -> Source`. Raises `FicpressError` naming the file.

The format is told by fingerprints in the content (`detect`), never by the
file name alone, because downloads get renamed and saved pages all end in
`.html`. One module per reader: `text` (plain text and header blocks),
`markdown`, `html` (AO3 downloads and pages, FanFiction.net pages, FanFicFare
and generic HTML), `epub` (AO3, FanFicFare and generic EPUB 2/3).
"""

from __future__ import annotations

from pathlib import Path

from ficpress.errors import FicpressError
from ficpress.ingest import detect
from ficpress.ingest.decode import decode_bytes, looks_binary
from ficpress.ingest.files import HTML_MAX, TEXT_MAX, open_input, read_all, refuse_by_magic
from ficpress.model import Source

__all__ = ["read", "detect_format"]


def detect_format(path: str | Path) -> str:
    """The reader `read` would use for this file (e.g. 'ao3-html', 'ffnet-page', 'text-header')."""
    return read(path).meta.source.kind


def read(path: str | Path) -> Source:
    """Read any supported story file; refuse anything else with one clear line."""
    p, size, head = open_input(path)
    refuse_by_magic(p, head)
    if head.startswith(b"PK"):
        from ficpress.ingest import epub

        return epub.read_epub(p, size, head)
    if p.suffix.lower() == ".epub":
        raise FicpressError(p, "is not an EPUB (an EPUB is a zip archive; this file is not one)")
    kind = detect.sniff_text_kind(head, p.name)
    if kind == "html" and size > HTML_MAX:
        read_all(p, size, HTML_MAX, "HTML")  # refuses before reading a byte more
    if kind == "binary" or (kind != "wide" and looks_binary(head)):
        raise FicpressError(p, "is a binary file, not text, HTML or EPUB")
    if kind == "html":
        data = read_all(p, size, HTML_MAX, "HTML")
        from ficpress.ingest import html

        return html.read_html(p, data)
    data = read_all(p, size, TEXT_MAX, "text")
    decoded = decode_bytes(data)
    if kind == "wide" and detect.looks_like_html(decoded.text[:4096]):
        if size > HTML_MAX:
            read_all(p, size, HTML_MAX, "HTML")
        from ficpress.ingest import html

        return html.read_html(p, data, decoded=decoded)
    if not decoded.text.strip():
        raise FicpressError(
            p, "holds no text (only whitespace or a byte-order mark): there is no story to read"
        )
    if _mostly_controls(decoded.text):
        raise FicpressError(p, "is a binary file, not text, HTML or EPUB")
    from ficpress.ingest import text as text_reader

    fff = detect.fanficfare_txt(decoded.text)
    if fff:
        from ficpress.ingest import fanficfare

        return fanficfare.read_fff_txt(p, decoded)
    if detect.looks_like_markdown(decoded.text, p.name):
        from ficpress.ingest import markdown

        return markdown.read_markdown(p, decoded)
    return text_reader.read_text(p, data, decoded)


def _mostly_controls(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    bad = sum(1 for c in sample if (c < " " and c not in "\n\t\f\x1b") or "\x7f" <= c < "\xa0")
    return bad > max(8, len(sample) // 50)
