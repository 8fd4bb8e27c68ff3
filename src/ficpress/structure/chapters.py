"""Chapters from heading and end-marker units, including the unlabelled first chapter.

The sample's Part 1 has no heading; its end marker says "End Part 1." and the
next heading says "Part 2", so the first chapter is "Part 1" (implicit). An end
marker followed by story without a heading opens an implicit chapter too. A
chapter covers its heading, its text, its end marker and the blank lines up
to the next chapter; head notes before the first heading belong to chapter 1.
"""

from __future__ import annotations

from ficpress.model import Chapter
from ficpress.structure.headings import numeral_like
from ficpress.structure.lines import Unit

CONTENT = {"paragraph", "verse", "scene_break", "marker", "letter", "message"}


def _opens(u: Unit) -> bool:
    return u.kind == "heading" and u.attrs.get("role") != "subtitle"


def _kind_of(u: Unit) -> str:
    return u.attrs.get("unit_kind", "")


def _implicit_title(
    units: list[Unit], lo: int, hi: int, prev: Unit | None, nxt: Unit | None, fallback: str
) -> tuple[str, float]:
    """Title an unlabelled chapter from its own end marker, else from its neighbours' numbering."""
    for u in units[lo:hi]:
        if u.kind == "end_marker" and u.attrs.get("unit_kind") and u.attrs.get("number") is not None:
            return f"{u.attrs['unit_kind']} {u.attrs['numeral']}", 0.95
    if nxt is not None:
        n = nxt.attrs.get("number")
        k = _kind_of(nxt)
        if k and isinstance(n, int) and n > 1:
            return f"{k} {numeral_like(n - 1, nxt.attrs.get('numeral', ''))}", 0.85
        if isinstance(n, int) and n == 1:
            return "Prologue", 0.5
    if prev is not None:
        n = prev.attrs.get("number")
        k = _kind_of(prev)
        if k and isinstance(n, int):
            return f"{k} {numeral_like(n + 1, prev.attrs.get('numeral', ''))}", 0.7
    return fallback, 0.4


def build_chapters(units: list[Unit], first: int, text_len: int, work_title: str) -> list[Chapter]:
    """Chapters over `units[first:]` (units before `first` are front matter)."""
    if first >= len(units):
        return [Chapter(1, work_title or "Chapter 1", text_len, text_len, 0.3, implicit=True)]
    # Chapter openings: (unit index, heading unit or None).
    opens: list[tuple[int, Unit | None]] = []
    headings = [i for i in range(first, len(units)) if _opens(units[i])]
    if not headings or any(units[i].kind in CONTENT for i in range(first, headings[0])):
        opens.append((first, None))
    for i in range(first, len(units)):
        u = units[i]
        if _opens(u):
            start = first if not opens and i == headings[0] else i
            opens.append((start, u))
        elif u.kind == "end_marker":
            # Story after an end marker, with no heading before it, opens an unlabelled chapter.
            j = i + 1
            while j < len(units) and units[j].kind in ("note", "end_marker"):
                j += 1
            if (
                j < len(units)
                and units[j].kind in CONTENT
                and not (
                    units[j].kind == "scene_break" and j + 1 < len(units) and units[j + 1].kind == "heading"
                )
            ):
                opens.append((j, None))
    chapters: list[Chapter] = []
    for ci, (ui, head) in enumerate(opens):
        end_ui = opens[ci + 1][0] if ci + 1 < len(opens) else len(units)
        start = units[ui].lo
        end = units[opens[ci + 1][0]].lo if ci + 1 < len(opens) else text_len
        if head is not None:
            title = head.attrs.get("title", "")
            conf = head.confidence
            heading_end = head.attrs.get("subtitle_end", head.hi)
            ch = Chapter(ci + 1, title, start, end, conf, heading_start=head.lo, heading_end=heading_end)
        else:
            prev = opens[ci - 1][1] if ci > 0 else None
            nxt = opens[ci + 1][1] if ci + 1 < len(opens) else None
            fallback = work_title if len(opens) == 1 else f"Chapter {ci + 1}"
            title, conf = _implicit_title(units, ui, end_ui, prev, nxt, fallback)
            ch = Chapter(ci + 1, title, start, end, conf, implicit=True)
        chapters.append(ch)
        for u in units[ui:end_ui]:
            u.chapter = ci
    _check_sequence(chapters, opens)
    return chapters


def _check_sequence(chapters: list[Chapter], opens: list[tuple[int, Unit | None]]) -> None:
    """Numbers that run in order confirm the headings; a number out of order lowers confidence."""
    last = None
    for ch, (_, head) in zip(chapters, opens, strict=True):
        n = head.attrs.get("number") if head is not None else None
        if isinstance(n, int) and n >= 0:
            if last is not None and n != last + 1:
                ch.confidence = round(max(0.3, ch.confidence - 0.2), 3)
            last = n
        elif last is not None and head is None:
            last += 1
