"""Who talks to whom, who shares scenes, and who gets the lines.

Why pairs and not directed edges: a reader asks "how much do Willow and Spike
interact", and a picture of a network reads best with one line per pair. The
direction is kept in the counts (`quotes_by_source`, `quotes_by_target`), so a
directed view can still be drawn. Co-presence in a scene counts half as much as
a quotation, because being in the same room is weaker evidence than speech.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Any

from ficpress.words import count_words

SCENE_WEIGHT = 0.5


def interactions(
    quotes: list[dict[str, Any]],
    scene_casts: list[set[str]],
    order: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """One entry per pair of characters who spoke to each other or shared a scene.

    `order` (character id -> rank) decides which of a pair is the `source`, so
    the output is stable; the cast-list order is a good choice.
    """
    order = order or {}

    def key(a: str, b: str) -> tuple[str, str]:
        return (a, b) if (order.get(a, 1 << 30), a) <= (order.get(b, 1 << 30), b) else (b, a)

    spoken: Counter[tuple[str, str]] = Counter()  # (speaker, addressee)
    for q in quotes:
        s = q.get("speaker")
        if not s:
            continue
        for a in q.get("addressees") or []:
            if a and a != s:
                spoken[(s, a)] += 1
    shared: Counter[tuple[str, str]] = Counter()
    for cast in scene_casts:
        for a, b in combinations(sorted(cast), 2):
            shared[key(a, b)] += 1
    pairs = set(shared) | {key(s, a) for s, a in spoken}
    out = []
    for src, tgt in pairs:
        fwd, back = spoken[(src, tgt)], spoken[(tgt, src)]
        scenes = shared[(src, tgt)]
        out.append(
            {
                "source": src,
                "target": tgt,
                "quotes": fwd + back,
                "quotes_by_source": fwd,
                "quotes_by_target": back,
                "scenes": scenes,
                "weight": round(fwd + back + SCENE_WEIGHT * scenes, 2),
            }
        )
    out.sort(key=lambda e: (-e["weight"], e["source"], e["target"]))
    return out


def dialogue_words(text: str, quotes: list[dict[str, Any]]) -> Counter[str | None]:
    """Words spoken per speaker (None for quotations nobody was credited with)."""
    words: Counter[str | None] = Counter()
    for q in quotes:
        words[q.get("speaker")] += count_words(text, q["start"], q["end"])
    return words


def dialogue_share(words: Counter[str | None]) -> dict[str, float]:
    """Each speaker's fraction of the attributed dialogue words, largest first."""
    total = sum(n for s, n in words.items() if s)
    if not total:
        return {}
    return {s: round(n / total, 4) for s, n in sorted(words.items(), key=lambda kv: -kv[1]) if s}
