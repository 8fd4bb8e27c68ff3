"""A small learned second opinion on who says each line, after the sieves.

Why: the sieves decide each quotation by the first rule that fires, and a wrong
early guess (a pronoun resolved to the wrong man, a turn counted from a wrong
anchor) is never weighed against the other cues around the line. Here every
person in reach of a weakly decided quotation (the sieves' choice, the speakers
of the turns around it, whoever the paragraph's narration names, the people
named last) is scored by a conditional logit over cues of the line itself and
of the parity of the tagged turns in its exchange; then each exchange is decoded
as one sequence (a second-order Viterbi over its turns, tagged turns fixed),
with small learned scores for a turn given to whoever spoke the turn before or
two turns before, so that speakers alternate consistently from both ends.
The weights are plain numbers in `data/speaker_ranker.json`, trained on LitBank
(CC BY 4.0) and the sample's annotation by `bench/train_speaker_ranker.py` with
books held out by fold; no model is loaded from anywhere else and scoring is a
dot product and a small dynamic programme.
"""

from __future__ import annotations

import bisect
import json
import math
from collections import Counter, defaultdict
from functools import cache
from importlib import resources
from typing import Any

from ficpress.analyse.speakers import Attribution, Resolver, _conversations, _turns, turn_taking_addressees

SIEVES = (
    "explicit-tag",
    "pronoun-tag",
    "same-paragraph",
    "action-beat",
    "alternation",
    "vocative-reply",
    "recent-mention",
)
FEATURES = (
    *(f"sieve:{m}" for m in SIEVES),
    "sieve-confidence",
    "addressed-here",
    "addressed-by-prev",
    "addressed-by-next",
    "named-in-quote",
    "named-before-in-paragraph",
    "named-after-in-paragraph",
    "subject-in-paragraph",
    "pronoun-subject-in-paragraph",
    "named-in-paragraph-before",
    "recent-1",
    "recent-2",
    "recent-3",
    "narrator",
    "log-mentions",
    "tag-pronoun-gender",
    "tag-pronoun-clash",
    "tag-even",
    "tag-odd",
    "beat-even",
    "beat-odd",
    "pair-parity",
    "run-speaker",
    "called-by-prev",
    "last-subject-before",
    "named-in-paragraph-after",
    "subject-in-paragraph-after",
)
_INDEX = {f: i for i, f in enumerate(FEATURES)}
MAX_CANDIDATES = 12


@cache
def weights() -> dict[str, float]:
    """The shipped weights (feature -> weight); empty when the file is absent."""
    try:
        raw = resources.files("ficpress.analyse").joinpath("data/speaker_ranker.json").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return {}
    data = json.loads(raw)
    w = {f: float(x) for f, x in data.get("weights", {}).items()}
    w.update({f: float(x) for f, x in data.get("transitions", {}).items()})
    return w


def _turn_neighbours(quotes: list, i: int, breaks: set[int]) -> tuple[list[int], list[int]]:
    """Indices of the quotes that open the two turns before and after quote i in its exchange."""
    q = quotes[i]
    back: list[int] = []
    par = q.paragraph
    j = i - 1
    while j >= 0 and len(back) < 2:
        pj = quotes[j]
        if pj.paragraph == par:
            j -= 1
            continue
        if par - pj.last_paragraph > 2 or any(b in breaks for b in range(pj.last_paragraph + 1, par + 1)):
            break
        back.append(j)
        par = pj.paragraph
        j -= 1
    ahead: list[int] = []
    par = q.last_paragraph
    j = i + 1
    while j < len(quotes) and len(ahead) < 2:
        nj = quotes[j]
        if nj.paragraph <= par:
            j += 1
            continue
        if nj.paragraph - par > 2 or any(b in breaks for b in range(par + 1, nj.paragraph + 1)):
            break
        ahead.append(j)
        par = nj.last_paragraph
        j += 1
    return back, ahead


_TAGS = frozenset({"explicit-tag", "pronoun-tag"})
_BEATS = frozenset({"action-beat", "same-paragraph"})


def _anchor_cues(quotes: list, out: list[Attribution], breaks: set[int]) -> dict[int, dict[int, list[float]]]:
    """Quote index -> candidate -> [tag-even, tag-odd, beat-even, beat-odd, pair-parity, run-speaker].

    Why: in an exchange, every line whose speaker a tag or a beat gives fixes the speakers of the
    untagged lines around it by the parity of the turns between them, from both sides and from
    afar; the sieves count turns from the nearest anchor only, so one paragraph joined or split
    wrongly flips the rest. Each anchor's pull fades with the turns between (0.8 a turn).
    """
    cues: dict[int, dict[int, list[float]]] = {}
    for run in _conversations(quotes, breaks):
        turns = _turns(run, quotes)
        anchors: list[tuple[int, int, bool]] = []  # (turn, speaker, is a tag)
        for ti, t in enumerate(turns):
            for i in t:
                a = out[i]
                if a.speaker is not None and (a.method in _TAGS or a.method in _BEATS):
                    anchors.append((ti, a.speaker, a.method in _TAGS))
                    break
        if not anchors:
            continue
        spoke = Counter(s for _t, s, _g in anchors)
        pair = [c for c, _n in spoke.most_common(2)]
        for ti, t in enumerate(turns):
            per: dict[int, list[float]] = defaultdict(lambda: [0.0] * 6)
            vote: dict[int, float] = defaultdict(float)
            for tj, s, tag in anchors:
                d = abs(ti - tj)
                if d == 0:
                    continue
                pull = 0.8 ** (d - 1)
                k = (0 if tag else 2) + (d % 2)
                per[s][k] = max(per[s][k], pull)
                if len(pair) == 2 and s in pair:
                    other = pair[1] if s == pair[0] else pair[0]
                    vote[s if d % 2 == 0 else other] += pull
            for c in spoke:
                per[c][5] = 1.0
            for c, v in vote.items():
                per[c][4] = v / (1.0 + sum(vote.values()))
            for i in t:
                cues[i] = per
    return cues


def _recent_people(res: Resolver, pos: int, floor: int, n: int = 3) -> list[int]:
    out: list[int] = []
    i = bisect.bisect_left(res.starts, pos) - 1
    while i >= 0 and res.refs[i].start >= floor and len(out) < n:
        r = res.refs[i]
        i -= 1
        if r.in_quote or r.kind == "pronoun" or not res.people[r.char] or r.char in out:
            continue
        out.append(r.char)
    return out


def _last_subject(res: Resolver, pos: int, floor: int) -> int | None:
    """The subject of the last narration sentence before pos that has one (a name or a he/she that
    continues a name's chain): who the story was following when the line began."""
    i = bisect.bisect_left(res.starts, pos) - 1
    while i >= 0 and res.refs[i].start >= floor:
        r = res.refs[i]
        i -= 1
        if not r.in_quote and r.initial and res.people[r.char] and r.char != res.narrator:
            return r.char
    return None


def _tag_pronoun(text: str, q: Any, nxt: int) -> str | None:
    """'..." she said': the gender of a pronoun right after the line, if any."""
    seg = text[q.end : min(nxt, q.end + 40)].lower()
    for w in seg.replace(",", " ").split()[:3]:
        if w in ("he", "she"):
            return "male" if w == "he" else "female"
    return None


def candidates(
    text: str,
    paragraphs: list[tuple[int, int]],
    quotes: list,
    out: list[Attribution],
    res: Resolver,
    breaks: set[int],
) -> list[list[tuple[int, list[float]]]]:
    """For each quotation, the people who might have said it, each with its cue values."""
    counts = res.counts
    scene_of: list[int] = []
    cur = 0
    for pi, (ps, _pe) in enumerate(paragraphs):
        if pi in breaks:
            cur = ps
        scene_of.append(cur)
    table = Table()
    table.runs = exchanges(quotes, breaks)
    anchor = _anchor_cues(quotes, out, breaks)
    for i, q in enumerate(quotes):
        a = out[i]
        back, ahead = _turn_neighbours(quotes, i, breaks)
        near = anchor.get(i, {})
        ps, pe = paragraphs[q.paragraph]
        pe = paragraphs[q.last_paragraph][1]
        par_refs = [r for r in res.at(ps, pe) if not r.in_quote and res.people[r.char]]
        before = {r.char for r in par_refs if r.start < q.start and r.kind != "pronoun"}
        after = {r.char for r in par_refs if r.start >= q.end and r.kind != "pronoun"}
        subj = {r.char for r in par_refs if r.initial and r.kind != "pronoun"}
        pron_subj = {r.char for r in par_refs if r.kind == "pronoun"}
        prev_par: set[int] = set()
        if q.paragraph > 0 and q.paragraph not in breaks:
            pps, ppe = paragraphs[q.paragraph - 1]
            prev_par = {
                r.char
                for r in res.at(pps, ppe)
                if not r.in_quote and r.kind != "pronoun" and res.people[r.char]
            }
        recent = _recent_people(res, q.start, max(scene_of[q.paragraph], q.start - 2000))
        last_subj = _last_subject(res, q.start, max(scene_of[q.paragraph], q.start - 400))
        next_par: set[int] = set()
        next_subj: set[int] = set()
        if q.last_paragraph + 1 < len(paragraphs) and q.last_paragraph + 1 not in breaks:
            nps, npe = paragraphs[q.last_paragraph + 1]
            for r in res.at(nps, npe):
                if not r.in_quote and res.people[r.char]:
                    if r.kind != "pronoun":
                        next_par.add(r.char)
                    if r.initial:
                        next_subj.add(r.char)
        spk = [out[j].speaker for j in back]
        nspk = [out[j].speaker for j in ahead]
        addressed_prev = set(out[back[0]].addressees) if back else set()
        called_prev = addressed_prev if back and out[back[0]].addressee_method == "vocative" else set()
        addressed_next = (
            set(out[ahead[0]].addressees) if ahead and out[ahead[0]].addressee_method == "vocative" else set()
        )
        in_quote = {r.char for r in res.at(q.content_start, q.content_end) if r.kind != "pronoun"}
        nxt = paragraphs[q.last_paragraph][1]
        for j in range(i + 1, len(quotes)):
            if quotes[j].start >= q.end:
                nxt = min(nxt, quotes[j].start)
                break
        tag_g = _tag_pronoun(text, q, nxt)
        cands: list[int] = []
        for c in (
            a.speaker,
            *spk,
            *nspk,
            *sorted(near, key=lambda c: -max(near[c][:5])),
            *sorted(addressed_prev),
            *recent,
            *sorted(before),
            *sorted(after),
            *sorted(prev_par),
        ):
            if c is not None and c not in cands:
                cands.append(c)
        if res.narrator is not None and res.narrator not in cands:
            cands.append(res.narrator)
        rows = []
        for c in cands[:MAX_CANDIDATES]:
            f = [0.0] * len(FEATURES)
            if c == a.speaker and a.method in _SIEVE_SET:
                f[_INDEX[f"sieve:{a.method}"]] = 1.0
                f[_INDEX["sieve-confidence"]] = a.confidence
            f[_INDEX["addressed-here"]] = float(c in a.addressees and a.addressee_method == "vocative")
            f[_INDEX["addressed-by-prev"]] = float(c in addressed_prev)
            f[_INDEX["addressed-by-next"]] = float(c in addressed_next)
            f[_INDEX["named-in-quote"]] = float(c in in_quote)
            f[_INDEX["named-before-in-paragraph"]] = float(c in before)
            f[_INDEX["named-after-in-paragraph"]] = float(c in after)
            f[_INDEX["subject-in-paragraph"]] = float(c in subj)
            f[_INDEX["pronoun-subject-in-paragraph"]] = float(c in pron_subj)
            f[_INDEX["named-in-paragraph-before"]] = float(c in prev_par)
            if c in recent:
                f[_INDEX[f"recent-{min(recent.index(c) + 1, 3)}"]] = 1.0
            f[_INDEX["narrator"]] = float(c == res.narrator)
            f[_INDEX["log-mentions"]] = math.log1p(counts.get(c, 0)) / 5.0
            if tag_g is not None:
                g = res.genders[c]
                f[_INDEX["tag-pronoun-gender"]] = float(g == tag_g)
                f[_INDEX["tag-pronoun-clash"]] = float(g is not None and g != tag_g)
            f[_INDEX["called-by-prev"]] = float(c in called_prev)
            f[_INDEX["last-subject-before"]] = float(c == last_subj)
            f[_INDEX["named-in-paragraph-after"]] = float(c in next_par)
            f[_INDEX["subject-in-paragraph-after"]] = float(c in next_subj)
            if c in near:
                f[_INDEX["tag-even"] : _INDEX["tag-even"] + 6] = near[c]
            rows.append((c, f))
        table.append(rows)
    return table


_SIEVE_SET = set(SIEVES)


# Sieves whose choice the ranker may overturn: a tag or a beat in the line's own paragraph stands
# (letting the ranker overturn those too gained nothing on LitBank with books held out).
WEAK = frozenset({"alternation", "recent-mention", "vocative-reply", "none"})
_ADDRESSED = FEATURES.index("addressed-here")


TRANSITIONS = (
    "turn:same-as-last",
    "turn:same-as-two-back",
    "turn:same-as-last-across-narration",
)


EXCHANGE_GAP = 3


def exchanges(quotes: list, breaks: set[int]) -> list[list[list[int]]]:
    """The exchanges the decoder reads as one sequence: runs of turns (each the quotations of one
    paragraph) with at most EXCHANGE_GAP - 1 paragraphs of narration between turns, none a scene break."""
    return [_turns(run, quotes) for run in _conversations(quotes, breaks, EXCHANGE_GAP)]


class Table(list):
    """Each quotation's candidates (a list, in quotation order) and the exchanges they form: runs of
    turns, each turn the indices of the quotations of one paragraph."""

    runs: list[list[list[int]]]


def local_scores(vec: list[float], rows: list[list[float]]) -> list[float]:
    """Log-probabilities of a quotation's candidates under the cue weights alone."""
    scores = [sum(x * y for x, y in zip(vec, f, strict=True)) - (1e6 if f[_ADDRESSED] else 0.0) for f in rows]
    top = max(scores)
    z = math.log(sum(math.exp(s - top) for s in scores))
    return [s - top - z for s in scores]


def decode_run(
    turns: list[list[tuple[int | None, float]]], trans: tuple[float, ...], gaps: list[bool] | None = None
) -> list:
    """The best sequence of speakers over one exchange: each turn's candidates with their
    log-probabilities, plus a score (`trans`, in the order of TRANSITIONS) for a turn given to whoever
    spoke the turn before (usually a penalty: people take turns; a milder one where narration stands
    between the two turns, gaps[t]), and for one given to whoever spoke two turns back (A-B-A).

    Why a sequence: the cues of one line cannot see that the speakers of an exchange must alternate
    consistently from both of its tagged ends; a second-order Viterbi over the run weighs every
    tag and every line's own cues at once, so one misread anchor no longer flips all that follows.
    """
    if not turns:
        return []
    # state: (speaker two turns back, speaker one turn back) -> (score, path)
    same_last, two_back, same_gap = (*trans, 0.0, 0.0, 0.0)[:3]
    # state (speaker two turns back, speaker one turn back) -> score; back[t][state] = state before
    best: dict[tuple, float] = {}
    for c, lp in turns[0]:
        if best.get((None, c), -math.inf) < lp:
            best[(None, c)] = lp
    back: list[dict[tuple, tuple]] = [{}]
    for ti, cands in enumerate(turns[1:], start=1):
        nxt: dict[tuple, float] = {}
        ptr: dict[tuple, tuple] = {}
        repeat = same_gap if gaps and gaps[ti] else same_last
        for (a, b), sc in best.items():
            for c, lp in cands:
                v = sc + lp
                if c is not None and c == b:
                    v += repeat
                elif c is not None and c == a:
                    v += two_back
                key = (b, c)
                if key not in nxt or v > nxt[key]:
                    nxt[key] = v
                    ptr[key] = (a, b)
        best = nxt
        back.append(ptr)
    state = max(best, key=lambda k: best[k])
    path = [state[1]]
    for ti in range(len(turns) - 1, 0, -1):
        state = back[ti][state]
        path.append(state[1])
    return path[::-1]


def turn_gaps(run: list[list[int]], quotes: list) -> list[bool]:
    """For each turn of an exchange, whether a paragraph of narration stands between it and the last."""
    return [
        ti > 0 and quotes[t[0]].paragraph - quotes[run[ti - 1][-1]].last_paragraph > 1
        for ti, t in enumerate(run)
    ]


def split_turns(run: list[list[int]], methods: list[str], speakers: list) -> list[list[int]]:
    """The turns of an exchange, a paragraph whose lines are tagged with different speakers ('"Good
    night," said the man. "Good night, Sir John," said the parson.') counting as two."""
    out: list[list[int]] = []
    for t in run:
        cur: list[int] = []
        who = None
        for i in t:
            s = speakers[i] if methods[i] not in WEAK else None
            if cur and s is not None and who is not None and s != who:
                out.append(cur)
                cur = []
            who = s if s is not None else who
            cur.append(i)
        out.append(cur)
    return out


def run_turns(
    quotes_method: list[str],
    quotes_speaker: list,
    rows_of: list[list[tuple[int, list[float]]]],
    run: list[list[int]],
    vec: list[float],
) -> list[list[tuple[int | None, float]]]:
    """Each turn's candidates for decode_run: a turn with a tagged line is fixed to its speaker
    (letting the exchange outvote a pronoun tag, at any cost tried, did worse with books held out);
    otherwise the local log-probabilities of its first line's candidates."""
    out = []
    for t in run:
        fixed = next(
            (quotes_speaker[i] for i in t if quotes_method[i] not in WEAK and quotes_speaker[i] is not None),
            None,
        )
        if fixed is not None:
            out.append([(fixed, 0.0)])
            continue
        rows = rows_of[t[0]]
        if not rows:
            out.append([(quotes_speaker[t[0]], 0.0)])
            continue
        lps = local_scores(vec, [f for _c, f in rows])
        # someone a line of the turn calls by name does not say it
        cands = [(c, lp) for (c, f), lp in zip(rows, lps, strict=True) if not f[_ADDRESSED]]
        for i in t[1:]:  # every line of the turn is evidence for who says it
            if not rows_of[i]:
                continue
            lps_i = local_scores(vec, [f for _c, f in rows_of[i]])
            more = {c: lp for (c, _f), lp in zip(rows_of[i], lps_i, strict=True)}
            called = {c for c, f in rows_of[i] if f[_ADDRESSED]}
            floor = min(more.values())
            cands = [(c, lp + more.get(c, floor)) for c, lp in cands if c not in called]
        out.append(cands or [(quotes_speaker[t[0]], 0.0)])
    return out


def rerank(
    quotes: list, out: list[Attribution], table: list[list[tuple[int, list[float]]]], w: dict[str, float]
) -> None:
    """Give each weakly decided quotation the speaker that the best sequence over its exchange gives
    its turn; the method says so."""
    if not w:
        return
    vec = [w.get(f, 0.0) for f in FEATURES]
    runs = getattr(table, "runs", None) or [[[i]] for i in range(len(quotes))]
    methods = [a.method for a in out]
    speakers = [a.speaker for a in out]
    trans = tuple(w.get(t, 0.0) for t in TRANSITIONS)
    for run in runs:
        run = split_turns(run, methods, speakers)
        turns = run_turns(methods, speakers, table, run, vec)
        path = decode_run(turns, trans, turn_gaps(run, quotes))
        for t, cands, c in zip(run, turns, path, strict=True):
            lp = dict(cands).get(c, 0.0)
            for i in t:
                a = out[i]
                if a.method not in WEAK or c is None:
                    continue
                if c != a.speaker:
                    a.speaker = c
                    a.method = "ranker"
                    a.addressees = [x for x in a.addressees if x != c]
                a.confidence = round(math.exp(lp), 3)
    _retake_addressees(runs, out)


def _retake_addressees(runs: list[list[list[int]]], out: list[Attribution]) -> None:
    """Addressees guessed from turn-taking follow the speakers as decoded: each line without a
    vocative or a beat's other person goes to whoever spoke the turn before, else the turn after."""
    for run in runs:
        for t in run:
            for i in t:
                if out[i].addressee_method == "turn-taking":
                    out[i].addressees, out[i].addressee_method = [], ""
        turn_taking_addressees(run, out)
