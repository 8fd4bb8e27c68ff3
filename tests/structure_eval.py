"""Scoring of structure output against a hand annotation (shared by tests and bench scripts)."""

from __future__ import annotations

import bisect

from ficpress.model import LineIndex, Work


def source_lines(work: Work, source_text: str) -> tuple[LineIndex, list[int]]:
    idx = LineIndex(source_text)
    starts = [0]
    pos = work.text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = work.text.find("\n", pos + 1)
    return idx, starts


def text_line(starts: list[int], offset: int) -> int:
    """1-based line of the restored text holding `offset` (restore keeps newlines one for one)."""
    return bisect.bisect_right(starts, offset)


def predicted_breaks(work: Work, starts: list[int]) -> set[int]:
    out: set[int] = set()
    for b in work.blocks:
        if b.kind != "scene_break":
            continue
        if b.attrs.get("glyph"):
            out.add(text_line(starts, b.start))
        else:
            out.add(text_line(starts, b.start) + 1)  # the first blank line after the paragraph
    return out


def predicted_verse(work: Work, starts: list[int]) -> set[int]:
    out: set[int] = set()
    for b in work.blocks:
        if b.kind == "verse":
            for lo, _hi in b.attrs["lines"]:
                out.add(text_line(starts, lo))
    return out


def prf(pred: set[int], gold: set[int]) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else (1.0 if not gold else 0.0)
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
