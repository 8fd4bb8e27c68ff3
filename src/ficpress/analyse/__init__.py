"""Analyse: `Work` -> `Work.analysis` (characters, quotes, speakers, POV, network, arc).

Public API: `analyse(work) -> dict` (also stored on `work.analysis`).
"""

from __future__ import annotations

from typing import Any

from ficpress.model import Work

__all__ = ["analyse"]


def analyse(work: Work) -> dict[str, Any]:
    """Placeholder: word counts only."""
    words = len(work.text.split())
    work.analysis = {"characters": [], "quotes": [], "words": words}
    return work.analysis
