"""Find damaged sites, rank what could have stood there, decide per paragraph, record repairs.

Why sites and a view: every kind of damage (U+FFFD, `?`, stray CJK, mojibake,
entities, straight quotes under --typography) becomes a *site* with a source
span. Sites that a deterministic rule settles (mojibake, entities, CJK triples)
are decided first; the others are masked in a *view* of the text and ranked by
the context model, filtered by the damage channel (a candidate is kept only if
damaging it again gives what the file shows), then settled per paragraph so
quotes balance and the document's own habits hold.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from ficpress.model import LineIndex, Repair, Restoration
from ficpress.restore import channel, paragraph, rerank
from ficpress.restore.context import (
    LETTERS,
    MASK,
    STATES,
    WIDE,
    ContextModel,
    first_word_keys,
    load,
    state_keys,
)
from ficpress.restore.lexicon import (
    apostrophe_evidence,
    contraction_zipf,
    dropped_g,
    ends_accented_word,
    letter_evidence,
    share_by_counts,
    truncated_word,
)

FFFD = "\ufffd"
_FFFD_RUN = re.compile("\ufffd+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_VIEW_FIX = str.maketrans({"\u00a0": " ", "\r": "\n"})

PAIR_REASON = "model:cp1252-as-utf8:pair"
PAIR_GROUP = "pair"  # calibration map of characters decided as a pair

# A real question mark wrongly replaced costs more than a substitute left as `?`.
QUESTION_BIAS = 12.0
_NEEDS_FW: list[tuple[str, float]] = []  # memo mark: this window's ranking depends on the first word


@dataclass(slots=True)
class Site:
    """One damaged place in the source and what may replace it."""

    start: int
    end: int
    kind: str  # fffd | question | mojibake | entity | typography
    channel: str  # "fixed", "one" (model 1), "bytes" (model 2), "question", "dq", "sq"
    nbytes: int = 0  # for "bytes": how many U+FFFD the run has
    slots: int = 1  # MASK characters in the view
    view_at: int = -1  # view offset of the first slot
    reason: str = ""
    # ranked (candidate, probability); for "fixed" a single entry
    candidates: list[tuple[str, float]] = field(default_factory=list)
    choice: str = ""
    confidence: float = 0.0
    state: int = 0  # quote state the greedy pass met this site in
    ctx: tuple[str, str] | None = None  # the context window the model reads (set on first use)
    ranked: dict[int, list[tuple[str, float]]] = field(default_factory=dict)  # per quote state
    fw: str | None = None  # question sites: the first word of the sentence, with the next class
    blind: bool = False  # inside a long run of damage: no context to judge from, always reviewed
    paired: bool = False  # one of two side by side decided as a pair: calibrated on its own map
    hctx: str | None = None  # the neighbours a habit is kept under ("" inside a word; set on first use)

    @classmethod
    def fixed(cls, start: int, end: int, kind: str, reason: str, candidates: list[tuple[str, float]]) -> Site:
        """A site a deterministic rule settles: no slot in the view, its candidates given."""
        return cls(start, end, kind, "fixed", slots=0, reason=reason, candidates=candidates)


# --------------------------------------------------------------------------- finding sites


def _fffd_sites(text: str, taken: list[tuple[int, int]]) -> list[Site]:
    """U+FFFD runs; decides per document whether one U+FFFD is one character or one byte."""
    runs = [(m.start(), m.end()) for m in _FFFD_RUN.finditer(text)]
    taken = sorted(taken)
    runs = [r for r in runs if not _inside(r, taken)]
    if not runs:
        return []
    singles = sum(1 for s, e in runs if e - s == 1)
    per_byte = singles <= 0.02 * len(runs)
    sites = []
    for s, e in runs:
        n = e - s
        if per_byte and n >= 2:
            slots = max(1, math.ceil(n / 3))
            site = Site(s, e, "fffd", "bytes", nbytes=n, slots=slots, reason="model:utf8-as-ascii")
            site.blind = n > 9
            sites.append(site)
        elif n == 2 and not per_byte:
            # two side by side are decided together: each one's context sees the other as a mask
            # (at a line's edges too, where `“—` and `“‘` differ only in how often books pair them)
            sites.append(Site(s, e, "fffd", "pair", slots=2, reason=PAIR_REASON))
        else:
            for i in range(s, e):
                site = Site(i, i + 1, "fffd", "one", reason="model:cp1252-as-utf8")
                site.blind = n > 3
                sites.append(site)
    return sites


def _inside(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """Whether `span` overlaps any of the sorted, disjoint spans in `taken`."""
    k = bisect.bisect_left(taken, (span[1],))
    return k > 0 and taken[k - 1][1] > span[0]


# What a valid multibyte decode of Windows-1252 bytes lands on, leaving out Latin letters and
# the typographic block (U+2000-U+2BFF), which real text uses and a lead letter rarely forms:
# U+0250-U+1FFF, U+2C00-U+FFFC, U+FFFE and U+FFFF, written as the complement because a class of
# wide ranges costs milliseconds to compile and its complement does not.
_STRAY = re.compile("[^\x00-\u024f\u2000-\u2bff\ufffd\U00010000-\U0010ffff]")


def _cjk_sites(text: str, sites: list[Site]) -> list[Site]:
    """In a Windows-1252-read-as-UTF-8 document, valid multibyte decodes are damage too (`铔` = `é“”`)."""
    if not any(s.channel == "one" for s in sites):
        return []
    out = []
    for m in _STRAY.finditer(text):
        ch = m.group()
        i = m.start()
        # a lone character amid ASCII: real Greek, Cyrillic or CJK text comes in runs
        if (i > 0 and ord(text[i - 1]) > 127 and text[i - 1] != FFFD) or (
            ord(text[i + 1 : i + 2] or " ") > 127 and text[i + 1] != FFFD
        ):
            continue
        back = channel.undo_model1_char(ch)
        if back is None or not _plausible_cp1252(back):
            continue
        out.append(Site.fixed(m.start(), m.end(), "fffd", "rule:cp1252-multibyte", [(back, 0.97)]))
    return out


def _plausible_cp1252(s: str) -> bool:
    """A lead letter followed by typographic punctuation is what a real Windows-1252 writer produces."""
    return s[0].isalpha() and all(not c.isalnum() or c in "\u00aa\u00ba" for c in s[1:])


# --------------------------------------------------------------------------- the view


def build_view(text: str, sites: list[Site]) -> str:
    """The text as the context model sees it; sets each undecided site's `view_at`."""
    # both maps are one character to one character, so the whole text is mapped once and sliced
    # (the replaces are _VIEW_FIX: `translate` over a text that is not all ASCII is far slower)
    masked = text.replace("\u00a0", " ").replace("\r", "\n")
    if not masked.isascii():  # a `?` document is all ASCII: nothing to mask, no need to scan
        masked = _NON_ASCII.sub(MASK, masked)
    parts: list[str] = []
    pos = 0
    vlen = 0
    for site in sites:
        if site.start > pos:
            parts.append(masked[pos : site.start])
            vlen += site.start - pos
        if site.channel == "fixed":
            rep = _NON_ASCII.sub(MASK, site.candidates[0][0].translate(_VIEW_FIX))
            parts.append(rep)
            vlen += len(rep)
        else:
            site.view_at = vlen
            parts.append(MASK * site.slots)
            vlen += site.slots
        pos = site.end
    parts.append(masked[pos:])
    return "".join(parts)


def _ctx(view: str, i: int, width: int = 1) -> tuple[str, str]:
    left = view[max(0, i - WIDE) : i]
    if i < WIDE:
        left = "\n" + left
    right = view[i + width : i + width + WIDE]
    if len(right) < WIDE:
        right += "\n"
    return left, right


# --------------------------------------------------------------------------- ranking


def reduced_ctx(view: str, i: int) -> tuple[str, str]:
    """The context window the model actually reads: the adjoining words and 4 characters more.

    Why: rankings are memoised by this window, which repeats far more often than 14
    characters on each side do (`n’t `, `I’m `, `.” `).
    """
    left = view[i - WIDE : i] if i >= WIDE else "\n" + view[:i]
    right = view[i + 1 : i + 1 + WIDE]
    if len(right) < WIDE:
        right += "\n"
    nl = len(left) - len(left.rstrip(LETTERS))  # the word ending the left side
    nr = len(right) - len(right.lstrip(LETTERS))
    return left[-max(4, nl + 1) :], right[: max(4, nr + 1)]


def rank(
    site: Site,
    view: str,
    model: ContextModel,
    state: str = "0",
    ctx: tuple[str, str] | None = None,
    dist: dict[str, float] | None = None,
) -> list[tuple[str, float]]:
    """Candidates for an undecided site with probabilities that sum to one, given the open quotes.

    `dist` is the model's distribution for `ctx` and `state` where the caller has it already.
    """
    i = site.view_at
    if site.channel == "bytes":
        return _rank_bytes(site, view, model, state)
    if site.channel == "pair":
        return _rank_pair(site, view, model, state)
    left, right = ctx or reduced_ctx(view, i)
    if dist is None:
        dist = model.distribution(left, right, state)  # shared with the model's cache: copied before a change
    channel_ = site.channel
    combos = None
    if channel_ == "one":
        if left[-1:].isalpha() and ends_accented_word(left):
            combos = _combos(view, i, model, state)
            dist = {**dist, **combos}
    elif channel_ == "question" and dist.get("?", 0.0) > 1e-4:
        dist = dict(dist)
        dist["?"] *= (
            model.question_ratio(view, i, right, site.fw)
            * QUESTION_BIAS
            * _question_frame(left, right, site.fw)
        )
    elif channel_ == "dq":
        dist = {c: p for c, p in dist.items() if c in "\u201c\u201d"}
    elif channel_ == "sq":
        dist = {c: p for c, p in dist.items() if c in "\u2018\u2019"}
    # most contexts offer no letter at all: the sum is taken only where one is
    if (combos or not model.letters.isdisjoint(dist)) and sum(
        p for c, p in dist.items() if c[0].isalpha()
    ) > 0.002:
        dist = letter_evidence(dist, left, right)
    # measured: `?` documents lose more than they gain from the trailing-off ellipsis
    dist = apostrophe_evidence(dist, left, right, state, trailing=site.channel != "question")
    if channel_ != "question":
        dist = _prose_prior(dist, left, right)
    return _normalise(_lone_letter(dist, left, right))


# The question bias taken back where the fitting books show a real `?` only after a sentence
# opened by a question word or an auxiliary (What, Is, Don't). Counted on the fitting books' `?`
# documents, restored with tables that left each book out: a single `?` before a lower-case word
# after a word that may end in ’ (a plural possessive, a dropped g, letters left out: `five
# years? taxes`, `goin? to`, `kep? his`, `didn? come`) is a real one 2 times in 1,624; after a
# stop that ends no abbreviation (`now.??`) the books hold no real `?`. Restoring the whole
# fitting books, a third of them left out of the tables each time, the factors put back 174 and
# 30 substitutes for one real `?` lost. After any other word, a single `?` before a lower-case
# word (`his “little party? that`: real 30 times in 2,506) would gain most, but its factor lost
# `“Cairo? no.` on the held-out books at any value that gained anything; before a damaged mark and
# a lower-case word (`drink it??her voice`: real 58 times in 456) a factor of 0.1 put back 69
# substitutes and lost 17 real `?` (`would I?—the only`): both keep the whole bias.
AFTER_STOP = 0.02
BEFORE_LOWER_AFTER_ELISION = 0.03
# Words after which the fitting books' `?` documents hold no real `?` unless the word is the whole
# question (`And?`): 144 substitutes there, none of them real (held out: `Beresford and—and—”`).
NEVER_ASKED = frozenset(["and", "but", "an", "the", "a"])
AFTER_CONNECTIVE = 0.02
QUESTION_OPENERS = frozenset(
    [
        "what",
        "why",
        "how",
        "who",
        "where",
        "when",
        "which",
        "whose",
        "whom",
        "is",
        "are",
        "was",
        "were",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "don",
        "didn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "doesn",
        "haven",
        "hasn",
        "hadn",
        "couldn",
        "wouldn",
        "shouldn",
        "won",
        "ain",
    ]
)
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Mme|Ill|Co|etc|Esq|Rev|Capt|Col|Gen|Lt|No)\.$")


def _clipped(word: str) -> bool:
    """A contraction that has lost its t (`didn`, `hadn`, `wasn`): the ’ stands for it."""
    return contraction_zipf(word.lower() + "'t") >= 3.0


def _opener(fw: str | None) -> str:
    """The sentence's first word from a site's `fw` key (`word|next class`, see `first_word_keys`)."""
    return (fw or "").partition("|")[0]


def _question_frame(left: str, right: str, fw: str | None) -> float:
    """How much of the question bias the frame around a `?` leaves (1.0: all of it)."""
    l1 = left[-1:]
    if l1 == ".":
        return 1.0 if _ABBREVIATION.search(left) else AFTER_STOP
    if not l1.isalpha():
        return 1.0
    first = _opener(fw)
    lw = left[len(left.rstrip(LETTERS)) :]
    if lw in NEVER_ASKED and lw != first:
        return AFTER_CONNECTIVE
    if right[:1] != " " or not right[1:2].islower() or first in QUESTION_OPENERS:
        return 1.0
    if lw[-1:] == "s" or dropped_g(lw) or truncated_word(lw) or _clipped(lw):
        return BEFORE_LOWER_AFTER_ELISION
    return 1.0


PAIR_TOP = 5  # candidates per position combined into pairs


def _rank_pair(site: Site, view: str, model: ContextModel, state: str) -> list[tuple[str, float]]:
    """Two U+FFFD side by side: the second is ranked in the quote state the first leaves, and the
    pair is weighed by how often the two characters stand together in books (`”—` over `—‘`)."""
    i = site.view_at
    first = Site(site.start, site.start + 1, "fffd", "one", view_at=i)
    second = Site(site.start + 1, site.end, "fffd", "one", view_at=i + 1)
    st = STATES.index(state)
    out: dict[str, float] = {}
    seconds: dict[int, list[tuple[str, float]]] = {}
    for c1, p1 in rank(first, view, model, state)[:PAIR_TOP]:
        if len(c1) != 1:
            continue
        steps = paragraph.step(st, c1)
        wsum = sum(w for _, w in steps) or 1.0
        for st2, w in steps:
            d2 = seconds.get(st2)
            if d2 is None:
                d2 = seconds[st2] = rank(second, view, model, STATES[st2])[:PAIR_TOP]
            for c2, p2 in d2:
                if len(c2) != 1:
                    continue
                pair = c1 + c2
                out[pair] = out.get(pair, 0.0) + p1 * p2 * (w / wsum) * model.coupling(c1, c2)
    if not out:
        return [("\u2019\u2019", 1.0)]
    return _normalise(out)


def _normalise(dist: dict[str, float]) -> list[tuple[str, float]]:
    total = sum(dist.values())
    if total <= 0:
        return [("\u2019", 1.0)]
    floor = total * 1e-4
    out = [(c, p / total) for c, p in dist.items() if p >= floor]
    out.sort(key=_SHARE, reverse=True)  # stable, as sorting by the negated share was
    return out


_SHARE = itemgetter(1)


def _combos(view: str, i: int, model: ContextModel, state: str) -> dict[str, float]:
    """One U+FFFD may stand for a lead letter plus punctuation (`é”` is E9 94: one U+FFFD)."""
    left, _ = _ctx(view, i)
    right = view[i + 1 : i + 1 + WIDE]
    first = model.distribution(left, MASK + right, state)
    second = model.distribution(left + MASK, right, state)
    letters = sorted(((c, p) for c, p in first.items() if c.isalpha() and _lead(c)), key=lambda x: -x[1])[:3]
    puncts = sorted(((c, p) for c, p in second.items() if _cont(c)), key=lambda x: -x[1])[:3]
    out = {}
    for a, pa in letters:
        for b, pb in puncts:
            pair = a + b
            if channel.collapses_to_one(pair):
                out[pair] = 0.2 * pa * pb
    return out


_LEADS = frozenset(bytes([b]).decode("cp1252") for b in range(0xC2, 0xF5))
_CONTS = frozenset(bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0xC0)) - {FFFD}


def _lead(c: str) -> bool:
    return c in _LEADS


def _cont(c: str) -> bool:
    return c in _CONTS


def _rank_bytes(site: Site, view: str, model: ContextModel, state: str) -> list[tuple[str, float]]:
    """A run of n U+FFFD from UTF-8 read byte by byte: split n into characters of 2-4 bytes.

    Each character after the first is ranked in the quote state the ones before it leave
    (in `“‘`, the ‘ opens inside the “), as the two of a pair are under model 1.
    """
    k = site.slots
    dists: dict[tuple[int, int], dict[str, float]] = {}

    def dist(j: int, st: int) -> dict[str, float]:
        d = dists.get((j, st))
        if d is None:
            left, right = _ctx(view, site.view_at + j)
            d = dict(model.distribution(left, right, STATES[st]))
            if sum(p for c, p in d.items() if c.isalpha()) > 0.002:
                d = letter_evidence(d, left, right)
            d = _prose_prior(apostrophe_evidence(d, left, right, STATES[st]), left, right)
            d = dists[(j, st)] = _lone_letter(d, left, right)
        return d

    # beam over slots, keeping total byte length feasible
    beams: list[tuple[str, int, float, int]] = [("", 0, 1.0, STATES.index(state))]
    for j in range(k):
        remaining = k - j - 1
        nxt = []
        for prefix, used, p, st in beams:
            for c, pc in dist(j, st).items():
                b = used + channel.utf8_len(c)
                rest = site.nbytes - b
                if rest < 2 * remaining or rest > 4 * remaining:
                    continue
                if prefix and len(c) == 1:
                    pc = pc * model.coupling(prefix[-1], c)
                after = max(paragraph.step(st, c), key=_SHARE)[0] if remaining else st
                nxt.append((prefix + c, b, p * pc, after))
        nxt.sort(key=lambda x: -x[2])
        beams = nxt[:12]
    done = {s: p for s, b, p, _ in beams if b == site.nbytes}
    if not done and k == 1:  # nothing in context fits the byte count: the prior decides
        done = {c: p for c, p in model.prior.items() if channel.utf8_len(c) == site.nbytes}
    if not done:
        guess = "\u2019" * (site.nbytes // 3) if site.nbytes % 3 == 0 else "\u00e9"
        return [(guess, 1.0)]
    return _normalise(done)


# --------------------------------------------------------------------------- the whole document


def restore_text(
    text: str,
    *,
    typography: bool,
    review_threshold: float,
    sites_before: list[Site] | None = None,
    question_sites: list[Site] | None = None,
    typography_sites: list[Site] | None = None,
) -> Restoration:
    """Restore one decoded text. Sites found by other passes (mojibake, entities, `?`) come in ready."""
    fixed = list(sites_before or [])
    taken = [(s.start, s.end) for s in fixed]
    sites = fixed + _fffd_sites(text, taken)
    sites += _cjk_sites(text, sites)
    sites += list(question_sites or [])
    sites += list(typography_sites or [])
    sites.sort(key=lambda s: s.start)
    sites = _drop_overlaps(sites)
    view = build_view(text, sites)
    models: dict[str, ContextModel] = {}
    style = _document_style(view, sites)
    scare = _short_quote_ends(view, sites)
    scare_memo: dict[int, tuple[list[tuple[str, float]], list[tuple[str, float]]]] = {}

    memo: dict[tuple[str, ...], list[tuple[str, float]]] = {}

    def emit(site: Site, state: int) -> list[tuple[str, float]]:
        got = site.ranked.get(state)
        if got is not None:
            return got
        channel_ = site.channel
        if channel_ == "fixed":
            return site.candidates
        name = "question" if channel_ == "question" else "fffd"
        model = models.get(name)
        if model is None:
            model = models[name] = load(name)
        st = STATES[state]
        if channel_ == "bytes" and site.slots > 1:
            got = site.ranked[state] = rank(site, view, model, st)
            return got
        # the ranking depends only on the context window, the state and the channel
        ctx = site.ctx
        if ctx is None:
            ctx = site.ctx = reduced_ctx(view, site.view_at)
        left, right = ctx
        dist = None
        if channel_ == "question":
            # the first word of the sentence weighs only where a real `?` is in play: elsewhere
            # (inside words, most of them) the window and the state are the whole key
            key: tuple[str, ...] = (channel_, left, right, st)
            got = memo.get(key)
            if got is not None:
                if got is not _NEEDS_FW:
                    return _scared(site, got, state)
            else:
                dist = model.distribution(left, right, st)
                if dist.get("?", 0.0) > 1e-4:
                    memo[key] = _NEEDS_FW
                else:
                    got = memo[key] = rank(site, view, model, st, ctx, dist)
                    return _scared(site, got, state)
            if site.fw is None:
                site.fw = first_word_keys(view, site.view_at, right)[0]
            key = (channel_, left, right, st, site.fw)
        elif channel_ == "bytes":
            key = (channel_, left, right, st, str(site.nbytes))
        elif channel_ == "pair":
            key = (channel_, left, right, st, *reduced_ctx(view, site.view_at + 1))
        else:
            key = (channel_, left, right, st)
        got = memo.get(key)
        if got is None:
            got = rank(site, view, model, st, ctx, dist)
            if style.dash_dialogue and channel_ != "question":
                got = _dash_dialogue(got, left, right, site.nbytes)
            memo[key] = got
        return _scared(site, got, state)

    def _scared(site: Site, got: list[tuple[str, float]], state: int) -> list[tuple[str, float]]:
        if site.view_at in scare:
            sk = id(got)
            adj = scare_memo.get(sk)
            if adj is None:
                unasked = site.channel == "question" and _opener(site.fw) not in QUESTION_OPENERS
                adj = scare_memo[sk] = (got, _short_quote_closer(got, unasked))
            got = adj[1]
        site.ranked[state] = got
        return got

    paragraph.settle(text, sites, emit)
    habits = {
        "one": _habits(sites, view, models.get("fffd"), HABIT_CHANNELS["one"]),
        # measured: habits of `?` documents cost more than they bring (they learn their own mistakes)
        "question": {},
    }
    habits["bytes"] = habits["one"]
    if any(habits.values()):
        memo2: dict[tuple[str, int], list[tuple[str, float]]] = {}

        def habit_key(site: Site, state: int) -> tuple[dict[str, dict[str, float]], str] | None:
            table = habits.get(site.channel)
            if not table or site.slots != 1:
                return None
            key = _habit_context(site, view, state)
            return None if key is None else (table, key)

        def emit2(site: Site, state: int) -> list[tuple[str, float]]:
            cands = emit(site, state)
            table = habits.get(site.channel)
            if not table or site.slots != 1:
                return cands
            key = _habit_context(site, view, state)
            if key is None:
                return cands
            ratio = table.get(key)
            if not ratio:
                return cands
            mk = (key, id(cands))
            got = memo2.get(mk)
            if got is None:
                got = memo2[mk] = _normalise({c: p * ratio.get(c, 1.0) for c, p in cands})
            return got

        def redo(para: list[Site]) -> bool:
            # only where a habit applies to a choice that is not already sure
            for site in para:
                if site.confidence >= HABIT_REDO:
                    continue
                hk = habit_key(site, site.state)
                if hk is not None and hk[1] in hk[0]:
                    return True
            return False

        paragraph.settle(text, sites, emit2, redo=redo)
    if any(s.channel in rerank.CHANNELS for s in sites):
        weights = rerank.OVERRIDE if rerank.OVERRIDE is not None else load("fffd").rerank
        rerank.apply(view, sites, weights, rerank.LOG)
    return _assemble(text, sites, review_threshold)


# Characters the corpus offers that English prose nearly never writes away from figures: the
# fitting books have them only in measures and fractions (`4 × 5`, `¹⁄₂₀`), so where they win
# it is because the context is one the books never show (a spaced dash), not because they fit.
NOT_PROSE = frozenset("\u00d7\u00b9\u00b2\u00b3\u00bd\u00bc\u00be\u00f7\u2212\u2e3b\u2152\u00b0")
NOT_PROSE_WEIGHT = 0.002
# The fitting books close up every em dash (Standard Ebooks' house style), so a damaged character
# between two spaces has no corpus evidence; in the world's prose it is nearly always a spaced dash
# (Dubliners, The Secret Agent, most word processors), now and then a spaced ellipsis.
SPACED = {"\u2014": 4.0, "\u2026": 0.3}
# A document that opens its dialogue paragraphs with a dash (Ulysses: `— Come up, Kinch!`): the
# opener is a dash nearly always, as sure as the document's pattern is plain.
DASH_DIALOGUE = {"\u2014": 60.0}
DASH_DIALOGUE_MIN = 3  # paragraphs that must show the pattern


@dataclass(slots=True)
class Style:
    """What the damaged text itself says about the document's typography, before any choice."""

    dash_dialogue: bool = False


_CLOSER_LIKE = frozenset(".,!?;:")


def _document_style(view: str, sites: list[Site]) -> Style:
    """A document whose paragraphs open with a damaged character, a space and a capital, and hold
    no damaged character where a closing quote would stand, writes its dialogue with dashes.

    Why from the damage pattern: the sure decisions the habits learn from never come, since the
    corpus gives a line-opening mark followed by a space to the ellipsis.
    """
    dash = quote = 0
    by_line: dict[int, list[int]] = {}
    for site in sites:
        if site.channel in ("one", "bytes") and site.slots == 1:
            i = site.view_at
            by_line.setdefault(view.rfind("\n", 0, i), []).append(i)
    for nl, at in by_line.items():
        i = at[0]
        if i != nl + 1:
            continue
        if view[i + 1 : i + 2] == " " and view[i + 2 : i + 3].isupper():
            end = view.find("\n", i)
            end = len(view) if end < 0 else end
            closer = any(
                view[j - 1 : j] in _CLOSER_LIKE
                and view[j + 1 : j + 2] in (" ", "\n", "")
                or j + 1 == end
                and view[j - 1 : j] not in (" ", "")
                for j in at[1:]
            )
            if closer:
                quote += 1
            else:
                dash += 1
        else:
            quote += 1
    return Style(dash_dialogue=dash >= DASH_DIALOGUE_MIN and dash >= quote)


# A quote opened mid-sentence (`after “poor Isabella” and`, `observed, “It is kind, he said`) and
# ended by the next damaged character a few words on, before any stop: in the fitting books that
# character is ” 674 times, ’ 58, an ellipsis once and a dash never; the character context alone,
# which cannot see the opener, gives the ellipsis a fair share there. In `?` documents, where
# every mark of the frame is a `?`, the real question mark takes the same weight there unless a
# question word or an auxiliary opened the sentence: before a lower-case word (or , ; : )) the
# fitting books write ” 578 times, ’ 295, and a real `?` twice (`“but may I? may I—?”`).
SHORT_QUOTE_SPAN = 40
SHORT_QUOTE_OTHER = 0.02  # weight of … and — there
_SHORT_QUOTE_AFTER = frozenset(" ,;:)")
_SHORT_QUOTE_OTHER_MARKS = frozenset(("\u2026", "\u2014"))
_SHORT_QUOTE_OTHER_Q = frozenset(("\u2026", "\u2014", "?"))
_SHORT_QUOTE_CHANNELS = frozenset(("one", "bytes", "question"))
_STOP = re.compile("[.!?\n]")


def _short_quote_ends(view: str, sites: list[Site]) -> set[int]:
    """View offsets of damaged characters that end a short quote opened mid-sentence."""
    out: set[int] = set()
    opener = -1
    for site in sites:
        if site.channel not in _SHORT_QUOTE_CHANNELS or site.slots != 1:
            opener = -1
            continue
        i = site.view_at
        before = view[i - 1 : i]
        after = view[i + 1 : i + 2]
        if before.isalpha() and after.isalpha():
            continue  # inside a word: an apostrophe, no part of the quote's frame
        if (
            opener >= 0
            and i - opener <= SHORT_QUOTE_SPAN
            and before.isalpha()
            and after in _SHORT_QUOTE_AFTER
            and not _STOP.search(view, opener + 1, i)
            # `?` documents: a real `?` ends a quoted question before a capital (`“Going abroad? When`)
            and (site.channel != "question" or after != " " or view[i + 2 : i + 3].islower())
        ):
            out.add(i)
        opener = -1
        if (
            before == " "
            and (view[i - 2 : i - 1].islower() or view[i - 2 : i - 1] == ",")
            and after.isalpha()
        ):
            opener = i
    return out


def _short_quote_closer(cands: list[tuple[str, float]], question: bool = False) -> list[tuple[str, float]]:
    other = _SHORT_QUOTE_OTHER_Q if question else _SHORT_QUOTE_OTHER_MARKS
    if other.isdisjoint(c for c, _ in cands):
        return cands
    return _normalise({c: p * SHORT_QUOTE_OTHER if c in other else p for c, p in cands})


# After a lone letter that is no word (`s’I`, `m’m`, `d’Arno`, `l—one`), before a letter, the
# fitting books write ’ 180 times and — 7 times; the contexts the model keeps back off to any
# letter on each side, where the dash between words dominates.
LONE_LETTER = (180, 7)
_LONE_BEFORE = frozenset(" \n\t(\"'")
_WORD_LETTERS = frozenset("aAiIoO")


def _lone_letter(dist: dict[str, float], left: str, right: str) -> dict[str, float]:
    """Share the mass of ’ and — as the books do after a lone letter that is no word."""
    if not right[:1].isalpha() or len(left) < 2 or not left[-1].isalpha() or left[-2] not in _LONE_BEFORE:
        return dist
    if left[-1] in _WORD_LETTERS:
        return dist
    return share_by_counts(dist, "\u2019", "\u2014", LONE_LETTER)


def _prose_prior(dist: dict[str, float], left: str, right: str) -> dict[str, float]:
    """What English prose says that the fitting books cannot: no `×` or `¹` away from figures,
    and a damaged character between two spaces is a spaced dash."""
    l1 = left[-1:]
    r1 = right[:1]
    spaced = l1 == " " and r1 == " "
    if not spaced and NOT_PROSE.isdisjoint(dist):
        return dist
    if l1.isdigit() or r1.isdigit() or (l1 == " " and left[-2:-1].isdigit()) or right[1:2].isdigit():
        return dist
    d = {c: p * NOT_PROSE_WEIGHT if c in NOT_PROSE else p for c, p in dist.items()}
    if spaced:
        total = sum(d.values())
        for c, w in SPACED.items():
            d[c] = d.get(c, 0.0) + w * total
    return d


def _dash_dialogue(
    cands: list[tuple[str, float]], left: str, right: str, nbytes: int
) -> list[tuple[str, float]]:
    """In a dash-dialogue document, a paragraph's damaged opener before a space and a capital is a dash."""
    if left[-1:] != "\n" or right[:1] != " " or not right[1:2].isupper():
        return cands
    if nbytes and channel.utf8_len("\u2014") != nbytes:
        return cands
    d = dict(cands)
    total = sum(d.values())
    for c, w in DASH_DIALOGUE.items():
        d[c] = d.get(c, 0.0) + w * total
    return _normalise(d)


HABIT_SURE = 0.99  # decisions this sure teach the document's habits
HABIT_PRIOR = 4.0  # how many of its own decisions a document needs to outweigh the corpus
HABIT_REDO = 0.999  # paragraphs with a choice less sure than this are settled again with the habits
HABIT_MIN = 8  # sure decisions a context needs before it counts as a habit


HABIT_CHANNELS = {"one": ("one", "bytes")}


def _habits(
    sites: list[Site], view: str, model: ContextModel | None, channels: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """The document's own habits: how it resolved each coarse context where it was sure.

    Why: a story that closes every quoted line with ” should not keep doubting ’ at
    `.”⏎`, and one that spaces its dashes keeps doing so. Sure decisions are counted
    per (quote state, neighbour classes) and turned into a ratio against the corpus,
    smoothed so that a handful of decisions changes little.
    """
    if model is None:
        return {}
    counts: dict[str, dict[str, int]] = {}
    for s in sites:
        if s.channel not in channels or s.slots != 1 or s.confidence < HABIT_SURE:
            continue
        key = _habit_context(s, view, s.state)
        if key is None:
            continue
        bucket = counts.setdefault(key, {})
        bucket[s.choice] = bucket.get(s.choice, 0) + 1
    out = {}
    for key, bucket in counts.items():
        n = sum(bucket.values())
        if n < HABIT_MIN:
            continue
        hit = model.statek.get(key)
        if hit is None:
            continue
        glob = dict(hit[1])
        ratio = {}
        for c, g in glob.items():
            ratio[c] = (bucket.get(c, 0) + HABIT_PRIOR * g) / ((n + HABIT_PRIOR) * g)
        out[key] = ratio
    return out


def _habit_context(site: Site, view: str, state: int) -> str | None:
    """The coarse context a habit is kept under; None inside a word, where the words decide, not habits."""
    h = site.hctx
    if h is None:
        left, right = site.ctx or reduced_ctx(view, site.view_at)
        h = site.hctx = "" if left[-1].isalpha() and right[0].isalpha() else state_keys(left, right, "")[1]
    return STATES[state] + h if h else None


def _drop_overlaps(sites: list[Site]) -> list[Site]:
    out: list[Site] = []
    end = -1
    for s in sites:
        if s.start < end:
            continue
        out.append(s)
        end = s.end
    return out


def _split_pairs(sites: list[Site]) -> list[Site]:
    """A pair site becomes two repairs again, each with its own marginal confidence."""
    out = []
    for site in sites:
        if site.channel != "pair":
            out.append(site)
            continue
        if not site.choice:
            site.choice, site.confidence = site.candidates[0]
        for j in range(2):
            marg: dict[str, float] = {}
            for c, p in site.candidates:
                marg[c[j]] = marg.get(c[j], 0.0) + p
            cands = sorted(marg.items(), key=lambda x: -x[1])
            ch = site.choice[j]
            one = Site(site.start + j, site.start + j + 1, site.kind, "one", reason=site.reason, paired=True)
            one.candidates = cands
            one.choice = ch
            one.confidence = marg[ch]
            out.append(one)
    return out


def _assemble(text: str, sites: list[Site], review_threshold: float) -> Restoration:
    sites = _split_pairs(sites)
    starts = LineIndex(text).starts
    nlines = len(starts)
    line = 0  # index of the line the current site is on: sites come in order, so it only advances
    parts: list[str] = []
    repairs: list[Repair] = []
    calibrators: dict[str, Any] = {}
    pos = 0
    out_len = 0
    for site in sites:
        if not site.choice:
            site.choice, site.confidence = site.candidates[0]
        start = site.start
        parts.append(text[pos:start])
        out_len += start - pos
        original = text[start : site.end]
        rep = site.choice
        pos = site.end
        kind = site.kind
        if rep == original and not (kind == "question" and site.confidence < 0.999):
            parts.append(rep)
            out_len += len(rep)
            continue
        raw = site.confidence
        if site.channel != "fixed":
            name = "question" if site.channel == "question" else "fffd"
            cal = calibrators.get(name)
            if cal is None:
                cal = calibrators[name] = load(name).calibrate
            raw = cal(raw, rep, PAIR_GROUP if site.paired else "")
        conf = int(min(max(raw, 0.0), 1.0) * 10000 + 0.5) / 10000
        if site.blind:
            conf = min(conf, 0.5)
        if rep == original and conf >= review_threshold:
            # a `?` kept as a real question mark is recorded only when it is worth a look
            parts.append(rep)
            out_len += len(rep)
            continue
        while line + 1 < nlines and starts[line + 1] <= start:
            line += 1
        n = len(rep)
        repairs.append(
            Repair(
                out_len,
                out_len + n,
                start,
                site.end,
                original,
                rep,
                conf,
                conf < review_threshold,
                site.reason,
                kind,
                line + 1,
                start - starts[line] + 1,
                [[c, int(p * 10000 + 0.5) / 10000] for c, p in site.candidates[:4]],
            )
        )
        parts.append(rep)
        out_len += n
    parts.append(text[pos:])
    return Restoration("".join(parts), repairs)
