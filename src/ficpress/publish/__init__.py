"""Publish: `Work` -> EPUB 3, single-file HTML, Markdown, plain text, JSON.

Public API: `FORMATS`, `NOTES_MODES`, `render(work, fmt, *, notes="show") -> bytes`,
`write(work, fmt, path, protect=(), *, notes="show")`.

Every format reads the same reading view of the work (`_doc.build`), so what a
reader sees (no end markers, headings from chapter titles, notes shown, moved to
the end or left out) is the same whichever format they choose. JSON always keeps
everything, notes included.
"""

from __future__ import annotations

from pathlib import Path

from ficpress.fileio import atomic_write
from ficpress.model import Work
from ficpress.publish._doc import NOTES_MODES

__all__ = ["FORMATS", "NOTES_MODES", "render", "write"]

FORMATS = ("epub", "html", "md", "txt", "json")


def render(work: Work, fmt: str, *, notes: str = "show") -> bytes:
    """The bytes of `work` in `fmt`; `notes` is show (in place), end (all at the end) or omit."""
    if notes not in NOTES_MODES:
        raise ValueError(f"notes must be one of {', '.join(NOTES_MODES)}, not {notes!r}")
    if fmt == "epub":
        from ficpress.publish import epub

        return epub.render(work, notes=notes)
    if fmt == "html":
        from ficpress.publish import html

        return html.render(work, notes=notes)
    if fmt == "md":
        from ficpress.publish import markdown

        return markdown.render(work, notes=notes)
    if fmt == "txt":
        from ficpress.publish import text

        return text.render(work, notes=notes)
    if fmt == "json":
        from ficpress.publish import jsonout

        return jsonout.render(work)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def write(
    work: Work, fmt: str, path: str | Path, protect: tuple[str | Path, ...] = (), *, notes: str = "show"
) -> None:
    """Render fully in memory, then write atomically: a failure never leaves a partial book."""
    atomic_write(path, render(work, fmt, notes=notes), protect=protect)
