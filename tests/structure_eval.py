"""Scoring of structure output against a hand annotation (shared by tests and bench scripts).

Offsets of the restored text are mapped back to the source through restore's
offset map, so the scores count lines of the file the annotator read.
"""

from __future__ import annotations

from collections.abc import Callable

from ficpress.model import LineIndex, Work


def line_of(work: Work, source_text: str) -> Callable[[int], int]:
    """A function: offset in `work.text` -> 1-based line of the source file."""
    idx = LineIndex(source_text)
    offsets = work.offsets
    return lambda offset: idx.line_col(offsets.to_source(offset))[0]


def predicted_breaks(work: Work, line: Callable[[int], int]) -> set[int]:
    out: set[int] = set()
    for b in work.blocks:
        if b.kind != "scene_break":
            continue
        if b.attrs.get("glyph"):
            out.add(line(b.start))
        else:
            out.add(line(b.start) + 1)  # the first blank line after the paragraph
    return out


def predicted_verse(work: Work, line: Callable[[int], int]) -> set[int]:
    out: set[int] = set()
    for b in work.blocks:
        if b.kind == "verse":
            for lo, _hi in b.attrs["lines"]:
                out.add(line(lo))
    return out


def prf(pred: set[int], gold: set[int]) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else (1.0 if not gold else 0.0)
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
