"""Settle each paragraph's choices together: quotes balance, the document keeps its habits.

Why: a character context sees a few letters either side, but whether a `“`
is still open is a fact about the whole paragraph, and whether dialogue uses
double or single quotes is a fact about the whole document.
"""

from __future__ import annotations

from typing import Any


def settle(text: str, sites: list[Any]) -> None:
    """Choose one candidate per site; sets `site.choice` and `site.confidence`."""
    for site in sites:
        if site.candidates:
            site.choice, site.confidence = site.candidates[0]
