"""Structure for marked-up sources (HTML, EPUB, Markdown): map what ingest read, then add what markup lacks.

Markup already says where chapters, paragraphs and emphasis are, so nothing is
guessed there: the source's blocks, chapters and spans are carried through
restore's offset map. What markup does not say is still found: `*thoughts*`
typed as asterisks inside paragraphs, paragraphs that are only a divider
(`***`, `xXx`) or an end marker, flashback marker lines, and the scenes.
"""

from __future__ import annotations

import bisect
from typing import Any

from ficpress.model import Block, Chapter, OffsetMap, Restoration, Source, Span, Work
from ficpress.structure import dividers, inline
from ficpress.structure.flashback import flashback_spans
from ficpress.structure.frontmatter import fall_back_to_file_title
from ficpress.structure.headings import parse_end_marker
from ficpress.structure.lines import Unit
from ficpress.structure.scenes import build_scenes


def _mapper(om: OffsetMap, text_len: int) -> Any:
    def m(start: int, end: int) -> tuple[int, int]:
        a = min(om.to_text(start), text_len)
        b = min(om.to_text(end), text_len) if end > start else a
        return a, max(a, b)

    return m


def _map_attrs(attrs: dict[str, Any], m: Any) -> dict[str, Any]:
    out = dict(attrs)
    lines = out.get("lines")
    if isinstance(lines, list) and all(isinstance(x, list | tuple) and len(x) == 2 for x in lines):
        out["lines"] = [list(m(int(a), int(b))) for a, b in lines]
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _retype(text: str, b: Block) -> None:
    """A paragraph that is only a divider, an end marker or a flashback marker is not prose."""
    s = text[b.start : b.end].strip()
    if not s or len(s) > 60:
        return
    g = dividers.divider_glyph(s)
    if g is not None:
        b.kind, b.confidence, b.attrs = "scene_break", g[1], {**b.attrs, "glyph": g[0]}
        return
    fb = dividers.flashback_marker(s)
    if fb is not None:
        b.kind, b.confidence, b.attrs = (
            "marker",
            0.95,
            {**b.attrs, "marker": "flashback", "edge": fb, "text": s},
        )
        return
    e = parse_end_marker(s)
    if e is not None and e.confidence >= 0.9:
        b.kind, b.confidence, b.attrs = (
            "end_marker",
            e.confidence,
            {"text": s, "number": e.number, "final": e.final},
        )


def build_mapped(source: Source, restoration: Restoration) -> Work:
    text = restoration.text
    m = _mapper(restoration.offsets, len(text))
    meta = source.meta
    blocks: list[Block] = []
    for sb in source.blocks:
        a, b = m(sb.start, sb.end)
        if sb.kind != "scene_break":
            a, b = _trim(text, a, b)
        blocks.append(Block(sb.kind, a, b, sb.confidence, _map_attrs(sb.attrs, m)))
    blocks.sort(key=lambda bl: (bl.start, bl.end))
    for bl in blocks:
        if bl.kind == "paragraph":
            _retype(text, bl)

    chapters: list[Chapter] = []
    for i, sc in enumerate(sorted(source.chapters, key=lambda c: c.start)):
        a, b = m(sc.start, sc.end)
        hs = he = None
        if sc.heading_start is not None and sc.heading_end is not None:
            hs, he = m(sc.heading_start, sc.heading_end)
        chapters.append(Chapter(i + 1, sc.title, a, b, sc.confidence, hs, he, sc.implicit, sc.summary))
    if not chapters:
        chapters = [Chapter(1, meta.title or "Chapter 1", 0, len(text), 0.5, implicit=True)]
    chapter_starts = [c.start for c in chapters]
    for bl in blocks:
        if bl.kind == "end_marker":
            bl.attrs.setdefault("closes", _chapter_of(chapter_starts, bl.start))

    spans: list[Span] = []
    for sp in source.spans:
        a, b = m(sp.start, sp.end)
        spans.append(Span(sp.kind, a, b, sp.confidence, _map_attrs(sp.attrs, m)))

    units = [
        Unit(bl.kind, [], bl.start, bl.end, bl.confidence, bl.attrs, 0, _chapter_of(chapter_starts, bl.start))
        for bl in blocks
    ]
    spans.extend(flashback_spans(units))
    marked = [(s.start, s.end) for s in spans if s.kind in ("thought", "emphasis", "strong", "telepathy")]
    marked.sort()
    starts = [a for a, _ in marked]
    for sp in inline.find_spans(
        text, ((bl.start, bl.end) for bl in blocks if bl.kind in ("paragraph", "verse", "note"))
    ):
        i = bisect.bisect_right(starts, sp.end) - 1
        # Markup already italicised this stretch: keep the markup's span.
        if i >= 0 and marked[i][0] < sp.end and sp.start < marked[i][1]:
            continue
        spans.append(sp)
    spans.sort(key=lambda s: (s.start, -s.end))
    scenes = build_scenes(units, len(chapters))
    fall_back_to_file_title(meta, source.path)
    return Work(
        meta=meta,
        text=text,
        repairs=restoration.repairs,
        damage=source.damage,
        blocks=blocks,
        chapters=chapters,
        scenes=scenes,
        spans=spans,
    )


def _chapter_of(starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(starts, pos) - 1)
