"""Restore: `Source` -> `Restoration` (restored text + every repair, with confidence).

Public API: `restore(source, *, typography=False, review_threshold=0.95)`.

What a file shows decides which damage models run: U+FFFD (Windows-1252 read as
UTF-8, one per character; or UTF-8 read as ASCII, one per byte), stray CJK
characters from the first, `?` written for every non-ASCII character, mojibake,
and HTML entities. Without `typography`, only damaged positions change.
"""

from __future__ import annotations

import gc

from ficpress.model import Restoration, Source
from ficpress.restore.core import restore_text
from ficpress.restore.detect import entity_sites, mojibake_sites, question_sites, typography_sites

__all__ = ["restore", "REVIEW_THRESHOLD"]

REVIEW_THRESHOLD = 0.95


def restore(
    source: Source, *, typography: bool = False, review_threshold: float = REVIEW_THRESHOLD
) -> Restoration:
    """Put back what encoding damage destroyed; every change is a `Repair` with a calibrated confidence."""
    paused = gc.isenabled()
    gc.disable()  # many small objects, no cycles: collection passes would only cost time
    try:
        return _restore(source.text, typography, review_threshold)
    finally:
        if paused:
            gc.enable()


def _restore(text: str, typography: bool, review_threshold: float) -> Restoration:
    fixed = entity_sites(text) + mojibake_sites(text)  # entities first: they win an overlap
    fixed.sort(key=lambda s: (s.start, s.kind != "entity"))
    return restore_text(
        text,
        typography=typography,
        review_threshold=review_threshold,
        sites_before=fixed,
        question_sites=question_sites(text),
        typography_sites=typography_sites(text) if typography else None,
    )
