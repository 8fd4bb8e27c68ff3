"""Publish: `Work` -> EPUB 3, single-file HTML, Markdown, plain text, JSON.

Public API: `FORMATS`, `render(work, fmt) -> bytes`, `write(work, fmt, path)`.
"""

from __future__ import annotations

from pathlib import Path

from ficpress.fileio import atomic_write
from ficpress.model import Work

__all__ = ["FORMATS", "render", "write"]

FORMATS = ("epub", "html", "md", "txt", "json")


def render(work: Work, fmt: str) -> bytes:
    """Placeholder: JSON and text only."""
    if fmt == "json":
        return work.to_json().encode("utf-8")
    if fmt == "txt":
        return work.text.encode("utf-8")
    raise NotImplementedError(fmt)


def write(work: Work, fmt: str, path: str | Path, *, protect: tuple[str | Path, ...] = ()) -> None:
    atomic_write(path, render(work, fmt), protect=protect)
