"""Ingest: bytes on disk -> `Source` (decoded text, metadata, damage found).

Public API: `read(path) -> Source`. Raises `FicpressError` naming the file.
"""

from __future__ import annotations

from pathlib import Path

from ficpress.errors import FicpressError
from ficpress.model import Damage, LineIndex, Source, SourceInfo, WorkMeta

__all__ = ["read"]


def read(path: str | Path) -> Source:
    """Placeholder plain-text reader (strict UTF-8); the real readers replace it."""
    p = Path(path)
    if p.is_dir():
        raise FicpressError(p, "is a directory, not a story file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FicpressError(p, f"cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FicpressError(p, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    idx = LineIndex(text)
    damage = []
    for i, ch in enumerate(text):
        if ch == "\ufffd":
            line, col = idx.line_col(i)
            damage.append(Damage("fffd", i, i + 1, line, col))
    meta = WorkMeta(source=SourceInfo(kind="text", file=str(p), encoding="utf-8"))
    return Source(path=str(p), text=text, meta=meta, damage=damage)
