"""A small learned second opinion on who says each line, after the sieves.

Why: the sieves decide each quotation by the first rule that fires, and a wrong
early guess (a pronoun resolved to the wrong man, a turn counted from a wrong
anchor) is never weighed against the other cues around the line. Here every
person in reach of a quotation (the sieves' choice, the speakers of the turns
around it, whoever the paragraph's narration names, the people named last) is
scored by a conditional logit over a handful of cues, and the best one wins.
The weights are plain numbers in `data/speaker_ranker.json`, trained on LitBank
(CC BY 4.0) by `bench/train_speaker_ranker.py` with books held out by fold; no
model is loaded from anywhere else and scoring is a dot product.
"""

from __future__ import annotations

import bisect
import json
import math
from functools import cache
from importlib import resources
from typing import Any

from ficpress.analyse.speakers import Attribution, Resolver

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
    "prev-turn",
    "two-turns-back",
    "next-turn",
    "two-turns-ahead",
    "addressed-here",
    "addressed-by-prev",
    "addressed-by-next",
    "named-in-quote",
    "same-paragraph-speaker",
    "turn-pair",
    "between-the-other",
    "recent-1-spoke-last",
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
)
_INDEX = {f: i for i, f in enumerate(FEATURES)}
MAX_CANDIDATES = 8


@cache
def weights() -> dict[str, float]:
    """The shipped weights (feature -> weight); empty when the file is absent."""
    try:
        raw = resources.files("ficpress.analyse").joinpath("data/speaker_ranker.json").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return {}
    data = json.loads(raw)
    return {f: float(w) for f, w in data.get("weights", {}).items()}


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
    table: list[list[tuple[int, list[float]]]] = []
    for i, q in enumerate(quotes):
        a = out[i]
        back, ahead = _turn_neighbours(quotes, i, breaks)
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
        spk = [out[j].speaker for j in back]
        nspk = [out[j].speaker for j in ahead]
        addressed_prev = set(out[back[0]].addressees) if back else set()
        addressed_next = (
            set(out[ahead[0]].addressees) if ahead and out[ahead[0]].addressee_method == "vocative" else set()
        )
        in_quote = {r.char for r in res.at(q.content_start, q.content_end) if r.kind != "pronoun"}
        same_par = out[i - 1].speaker if i > 0 and quotes[i - 1].paragraph == q.paragraph else None
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
            f[_INDEX["prev-turn"]] = float(bool(spk) and spk[0] == c)
            f[_INDEX["two-turns-back"]] = float(len(spk) > 1 and spk[1] == c)
            f[_INDEX["next-turn"]] = float(bool(nspk) and nspk[0] == c)
            f[_INDEX["two-turns-ahead"]] = float(len(nspk) > 1 and nspk[1] == c)
            f[_INDEX["addressed-here"]] = float(c in a.addressees and a.addressee_method == "vocative")
            f[_INDEX["addressed-by-prev"]] = float(c in addressed_prev)
            f[_INDEX["addressed-by-next"]] = float(c in addressed_next)
            f[_INDEX["named-in-quote"]] = float(c in in_quote)
            f[_INDEX["same-paragraph-speaker"]] = float(c == same_par)
            # A-B-A: the line between two turns of one other person, or two back from them
            f[_INDEX["turn-pair"]] = float(
                len(spk) > 1 and spk[1] == c and spk[0] is not None and spk[0] != c
            )
            f[_INDEX["between-the-other"]] = float(
                bool(spk) and bool(nspk) and spk[0] is not None and spk[0] == nspk[0] and spk[0] != c
            )
            # named last only because the last line's tag named them
            f[_INDEX["recent-1-spoke-last"]] = float(
                bool(recent) and recent[0] == c and bool(spk) and spk[0] == c
            )
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
            rows.append((c, f))
        table.append(rows)
    return table


_SIEVE_SET = set(SIEVES)


# Sieves whose choice the ranker may overturn: a tag or a beat in the line's own paragraph stands
# (letting the ranker overturn those too gained nothing on LitBank with books held out).
WEAK = frozenset({"alternation", "recent-mention", "vocative-reply", "none"})
_ADDRESSED = FEATURES.index("addressed-here")


_SIEVE_COLS = [FEATURES.index(f"sieve:{m}") for m in SIEVES]
_TURN_PAIR = FEATURES.index("turn-pair")


def choose(vec: list[float], rows: list[list[float]], method: str) -> int | None:
    """Index of the winning candidate, or None to keep the sieves' choice.

    Someone called by name in the line itself is never its speaker. An A-B-A turn (the sieves gave
    the line to whoever spoke two turns back, with someone else between) stands: on LitBank the
    ranker overturned such turns with profit only where the paragraphs were guessed; with a published
    edition's paragraphs, and on the annotated sample, keeping them is better.
    """
    if method not in WEAK or not rows:
        return None
    pick = next((f for f in rows if any(f[j] for j in _SIEVE_COLS)), None)
    if pick is not None and pick[_TURN_PAIR]:
        return None
    scores = [sum(x * y for x, y in zip(vec, f, strict=True)) - (1e6 if f[_ADDRESSED] else 0.0) for f in rows]
    return scores.index(max(scores))


def rerank(
    quotes: list, out: list[Attribution], table: list[list[tuple[int, list[float]]]], w: dict[str, float]
) -> None:
    """Give each weakly decided quotation to its best-scoring candidate; the method says so."""
    if not w:
        return
    vec = [w.get(f, 0.0) for f in FEATURES]
    for a, rows in zip(out, table, strict=True):
        k0 = choose(vec, [f for _c, f in rows], a.method)
        if k0 is None:
            continue
        scores = [sum(x * y for x, y in zip(vec, f, strict=True)) for _c, f in rows]
        top = max(scores)
        z = sum(math.exp(s - top) for s in scores)
        best = rows[k0][0]
        if best != a.speaker:
            a.speaker = best
            a.method = "ranker"
            a.addressees = [x for x in a.addressees if x != best]
        a.confidence = round(math.exp(scores[k0] - top) / z, 3)
