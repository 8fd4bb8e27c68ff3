"""Verse: song lyrics and poems set among prose.

Lyrics in fan fiction are runs of short lines, mostly without final
punctuation, often repeated as a refrain, and often sung inside one quotation
that spans several lines while the prose around them keeps one paragraph per
line. A line outside that quotation between sung stanzas ("Willow spun,
grabbing Dawn by the hand and they both sang") is narration, not verse. Each
stanza becomes one `verse` block; a blank line between stanzas is not a scene
break.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ficpress.structure.lines import QUOTES, Line, ends_sentence

MAX_VERSE_LINE = 80
_NORM = re.compile(r"[\W_]+")


@dataclass
class Stanza:
    lines: list[int]  # indices into the document's line list
    confidence: float


def _norm(s: str) -> str:
    return _NORM.sub(" ", s.lower()).strip()


def refrain_counts(lines: list[Line]) -> Counter[str]:
    """How often each short line recurs in the document (a chorus recurs; prose lines rarely do)."""
    c: Counter[str] = Counter()
    for ln in lines:
        if not ln.blank and ln.hi - ln.lo <= MAX_VERSE_LINE:
            key = _norm(ln.stripped)
            if len(key.split()) >= 3:
                c[key] += 1
    return c


@dataclass
class _Info:
    cand: bool = False
    quoted: bool = False  # sung inside quotes (multi-line quotation or a fully quoted line)
    multiline: bool = False  # part of a quotation spanning lines


QUOTE_LIKE = QUOTES + "\ufffd"


_MID_CLOSE = re.compile(r"(?<=[^ ])[" + re.escape(QUOTE_LIKE) + r"](?= )")


def _mid_close(s: str) -> int:
    """Position of a quote mark closing a quotation before a speech tag ("...hearts” Willow crooned"), or -1."""
    m = _MID_CLOSE.search(s, 1, len(s) - 1)
    return m.start() if m else -1


def _line_info(lines: list[Line], lo: int, hi: int, qtext: list[str] | None) -> dict[int, _Info]:
    """Candidate verse lines in `lines[lo:hi]`, tracking quotations that span lines.

    Quote marks are read from `qtext` (the source lines, where restore's guesses
    cannot mislead: a damaged mark there is U+FFFD) and only where they are
    unambiguous: at the start or end of a line, or closing before a speech tag.
    """
    info: dict[int, _Info] = {}
    open_q = False
    blanks = 0
    for i in range(lo, hi):
        ln = lines[i]
        if ln.blank:
            blanks += 1
            if blanks >= 2:
                open_q = False
            continue
        blanks = 0
        if ln.label is not None:
            open_q = False
            continue
        s = qtext[i].strip() if qtext is not None else ln.stripped
        length = len(ln.stripped)
        starts_q = s[:1] in QUOTE_LIKE
        ends_q = s[-1:] in QUOTE_LIKE
        mid = _mid_close(s)
        inf = _Info()
        if open_q:
            inf.quoted = inf.multiline = True
            if ends_q and not (starts_q and mid == -1 and length > MAX_VERSE_LINE):
                inf.cand = length <= MAX_VERSE_LINE + 2
                open_q = False
            elif mid != -1:
                # The closing line may carry a speech tag after the lyric: judge the sung part.
                inf.cand = mid <= MAX_VERSE_LINE + 2 and length <= 2 * MAX_VERSE_LINE
                open_q = False
            elif length > 100:
                inf.cand = inf.quoted = inf.multiline = False
                open_q = False
            else:
                inf.cand = length <= MAX_VERSE_LINE
        elif starts_q:
            if ends_q and len(s) > 1 and mid == -1:
                inf.cand = length <= MAX_VERSE_LINE
                inf.quoted = True
            elif mid != -1:
                inf.cand = False  # dialogue with a tag: prose
            else:
                # Opens a quotation that the line does not close: the first sung line.
                inf.cand = length <= MAX_VERSE_LINE
                inf.quoted = inf.multiline = inf.cand
                open_q = inf.cand
        elif any(c in QUOTE_LIKE for c in s) and mid != -1:
            inf.cand = False  # narration around dialogue
        else:
            inf.cand = length <= MAX_VERSE_LINE
        if inf.cand and not inf.multiline and _prose_sentences(ln.stripped):
            inf.cand = False
        info[i] = inf
    return info


_INNER_SENTENCE = re.compile(r"[.!?\u2026][\"'\u2019\u201d]?\s+[\"\u201c]?[A-Z]")


def _prose_sentences(s: str) -> bool:
    """Narration, not a sung line: two sentences on one line, or a line introducing speech ("and says:")."""
    if s.endswith(":"):
        return True
    return ends_sentence(s) and bool(_INNER_SENTENCE.search(s[:-1]))


def _prose_like(ln: Line) -> bool:
    """A finished sentence of ordinary length: the prose around a song, not a line of it."""
    s = ln.stripped
    return ends_sentence(s) and (len(s.split()) >= 8 or len(s) > 55)


def _trim_prose_edges(lines: list[Line], info: dict[int, _Info], run: list[int]) -> list[int]:
    a, b = 0, len(run)
    while a < b and not info[run[a]].multiline and _prose_like(lines[run[a]]):
        a += 1
    while b > a and not info[run[b - 1]].multiline and _prose_like(lines[run[b - 1]]):
        b -= 1
    return run[a:b]


def _runs(lines: list[Line], info: dict[int, _Info], lo: int, hi: int) -> list[list[int]]:
    """Consecutive candidate lines; narration lines between sung lines split a run."""
    runs: list[list[int]] = []
    cur: list[int] = []
    for i in range(lo, hi):
        inf = info.get(i)
        if inf is not None and inf.cand:
            cur.append(i)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    out: list[list[int]] = []
    for run in runs:
        run = _trim_prose_edges(lines, info, run)
        if not run:
            continue
        if any(info[i].multiline for i in run):
            part: list[int] = []
            for i in run:
                if info[i].quoted:
                    part.append(i)
                else:
                    if part:
                        out.append(part)
                    part = []
            if part:
                out.append(part)
        else:
            out.append(run)
    return out


_SPEAKER = re.compile(r"^[\w.'\u2019 -]{1,25}:\s")
_SALUTATION = re.compile(r"^[\"\u201c]?(?:dear|my\s+dear|dearest|to\s+whom)\b.{0,40},$", re.IGNORECASE)


def _score(lines: list[Line], run: list[int], info: dict[int, _Info], refrains: Counter[str]) -> float:
    k = len(run)
    if any(_SALUTATION.match(lines[i].stripped) for i in run):
        return 0.0  # a letter's heading (place, date, "Dear Sir,"), not verse
    unpunct = sum(1 for i in run if not ends_sentence(lines[i].stripped)) / k
    refrain = sum(1 for i in run if refrains.get(_norm(lines[i].stripped), 0) >= 2) / k
    multiline = any(info[i].multiline for i in run)
    if not refrain and not multiline:
        # Clipped dialogue ("Hey" / "Hi" / "What's up") and chat logs ("Buffy: hey") are short too.
        if all(info[i].quoted for i in run):
            return 0.0
        if sum(1 for i in run if _SPEAKER.match(lines[i].stripped)) > k / 2:
            return 0.0
        if sum(len(lines[i].stripped.split()) for i in run) / k < 3:
            return 0.0
    if k >= 2 and unpunct >= 0.5 and (k >= 3 or refrain > 0 or multiline):
        return min(0.95, 0.6 + 0.1 * k + 0.2 * refrain + (0.1 if multiline else 0.0)) * (0.7 + 0.3 * unpunct)
    if k >= 2 and multiline and unpunct >= 0.34 and refrain > 0:
        return 0.6
    return 0.0


def detect_single(
    lines: list[Line], lo: int, hi: int, refrains: Counter[str], qtext: list[str] | None = None
) -> list[Stanza]:
    """Stanzas in a text that puts one paragraph per line; `qtext` holds the source lines, if aligned."""
    info = _line_info(lines, lo, hi, qtext)
    runs = _runs(lines, info, lo, hi)
    scores = [_score(lines, r, info, refrains) for r in runs]
    # A short stanza next to accepted verse (one blank line away) belongs to the same song.
    changed = True
    while changed:
        changed = False
        for j, run in enumerate(runs):
            if scores[j] > 0:
                continue
            unpunct = sum(1 for i in run if not ends_sentence(lines[i].stripped)) / len(run)
            if unpunct < 0.5:
                continue
            for k in (j - 1, j + 1):
                if 0 <= k < len(runs) and scores[k] > 0 and _near(lines, runs[k], run):
                    scores[j] = 0.6
                    changed = True
                    break
    return [Stanza(r, s) for r, s in zip(runs, scores, strict=True) if s > 0]


def _near(lines: list[Line], a: list[int], b: list[int]) -> bool:
    """Two runs separated only by one blank line (a stanza break)."""
    first, second = (a, b) if a[0] < b[0] else (b, a)
    gap = range(first[-1] + 1, second[0])
    return len(gap) <= 1 and all(lines[i].blank for i in gap)


def detect_grouped(
    lines: list[Line], groups: list[list[int]], refrains: Counter[str]
) -> tuple[list[Stanza], set[int]]:
    """Stanzas in a text that separates paragraphs by blank lines (groups of adjacent lines).

    A hard-wrapped text has many multi-line groups whose lines run near one
    width; there a group is verse only when its lines stop well short of it.
    Returns the stanzas and the indices of groups judged verse.
    """
    multi = [g for g in groups if len(g) >= 2]
    inner = [lines[i].hi - lines[i].lo for g in multi for i in g[:-1]]
    hard_wrapped = (
        len(multi) >= 0.3 * max(1, len(groups)) and len(inner) >= 5 and statistics.median(inner) >= 45
    )
    width = sorted(inner)[int(0.95 * (len(inner) - 1))] if inner else MAX_VERSE_LINE
    stanzas: list[Stanza] = []
    verse_groups: set[int] = set()
    for gi, g in enumerate(groups):
        if len(g) < 2:
            continue
        lens = [lines[i].hi - lines[i].lo for i in g]
        if max(lens) > MAX_VERSE_LINE:
            continue
        unpunct = sum(1 for i in g if not ends_sentence(lines[i].stripped)) / len(g)
        refrain = any(refrains.get(_norm(lines[i].stripped), 0) >= 2 for i in g)
        if hard_wrapped:
            ok = statistics.mean(lens[:-1]) < 0.6 * width and (unpunct >= 0.5 or refrain)
        else:
            ok = unpunct >= 0.5 or refrain
        if ok:
            conf = 0.7 + (0.1 if refrain else 0.0) + 0.1 * unpunct
            stanzas.append(Stanza(list(g), min(conf, 0.95)))
            verse_groups.add(gi)
    return stanzas, verse_groups
