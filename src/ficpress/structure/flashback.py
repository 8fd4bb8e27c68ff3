"""Flashback spans from `#Flashback#` ... `#End Flashback#` marker lines.

Authors often mark only one edge: the sample closes a flashback with
"#End Flashback#" and opens it with nothing but a scene break. A lone end
marker's flashback starts where its scene starts; a lone start marker's ends
where its scene ends. Marker lines stay `marker` blocks, never prose.
"""

from __future__ import annotations

from ficpress.model import Span
from ficpress.structure.lines import Unit

_STORY = {"paragraph", "verse", "letter", "message", "note"}


def _scene_start(units: list[Unit], i: int) -> int | None:
    """Index of the first story unit of the scene that ends just before unit `i`."""
    j = i - 1
    best = None
    while j >= 0:
        u = units[j]
        if (
            u.kind in ("scene_break", "heading", "end_marker", "front_matter")
            or u.chapter != units[i].chapter
        ):
            break
        if u.kind == "marker":
            break
        if u.kind in _STORY:
            best = j
        j -= 1
    return best


def _scene_end(units: list[Unit], i: int) -> int | None:
    j = i + 1
    best = None
    while j < len(units):
        u = units[j]
        if u.kind in ("scene_break", "heading", "end_marker", "marker") or u.chapter != units[i].chapter:
            break
        if u.kind in _STORY:
            best = j
        j += 1
    return best


def flashback_spans(units: list[Unit]) -> list[Span]:
    spans: list[Span] = []
    open_i: int | None = None
    for i, u in enumerate(units):
        if u.kind != "marker" or u.attrs.get("marker") != "flashback":
            continue
        edge = u.attrs.get("edge")
        if edge == "start":
            if open_i is not None:
                spans.extend(_lone_start(units, open_i))
            open_i = i
        elif edge == "end":
            if open_i is not None and units[open_i].chapter == u.chapter:
                a, b = open_i + 1, i - 1
                if a <= b:
                    spans.append(
                        Span(
                            "flashback",
                            units[a].lo,
                            units[b].hi,
                            0.95,
                            {
                                "start_marker": [units[open_i].lo, units[open_i].hi],
                                "end_marker": [u.lo, u.hi],
                            },
                        )
                    )
                open_i = None
            else:
                if open_i is not None:
                    spans.extend(_lone_start(units, open_i))
                    open_i = None
                s = _scene_start(units, i)
                if s is not None:
                    spans.append(
                        Span(
                            "flashback",
                            units[s].lo,
                            units[i - 1].hi,
                            0.7,
                            {"start_marker": None, "end_marker": [u.lo, u.hi], "inferred": "start"},
                        )
                    )
    if open_i is not None:
        spans.extend(_lone_start(units, open_i))
    return spans


def _lone_start(units: list[Unit], i: int) -> list[Span]:
    e = _scene_end(units, i)
    if e is None:
        return []
    return [
        Span(
            "flashback",
            units[i + 1].lo,
            units[e].hi,
            0.7,
            {"start_marker": [units[i].lo, units[i].hi], "end_marker": None, "inferred": "end"},
        )
    ]
