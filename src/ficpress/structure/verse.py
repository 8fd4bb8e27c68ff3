"""Verse: song lyrics and poems set among prose.

Lyrics in fan fiction are runs of short lines, mostly without final
punctuation, often repeated as a refrain, and often sung inside one quotation
that spans several lines while the prose around them keeps one paragraph per
line. A line outside that quotation between sung stanzas ("Willow spun,
grabbing Dawn by the hand and they both sang") is narration, not verse. Each
stanza becomes one `verse` block; a blank line between stanzas is not a scene
break.

Novels set other things in short lines too, and those are not verse: a play
script (speaker names on lines of their own), a show bill or a business card
(title-case lines, "!!!"), a schedule or a prescription (lines of one or two
words, times, sums), a dedication broken over lines (lower-case starts), the
closing of a letter ("Yours truly,"), dialogue that happens to be short (each
line quoted on its own, or tagged: "...,’ says I"), and a line repeated
chapters apart (a refrain comes back within its song).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from ficpress.structure.lines import QUOTES, LazyPattern, Line, ends_sentence

MAX_VERSE_LINE = 80
_NORM = re.compile(r"[\W_]+")


@dataclass
class Stanza:
    lines: list[int]  # indices into the document's line list
    confidence: float


def _norm(s: str) -> str:
    return _NORM.sub(" ", s.lower()).strip()


REFRAIN_REACH = 80  # lines: a chorus comes back within the song, not chapters later


def refrain_counts(lines: list[Line]) -> Counter[str]:
    """How often each short line recurs near itself (a chorus recurs within its song; prose lines rarely do).

    A repeat counts only within `REFRAIN_REACH` lines of the last occurrence: a
    passage an anthology prints twice, or a catchphrase repeated chapters
    later, is not a refrain.
    """
    c: Counter[str] = Counter()
    last: dict[str, int] = {}
    for ln in lines:
        if not ln.blank and ln.hi - ln.lo <= MAX_VERSE_LINE:
            key = _norm(ln.stripped)
            if len(key.split()) >= 3:
                prev = last.get(key)
                if prev is not None and ln.index - prev <= REFRAIN_REACH:
                    c[key] += 2 if c[key] == 0 else 1
                last[key] = ln.index
    return c


@dataclass
class _Info:
    cand: bool = False
    quoted: bool = False  # sung inside quotes (multi-line quotation or a fully quoted line)
    multiline: bool = False  # part of a quotation spanning lines


QUOTE_LIKE = QUOTES + "\ufffd"


# The mark first, then the character before it (a lookbehind in front would be tried at every position).
_MID_CLOSE = re.compile(r"[" + re.escape(QUOTE_LIKE) + r"](?<=[^ ][" + re.escape(QUOTE_LIKE) + r"])(?= )")
# Speech closed and tagged ("...,' says I", "...?” he asked"): dialogue, whichever quote marks it uses.
_TAGGED = re.compile(r"[,.!?\u2014\u2026][\u2019'\u201d\"]\s+[a-z]")
# Narration handing over to speech: "..., saying huskily\u2014", "Miss Havisham repeated\u2014".
_INTRO = LazyPattern(
    r"\b(?:said|saying|says|say|cried|asked|replied|repeated|answered|whispered|began|continued|added|sings?)"
    r"(?:\s+[a-z]+){0,2}[\s,:\u2060]*[\u2014\u2013:]$"
)
# An opening double quote closed later on the same line: the quotation does not run on.
_CLOSED_AFTER_OPEN = re.compile(r"^[\u201c\"][^\u201c]*[\u201d\"][^\u201c\u201d\"]*$")


def _mid_close(s: str) -> int:
    """Position of a quote mark closing a quotation before a speech tag ("...hearts” Willow crooned"), or -1."""
    m = _MID_CLOSE.search(s, 1, len(s) - 1)
    return m.start() if m else -1


def _line_info(lines: list[Line], lo: int, hi: int, qtext: Sequence[str] | None) -> dict[int, _Info]:
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
        r = ln.stripped
        length = len(r)
        starts_q = s[:1] in QUOTE_LIKE
        ends_q = s[-1:] in QUOTE_LIKE
        mid = _mid_close(s)
        inf = _Info()
        if open_q and r[:1] in '\u201c"':
            # A new paragraph opening with a quote mark while one is open: prose speech running over
            # several paragraphs (each opens with a mark), not a song's next line.
            open_q = False
        if starts_q and not ends_q and mid == -1 and _CLOSED_AFTER_OPEN.match(r):
            mid = len(s) - 1  # opened and closed on the line: treat as quoted speech with a tail
        if (_has_close(r) and _TAGGED.search(r)) or (
            not open_q and (r.endswith(":") or (r[-1:] in "\u2014\u2013" and _INTRO.search(r)))
        ):
            # A tagged speech, or a line introducing speech, is dialogue or narration, never a sung line.
            info[i] = inf
            continue
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
        elif mid != -1 and any(q in s for q in QUOTE_LIKE):
            inf.cand = False  # narration around dialogue
        else:
            inf.cand = length <= MAX_VERSE_LINE
        if inf.cand and not inf.multiline and _prose_sentences(ln.stripped):
            inf.cand = False
        info[i] = inf
    return info


_INNER_SENTENCE = re.compile(r"[.!?\u2026][\"'\u2019\u201d]?\s+[\"\u201c]?[A-Z]")


def _has_close(s: str) -> bool:
    """Whether a line holds a closing quote mark at all (cheap test before the speech-tag search)."""
    return "\u201d" in s or "\u2019" in s or '"' in s or "'" in s


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


def _groups(items: Iterable[int], keep: Callable[[int], bool]) -> list[list[int]]:
    """The maximal stretches of consecutive items that `keep` accepts."""
    return [list(g) for k, g in groupby(items, key=lambda i: bool(keep(i))) if k]


def _runs(lines: list[Line], info: dict[int, _Info], lo: int, hi: int) -> list[list[int]]:
    """Consecutive candidate lines; narration lines between sung lines split a run."""
    runs = _groups(range(lo, hi), lambda i: (inf := info.get(i)) is not None and inf.cand)
    out: list[list[int]] = []
    for run in runs:
        run = _trim_prose_edges(lines, info, run)
        if not run:
            continue
        if any(info[i].multiline for i in run):
            out.extend(_groups(run, lambda i: info[i].quoted))
        else:
            out.append(run)
    return out


_SPEAKER = re.compile(r"^[\w.'\u2019 -]{1,25}:\s")
_SALUTATION = re.compile(r"^[\"\u201c]?(?:dear|my\s+dear|dearest|to\s+whom)\b.{0,40},$", re.IGNORECASE)
_CLOSING = re.compile(
    r"^[\W_]*(?:yours\b|your\s+(?:[\w.'\u2019]+\s+){0,3}(?:friend|servant|daughter|son|cousin|sister|brother)"
    r"|(?:very\s+)?(?:truly|sincerely|faithfully|cordially|respectfully|affectionately)\s+yours)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")


def _title_case(s: str) -> bool:
    """A heading, a name or a poster line ("The Masked Marriage", "Persons of the Drama", "Clerk")."""
    ws = _WORD.findall(s)
    if not ws:
        return False
    if len(ws) == 1:
        return ws[0][0].isupper() and not ends_sentence(s) and s.rstrip()[-1:] not in ",;"
    big = [w for w in ws[1:] if len(w) >= 4]
    return bool(big) and ws[0][0].isupper() and all(w[0].isupper() for w in big)


def _label_line(s: str) -> bool:
    """A speaker's name set on its own line above the speech, as plays print it ("Miss Lore", "He")."""
    ws = s.split()
    return 1 <= len(ws) <= 3 and s[:1].isupper() and not any(c in s for c in '.,;:!?\u2014"\u201c\u201d')


def _list_like(s: str) -> bool:
    """An item of a list, a schedule, a bill or a prescription: two words at most, sums, times, shouting."""
    ws = _WORD.findall(s)
    if len(ws) <= 2 or "!!" in s or "$" in s or "[" in s or ". . ." in s:
        return True
    return len(ws) <= 4 and any(c.isdigit() for c in s)


def _quoted_couplet(first: str, second: str) -> bool:
    """Two lines inside one quotation of their own ("\u2018Cora with the lips of coral, / You and I will
    never quarrel.\u2019"): the quotation opens on the first line and closes at the end of the second."""
    a = first.lstrip('\u201c" ')
    b = second.rstrip('\u201d" \u200a')
    return (
        a[:1] in "\u2018'"
        and "\u2019" not in a[1:].replace("\u2019s", "")
        and b[-1:] in "\u2019'"
        and b[:1].isupper()
    )


def _not_verse(lines: list[Line], run: list[int]) -> bool:
    """Short lines that are something else: a letter's closing, headings, a play script, a list."""
    texts = [lines[i].stripped for i in run]
    k = len(texts)
    if any(_CLOSING.match(t) for t in texts):
        return True
    if sum(1 for t in texts if _title_case(t) or _list_like(t)) > k / 2 or (
        k > 2 and sum(1 for t in texts if _title_case(t) or _list_like(t)) >= k / 2
    ):
        return True  # headings, names, a poster, a list
    labels = sum(1 for t in texts if _label_line(t))
    if labels and labels >= 0.4 * k and all(ends_sentence(t) or _label_line(t) for t in texts):
        return True  # a play script: speaker lines over their speeches
    # A sentence set out in broken lines (a dedication) starts most of its lines in lower case.
    return sum(1 for t in texts if t.lstrip(QUOTE_LIKE + "\u2018' ")[:1].islower()) > k / 2


def _score(lines: list[Line], run: list[int], info: dict[int, _Info], refrains: Counter[str]) -> float:
    k = len(run)
    if k < 2:
        return 0.0  # one line is never a stanza on its own (it may join a neighbouring one below)
    if any(_SALUTATION.match(lines[i].stripped) for i in run):
        return 0.0  # a letter's heading (place, date, "Dear Sir,"), not verse
    unpunct = sum(1 for i in run if not ends_sentence(lines[i].stripped)) / k
    refrain = sum(1 for i in run if refrains.get(_norm(lines[i].stripped), 0) >= 2) / k
    multiline = any(info[i].multiline for i in run)
    # Two lines sharing one single-quoted quotation are quoted verse, like a song sung across lines.
    multiline = multiline or (k == 2 and _quoted_couplet(lines[run[0]].stripped, lines[run[1]].stripped))
    if refrain < 0.5 and _not_verse(lines, run):
        return 0.0
    if not multiline:
        # Lines each quoted on their own are exchanges of dialogue, repeated or not.
        if all(info[i].quoted for i in run):
            return 0.0
        # Two lines make a couplet only when neither ends a sentence (or a chorus repeats them unquoted).
        if k == 2 and unpunct < 1.0 and not (refrain and not any(info[i].quoted for i in run)):
            return 0.0
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
    lines: list[Line], lo: int, hi: int, refrains: Counter[str], qtext: Sequence[str] | None = None
) -> list[Stanza]:
    """Stanzas in a text that puts one paragraph per line; `qtext` holds the source lines, if aligned."""
    info = _line_info(lines, lo, hi, qtext)
    runs = _runs(lines, info, lo, hi)
    scores = [_score(lines, r, info, refrains) for r in runs]
    # A short stanza next to accepted verse (one blank line away) belongs to the same song; a stanza
    # accepted so may bring in its own neighbour. A worklist reaches the same stanzas as repeated
    # sweeps would, in one pass over the runs.
    todo = [j for j, sc in enumerate(scores) if sc > 0]
    while todo:
        k = todo.pop()
        for j in (k - 1, k + 1):
            if not 0 <= j < len(runs) or scores[j] > 0 or not _near(lines, runs[k], runs[j]):
                continue
            run = runs[j]
            unpunct = sum(1 for i in run if not ends_sentence(lines[i].stripped)) / len(run)
            if unpunct < 0.5 or _not_verse(lines, run):
                continue
            scores[j] = 0.6
            todo.append(j)
    out = []
    for run, score in zip(runs, scores, strict=True):
        if score <= 0:
            continue
        # The title over a poem ("A Requiem", "Ode to Stephen Dowling Bots") heads it; it is not a line of it.
        while len(run) > 2 and not info[run[0]].multiline and _title_case(lines[run[0]].stripped):
            run = run[1:]
        out.append(Stanza(run, score))
    return out


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
    import statistics  # only blank-line texts come here: single-newline ones need not load it

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
        if not refrain and _not_verse(lines, g):
            continue
        if hard_wrapped:
            ok = statistics.mean(lens[:-1]) < 0.6 * width and (unpunct >= 0.5 or refrain)
        else:
            ok = unpunct >= 0.5 or refrain
        if ok:
            conf = 0.7 + (0.1 if refrain else 0.0) + 0.1 * unpunct
            stanzas.append(Stanza(list(g), min(conf, 0.95)))
            verse_groups.add(gi)
    return stanzas, verse_groups
