"""Point of view: whose thoughts and perceptions a scene follows.

Why these cues: close third person, the voice of nearly all fan fiction, tells
the reader what one character thinks, feels, notices and wants. The grammatical
subject of perception and cognition verbs ("she knew", "Spike felt", "he
wondered") is therefore the strongest cheap signal; free indirect thought (a
question in the narration) and marked thought spans belong to whoever the
narration is following at that moment; first-person narration outside quotes
belongs to the scene's focal listener. Speech is skipped: what a character says
is not whose head we are in. Pronouns are resolved to the most recent named
character of that gender in the narration, which is how a reader does it.

Everything is one pass over the scene's tokens, so POV for a whole work is
linear in its length.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Perception and cognition verbs, past and present forms, plus the bare forms
# that follow a modal ("could feel", "didn't know"). Written for this project.
_VERB_BASES = """
think thought thinks thinking | feel felt feels feeling | know knew knows known | wonder wondered wonders
| realise realised realises realize realized realizes | watch watched watches watching | see saw sees seen
| notice noticed notices | hear heard hears | smell smelled smelt smells | sense sensed senses
| remember remembered remembers | recall recalled recalls | want wanted wants | wish wished wishes
| hope hoped hopes | fear feared fears | worry worried worries | decide decided decides
| imagine imagined imagines | believe believed believes | guess guessed | suspect suspected
| understand understood understands | love loved loves | hate hated hates | miss missed
| need needed needs | prayed pray | dreaded dread | regretted regret | vowed vow | figured figure
| doubted doubt | longed long | ached ache | craved crave | panicked panic | blushed blush
| shuddered shudder | swallowed | sighed sigh | frowned | winced | stared stare | glanced glance
| looked look | gazed gaze | listened listen | studied | considered consider | pondered ponder
| mused muse | reflected | dreamed dreamt dream | cursed | chastised | wondering | knowing | realising
| realizing | trying | tried | struggled | fought | managed
"""
PERCEPTION_VERBS: frozenset[str] = frozenset(_VERB_BASES.replace("|", " ").split())


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Verbs that are strong evidence (inner states) count more than outward looks.
_STRONG = _wordset(
    """thought think thinks knew know knows felt feel feels wondered wonder wonders realised realized
    realise realize remembered remember wanted want wished wish hoped hope feared fear worried
    decided imagined believed understood understand prayed dreaded regretted vowed figured doubted
    longed ached craved panicked sensed smelled smelt heard hear noticed notice recalled wondering
    knowing realising realizing guessed suspected missed hated loved needed mused pondered reflected"""
)

_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_FIRST = frozenset({"i", "me", "my", "myself", "mine"})
# Words that may sit between a subject and its verb: "she could feel", "he hadn't even realised".
_BETWEEN = _wordset(
    """could couldn't can can't would wouldn't had hadn't has hasn't have did didn't does doesn't was
    wasn't were just suddenly only still even also never always already really finally slowly
    barely hardly almost actually simply instantly immediately then now not truly deeply"""
)

_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*|[.!?\u2026]+|\n")


@dataclass
class PovResult:
    """The POV of one stretch of text, with the evidence behind it."""

    pov: str | None
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)
    carried: bool = False  # True when taken from the previous scene for lack of evidence


def _norm(tok: str) -> str:
    t = tok.lower().replace("\u2019", "'")
    for suffix in ("'d", "'s", "'ll", "'ve", "'re", "'m"):
        if t.endswith(suffix) and t[: -len(suffix)] in _MALE | _FEMALE | _FIRST | {"i"}:
            return t[: -len(suffix)]
    return t


def character_genders(characters: list[dict[str, Any]]) -> dict[str, str | None]:
    return {c["id"]: c.get("gender") for c in characters}


def find_name_mentions(text: str, characters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mentions of the characters' names and aliases, for when no mention list was given.

    Why: POV and the network need to know where characters are named; the
    people side normally supplies resolved mentions, but a caller with only a
    character list (tests, a hand-made cast) still gets a usable answer.
    Ambiguous aliases (one string for two characters) are dropped.
    """
    owner: dict[str, str | None] = {}
    for c in characters:
        names = [c.get("name", "")] + [a.get("name", "") for a in c.get("aliases", [])]
        for n in names:
            parts = [n] + (n.split() if " " in n else [])
            for p in parts:
                p = p.strip()
                if len(p) < 2 or not p[0].isupper() or p.lower() in _COMMON_TITLES:
                    continue
                if p in owner and owner[p] != c["id"]:
                    owner[p] = None
                else:
                    owner.setdefault(p, c["id"])
    keys = sorted((k for k, v in owner.items() if v), key=len, reverse=True)
    if not keys:
        return []
    rx = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b")
    return [
        {"start": m.start(), "end": m.end(), "character": owner[m.group()], "kind": "name"}
        for m in rx.finditer(text)
    ]


_COMMON_TITLES = frozenset({"the", "mr", "mrs", "miss", "ms", "dr", "doctor", "sir", "lady", "lord"})


def infer_genders(text: str, mentions: list[dict[str, Any]], known: dict[str, str | None]) -> dict[str, str]:
    """Gender, where the cast list gave none, from the first name and the pronouns that take it up.

    Why not just the first pronoun after a name: in a scene between two people the next
    pronoun is as often the other one ("Elizabeth was the happy woman by whom he finally
    seated himself"). A pronoun is counted only where it can hardly be anyone else: a
    reflexive or possessive in the name's own clause ("Elizabeth found herself"), or
    He/She opening the sentence after one that the name opened. What census records say
    of the first name (Elizabeth, John) counts as three such pronouns.
    """
    from ficpress.analyse.characters import name_gender

    votes: dict[str, Counter[str]] = {}
    first_names: dict[str, Counter[str]] = {}
    for m in mentions:
        cid = m.get("character")
        if not cid or known.get(cid):
            continue
        c = votes.setdefault(cid, Counter())
        name = text[m["start"] : m["end"]]
        if name[:1].isupper() and " " not in name:
            first_names.setdefault(cid, Counter())[name] += 1
        seg = text[m["end"] : m["end"] + 200].split("\n", 1)[0]
        cut = _SENTENCE_END.search(seg)
        own = re.split(r"[,;\"\u201c\u201d]", seg[: cut.start()] if cut else seg)[0]
        for w in re.findall(r"[A-Za-z]+", own)[:7]:
            lw = w.lower()
            if lw in ("his", "himself"):
                c["male"] += 1
                break
            if lw == "herself":
                c["female"] += 1
                break
            if w[0].isupper() or lw in ("he", "she"):
                break
        if cut and _sentence_initial(text, m["start"]):
            nxt = re.findall(r"[A-Za-z]+", seg[cut.end() : cut.end() + 12])
            if nxt and nxt[0] in ("He", "She"):
                c["male" if nxt[0] == "He" else "female"] += 1
    out = {k: v for k, v in known.items() if v}
    for cid, c in votes.items():
        names = first_names.get(cid)
        if names:
            first = names.most_common(1)[0][0]
            prior = name_gender(first) if first.lower() not in _COMMON_TITLES else None
            if prior:
                c[prior] += 3
        total = sum(c.values())
        if total:
            g, n = c.most_common(1)[0]
            if n / total >= 0.65:
                out[cid] = g
    return out


_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019]?\s")


def _sentence_initial(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] in " \t*_\"'\u201c\u2018(":
        j -= 1
    return j < 0 or text[j] in ".!?\u2026\n\u201d\u2019"


class PovScorer:
    """Scores scenes of one text; built once so mentions and quotes are indexed once."""

    def __init__(
        self,
        text: str,
        characters: list[dict[str, Any]],
        mentions: list[dict[str, Any]],
        quotes: list[dict[str, Any]],
        thoughts: Iterable[tuple[int, int]] = (),
    ) -> None:
        self.text = text
        named = [m for m in mentions if m.get("character") and m.get("kind", "name") != "pronoun"]
        if not named and characters:
            named = find_name_mentions(text, characters)
        self.genders = infer_genders(text, named, character_genders(characters))
        self.mentions = sorted(named, key=lambda m: m["start"])
        self.m_starts = [m["start"] for m in self.mentions]
        # Pronoun mentions resolved upstream are trusted over our own resolution.
        self.pronouns = {
            m["start"]: m["character"] for m in mentions if m.get("kind") == "pronoun" and m.get("character")
        }
        self.quotes = sorted(((q["start"], q["end"], q) for q in quotes), key=lambda t: t[0])
        self.q_starts = [q[0] for q in self.quotes]
        self.thoughts = sorted(thoughts)
        self.t_starts = [t[0] for t in self.thoughts]
        self._salience: dict[str, float] = {}
        self._prev_subject: dict[str, str] = {}
        self._carried: dict[str, str] = {}
        self._last_sentence: tuple[str | None, dict[str, str]] = (None, {})

    def _narration(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of [start, end) outside quotations."""
        out = []
        pos = start
        i = max(0, bisect.bisect_right(self.q_starts, start) - 1)
        while i < len(self.quotes) and self.quotes[i][0] < end:
            qs, qe, _ = self.quotes[i]
            if qe > pos and qs < end:
                if qs > pos:
                    out.append((pos, qs))
                pos = max(pos, qe)
            i += 1
        if pos < end:
            out.append((pos, end))
        return out

    def score(self, start: int, end: int) -> PovResult:
        """Score one scene; call in reading order, since salience carries over from the last scene."""
        text = self.text
        scores: Counter[str] = Counter()
        sal = self._salience  # character -> salience, decays per sentence
        first_person = 0
        narrating: Counter[str] = Counter()  # first-person pronouns in narration resolved to a character
        mi = bisect.bisect_left(self.m_starts, start)
        for seg_start, seg_end in self._narration(start, end):
            events: list[tuple[str, float]] = []
            recent: dict[str, str] = {}  # gender -> last named character in this sentence
            subject: str | None = None
            first_subject: str | None = None
            since_subject = 99
            sentence_start = True
            for tm in _TOKEN.finditer(text, seg_start, seg_end):
                tok = tm.group()
                pos = tm.start()
                if tok[0] in ".!?\u2026\n":
                    if events or recent:
                        self._close_sentence(events, scores, question=tok[0] == "?")
                        self._remember_subject(first_subject, recent)
                    events, recent, first_subject = [], {}, None
                    sentence_start, subject, since_subject = True, None, 99
                    continue
                while mi < len(self.mentions) and self.m_starts[mi] < pos:
                    mi += 1
                cid = None
                is_name = mi < len(self.mentions) and self.m_starts[mi] == pos
                if is_name:
                    named = self.mentions[mi]["character"]
                    if tok.endswith(("'s", "\u2019s")):
                        sal[named] = sal.get(named, 0.0) + 0.5
                    else:
                        g = self.genders.get(named)
                        if g:
                            recent[g] = named
                        cid = named
                        sal[named] = sal.get(named, 0.0) + (3.0 if sentence_start else 1.0)
                else:
                    low = _norm(tok)
                    if pos in self.pronouns:
                        if low in _FIRST:
                            narrating[self.pronouns[pos]] += 1
                        if low not in ("his", "her", "hers", "him"):
                            cid = self.pronouns[pos]
                    elif low in ("he", "she"):
                        g = "male" if low == "he" else "female"
                        cid = recent.get(g) if not sentence_start else None
                        if cid is None:
                            cid = self._resolve(g)
                        if cid:
                            sal[cid] = sal.get(cid, 0.0) + 2.0
                    elif tok == "I":
                        first_person += 1
                if cid:
                    if sentence_start:
                        events.append((cid, 0.5))
                    if sentence_start or not is_name:
                        first_subject = first_subject or cid
                    subject = cid
                    since_subject = 0
                    sentence_start = False
                    continue
                low = tok.lower().replace("\u2019", "'")
                if subject and since_subject <= 3 and low in PERCEPTION_VERBS:
                    events.append((subject, 2.0 if low in _STRONG else 1.0))
                    since_subject = 99
                    continue
                if low not in _BETWEEN:
                    since_subject += 1
                sentence_start = False
            if events:
                self._close_sentence(events, scores, question=False)
                self._remember_subject(first_subject, recent)
        # Marked thoughts belong to the nearest named character before them.
        ti = bisect.bisect_left(self.t_starts, start)
        while ti < len(self.thoughts) and self.thoughts[ti][0] < end:
            k = bisect.bisect_left(self.m_starts, self.thoughts[ti][0]) - 1
            if k >= 0 and self.m_starts[k] >= start:
                scores[self.mentions[k]["character"]] += 2.0
            ti += 1
        # A first-person narrator tells the scene through their own eyes, even when most
        # sentences are about someone else ("Robert Cohn was once middleweight boxing
        # champion ... I mistrust all frank and simple people"): each I, me or my in the
        # narration counts like a thought of the narrator's.
        for cid, n in narrating.items():
            if n >= 3:
                scores[cid] += 2.0 * n
        if first_person >= 3:
            who = self._first_person_owner(start, end, scores)
            if who:
                scores[who] += 2.0 * first_person
        # The next scene starts with a faded memory of who was in focus here: for each
        # gender, the character this scene followed most.
        self._salience = {k: v * 0.3 for k, v in sal.items() if v > 0.05}
        self._last_sentence = (None, {})
        self._prev_subject = {}
        self._carried = {}
        for cid, _ in scores.most_common():
            g = self.genders.get(cid)
            if g and g not in self._carried:
                self._carried[g] = cid
        return _decide(scores)

    def _close_sentence(self, events: list[tuple[str, float]], scores: Counter[str], question: bool) -> None:
        """Credit a finished sentence; a question in narration is the focal character wondering."""
        if question:
            focal = self._most_salient(None)
            if focal:
                scores[focal] += 1.0
        else:
            for cid, w in events:
                scores[cid] += w
        for k in self._salience:
            self._salience[k] *= 0.7

    def _remember_subject(self, cid: str | None, named: dict[str, str]) -> None:
        self._last_sentence = (cid, dict(named))
        if cid:
            g = self.genders.get(cid)
            if g:
                self._prev_subject[g] = cid

    def _resolve(self, gender: str) -> str | None:
        """Centering: a sentence-initial pronoun most often continues the last sentence's subject,
        else the last subject of that gender in this scene, else the last character of that gender
        named, else the character of that gender the previous scene followed most."""
        subj, named = self._last_sentence
        if subj and self.genders.get(subj) == gender:
            return subj
        return (
            self._prev_subject.get(gender)
            or named.get(gender)
            or self._carried.get(gender)
            or self._most_salient(gender)
        )

    def _most_salient(self, gender: str | None) -> str | None:
        best, best_v = None, 0.0
        for cid, v in self._salience.items():
            if v > best_v and (gender is None or self.genders.get(cid) == gender):
                best, best_v = cid, v
        return best

    def _first_person_owner(self, start: int, end: int, narration: Counter[str]) -> str | None:
        """An 'I' outside quotes is the inner voice of the one the scene's speech calls and is aimed at.

        Vocatives ("Willow, wake up") are the surest cue, addressees of the
        attributed speech the next (minus what the character says: an inner
        voice does not talk), and the narration's own focus breaks ties. Several
        cues together keep one wrongly attributed quotation from handing the
        passage to a bystander.
        """
        heard: Counter[str] = Counter()
        i = bisect.bisect_left(self.q_starts, start)
        while i < len(self.quotes) and self.quotes[i][0] < end:
            q = self.quotes[i][2]
            for a in q.get("addressees") or []:
                heard[a] += 1
            if q.get("speaker"):
                heard[q["speaker"]] -= 1
            i += 1
        called: Counter[str] = Counter()
        k = bisect.bisect_left(self.m_starts, start)
        j = bisect.bisect_left(self.q_starts, start) - 1
        while k < len(self.mentions) and self.m_starts[k] < end:
            m = self.mentions[k]
            while j + 1 < len(self.quotes) and self.quotes[j + 1][0] <= m["start"]:
                j += 1
            inside = j >= 0 and self.quotes[j][0] <= m["start"] < self.quotes[j][1]
            if inside and _is_vocative(self.text, m["start"], m["end"], self.quotes[j][0], self.quotes[j][1]):
                called[m["character"]] += 1
            k += 1
        cands = set(heard) | set(called)
        if not cands:
            return None
        best = max(sorted(cands), key=lambda c: 2 * called[c] + heard[c] + 0.1 * narration.get(c, 0.0))
        return best if 2 * called[best] + heard[best] > 0 else None


def _is_vocative(text: str, start: int, end: int, q_start: int, q_end: int) -> bool:
    """A name set off by punctuation at the edge of a clause: "Willow, wake up", "Let her sleep, Slayer."."""
    before = text[q_start:start].rstrip()
    after = text[end:q_end].lstrip()
    opens = not before or before[-1] in "\u201c\u2018\"',.!?;\u2014-" or before.endswith("Please")
    closes = not after or after[0] in ",.!?;\u201d\u2019\"'\u2014-"
    return opens and closes


def _decide(scores: Counter[str]) -> PovResult:
    if not scores:
        return PovResult(None, 0.0, {})
    ranked = scores.most_common()
    top_id, top = ranked[0]
    total = sum(scores.values())
    if top <= 0:
        return PovResult(None, 0.0, dict(scores))
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    # Share of the evidence, tempered by how much evidence there is and by the margin.
    conf = (top / total) * (1 - math.exp(-top / 4)) * (0.5 + 0.5 * (top - second) / top)
    return PovResult(top_id, round(min(conf, 1.0), 3), {k: round(v, 2) for k, v in ranked})


MIN_EVIDENCE = 1.5  # below this a scene has too little narration to judge on its own


def scene_povs(scorer: PovScorer, scenes: list[tuple[int, int, int]]) -> list[PovResult]:
    """POV of each `(start, end, chapter)` scene in reading order.

    A scene with almost no narration of its own (a song, a single line of
    speech) keeps the POV of the scene before it in the same chapter, at half
    the confidence: a blank line inside a passage does not move the camera.
    """
    out: list[PovResult] = []
    prev: PovResult | None = None
    prev_chapter = None
    for start, end, chapter in scenes:
        r = scorer.score(start, end)
        top = max(r.scores.values(), default=0.0)
        if top < MIN_EVIDENCE and prev is not None and prev.pov and prev_chapter == chapter:
            r = PovResult(prev.pov, round(prev.confidence * 0.5, 3), r.scores, carried=True)
        out.append(r)
        prev, prev_chapter = r, chapter
    return out
