"""The title line and front matter of a plain-text story.

Stories copied from an archive often open with the title alone on the first
line ("Breaking alone."), sometimes "Title by Author", before the first
paragraph. A label header ("Title: ...", "Author: ...") is read by ingest;
its lines are kept here as `front_matter` blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ficpress.model import WorkMeta
from ficpress.structure.dividers import divider_glyph
from ficpress.structure.headings import parse_bare_number, parse_end_marker, parse_heading
from ficpress.structure.lines import QUOTES
from ficpress.structure.notes import labelled_note

_BY = re.compile(r"^(?P<title>.+?)\s*,?\s+by\s+(?P<author>[^\s].{0,60})$", re.IGNORECASE)
_BY_LINE = re.compile(r"^(?:written\s+)?by[:\s]+(?P<author>\S.{0,60})$", re.IGNORECASE)
_LABEL = re.compile(r"^title\s*:\s*(?P<title>.+)$", re.IGNORECASE)


def fall_back_to_file_title(meta: WorkMeta, path: str) -> None:
    """With no title found, the file name is a weak stand-in (its confidence says so)."""
    if not meta.title:
        stem = path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        meta.title, meta.title_confidence = stem, 0.2


@dataclass
class TitleGuess:
    title: str
    confidence: float
    authors: list[str] = field(default_factory=list)


def _clean(title: str) -> str:
    t = title.strip().strip("*_~=#").strip()
    # "Breaking alone." -> "Breaking alone"; an ellipsis or "?!" is part of a title.
    if t.endswith(".") and not t.endswith("..") and not t.endswith("\u2026"):
        t = t[:-1].rstrip()
    return t


def guess_title(first: str, followed_by_blank: bool) -> TitleGuess | None:
    """A title from the first line of the story, or None when that line is already the story."""
    s = first.strip()
    if not s or len(s) > 100:
        return None
    if (
        parse_heading(s)
        or parse_bare_number(s)
        or parse_end_marker(s)
        or divider_glyph(s)
        or labelled_note(s)
    ):
        return None
    if s[0] in QUOTES and any(q in s[1:-1] for q in QUOTES):
        return None  # dialogue with a tag
    authors: list[str] = []
    m = _LABEL.match(s)
    if m:
        s = m.group("title")
    m = _BY.match(s)
    if m and len(m.group("author").split()) <= 4:
        s = m.group("title")
        authors = [m.group("author").strip().rstrip(".")]
    n = len(s.split())
    if n > 14:
        return None
    # Without a blank line after it, a long first line is the start of a paragraph.
    if not followed_by_blank and (n > 6 or s[-1:] in ".,;:?!\u2026" or any(q in s for q in QUOTES + "*_")):
        return None
    conf = 0.6
    if followed_by_blank:
        conf += 0.2
    if n <= 8:
        conf += 0.1
    # A full sentence reads as story, not title.
    if s.endswith(".") and n > 6:
        conf -= 0.45
    elif s.endswith(".") and n > 4:
        conf -= 0.15
    if s[-1:] in ",;:":
        conf -= 0.3
    title = _clean(s)
    if not title:
        return None
    return TitleGuess(title, round(max(conf, 0.1), 2), authors)


def byline(s: str) -> str | None:
    """The author named by a "by Author" line under the title."""
    m = _BY_LINE.match(s.strip())
    if m and len(m.group("author").split()) <= 4:
        return m.group("author").strip().rstrip(".")
    return None
