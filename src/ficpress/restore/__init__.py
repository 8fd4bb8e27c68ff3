"""Restore: `Source` -> `Restoration` (restored text + every repair, with confidence).

Public API: `restore(source, *, typography=False, review_threshold=0.95)`.
"""

from __future__ import annotations

from ficpress.model import LineIndex, Repair, Restoration, Source

__all__ = ["restore", "REVIEW_THRESHOLD"]

REVIEW_THRESHOLD = 0.95


def restore(
    source: Source, *, typography: bool = False, review_threshold: float = REVIEW_THRESHOLD
) -> Restoration:
    """Placeholder: U+FFFD inside a word -> ’, elsewhere -> ", all flagged for review."""
    text = source.text
    idx = LineIndex(text)
    out: list[str] = []
    repairs: list[Repair] = []
    last = 0
    pos = 0
    for i, ch in enumerate(text):
        if ch != "\ufffd":
            continue
        out.append(text[last:i])
        pos += i - last
        left = text[i - 1] if i else " "
        right = text[i + 1] if i + 1 < len(text) else " "
        rep = "\u2019" if left.isalnum() and right.isalnum() else '"'
        line, col = idx.line_col(i)
        repairs.append(
            Repair(pos, pos + len(rep), i, i + 1, ch, rep, 0.5, True, "placeholder", "fffd", line, col)
        )
        out.append(rep)
        pos += len(rep)
        last = i + 1
    out.append(text[last:])
    return Restoration("".join(out), repairs)
