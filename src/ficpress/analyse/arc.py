"""Emotional arc: how the mood moves from scene to scene and chapter to chapter.

Why VADER (Hutto and Gilbert, 2014; MIT licence, pinned as `vaderSentiment`):
its lexicon may be used for anything, it ships inside the package (nothing is
downloaded), it needs no model, and it was built for informal web writing,
which fan fiction is. NRC EmoLex would give finer emotions but its licence
forbids commercial use. VADER is scored per sentence, as its authors intend;
long paragraphs would blur mixed feelings into a neutral average. At several
hundred thousand words a second it is far from being the slow part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

LEXICON = "VADER (MIT)"

# A sentence ends at . ! ? or … (with any closing quotes), or at a paragraph break.
_SENTENCE = re.compile(r"[^\n.!?\u2026]*(?:[.!?\u2026]+[\"'\u201d\u2019)]*|\n|$)")
_HAS_WORD = re.compile(r"[A-Za-z]")


@cache
def analyzer() -> Any:
    """The VADER analyser, loaded once (its lexicon is a file inside the installed package)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentences(text: str, start: int, end: int) -> Iterable[str]:
    for m in _SENTENCE.finditer(text, start, end):
        s = m.group().strip()
        if s and _HAS_WORD.search(s):
            yield s


class Tally:
    """Running sums of VADER scores, so scenes and chapters share one pass over the sentences."""

    __slots__ = ("n", "compound", "pos", "neg", "neu")

    def __init__(self) -> None:
        self.n = 0
        self.compound = self.pos = self.neg = self.neu = 0.0

    def add(self, scores: dict[str, float]) -> None:
        self.n += 1
        self.compound += scores["compound"]
        self.pos += scores["pos"]
        self.neg += scores["neg"]
        self.neu += scores["neu"]

    def merge(self, other: Tally) -> None:
        self.n += other.n
        self.compound += other.compound
        self.pos += other.pos
        self.neg += other.neg
        self.neu += other.neu

    def mean(self) -> dict[str, float]:
        """Mean of the per-sentence scores; a stretch with no sentences is neutral."""
        if not self.n:
            return {"compound": 0.0, "pos": 0.0, "neg": 0.0, "neu": 1.0, "sentences": 0}
        n = self.n
        return {
            "compound": round(self.compound / n, 4),
            "pos": round(self.pos / n, 4),
            "neg": round(self.neg / n, 4),
            "neu": round(self.neu / n, 4),
            "sentences": n,
        }


def score_range(text: str, start: int, end: int) -> Tally:
    sia = analyzer()
    t = Tally()
    for s in sentences(text, start, end):
        t.add(sia.polarity_scores(s))
    return t
