"""Word lists the analysis reads: speech verbs.

Why data files with generated inflections: a list of base forms is easy to read
and extend; "snapped", "cries" and "whispering" come from small English rules.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

_VOWELS = "aeiou"


def _inflect(base: str) -> set[str]:
    out = {base}
    if base.endswith("e"):
        out |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in _VOWELS:
        out |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    else:
        es = base + ("es" if base.endswith(("s", "sh", "ch", "x", "z")) else "s")
        out |= {es, base + "ed", base + "ing"}
        # snap -> snapped: one short vowel before a final consonant doubles it
        if (
            len(base) <= 5
            and base[-1] not in _VOWELS + "wxy"
            and base[-2] in _VOWELS
            and base[-3:-2] not in _VOWELS
        ):
            out |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return out


@cache
def _verbs(name: str) -> frozenset[str]:
    words: set[str] = set()
    for line in resources.files("ficpress.analyse").joinpath("data", name).read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        base, _, irregular = line.partition(":")
        words |= _inflect(base)
        words |= {w.strip() for w in irregular.split(",") if w.strip()}
    return frozenset(words)


SPEECH_VERBS = _verbs("speech_verbs.txt")
