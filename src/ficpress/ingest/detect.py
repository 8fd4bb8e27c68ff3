"""Fingerprints: which reader fits a file, told from its content, not its name.

Why fingerprints: a download renamed `story.txt`, a saved page called
`index.html` and an AO3 EPUB called `book.zip` are all common; the content is
the only reliable witness. Each test below names the markers it relies on.
"""

from __future__ import annotations

import re

from ficpress.ingest.decode import sniff_wide

__all__ = [
    "sniff_text_kind",
    "looks_like_html",
    "fanficfare_txt",
    "looks_like_markdown",
]

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<body|<meta|<title)",
    re.I | re.S,
)
_HTML_ANY = re.compile(rb"<(?:html|body|head)[\s>]|<div[\s>][\s\S]*</div>|<p[\s>][\s\S]*</p>", re.I)


def sniff_text_kind(head: bytes, name: str) -> str:
    """'html', 'wide' (UTF-16/32, decided after decoding), or 'text'."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or sniff_wide(head):
        return "wide"
    if _HTML_START.match(head[:4096]):
        return "html"
    low = name.lower()
    if low.endswith((".html", ".htm", ".xhtml")) and _HTML_ANY.search(head[:65536]):
        return "html"
    return "text"


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text.encode("utf-8", "ignore")))


# FanFicFare TXT: title, "by Author", "Label: value" title page, optional
# "TABLE OF CONTENTS", tab-indented chapter titles, and "End file." at the end.
_FFF_END = re.compile(r"\n\s*End file\.\s*\Z")
_FFF_TOP = re.compile(r"\A\s*\S[^\n]*\n\s*\nby [^\n]+\n", re.S)


def fanficfare_txt(text: str) -> bool:
    tail = text[-200:]
    if not _FFF_END.search(tail):
        return False
    head = text[:20000]
    return bool(_FFF_TOP.match(head)) and ("\n\t" in head or "TABLE OF CONTENTS" in head)


_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
_MD_OTHER = re.compile(
    r"^---\n(?:[A-Za-z_]+:.*\n)+---\n|\*\*\S[^*\n]*\*\*|\[[^\]\n]+\]\([^)\s]+\)|^>[ \t]", re.M
)


def looks_like_markdown(text: str, name: str) -> bool:
    """A .md name, or ATX headings together with other Markdown syntax (plain-text fics use *stars* too)."""
    if name.lower().endswith((".md", ".markdown", ".mdown", ".mkd")):
        return True
    head = text[:50000]
    if head.startswith("---\n") and re.match(r"---\n(?:[A-Za-z_]+:.*\n)+---\n", head):
        return True
    # Markdown joins single newlines into one paragraph; a plain-text story that puts one
    # paragraph per line must never be read that way, so ask for blank-line paragraphs too.
    lines = head.split("\n")[:2000]
    blank = sum(1 for ln in lines if not ln.strip())
    return (
        len(_MD_HEADING.findall(head)) >= 2
        and bool(_MD_OTHER.search(head))
        and blank >= 0.3 * max(1, len(lines) - blank)
    )
