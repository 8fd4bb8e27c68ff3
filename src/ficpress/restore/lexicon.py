"""Word-level evidence: does the candidate make a known word (`caf?` + é), or an elision (’em)?

Why: accented letters are rare in the fitting books, so character contexts alone
barely know `fiancé`; a word-frequency list (wordfreq, shipped with its data)
does. Elisions take U+2019 even at the start of a word, which character
contexts confuse with an opening single quote.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

# Word starts that take an apostrophe (U+2019), never an opening quote.
ELISIONS = frozenset(
    [
        "em",
        "tis",
        "twas",
        "twere",
        "twill",
        "twould",
        "cause",
        "cos",
        "coz",
        "bout",
        "round",
        "til",
        "till",
        "nough",
        "un",
        "ere",
        "im",
        "gainst",
        "neath",
        "n",
        "scuse",
        "spose",
        "ave",
        "er",
        "ow",
        "alf",
        "appen",
        "ome",
        "ello",
        "llo",
        "allo",
        "bye",
        "kay",
        "sup",
        "ya",
        "yer",
        "cept",
        "fore",
    ]
)

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@lru_cache(maxsize=100_000)
def zipf(word: str) -> float:
    return zipf_frequency(word, "en") if word else 0.0


def _lword(left: str) -> str:
    i = len(left)
    while i > 0 and left[i - 1] in _LETTERS:
        i -= 1
    return left[i:]


def _rword(right: str) -> str:
    i = 0
    while i < len(right) and right[i] in _LETTERS:
        i += 1
    return right[:i]


def letter_evidence(dist: dict[str, float], left: str, right: str) -> dict[str, float]:
    """Reweight accented-letter candidates by whether they complete a known word.

    The alternative to a letter is punctuation at that place: the word left of it
    and the word right of it must then stand on their own (or form an elision).
    """
    lw = _lword(left)
    rw = _rword(right)
    if not lw and not rw:
        # a letter standing alone between non-letters is almost never right
        return {c: (p * 0.01 if c.isalpha() else p) for c, p in dist.items()}
    alone = []
    if lw:
        alone.append(zipf(lw.lower()))
    if rw:
        alone.append(zipf(rw.lower()))
    base = min(alone)
    if lw and rw:
        base = max(base, zipf(f"{lw}\u2019{rw}".lower()))
    out = {}
    for c, p in dist.items():
        if c.isalpha() and len(c) == 1:
            z = zipf(f"{lw}{c}{rw}".lower())
            factor = 10.0 ** max(-3.0, min(3.0, 1.5 * (z - base)))
            out[c] = p * factor if z > 0 else p * 0.001
        else:
            out[c] = p
    return out
