"""Who talks to whom, who shares scenes, and who gets the lines.

Why pairs and not directed edges: a reader asks "how much do Willow and Spike
interact", and a picture of a network reads best with one line per pair. The
direction is kept in the counts (`quotes_by_source`, `quotes_by_target`), so a
directed view can still be drawn. Co-presence in a scene counts half as much as
a quotation, because being in the same room is weaker evidence than speech. A
scene longer than `story.PASSAGE_WORDS` words reaches this as several casts, one
per passage, so `scenes` counts the passages a pair shared.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ficpress.words import count_words

SCENE_WEIGHT = 0.5


class _Edge:
    """Builds the entry dicts of `interactions`: dicts taken from instances of one class share one
    key table (PEP 412), so each costs about half of a dict literal. A work that is one long scene
    with a cast of two thousand has nearly two million pairs, and this halves what they hold."""

    def __init__(self, source: str, target: str, fwd: int, back: int, scenes: int, weight: float) -> None:
        self.source = source
        self.target = target
        self.quotes = fwd + back
        self.quotes_by_source = fwd
        self.quotes_by_target = back
        self.scenes = scenes
        self.weight = weight


def interactions(
    quotes: list[dict[str, Any]],
    scene_casts: list[set[str]],
    order: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """One entry per pair of characters who spoke to each other or shared a scene.

    `order` (character id -> rank) decides which of a pair is the `source`, so
    the output is stable; the cast-list order is a good choice.

    Why one character at a time: the pairs can number in the millions (one long scene with a big
    cast), so no table of all pairs, nor a sort key per pair, is built beside the output. Each
    character's partners are counted from the scenes it is in, and the entries, made in order of
    source then target, are dealt into one bucket per weight, heaviest first: the order of
    `(-weight, source, target)` without a sort.
    """
    order = order or {}
    big = 1 << 30

    spoken: Counter[tuple[str, str]] = Counter()  # (speaker, addressee)
    talks: dict[str, set[str]] = {}
    for q in quotes:
        s = q.get("speaker")
        if not s:
            continue
        for a in q.get("addressees") or []:
            if a and a != s:
                spoken[(s, a)] += 1
                talks.setdefault(s, set()).add(a)
                talks.setdefault(a, set()).add(s)
    in_scenes: dict[str, list[set[str]]] = {}
    for cast in scene_casts:
        for c in cast:
            in_scenes.setdefault(c, []).append(cast)

    buckets: dict[float, list[dict[str, Any]]] = {}
    weights: dict[float, float] = {}  # one float object per weight, shared by its entries
    for src in sorted(set(in_scenes) | set(talks)):
        rank = (order.get(src, big), src)
        shared: Counter[str] = Counter()
        for cast in in_scenes.get(src, ()):
            shared.update(cast)
        partners = set(shared) | talks.get(src, set())
        partners.discard(src)
        for tgt in sorted(t for t in partners if rank <= (order.get(t, big), t)):
            fwd, back = spoken.get((src, tgt), 0), spoken.get((tgt, src), 0)
            scenes = shared.get(tgt, 0)
            weight = round(fwd + back + SCENE_WEIGHT * scenes, 2)
            weight = weights.setdefault(weight, weight)
            buckets.setdefault(weight, []).append(_Edge(src, tgt, fwd, back, scenes, weight).__dict__)
    out: list[dict[str, Any]] = []
    for weight in sorted(buckets, reverse=True):
        out.extend(buckets.pop(weight))
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
