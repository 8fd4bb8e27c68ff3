"""Thoughts and emphasis written with ASCII markers: `*...*`, `_..._`, `/.../`, `:...:`.

Plain-text authors mark italics with asterisks, underscores or slashes and
telepathy with colons. Whether a marked stretch is a thought or emphasis
depends on what it holds: a clause (several words, a first-person pronoun,
sentence punctuation) is a character's thought; one or two words inside a
sentence are emphasis. The span covers the inner text; the marker positions
are kept so output can drop or show them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from ficpress.model import Span
from ficpress.structure.lines import LazyPattern

# Each pattern starts with its marker and checks the character before it with a lookbehind that
# includes the marker: the same matches as a lookbehind in front, but the regex engine can then jump
# from marker to marker instead of trying every position of the text (a fortieth of the time).
_PATTERNS: list[tuple[str, LazyPattern]] = [
    ("*", LazyPattern(r"\*(?<![\w*]\*)(?=[^\s*])([^*\n]{1,600}?)(?<=[^\s*])\*(?![\w*])")),
    ("_", LazyPattern(r"_(?<![\w_]_)(?=[^\s_])([^_\n]{1,600}?)(?<=[^\s_])_(?![\w_])")),
    # Slashes: letters right inside, never a path, URL, date or "and/or".
    (
        "/",
        LazyPattern(
            r"/(?<![\w/:.<]/)(?=[A-Za-z\"'\u201c\u2018])([^/\n<>]{1,600}?)(?<=[\w.!?,'\"\u2019\u201d\u2026])/(?![\w/])"
        ),
    ),
    # Colons for telepathy: ":Can you hear me?:"; the opening colon starts the text or follows a space
    # (a line start included), a quote mark or a bracket.
    (
        ":",
        LazyPattern(
            r":(?<![^\s\"\u201c(]:):?(?=[A-Za-z])([^:\n]{1,600}?)(?<=[\w.!?,'\"\u2019\u201d\u2026])::?(?![\w:])"
        ),
    ),
]

_PRONOUN = re.compile(
    r"\b(?:I|I'm|I\u2019m|I'll|I\u2019ll|I've|I\u2019ve|I'd|I\u2019d|me|my|mine|myself|we|us|our)\b"
)
_URLISH = LazyPattern(r"https?|www\.|\.com|\.org|\.net")


def classify(inner: str, before: str = "", after: str = "") -> tuple[str, float]:
    """("thought" | "emphasis", confidence) for the text inside a marker pair.

    `before`/`after` are the text just outside the markers in the same block:
    one or two marked words standing alone (at the start of a paragraph or
    after a finished sentence, not inside one) are a thought ("*yeah* But she
    couldn't...", "... were? *ponce* he called himself").
    """
    n = len(inner.split())
    stripped = inner.rstrip()
    punct = stripped[-1:] in (".", "?", "!", "\u2026") if stripped else False
    pronoun = bool(_PRONOUN.search(inner))
    if n <= 2 and not punct:
        b = before.rstrip()
        alone = not b or b[-1] in ".?!" or (b[-1] in _CLOSERS and b[-2:-1] in ".?!,")
        if alone and (not after.strip() or after.lstrip()[:1].isupper() or b[-1:] in _CLOSERS):
            return "thought", 0.6
        return "emphasis", 0.9 if n == 1 else 0.75
    if n >= 4 or punct or (pronoun and n >= 2):
        return "thought", 0.9 if (pronoun or punct) else 0.75
    return "emphasis", 0.6


_CLOSERS = "\"\u201d\u2019'"


def find_spans(text: str, ranges: Iterable[tuple[int, int]]) -> list[Span]:
    """Marked thoughts and emphasis inside each `[start, end)` range (prose blocks, in text order).

    Each pattern runs once over the whole text (fast, in C); a match counts
    only when it lies inside one range, so markers never pair across blocks.
    """
    rs = sorted(ranges)
    if not rs:
        return []
    starts = [a for a, _ in rs]
    lo, hi = rs[0][0], max(b for _, b in rs)
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for marker, rx in _PATTERNS:
        if marker not in text:
            continue
        for m in rx.finditer(text, lo, hi):
            s, e = m.span()
            k = bisect.bisect_right(starts, s) - 1
            if k < 0 or e > rs[k][1]:
                continue
            if taken and _overlaps(taken, s, e):
                continue
            inner = m.group(1)
            if marker == "/" and (_URLISH.search(inner) or len(inner.split()) > 40):
                continue
            if marker == ":" and len(inner.split()) < 2:
                continue
            kind, conf = classify(inner, text[max(rs[k][0], s - 3) : s], text[e : min(rs[k][1], e + 3)])
            attrs: dict[str, object] = {"marker": marker, "open": [s, m.start(1)], "close": [m.end(1), e]}
            if marker == ":":
                kind, conf = "thought", min(conf, 0.7)
                attrs["telepathy"] = True
            if marker == "/":
                conf = min(conf, 0.75)
            spans.append(Span(kind, m.start(1), m.end(1), round(conf, 3), attrs))
        taken = sorted((sp.attrs["open"][0], sp.attrs["close"][1]) for sp in spans)  # type: ignore[index]
    spans.sort(key=lambda sp: sp.start)
    return spans


def _overlaps(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    i = bisect.bisect_right(taken, (s, float("inf"))) - 1
    if i >= 0 and taken[i][1] > s:
        return True
    return i + 1 < len(taken) and taken[i + 1][0] < e
