"""Publish: `Work` -> EPUB 3, single-file HTML, Markdown, plain text, JSON.

Public API: `FORMATS`, `NOTES_MODES`, `render(work, fmt, *, notes="show") -> bytes`,
`render_many(work, fmts, *, notes="show") -> {fmt: bytes}`,
`write(work, fmt, path, protect=(), *, notes="show")`.

Every format reads the same reading view of the work (`_doc.build`), so what a
reader sees (no end markers, headings from chapter titles, notes shown, moved to
the end or left out) is the same whichever format they choose. JSON always keeps
everything, notes included.
"""

from __future__ import annotations

import gc
from pathlib import Path

from ficpress.fileio import atomic_write
from ficpress.model import Work
from ficpress.publish import _doc
from ficpress.publish._doc import NOTES_MODES

__all__ = ["FORMATS", "NOTES_MODES", "render", "render_many", "write"]

FORMATS = ("epub", "html", "md", "txt", "json")


def render(work: Work, fmt: str, *, notes: str = "show") -> bytes:
    """The bytes of `work` in `fmt`; `notes` is show (in place), end (all at the end) or omit."""
    return render_many(work, [fmt], notes=notes)[fmt]


def render_many(work: Work, fmts: list[str] | tuple[str, ...], *, notes: str = "show") -> dict[str, bytes]:
    """Several formats from one reading view, built once (it is most of the cost of each format)."""
    if notes not in NOTES_MODES:
        raise ValueError(f"notes must be one of {', '.join(NOTES_MODES)}, not {notes!r}")
    bad = [f for f in fmts if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown format {bad[0]!r}; choose from {', '.join(FORMATS)}")
    # The reading view and the formats' strings are many small objects and no reference cycles: pausing
    # the cyclic collector saves its passes, as in restore and structure.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _render_many(work, fmts, notes)
    finally:
        if paused:
            gc.enable()


def _render_many(work: Work, fmts: list[str] | tuple[str, ...], notes: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    doc = None
    for fmt in fmts:
        if fmt == "json":
            from ficpress.publish import jsonout

            out[fmt] = jsonout.render(work)
            continue
        if doc is None:
            doc = _doc.build(work, notes=notes, review=True)
        if fmt == "epub":
            from ficpress.publish import epub

            out[fmt] = epub.render_doc(doc)
        elif fmt == "html":
            from ficpress.publish import html

            out[fmt] = html.render_doc(doc)
        elif fmt == "md":
            from ficpress.publish import markdown

            out[fmt] = markdown.render_doc(doc)
        else:
            from ficpress.publish import text

            out[fmt] = text.render_doc(doc)
    return out


def write(
    work: Work, fmt: str, path: str | Path, protect: tuple[str | Path, ...] = (), *, notes: str = "show"
) -> None:
    """Render fully in memory, then write atomically: a failure never leaves a partial book."""
    atomic_write(path, render(work, fmt, notes=notes), protect=protect)
