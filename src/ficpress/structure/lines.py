"""Lines of the restored text, the unit every plain-text decision starts from.

Plain-text fan fiction carries its structure in line breaks: a heading is a
line, an end marker is a line, a scene break is a run of blank lines or a line
of symbols. So the text is cut once into lines with their offsets, and every
later step labels lines instead of re-scanning the string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# Characters that open or close a quotation in the texts we meet (straight and typographic).
QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb'
SENTENCE_END = ".!?\u2026"


class LazyPattern:
    """A regular expression compiled on first use.

    Patterns for shapes most stories never hold (chat logs, text messages, slashes
    as italics) would cost every run their compile time at import, up to a
    millisecond each; this one compiles when first asked to match.
    """

    __slots__ = ("_args", "_rx")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._rx: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # match, search, finditer, ... of the compiled pattern
        rx = self._rx
        if rx is None:
            rx = self._rx = re.compile(*self._args)
        return getattr(rx, name)


# The attributes of a line nothing has labelled yet: shared and read-only, since a large text has
# hundreds of thousands of lines (a labelled line gets a dict of its own).
NO_ATTRS: Any = MappingProxyType({})


@dataclass(slots=True)
class Line:
    """One line of the text: `[start, end)` excludes the newline; `lo`/`hi` trim surrounding spaces.

    The line's text is not copied: `stripped` cuts it from the document when asked,
    so a large text is held once, not twice. Slots keep a line small.
    """

    index: int
    start: int
    end: int
    doc: str  # the whole text the line belongs to (shared by every line, never copied)
    lo: int = 0
    hi: int = 0
    label: str | None = None  # the block kind decided for this line (None = not yet decided)
    confidence: float = 1.0
    attrs: dict[str, Any] = field(default_factory=lambda: NO_ATTRS)

    @property
    def stripped(self) -> str:
        """The line without surrounding spaces."""
        return self.doc[self.lo : self.hi]

    @property
    def blank(self) -> bool:
        return self.lo == self.hi


def split_lines(text: str) -> list[Line]:
    """Cut `text` into lines with offsets; linear in the length of the text."""
    out: list[Line] = []
    pos = 0
    n = len(text)
    i = 0
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        raw = text[pos:end]
        body = raw.strip()
        if body:
            lo = pos + raw.find(body[0])  # the first non-space character starts the body
            hi = lo + len(body)
        else:
            lo = hi = pos
        out.append(Line(i, pos, end, text, lo, hi))
        i += 1
        if nl == -1:
            break
        pos = nl + 1
    # A final newline leaves one empty line after it that is not part of the text's content.
    if len(out) > 1 and out[-1].start == n and out[-1].blank:
        out.pop()
    return out


def ends_sentence(s: str) -> bool:
    """Whether a line ends as prose does: final punctuation, possibly inside closing quotes or brackets."""
    t = s.rstrip().rstrip(QUOTES + "'\u2019)]*_~ \u200a\u2060\u00a0")
    return bool(t) and t[-1] in SENTENCE_END


@dataclass(slots=True)
class Unit:
    """A block-to-be: one or more lines with a kind, before offsets become a `Block`.

    `lo`/`hi` are text offsets of the first non-space and after the last
    non-space character; `gap_before` counts the blank lines before the unit.
    """

    kind: str
    lines: list[int]
    lo: int
    hi: int
    confidence: float = 1.0
    attrs: dict[str, Any] = field(default_factory=dict)
    gap_before: int = 0
    chapter: int = -1
