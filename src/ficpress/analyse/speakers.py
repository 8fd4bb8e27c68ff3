"""Who says each quotation, and to whom: ordered sieves, each naming itself in the output.

Why sieves in this order (after He et al. 2013 and Muzny et al. 2017): an
explicit tag ("said Willow") is almost always right; a pronoun tag is right
when the pronoun resolves; an action beat in the same paragraph ("Buffy
sighed. '...'") is the next best cue; in a run of untagged lines two people
take turns; a vocative names the addressee, so the reply comes from them.
Each quote keeps the first sieve that decided and a confidence for it.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ficpress.analyse.lexicon import SPEECH_VERBS

_WORDS = re.compile(r"[A-Za-z][A-Za-z'\u2019\-]*")
_ADVERB = re.compile(r"^[a-z]+ly$")
_TAG_ADJECTIVES = {"old", "young", "little", "poor", "big", "dear", "good", "the"}
_REPLY_VERBS = {"answered", "replied", "returned", "rejoined", "retorted", "responded", "answers", "replies"}
_SAME_SPEAKER_VERBS = {"added", "continued", "repeated", "persisted", "finished", "concluded", "resumed"}
# Words that start an address but are not themselves names.
_VOC_LEAD = {
    "hey",
    "oh",
    "ah",
    "dear",
    "my",
    "yes",
    "no",
    "hi",
    "hello",
    "look",
    "listen",
    "thanks",
    "sorry",
    "night",
    "morning",
}
_VOC_TAIL_LEAD = {
    "thing",
    "hey",
    "hi",
    "yes",
    "yeah",
    "no",
    "okay",
    "ok",
    "thanks",
    "please",
    "sorry",
    "night",
    "morning",
    "right",
    "mate",
    "love",
    "luv",
    "pet",
    "baby",
    "bye",
    "goodbye",
    "come",
    "on",
    "sweetie",
}
# words after which a name is an object, not someone addressed: "Freud and Jung."
_NOT_BEFORE_VOCATIVE = {
    "and",
    "or",
    "the",
    "a",
    "an",
    "to",
    "of",
    "with",
    "for",
    "from",
    "at",
    "by",
    "about",
    "like",
    "than",
    "as",
    "in",
    "on",
    "into",
    "saw",
    "see",
    "tell",
    "told",
    "ask",
    "asked",
    "call",
    "called",
    "is",
    "was",
    "be",
    "been",
    "love",
    "loved",
    "hate",
    "meet",
    "met",
    "know",
    "knew",
    "that",
    "without",
    "after",
}
_OBJECT_LEAD = {"my", "your", "his", "her", "our", "their", "for", "of", "to", "with", "and", "about"}
# capitalised words that close a line without naming anyone addressed
_NOT_NAMES = {"i", "ok", "okay", "tv", "god", "gods", "christmas", "english", "french", "monday", "sunday"}
VOCATIVE_WORDS = {
    "pet",
    "love",
    "luv",
    "baby",
    "babe",
    "sweetie",
    "sweetheart",
    "honey",
    "darling",
    "dear",
    "kid",
    "mate",
    "whelp",
    "boy",
    "girl",
    "buddy",
    "sweetling",
    "kitten",
    "princess",
    "ducks",
    "lamb",
    "child",
    "sir",
    "ma'am",
    "madam",
    "miss",
    "man",
}


@dataclass
class Ref:
    """A resolved mention: a character index at an offset."""

    start: int
    end: int
    char: int
    kind: str  # name | title | alias | epithet | pronoun
    in_quote: bool = False
    initial: bool = False  # starts its sentence: most often the subject


@dataclass
class Attribution:
    speaker: int | None = None
    method: str = "none"
    confidence: float = 0.0
    qtype: str = "implicit"
    addressees: list[int] = field(default_factory=list)
    addressee_method: str = ""
    vocatives: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text)
    beat_object: int | None = None  # someone the narration of the paragraph names beside the speaker


class Resolver:
    """Mentions of characters sorted by offset, with gender, for tags and pronouns."""

    def __init__(
        self,
        refs: list[Ref],
        genders: list[str | None],
        narrator: int | None = None,
        people: list[bool] | None = None,
    ) -> None:
        self.refs = sorted(refs, key=lambda r: r.start)
        self.starts = [r.start for r in self.refs]
        self.genders = genders
        self.narrator = narrator  # the first-person narrator's character, when the story has one
        self.people = people or [True] * len(genders)  # False: a name that may be a place or a thing
        self.prev_speaker: int | None = None  # speaker of the line in the paragraph before
        self.scene_start = 0  # pronouns do not reach back past a scene break
        self.prev_named = False  # the line before was tagged with its speaker's name
        self.participants: set[int] = set()  # who spoke or was addressed in the last turns
        self.counts: dict[int, int] = {}
        for r in self.refs:
            self.counts[r.char] = self.counts.get(r.char, 0) + 1

    def at(self, start: int, end: int) -> list[Ref]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.refs) and self.refs[i].start < end:
            out.append(self.refs[i])
            i += 1
        return out

    def pronoun(self, pos: int, gender: str) -> int | None:
        """He/she in a tag: the latest subject of that gender in this scene, else the latest mention
        of that gender. (Not the one the line before addressed by name: on LitBank that reply is
        as often the addresser's own next line, as in 'Now, Kitty, ...' said Mr. Bennet. / '...'
        said she.)"""
        cands: list[int] = []
        i = bisect.bisect_left(self.starts, pos) - 1
        subj = None
        floor = max(pos - 2500, self.scene_start)
        while i >= 0 and self.refs[i].start >= floor and len(cands) < 3:
            r = self.refs[i]
            i -= 1
            g = self.genders[r.char]
            if (
                r.in_quote
                or r.char == self.narrator
                or g != gender
                and not (g is None and self.people[r.char])
            ):
                continue
            if subj is None and r.initial and r.start > pos - 600:
                subj = r.char
            if r.char not in cands:
                cands.append(r.char)
        if subj is not None:
            cands.remove(subj)
            cands.insert(0, subj)
        if not cands:
            return self.recent(pos, gender)
        # after a line tagged with a name, "she said" in the next paragraph is the other woman in the talk
        if cands[0] == self.prev_speaker and self.prev_named:
            for c in cands[1:]:
                if c in self.participants:
                    return c
        return cands[0]

    def recent(
        self, pos: int, gender: str | None, exclude: set[int] = frozenset(), window: int = 3000
    ) -> int | None:
        """Most recent narration mention before pos of a character whose gender fits."""
        i = bisect.bisect_left(self.starts, pos) - 1
        fallback = None
        while i >= 0 and self.refs[i].start > pos - window:
            r = self.refs[i]
            i -= 1
            if r.in_quote or r.char in exclude or (gender is not None and r.char == self.narrator):
                continue
            if not self.people[r.char]:
                continue
            g = self.genders[r.char]
            if gender is None or g == gender:
                return r.char
            if g is None and fallback is None:
                fallback = r.char
        return fallback


def _tokens(s: str, base: int) -> list[tuple[int, int, str]]:
    return [(base + m.start(), base + m.end(), m.group()) for m in _WORDS.finditer(s)]


def _subject_at(
    text: str, toks: list[tuple[int, int, str]], k: int, res: Resolver, pos: int
) -> tuple[int | None, str, int]:
    """The character named or referred to by the token run starting at toks[k]: (char, kind, next k)."""
    if k >= len(toks):
        return None, "", k
    s, e, w = toks[k]
    lw = w.lower()
    refs = res.at(s, e + 1)
    refs = [r for r in refs if r.start >= s - 4 and not (r.kind == "pronoun" and r.char != res.narrator)]
    if refs:
        r = refs[0]
        nk = k
        while nk < len(toks) and toks[nk][0] < r.end:
            nk += 1
        return r.char, "name", nk
    if lw in ("he", "she"):
        g = "male" if lw == "he" else "female"
        return res.pronoun(pos, g), "pronoun", k + 1
    if w == "I" and res.narrator is not None:
        return res.narrator, "name", k + 1
    return None, "", k


# verbs that tag speech only with their particle: "went on Syme", "Griffin put in", "she broke in"
PARTICLE_VERBS = {
    "went": "on",
    "goes": "on",
    "put": "in",
    "puts": "in",
    "broke": "in",
    "breaks": "in",
    "cut": "in",
    "chimed": "in",
    "struck": "in",
    "spoke": "up",
    "piped": "up",
    "called": "out",
    "cried": "out",
    "sang": "out",
    "burst": "out",
}


# "I heard one small urchin grumbling", "to hear the Rabbit say": the one heard is the speaker
HEARD_VERBS = frozenset(
    [
        "say",
        "saying",
        "says",
        "cry",
        "crying",
        "call",
        "calling",
        "shout",
        "shouting",
        "grumble",
        "grumbling",
        "mutter",
        "muttering",
        "whisper",
        "whispering",
        "exclaim",
        "exclaiming",
        "remark",
        "ask",
        "asking",
    ]
)


def _heard_speaker(
    text: str, toks: list[tuple[int, int, str]], h: int, res: Resolver, pos: int
) -> int | None:
    """The character after 'heard' at toks[h], when a verb of speaking follows them."""
    if h >= len(toks) or toks[h][2].lower() not in ("heard", "hear"):
        return None
    c, _kind, nk = _subject_at(text, toks, h + 1, res, pos)
    if c is None or nk == h + 1 or toks[h + 1][2].lower() in ("he", "she", "him", "her"):
        return None
    if nk < len(toks) and toks[nk][2].lower() in HEARD_VERBS:
        return c
    return None


def _particle_verb(toks: list[tuple[int, int, str]], k: int) -> bool:
    return k + 1 < len(toks) and PARTICLE_VERBS.get(toks[k][2].lower()) == toks[k + 1][2].lower()


def _tag_after(text: str, start: int, end: int, res: Resolver, qpos: int) -> tuple[int | None, str]:
    """'..., she said' / '..., said Willow' / '...' Willow said' after a quote."""
    seg = text[start:end]
    m = re.match(r"[\s,]*", seg)
    lead = m.end() if m else 0
    clause = re.split(r"(?<=[.!?;])\s|[\"\u201c\u201d\u2018]", seg[lead:], maxsplit=1)[0]
    toks = _tokens(clause, start + lead)[:7]
    if not toks:
        return None, ""
    # "said Willow", "asked he", "replied the redhead"
    k = 0
    if _ADVERB.match(toks[0][2]) and len(toks) > 1 and toks[1][2].lower() in SPEECH_VERBS:
        k = 1
    # a line ending in a comma, or a tag opening in lower case, is always followed by its tag:
    # any past-tense verb will do ("ejaculated Cameron", "fleered Happy Jack")
    open_tag = bool(re.search(r"[,!?\u2014-][\"\u201d\u2019']?\s*$", text[max(0, start - 3) : start])) and (
        toks[0][2][0].islower()
    )
    verbish = toks[k][2].lower() in SPEECH_VERBS or (open_tag and toks[k][2].endswith("ed") and k == 0)
    if not verbish and _particle_verb(toks, k):
        k, verbish = k + 1, True  # "went on Syme", "put in Griffin"
    if verbish:
        if (
            k + 4 < len(toks)
            and toks[k + 1][2].lower() in ("the", "a")
            and toks[k + 2][2].lower() == "voice"
            and toks[k + 3][2] == "of"
        ):
            k += 3  # "cried the voice of John Reed": John Reed speaks
        c, kind, nk = _subject_at(text, toks, k + 1, res, qpos)
        if c is not None and text[toks[nk - 1][1] - 2 : toks[nk - 1][1]] in ("'s", "\u2019s"):
            return None, ""  # "said the child's nurse": the nurse speaks, not the child
        if c is None and k + 2 < len(toks) and toks[k + 1][2].lower() in _TAG_ADJECTIVES:
            c, kind, _ = _subject_at(text, toks, k + 2, res, qpos)  # "said old Cotter", "cried poor Jane"
        if c is not None:
            return c, kind
    # "Willow said", "she whispered", "the redhead said softly", "Buffy just sighed"
    c, kind, nk = _subject_at(text, toks, 0, res, qpos)
    if c is not None:
        j = nk
        while (
            j < len(toks)
            and j <= nk + 1
            and (_ADVERB.match(toks[j][2]) or toks[j][2] in ("just", "then", "finally"))
        ):
            j += 1
        heard = _heard_speaker(text, toks, j, res, qpos)
        if heard is not None:
            return heard, "name"
        said = j < len(toks) and (
            toks[j][2].lower() in SPEECH_VERBS
            or _particle_verb(toks, j)
            or (
                open_tag
                and toks[j][2].endswith("ed")
                and text[toks[0][0] - 2 : toks[0][0]].strip() in ("", ",")
            )
        )
        if said:
            if (
                kind == "pronoun"
                and toks[j][2].lower() in _SAME_SPEAKER_VERBS
                and res.prev_speaker is not None
                and res.genders[res.prev_speaker] == res.genders[c]
            ):
                return res.prev_speaker, kind  # "she added": the one who spoke last goes on
            if kind == "pronoun" and toks[j][2].lower() in _REPLY_VERBS and c == res.prev_speaker:
                # "he answered": whoever spoke the turn before does not answer himself
                other = [x for x in res.participants if x != c and res.genders[x] == res.genders[c]]
                if len(other) == 1:
                    return other[0], kind
            return c, kind
        return c, kind + "-beat"
    return None, ""


def _beat_before(text: str, start: int, end: int, res: Resolver) -> tuple[int | None, str]:
    """'Buffy sighed "..."' / 'Willow said, "..."': the narration right before a quote in its paragraph."""
    seg = text[start:end]
    if not seg.strip():
        return None, ""
    sents = re.split(r"(?<=[.!?])\s+", seg.strip())
    last = sents[-1]
    off = start + seg.rfind(last)
    toks = _tokens(last, off)
    if not toks:
        return None, ""
    if re.search(r"[,:]\s*$", seg):  # "... to hear the Rabbit say to itself, '...'"
        for h in range(max(0, len(toks) - 8), len(toks)):
            heard = _heard_speaker(text, toks, h, res, off)
            if heard is not None:
                return heard, "name"
    c, kind, nk = _subject_at(text, toks, 0, res, off)
    if c is None:
        # "Then Willow said:" — allow one or two leading words
        for k0 in (1, 2):
            if (
                k0 < len(toks)
                and toks[k0 - 1][2][0].isupper()
                or k0 < len(toks)
                and toks[k0 - 1][2].lower()
                in (
                    "then",
                    "finally",
                    "suddenly",
                    "and",
                    "but",
                )
            ):
                c, kind, nk = _subject_at(text, toks, k0, res, off)
                if c is not None:
                    break
    if c is None:
        return None, ""
    verb_tag = any(t[2].lower() in SPEECH_VERBS for t in toks[nk : nk + 3])
    if verb_tag and re.search(r"[,:]\s*$", seg):
        return c, kind
    return c, kind + "-beat"


def find_vocatives(
    text: str, q_start: int, q_end: int, res: Resolver
) -> list[tuple[int, int, str, int | None]]:
    """Names and terms of address set off by commas or at the edges of a line: (start, end, text, char)."""
    inner = text[q_start:q_end]
    out = []
    for m in re.finditer(
        r"(?:^[\W]*|[,;.!?]\s+|\b(?:[Hh]ey|[Oo]h|[Dd]ear|[Hh]i|[Tt]hanks|[Ss]orry|[Nn]ight|[Mm]orning)\s+)"
        r"((?:[A-Z][\w'\u2019]*|[a-z]+)(?: [A-Z][\w'\u2019]*)?)(?=\s*(?:[,?!.\u2026\u2014-]|$|[\"\u201d\u2019]))",
        inner,
    ):
        word = m.group(1)
        s = q_start + m.start(1)
        first, _sp, rest = word.partition(" ")
        if rest and first.lower() in _VOC_LEAD:
            word, s = rest, s + len(first) + 1  # "Hey Wills" addresses Wills
        e = s + len(word)
        lw = word.lower()
        refs = [r for r in res.at(s, e) if r.end <= e + 1]
        if refs:
            if res.people[refs[0].char] or (s <= q_start + 1 and text[e : e + 1] == ","):
                out.append((s, e, word, refs[0].char))
            continue
        # a lowercase term of address only when it stands alone before the line's end or a comma
        if lw in VOCATIVE_WORDS:
            tail = text[e : e + 3]
            head = text[max(q_start, s - 2) : s]
            if re.match(r"\s*[,?!.\"\u201d]", tail) and (
                "," in head or s <= q_start + 1 or "ey " in text[s - 4 : s]
            ):
                out.append((s, e, word, None))
        elif word[0].isupper() and lw not in _VOC_LEAD and len(word) > 1:
            tail = text[e : e + 2]
            head = text[max(q_start, s - 2) : s]
            opens_line = s <= q_start + 1
            if ("," in head or "ey " in text[max(0, s - 4) : s] or opens_line) and re.match(
                r"\s*[,?!.\"\u201d]", tail
            ):
                out.append((s, e, word, None))
    # a term of address closing the line with no comma before it, as fan fiction writes them:
    # "You're wrong Watcher.", "Shut it whelp.", "Unlike you whelp- I ..."
    seen = {v[0] for v in out}
    for m in re.finditer(
        r"(?:\b([a-z][a-z'\u2019]*) ([A-Z][a-z]+|[a-z]+)(?=[.?!\u2026]*\s*$))|(?:\byou ([a-z]+)(?=[-\u2014,!.?]))",
        inner,
    ):
        prev, word = (m.group(1), m.group(2)) if m.group(2) else ("you", m.group(3))
        s = q_start + (m.start(2) if m.group(2) else m.start(3))
        e = s + len(word)
        if s in seen or prev in _NOT_BEFORE_VOCATIVE or prev in _VOC_LEAD:
            continue
        if word[0].islower() and word not in VOCATIVE_WORDS:
            continue
        known = [r for r in res.at(s, e) if r.kind != "pronoun"]
        if word[0].isupper() and (
            any(res.people[r.char] for r in known) or word.lower() in _VOC_LEAD or word.lower() in _NOT_NAMES
        ):
            continue  # a known person's name closing the line is handled below
        out.append((s, e, word, None))
        seen.add(s)
    # a known name closing the line after a greeting or a term of address: "Sure thing Nibblet."
    inside = res.at(q_start, q_end)
    for prev_r, r in zip(inside, inside[1:], strict=False):
        # two terms of address in a row: "Listen to Red Li’l Bit, unless ..."
        if (
            r.start not in seen
            and res.people[r.char]
            and text[prev_r.end : r.start] == " "
            and re.match(r"[,?!]", text[r.end : r.end + 1])
        ):
            out.append((r.start, r.end, text[r.start : r.end], r.char))
            seen.add(r.start)
    for r in inside:
        if r.start in seen or r.kind == "pronoun" or not res.people[r.char]:
            continue
        if not re.match(r"[\s.?!\u2026\u2014-]*[\"\u201d\u2019']?$", text[r.end : q_end]):
            continue
        prev = re.findall(r"[A-Za-z']+", text[max(q_start, r.start - 20) : r.start])
        rare = (
            r.kind in ("name", "title")
            and res.counts.get(r.char, 0) <= 10
            and bool(prev)
            and prev[-1].lower() not in _NOT_BEFORE_VOCATIVE
            and not prev[-1][0].isupper()
            # "a good word for my little Lizzy.": a name inside a phrase is talked about, not to
            and not (len(prev) > 1 and prev[-2].lower() in _OBJECT_LEAD)
        )
        if prev and (prev[-1].lower() in _VOC_TAIL_LEAD or rare):
            out.append((r.start, r.end, text[r.start : r.end], r.char))
    return out


def _names_an_answer(text: str, q, prev) -> bool:
    """'"What is his name?" / "Bingley."', '"Where you from?" / "Georgia."': a line that is a name and a
    full stop, after a question in the paragraph before, answers it; nobody is addressed. (A name
    alone after a greeting, '"Hey Spike." / "Will."', still addresses.)"""
    inner = text[q.content_start : q.content_end].strip()
    asked = text[prev.content_start : prev.content_end].rstrip()
    return (
        prev.last_paragraph == q.paragraph - 1
        and asked.endswith("?")
        and bool(re.fullmatch(r"[A-Z][\w'\u2019-]*(?: [A-Z][\w'\u2019-]*){0,2}\.", inner))
    )


def attribute(
    text: str,
    paragraphs: list[tuple[int, int]],
    quotes: list,
    res: Resolver,
    breaks: set[int] | None = None,
) -> list[Attribution]:
    """Speaker and addressees for each speech quote (in order)."""
    breaks = breaks or set()
    out = [Attribution() for _ in quotes]
    by_par: dict[int, list[int]] = defaultdict(list)
    for i, q in enumerate(quotes):
        by_par[q.paragraph].append(i)
    scene_start = []
    cur = 0
    for pi, (ps, _pe) in enumerate(paragraphs):
        if pi in breaks:
            cur = ps
        scene_start.append(cur)
    # pass 1: tags and beats
    for i, q in enumerate(quotes):
        a = out[i]
        ps, pe = paragraphs[q.last_paragraph]
        siblings = by_par[q.paragraph]
        pos_in = siblings.index(i)
        nxt_start = pe
        if q.last_paragraph == q.paragraph and pos_in + 1 < len(siblings):
            nxt_start = quotes[siblings[pos_in + 1]].start
        prev_end = paragraphs[q.paragraph][0] if pos_in == 0 else quotes[siblings[pos_in - 1]].end
        voc = find_vocatives(text, q.content_start, q.content_end, res)
        if voc and i > 0 and _names_an_answer(text, q, quotes[i - 1]):
            voc = []
        a.vocatives = [(s, e, w) for s, e, w, _c in voc]
        a.addressees = list(dict.fromkeys(c for *_x, c in voc if c is not None))
        if a.addressees:
            a.addressee_method = "vocative"
        excl = set(a.addressees)
        prev_q = quotes[i - 1] if i > 0 else None
        adjacent = prev_q is not None and q.paragraph - prev_q.last_paragraph == 1
        res.prev_speaker = out[i - 1].speaker if adjacent else None
        res.prev_named = adjacent and out[i - 1].method == "explicit-tag"
        res.participants = {
            x for j in range(max(0, i - 4), i) for x in [out[j].speaker, *out[j].addressees] if x is not None
        }
        res.scene_start = scene_start[q.paragraph]
        c, kind = _tag_after(text, q.end, nxt_start, res, q.start)
        if c is not None and c in excl and kind == "pronoun":
            c = res.recent(q.start, res.genders[c], exclude=excl)
        if c is not None and not kind.endswith("-beat"):
            a.speaker, a.method = c, ("explicit-tag" if kind == "name" else "pronoun-tag")
            a.confidence = 0.95 if kind == "name" else 0.8
            a.qtype = "explicit" if kind == "name" else "anaphoric"
            continue
        b, bkind = _beat_before(text, prev_end, q.start, res)
        if b is not None and not bkind.endswith("-beat") and b not in excl:
            a.speaker, a.method = b, ("explicit-tag" if bkind == "name" else "pronoun-tag")
            a.confidence = 0.9 if bkind == "name" else 0.75
            a.qtype = "explicit" if bkind == "name" else "anaphoric"
            continue
        # a narration paragraph that ends "Then Spike said." hands the line to Spike
        if pos_in == 0 and b is None and q.paragraph > 0 and not by_par.get(q.paragraph - 1):
            lps, lpe = paragraphs[q.paragraph - 1]
            lead = text[lps:lpe].rstrip()
            if lead.endswith((":", ".", ",")) and lpe == q.start - 1 or lead.endswith(":"):
                last = re.split(r"(?<=[.!?])\s+", lead)[-1]
                ltoks = _tokens(last, lpe - len(last))
                if ltoks and ltoks[-1][2].lower() in SPEECH_VERBS:
                    lc, lk = None, ""
                    if len(ltoks) >= 2:  # "... and then Spike said."
                        near = [r for r in res.at(ltoks[-2][0], ltoks[-2][1]) if r.kind != "pronoun"]
                        if near:
                            lc, lk = near[0].char, "name"
                        elif ltoks[-2][2].lower() in ("he", "she"):
                            lc, lk = (
                                res.pronoun(
                                    ltoks[-2][0], "male" if ltoks[-2][2].lower() == "he" else "female"
                                ),
                                "pronoun",
                            )
                    if lc is None:
                        lc, lk = _beat_before(text, lpe - len(last), lpe, res)
                    if lc is not None and lc not in excl:
                        a.speaker, a.method = lc, ("explicit-tag" if lk.startswith("name") else "pronoun-tag")
                        a.confidence = 0.8
                        a.qtype = "explicit" if lk.startswith("name") else "anaphoric"
                        continue
        if pos_in > 0 and out[siblings[pos_in - 1]].speaker is not None and b is None:
            prev = out[siblings[pos_in - 1]]
            a.speaker, a.method, a.confidence, a.qtype = prev.speaker, "same-paragraph", 0.85, prev.qtype
            continue
        if b is not None and b not in excl:
            a.speaker, a.method, a.confidence = b, "action-beat", 0.7 if bkind.startswith("name") else 0.6
            continue
        if c is not None and c not in excl:
            a.speaker, a.method, a.confidence = c, "action-beat", 0.65 if kind.startswith("name") else 0.55
            continue
        # a beat later in the paragraph, after this line and any siblings
        tail_start = max(q.end, nxt_start)
        for j in siblings[pos_in + 1 :]:
            tail_start = max(tail_start, quotes[j].end)
        if tail_start < pe and q.last_paragraph == q.paragraph:
            c2, k2 = _beat_before(text, tail_start, pe, res)
            if c2 is None:
                c2, k2 = _tag_after(text, tail_start, pe, res, q.start)
            if c2 is not None and c2 not in excl:
                a.speaker, a.method, a.confidence = c2, "action-beat", 0.5
    # pass 2: turn-taking in runs of dialogue paragraphs
    _alternate(quotes, out, paragraphs, breaks, res)
    # pass 3: whoever the narration named last, when nothing else decided
    for i, q in enumerate(quotes):
        a = out[i]
        if a.speaker is not None:
            continue
        prev_spk = out[i - 1].speaker if i > 0 and quotes[i - 1].paragraph >= q.paragraph - 2 else None
        exclude = set(a.addressees) | ({prev_spk} if prev_spk is not None else set())
        if res.narrator is not None:
            exclude.add(res.narrator)  # "me" and "my" are everywhere in a first-person narration
        c = res.recent(q.start, None, exclude=exclude, window=1500)
        if c is not None:
            a.speaker, a.method, a.confidence = c, "recent-mention", 0.3
    # the paragraph's narration naming someone other than the speaker ("looked down at Dawn")
    for i, q in enumerate(quotes):
        a = out[i]
        ps, pe = paragraphs[q.paragraph]
        for r in res.at(ps, paragraphs[q.last_paragraph][1]):
            if r.in_quote or r.char == a.speaker or r.kind == "pronoun" or not res.people[r.char]:
                continue
            a.beat_object = r.char
            break
        if not a.addressees and a.beat_object is not None and a.speaker is not None:
            a.addressees = [a.beat_object]
            a.addressee_method = "beat-object"
    # pass 4: addressees by turn-taking
    _addressees(quotes, out, breaks)
    return out


def _conversations(quotes: list, breaks: set[int], max_gap: int = 2) -> list[list[int]]:
    """Runs of quotes whose paragraphs follow each other with at most max_gap - 1 paragraphs between."""
    runs: list[list[int]] = []
    for i, q in enumerate(quotes):
        if runs:
            prev = quotes[runs[-1][-1]]
            gap = q.paragraph - prev.last_paragraph
            if gap <= max_gap and not any(
                b in breaks for b in range(prev.last_paragraph + 1, q.paragraph + 1)
            ):
                runs[-1].append(i)
                continue
        runs.append([i])
    return runs


def _turns(run: list[int], quotes: list) -> list[list[int]]:
    turns: list[list[int]] = []
    for i in run:
        if turns and quotes[turns[-1][-1]].paragraph == quotes[i].paragraph:
            turns[-1].append(i)
        else:
            turns.append([i])
    return turns


def _alternate(
    quotes: list, out: list[Attribution], paragraphs: list, breaks: set[int], res: Resolver | None = None
) -> None:
    for run in _conversations(quotes, breaks):
        turns = _turns(run, quotes)
        spk: list[int | None] = []
        for t in turns:
            known = [out[i].speaker for i in t if out[i].speaker is not None]
            spk.append(known[0] if known else None)
        changed = True
        rounds = 0
        while changed and rounds < 3:
            changed = False
            rounds += 1
            for ti, t in enumerate(turns):
                if spk[ti] is not None:
                    continue
                guess = None
                method = ""
                conf = 0.0
                # reply to a vocative: the one addressed answers
                if ti > 0:
                    pv = out[turns[ti - 1][-1]]
                    if (
                        pv.addressee_method == "vocative"
                        and pv.addressees
                        and pv.addressees[0] != spk[ti - 1]
                    ):
                        guess, method, conf = pv.addressees[0], "vocative-reply", 0.6
                two_before = ti >= 2 and spk[ti - 2] is not None and spk[ti - 1] is not None
                if guess is None and two_before and spk[ti - 2] != spk[ti - 1]:
                    guess, method, conf = spk[ti - 2], "alternation", 0.6
                if (
                    guess is None
                    and ti + 2 < len(turns)
                    and spk[ti + 2] is not None
                    and spk[ti + 1] is not None
                ) and spk[ti + 2] != spk[ti + 1]:
                    guess, method, conf = spk[ti + 2], "alternation", 0.55
                bridge = ti >= 2 and ti + 1 < len(turns) and spk[ti - 2] is not None and spk[ti - 1] is None
                if guess is None and bridge and spk[ti + 1] is not None and spk[ti + 1] != spk[ti - 2]:
                    guess, method, conf = spk[ti - 2], "alternation", 0.45
                if guess is not None:
                    # the speaker of a line is not the one it addresses
                    if any(guess in out[i].addressees for i in t):
                        continue
                    # nor one it names ("'Edith! Edith!' cried she." / "'Edith is asleep, Aunt Shaw.'")
                    if method == "vocative-reply" and res is not None and _names(res, quotes, t, guess):
                        continue
                    spk[ti] = guess
                    changed = True
                    for i in t:
                        a = out[i]
                        a.speaker, a.method, a.confidence = guess, method, conf
        # what is left: in a two-person exchange, count turns from the nearest known one
        parts = Counter(s for s in spk if s is not None)
        pair: tuple[int, int] | None = None
        if len(parts) == 2:
            p1, p2 = (c for c, _n in parts.most_common(2))
            pair = (p1, p2)
        elif len(parts) == 1 and res is not None and len(turns) >= 2:
            (p1,) = parts
            first = quotes[turns[0][0]]
            addressed = [a for t in turns for i in t for a in out[i].addressees if a != p1]
            other = addressed[0] if addressed else res.recent(first.start, None, exclude={p1}, window=1500)
            if other is not None and other != res.narrator:
                pair = (p1, other)
        if pair is not None:
            known = [k for k, x in enumerate(spk) if x is not None]
            for ti, t in enumerate(turns):
                if spk[ti] is not None or not known:
                    continue
                k = min(known, key=lambda k: abs(k - ti))
                guess = spk[k] if (ti - k) % 2 == 0 else (pair[1] if spk[k] == pair[0] else pair[0])
                if any(guess in out[i].addressees for i in t):
                    continue
                for i in t:
                    out[i].speaker, out[i].method = guess, "alternation"
                    out[i].confidence = max(0.3, 0.5 - 0.05 * abs(ti - k))


def _names(res: Resolver, quotes: list, turn: list[int], who: int) -> bool:
    """Whether a line of the turn calls `who` by a name (not a pronoun)."""
    return any(
        r.char == who and r.kind != "pronoun"
        for i in turn
        for r in res.at(quotes[i].content_start, quotes[i].content_end)
    )


def _addressees(quotes: list, out: list[Attribution], breaks: set[int]) -> None:
    for run in _conversations(quotes, breaks):
        turn_taking_addressees(_turns(run, quotes), out)


def turn_taking_addressees(turns: list[list[int]], out: list[Attribution]) -> None:
    """Each line of a turn with no addressee yet speaks to whoever spoke the turn before, else the
    turn after (when that is someone else)."""
    spk = [out[t[0]].speaker for t in turns]
    for ti, t in enumerate(turns):
        s = spk[ti]
        if s is None:
            continue
        other = None
        if ti > 0 and spk[ti - 1] is not None and spk[ti - 1] != s:
            other = spk[ti - 1]
        elif ti + 1 < len(turns) and spk[ti + 1] is not None and spk[ti + 1] != s:
            other = spk[ti + 1]
        if other is None:
            continue
        for i in t:
            a = out[i]
            if not a.addressees:
                a.addressees = [other]
                a.addressee_method = "turn-taking"


# the longest tag after a line ending so, after which the same speaker most often goes on in the same
# paragraph (in the Standard Ebooks novels, past 12 words after a comma a new paragraph is likelier)
TAG_TURN_WORDS = {",": 12, "!": 15}
# a sentence's end, not an honorific's full stop ('said Mr. Bennet.')
_SENTENCE_END = re.compile(
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.!?\u2026][\"\u201d\u2019')\]]*\s+"
)


def turn_layout(text: str, paragraphs: list[tuple[int, int]], quotes: list) -> list[tuple[int, int]]:
    """Paragraphs for turn-taking where the text's own were lost and guessed from its sentences.

    Why: where a line is followed by a sentence that tags it and then by another line, whether the
    next line opens a new paragraph (someone else speaks) or goes on in the same one depends on how
    the tagged line ends and how long its tag runs. In the published novels of the Standard Ebooks
    corpus, a line after '"...?" asked Holmes.' opens a new paragraph 84% of the times, after
    '"...," he said.' 31% (half the times after a tag of nine to twelve words, 60% past that), after
    '"...!" exclaimed Miss Pinkerton, in the largest capitals.' 33%; a guess by the tag's length
    alone gets the questions and the longer tags wrong. Paragraphs are split or joined there to agree.
    """
    cuts: set[int] = set()
    joins: set[int] = set()  # paragraph indices joined to the paragraph after
    for qa, qb in zip(quotes, quotes[1:], strict=False):
        if qb.start <= qa.end or qb.paragraph - qa.last_paragraph > 1:
            continue
        between = text[qa.end : qb.start]
        ends = list(_SENTENCE_END.finditer(between))
        if not ends or between[ends[-1].end() :].strip():
            continue  # narration leading into the next line ('He said: "...'): not a tag's sentence
        words = _WORDS.findall(between)
        if not words or len(ends) > 1 and ends[0].end() < ends[-1].start():
            continue
        if not any(w.lower() in SPEECH_VERBS for w in words[:3]):
            continue
        inner = text[qa.content_start : qa.content_end].rstrip()
        punct = inner[-1:] if inner else ""
        # a question, or a line that ended before its tag, is answered; a long tag ends a paragraph
        new = len(words) > TAG_TURN_WORDS.get(punct, -1)
        asked_on = text[qb.content_start : qb.content_end].rstrip()[-1:] == "?"
        if punct == "?" and asked_on and len(words) <= 8:
            new = False  # '"What?" he asked. "Why?"': a second question is as often the asker's own
        if new and qa.last_paragraph == qb.paragraph:
            cuts.add(qa.end + ends[-1].end())
        elif not new and qb.paragraph == qa.last_paragraph + 1:
            joins.add(qa.last_paragraph)
    if not cuts and not joins:
        return paragraphs
    out: list[tuple[int, int]] = []
    for pi, (ps, pe) in enumerate(paragraphs):
        if pi - 1 in joins and out:
            ps = out.pop()[0]
        s = ps
        for c in sorted(x for x in cuts if ps < x < pe):
            e = c
            while e > s and text[e - 1].isspace():
                e -= 1
            out.append((s, e))
            s = c
        out.append((s, pe))
    return out
