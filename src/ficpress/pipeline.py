"""The whole flow in one place, so the CLI, the library and tests run the same steps."""

from __future__ import annotations

from pathlib import Path

from ficpress import ingest, restore, structure
from ficpress.model import Work


def load(path: str | Path, *, typography: bool = False, analyse: bool = False) -> Work:
    """Ingest, restore and structure one file; optionally analyse it."""
    source = ingest.read(path)
    restoration = restore.restore(source, typography=typography)
    work = structure.build(source, restoration)
    if analyse:
        from ficpress import analyse as analyse_stage

        analyse_stage.analyse(work)
    return work
