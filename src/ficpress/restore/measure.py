"""Score a restoration against the clean text it was damaged from.

Why in the package: the benchmark and the tests must count the same way.
Counting is per *original* character: each non-ASCII character of the clean
text (and, for `?` damage, each genuine `?`) is right when the restored line
holds it at the aligned place. Lines are compared whole first; only lines that
differ are aligned with difflib, so scoring costs little.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from ficpress.model import LineIndex, Repair


@dataclass
class Score:
    total: int = 0
    right: int = 0
    by_char: Counter = field(default_factory=Counter)  # clean char -> count
    right_by_char: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)  # (clean, restored) -> count, wrong only
    genuine_q: int = 0
    genuine_q_kept: int = 0
    paragraphs: int = 0
    balanced: int = 0
    repairs_hi: int = 0
    repairs_hi_right: int = 0
    repairs_lo: int = 0
    repairs_lo_right: int = 0
    changed_clean: int = 0  # ASCII characters of the clean text that came out different
    outcomes: list = field(default_factory=list)  # (confidence, right, replacement) per repair
    apostrophes: int = 0  # ’ with a letter after it: contractions and elisions (don’t, ’em)
    apostrophes_right: int = 0

    def add(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            a = getattr(self, name)
            b = getattr(other, name)
            if isinstance(a, Counter):
                a.update(b)
            elif isinstance(a, list):
                a.extend(b)
            else:
                setattr(self, name, a + b)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0

    def char_accuracy(self, chars: str) -> tuple[int, float]:
        n = sum(self.by_char[c] for c in chars)
        r = sum(self.right_by_char[c] for c in chars)
        return n, (r / n if n else 1.0)


_APOS = re.compile("\u2019(?=[A-Za-z0-9])")


def score(
    clean: str, restored: str, repairs: list[Repair], *, questions: bool = False, threshold: float = 0.95
) -> Score:
    """Compare line by line; `clean` and `restored` must have the same number of lines."""
    s = Score()
    clean_lines = clean.split("\n")
    rest_lines = restored.split("\n")
    if len(clean_lines) != len(rest_lines):
        raise ValueError("restoration changed the number of lines")
    line_starts = LineIndex(restored).starts
    wrong_spans: list[tuple[int, int]] = []  # restored offsets that differ from clean
    for k, (c, r) in enumerate(zip(clean_lines, rest_lines, strict=True)):
        targets = [ch for ch in c if ord(ch) > 127 or (questions and ch == "?")]
        if c.strip():
            s.paragraphs += 1
            if c.count("\u201c") - c.count("\u201d") == r.count("\u201c") - r.count("\u201d"):
                s.balanced += 1
        if c == r:
            for ch in targets:
                _count(s, ch, ch, questions)
            n_apos = sum(1 for m in _APOS.finditer(c))
            s.apostrophes += n_apos
            s.apostrophes_right += n_apos
            continue
        apos_at = {m.start() for m in _APOS.finditer(c)}
        s.apostrophes += len(apos_at)
        base = line_starts[k]
        sm = difflib.SequenceMatcher(None, c, r, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                for ch in c[i1:i2]:
                    if ord(ch) > 127 or (questions and ch == "?"):
                        _count(s, ch, ch, questions)
                s.apostrophes_right += sum(1 for k in apos_at if i1 <= k < i2)
                continue
            wrong_spans.append((base + j1, base + max(j2, j1 + 1)))
            got = r[j1:j2]
            seg = c[i1:i2]
            for n, ch in enumerate(seg):
                if ord(ch) > 127 or (questions and ch == "?"):
                    if op == "replace" and i2 - i1 == j2 - j1:
                        _count(s, ch, got[n], questions)
                    else:
                        _count(s, ch, got or "\u2205", questions)
                else:
                    s.changed_clean += 1
    wrong_spans.sort()

    starts = [a for a, _ in wrong_spans]
    for rep in repairs:
        i = bisect.bisect_right(starts, rep.end) - 1
        bad = False
        while i >= 0 and wrong_spans[i][1] > rep.start - 1:
            a, b = wrong_spans[i]
            if a < max(rep.end, rep.start + 1) and rep.start < b:
                bad = True
                break
            i -= 1
        s.outcomes.append((rep.confidence, not bad, rep.replacement))
        if rep.confidence >= threshold:
            s.repairs_hi += 1
            s.repairs_hi_right += not bad
        else:
            s.repairs_lo += 1
            s.repairs_lo_right += not bad
    return s


def _count(s: Score, truth: str, got: str, questions: bool) -> None:
    if questions and truth == "?":
        s.genuine_q += 1
        s.genuine_q_kept += got == "?"
        return
    s.total += 1
    s.by_char[truth] += 1
    if got == truth:
        s.right += 1
        s.right_by_char[truth] += 1
    else:
        s.confusion[(truth, got)] += 1
