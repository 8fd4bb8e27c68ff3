"""Structure: `Source` + `Restoration` -> `Work` (chapters, blocks, scenes, spans).

Public API: `build(source, restoration) -> Work`.

Plain text is read for the conventions fan-fiction authors use (headings such
as "Part 5." or "(2/5)", end markers, blank-line or symbol scene breaks, verse,
notes, letters and messages, `*thoughts*`); marked-up sources (HTML, EPUB, Markdown) keep the
structure ingest read and have it mapped through restore's offset map. The
text itself is never changed: everything is a standoff annotation with a
confidence.
"""

from __future__ import annotations

import gc

from ficpress.model import Restoration, Source, Work
from ficpress.structure.plain import build_plain

__all__ = ["build"]


def build(source: Source, restoration: Restoration) -> Work:
    """Annotate the restored text with blocks, chapters, scenes and spans."""
    # Structure makes many small objects and no reference cycles: pausing the
    # cyclic collector keeps a 50 MB text linear instead of paying repeated full scans.
    paused = gc.isenabled()
    gc.disable()
    try:
        if source.structured and (source.blocks or source.chapters):
            from ficpress.structure.mapped import build_mapped

            work = build_mapped(source, restoration)
        else:
            work = build_plain(source, restoration)
    finally:
        if paused:
            gc.enable()
    # Unless the source said how many chapters are posted, what was found is what is posted.
    if work.meta.chapters_posted is None:
        work.meta.chapters_posted = len(work.chapters)
    return work
