"""Restore: `Source` -> `Restoration` (restored text + every repair, with confidence).

Public API: `restore(source, *, typography=False, review_threshold=0.95)`.

What a file shows decides which damage models run: U+FFFD (Windows-1252 read as
UTF-8, one per character; or UTF-8 read as ASCII, one per byte), stray CJK
characters from the first, `?` written for every non-ASCII character, mojibake,
and HTML entities. Without `typography`, only damaged positions change.
"""

from __future__ import annotations

from ficpress.model import Restoration, Source
from ficpress.restore.core import restore_text

__all__ = ["restore", "REVIEW_THRESHOLD"]

REVIEW_THRESHOLD = 0.95


def restore(
    source: Source, *, typography: bool = False, review_threshold: float = REVIEW_THRESHOLD
) -> Restoration:
    """Put back what encoding damage destroyed; every change is a `Repair` with a calibrated confidence."""
    return restore_text(source.text, typography=typography, review_threshold=review_threshold)
