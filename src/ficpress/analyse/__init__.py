"""Analyse: `Work` -> `Work.analysis` (characters, quotes, speakers, POV, network, arc).

Public API: `analyse(work) -> dict` (also stored on `work.analysis`).

The people half (quotations, characters and their aliases, speakers and
addressees) is computed here from the restored text and structure's paragraphs:
ordered sieves decide each line's speaker, then a small learned ranker
(`ranker.py`, weights trained on LitBank and shipped as JSON) may overturn the
weakly decided ones;
the story half (scenes, POV, network, arc, counts) is merged in from
`ficpress.analyse.story`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from typing import Any

from ficpress.analyse import characters as ch
from ficpress.analyse import quotes as qt
from ficpress.analyse import ranker as rk
from ficpress.analyse import speakers as sp
from ficpress.model import Work

__all__ = ["analyse", "people"]

VERSION = 1
MIN_MENTIONS = 2


def analyse(work: Work) -> dict[str, Any]:
    """Run the people analysis, then the story summary, and store the result on the work."""
    from ficpress.analyse.story import summarise

    result = people(work.text, work.blocks)
    result.update(summarise(work, result["characters"], result["quotes"], result["mentions"]))
    work.analysis = result
    return result


def people(
    text: str,
    blocks: list | None = None,
    paragraphs: list[tuple[int, int]] | None = None,
    *,
    ranker_weights: dict[str, float] | None = None,
    candidates_out: list | None = None,
    guessed: bool = False,
) -> dict[str, Any]:
    """Quotes, characters, mentions and attributions for one text (no Work needed, for benchmarks).

    `ranker_weights`: None uses the shipped speaker ranker, {} keeps the sieves' choices alone (the
    benchmark prints both). `candidates_out`, when given, receives each quotation's candidates and
    their cue values (with output character ids), which is what the ranker is trained on.
    `guessed`: the paragraphs were guessed from sentences (the text's own were lost); quotations are
    found in them as given, then turns are read from `speakers.turn_layout`'s paragraphs.
    """
    paras = paragraphs if paragraphs is not None else qt.paragraphs_of(text, blocks)
    found = qt.detect(text, paras)
    if guessed:
        paras = _relayout(found, paras, sp.turn_layout(text, paras, [q for q in found if q.kind == "speech"]))
    breaks = _breaks(text, paras, blocks)
    speech = [q for q in found if q.kind == "speech"]
    spoken = [q for q in found if q.kind in ("speech", "thought")]
    idx = ch.TextIndex(text, paras, [(q.start, q.end) for q in spoken])
    mentions = ch.find_mentions(text, idx)
    chars = ch.cluster(mentions, text)
    ch.person_scores(chars, text)
    ch.assign_gender(chars, text, idx)
    chars = _keep_people(chars, text)
    chars.extend(_tagged_names(text, chars, idx))
    chars.extend(_unnamed_speakers(text, chars, idx))
    chars.extend(_kin_addressed(text, speech, chars))
    narrator = _narrator(text, idx)
    if narrator is not None:
        chars.append(narrator)

    def decide(chars: list[ch.Character]) -> tuple[list[sp.Ref], sp.Resolver, list[sp.Attribution]]:
        refs = _refs(chars)
        _epithets(text, chars, refs, idx)
        fresh = frozenset(
            m.start
            for c in chars
            if c.name.startswith(("a ", "an ", "another ", "one of "))
            for m in c.mentions
        )
        refs += _subject_pronouns(text, refs, [c.gender for c in chars], idx, paras, breaks, fresh)
        res = sp.Resolver(refs, [c.gender for c in chars], _index_of(chars, narrator), _likely_people(chars))
        return refs, res, sp.attribute(text, paras, speech, res, breaks)

    refs, res, atts = decide(chars)
    # nicknames the story teaches: a term of address used for one person, line after line
    if _learn_vocatives(text, speech, atts, chars):
        chars = [c for c in chars if c.mentions]
        refs, res, atts = decide(chars)
    table = rk.candidates(text, paras, speech, atts, res, breaks)
    rk.rerank(speech, atts, table, rk.weights() if ranker_weights is None else ranker_weights)
    return _output(text, chars, speech, atts, refs, table, candidates_out)


def _relayout(found: list, old: list[tuple[int, int]], new: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Point each quotation at the paragraphs of the new layout that hold its start and its end."""
    if new is old:
        return old
    starts = [p[0] for p in new]
    for q in found:
        q.paragraph = max(0, bisect.bisect_right(starts, q.start) - 1)
        q.last_paragraph = max(q.paragraph, bisect.bisect_right(starts, max(q.start, q.end - 1)) - 1)
    return new


def _breaks(text: str, paras: list[tuple[int, int]], blocks: list | None) -> set[int]:
    """Paragraph indices that start a new scene (a break block or a blank-line gap before them)."""
    out: set[int] = set()
    starts = [p[0] for p in paras]
    if blocks:
        for b in blocks:
            if b.kind in ("scene_break", "heading", "end_marker"):
                out.add(bisect.bisect_left(starts, b.end))
    for i in range(1, len(paras)):
        gap = text[paras[i - 1][1] : paras[i][0]]
        if gap.count("\n") >= 2:
            out.add(i)
    return out


_SUBJ_PRON = re.compile(r"\b(He|She)\b")
# 'and she became crosser still when she saw ...': a he/she opening a clause is its subject too
_CLAUSE_PRON = re.compile(
    r"(?:[,;:]\s+|\b(?:and|but|when|then|as|while|till|until|so|because|if|after|before)\s+)(he|she)\b"
)


def _subject_pronouns(
    text: str,
    refs: list[sp.Ref],
    genders: list[str | None],
    idx: ch.TextIndex,
    paras: list[tuple[int, int]],
    breaks: set[int],
    fresh: frozenset[int] = frozenset(),
) -> list[sp.Ref]:
    """'She went to the fire.': a sentence-initial he/she in the narration continues the last subject
    of that gender, so later tags can follow the chain; so does one opening a clause ('..., and she
    saw that the servant was not her Ayah'), which keeps the subject salient over the people the
    clause names after it."""
    events: list[tuple[int, int, int, str]] = []  # (pos, end, char or -1, gender or pronoun)
    for r in refs:
        if not r.in_quote and r.kind != "pronoun" and genders[r.char] in ("male", "female"):
            # 'a bed in which a woman was lying. It was his mother. She stretched out her arms': someone
            # new, brought in with an indefinite article, is whom the next he or she follows, even mid-sentence
            lead = r.initial or r.start in fresh
            events.append((r.start, r.end, r.char, "init" if lead else "mid"))
    for m in _SUBJ_PRON.finditer(text):
        s = m.start()
        if idx.in_quote(s) >= 0:
            continue
        pi = idx.paragraph_of(s)
        if ch._is_initial(text, s, paras[pi][0] if paras else 0):
            events.append((s, m.end(), -1, "male" if m.group(1) == "He" else "female"))
    for m in _CLAUSE_PRON.finditer(text):
        s = m.start(1)
        if idx.in_quote(s) >= 0:
            continue
        events.append((s, m.end(1), -1, "male" if m.group(1) == "he" else "female"))
    events.sort()
    focus: dict[str, int] = {}
    last_par = -1
    out = []
    for s, e, c, what in events:
        pi = idx.paragraph_of(s)
        if pi != last_par:
            if any(b in breaks for b in range(last_par + 1, pi + 1)):
                focus.clear()
            last_par = pi
        if c >= 0:
            g = genders[c]
            if what == "init" or g not in focus:
                focus[g] = c  # type: ignore[index]
            continue
        target = focus.get(what)
        if target is not None:
            out.append(sp.Ref(s, e, target, "pronoun", False, True))
    return out


def _likely_people(chars: list[ch.Character]) -> list[bool]:
    """Names that read as people: a gender, person evidence, or an unnamed speaker's description."""
    return [c.gender is not None or c.person_score >= 2 or c.name[:1].islower() for c in chars]


def _index_of(chars: list[ch.Character], c: ch.Character | None) -> int | None:
    if c is None:
        return None
    for i, x in enumerate(chars):
        if x is c:
            return i
    return None


def _narrator(text: str, idx: ch.TextIndex) -> ch.Character | None:
    """A first-person narrator: 'I' in the narration, outside every quotation."""
    ms = []
    for m in re.finditer(r"\b(?:I|me|my|myself)\b", text):
        if idx.in_quote(m.start()) < 0:
            ms.append(ch.Mention(m.start(), m.end(), m.group(), (m.group(),), kind="pronoun"))
    n_i = sum(1 for m in ms if m.text == "I")
    all_i = len(re.findall(r"\bI\b", text))
    if n_i < 5 or n_i < 0.35 * all_i:
        return None
    c = ch.Character(name="I (narrator)", mentions=ms)
    c.person_score = 10
    return c


_TAG_VERBS = "|".join(
    sorted(
        (v for v in sp.SPEECH_VERBS if v.endswith("ed") or v in ("said", "cried", "told", "spoke")), key=len
    )[::-1]
)
_DET = r"(?:the|a|an|another|one of the|his|her|my|our|their|your)"
_UNNAMED = re.compile(
    r"[,.!?\u2014\u2026-][\"\u201d\u2019']\s+(?:(?:"
    + _TAG_VERBS
    + r")\s+("
    + _DET
    + r"\s+(?:[A-Za-z-]+(?:['\u2019]s)?,?\s+){0,3}[A-Za-z-]+)"
    r"|("
    + _DET
    + r"\s+(?:[A-Za-z-]+(?:['\u2019]s)?,?\s+){0,2}?[A-Za-z-]+)\s+(?:had\s+)?(?:[a-z]+ly\s+)?(?:"
    + _TAG_VERBS
    + r"))\b"
)
_BARE = r"(?:one|another|somebody(?: else)?|someone(?: else)?|a third|a fourth)"
_BARE_SPEAKER = re.compile(
    r"[,.!?\u2014\u2026-][\"\u201d\u2019']\s+(?:(?:"
    + _TAG_VERBS
    + r")\s+("
    + _BARE
    + r")(?=[,.;!?:]|\s+[\"\u201c\u2018])|("
    + _BARE.replace("(?:one|", "(?:")
    + r")\s+(?:"
    + _TAG_VERBS
    + r")\b)"
)
_PERSON_NOUNS = (
    "man|woman|boy|girl|lady|gentleman|doctor|nurse|mother|father|uncle|aunt|sister|brother|wife|husband|"
    "servant|maid|master|mistress|captain|officer|clerk|stranger|child|visitor|guide|landlady|landlord|king|"
    "queen|prince|princess|soldier|driver|waiter|porter|priest|parson|colonel|major|judge|teacher|stranger|"
    "youth|lad|fellow|urchin|footman|coachman|waggoner|keeper|gatekeeper|innkeeper|shopkeeper|farmer|sailor|"
    "sergeant|corporal|private|lieutenant|general|governess|housekeeper|cook|butler|surgeon|physician|lawyer|"
    "gentlewoman|matron|widow|girl|grandmother|grandfather|cousin|niece|nephew|son|daughter|host|hostess|"
    "newcomer|traveller|traveler|passenger|peasant|beggar|boatman|fisherman|workman|labourer|laborer|"
    "constable|policeman|inspector|detective|guard|sentry|jailer|gaoler|warder|clergyman|minister|curate|"
    "vicar|bishop|monk|nun|friar|abbot|magistrate|merchant|pedlar|peddler|tailor|smith|miller|baker"
)
_PERSON_SUBJECT = re.compile(
    r"\b((?:The|His|Her|My|Their|Our|A|An)\s+(?:[a-z]+(?:-[a-z]+)?,?\s+){0,2}?"
    r"(?:" + _PERSON_NOUNS + r"))\s+([a-z]+)\b"
)
_HEARD_PERSON = re.compile(
    r"\bhear(?:d)?\s+((?:one|a|an|some)\s+(?:[a-z]+\s+){0,2}?(?:"
    + _PERSON_NOUNS
    + r"))\s+(?:"
    + "|".join(sorted(sp.HEARD_VERBS))
    + r")\b"
)
_INDEFINITE_PERSON = re.compile(
    r"\b((?:[Aa]|[Aa]n)\s+(?:[a-z]+(?:-[a-z]+)?,?\s+){0,2}?(?:man|woman|gentleman|lady|boy|girl|wife))\b"
)
_OBJECT_STARTS = frozenset(["the", "his", "her", "their", "him", "them", "it", "up", "down", "out", "back"])
_PHRASE_STOP = {
    "with",
    "to",
    "in",
    "at",
    "as",
    "and",
    "who",
    "from",
    "on",
    "of",
    "for",
    "but",
    "then",
    "when",
    "while",
    "after",
    "before",
    "into",
    "by",
    "without",
    "again",
    "presently",
    "once",
    "now",
    "still",
    "that",
}
_NOUN_GENDER = {
    "man": "male",
    "boy": "male",
    "gentleman": "male",
    "father": "male",
    "son": "male",
    "lad": "male",
    "woman": "female",
    "girl": "female",
    "lady": "female",
    "mother": "female",
    "daughter": "female",
    "aunt": "female",
    "uncle": "male",
    "sister": "female",
    "brother": "male",
    "wife": "female",
    "husband": "male",
    "king": "male",
    "queen": "female",
    "child": None,
    **dict.fromkeys(
        [
            "parson",
            "priest",
            "monk",
            "friar",
            "abbot",
            "bishop",
            "vicar",
            "curate",
            "clergyman",
            "king",
            "prince",
            "footman",
            "butler",
            "coachman",
            "waggoner",
            "landlord",
            "nephew",
            "grandfather",
            "lad",
            "youth",
            "fellow",
            "sailor",
            "gentleman",
            "squire",
            "sir",
        ],
        "male",
    ),
    **dict.fromkeys(
        [
            "landlady",
            "hostess",
            "governess",
            "housekeeper",
            "maid",
            "nun",
            "widow",
            "matron",
            "niece",
            "grandmother",
            "mistress",
            "princess",
            "gentlewoman",
            "lass",
        ],
        "female",
    ),
}
_PERSON_NOUN_SET = frozenset(_PERSON_NOUNS.split("|")) | frozenset(_NOUN_GENDER)


_TAG_NAME = re.compile(
    r"[,.!?\u2014\u2026-][\"\u201d\u2019']\s+(?:(?:"
    + _TAG_VERBS
    + r")\s+([A-Z][a-z]+)\b(?![ .]*[A-Z])|([A-Z][a-z]+)\s+(?:"
    + _TAG_VERBS
    + r")\b)"
)


_KIN = {
    "papa": ("father", "male"),
    "father": ("father", "male"),
    "dad": ("father", "male"),
    "daddy": ("father", "male"),
    "pa": ("father", "male"),
    "mamma": ("mother", "female"),
    "mama": ("mother", "female"),
    "mother": ("mother", "female"),
    "mum": ("mother", "female"),
    "mom": ("mother", "female"),
    "mummy": ("mother", "female"),
    "ma": ("mother", "female"),
    "uncle": ("uncle", "male"),
    "aunt": ("aunt", "female"),
    "auntie": ("aunt", "female"),
    "grandpa": ("grandfather", "male"),
    "grandfather": ("grandfather", "male"),
    "grandma": ("grandmother", "female"),
    "granny": ("grandmother", "female"),
    "grandmother": ("grandmother", "female"),
}
_KIN_VOC = re.compile(
    r"(?:^|[,;.!?]\s+|\b(?:[Oo]h|[Dd]ear|[Mm]y dear)\s+)(" + "|".join(_KIN) + r")(?=\s*[,;.!?\u2014\u2026])",
    re.I,
)


def _kin_addressed(text: str, speech: list, chars: list[ch.Character]) -> list[ch.Character]:
    """'I can not agree with you, papa': a parent, aunt or uncle addressed by kinship, whom the
    excerpt may never name, is someone who answers; one person per kinship in the story."""
    known = {m.start for c in chars for m in c.mentions}
    names = {c.name.lower() for c in chars} | {a.lower() for c in chars for a in c.aliases}
    found: dict[str, ch.Character] = {}
    for c in chars:  # "said my mother" in the narration: the one addressed as "mother" is her
        w = c.name.split()
        if len(w) == 2 and w[0] in ("my", "her", "his", "our", "their") and w[1] in _KIN and c.mentions:
            kin = _KIN[w[1]][0]
            if kin not in found or len(c.mentions) > len(found[kin].mentions):
                found[kin] = c
    new = set()
    for q in speech:
        inner = text[q.content_start : q.content_end]
        for m in _KIN_VOC.finditer(inner):
            word = m.group(1)
            s = q.content_start + m.start(1)
            if s in known or word.lower() in names:
                continue
            kin, gender = _KIN[word.lower()]
            c = found.get(kin)
            if c is None:
                c = found[kin] = ch.Character(name=word.lower())
                c.gender = gender
                c.person_score = 1
                new.add(kin)
            c.mentions.append(ch.Mention(s, s + len(word), word, (word,), kind="epithet", in_quote=True))
    for c in found.values():
        c.mentions.sort(key=lambda m: m.start)
    return [found[k] for k in new]


def _tagged_names(text: str, chars: list[ch.Character], idx: ch.TextIndex) -> list[ch.Character]:
    """'said Good', 'Pip replied': a capitalised word in a speech tag names a speaker, even one that
    reads as a common word, so the name finder passed it over; every capitalised use of it in the
    narration is then a mention."""
    known = {m.start for c in chars for m in c.mentions}
    names = {w for c in chars for w in (c.name, *c.aliases)}
    hits: Counter[str] = Counter()
    for m in _TAG_NAME.finditer(text):
        g = 1 if m.group(1) else 2
        word = m.group(g)
        if m.start(g) in known or word in names or word.lower() in ch.STOP or word.lower() in ch.HONORIFICS:
            continue
        hits[word] += 1
    out = []
    for word in hits:
        c = ch.Character(name=word)
        for m in re.finditer(rf"\b{re.escape(word)}\b", text):
            if idx.in_quote(m.start()) >= 0 or m.start() in known:
                continue
            pi = idx.paragraph_of(m.start())
            initial = ch._is_initial(text, m.start(), idx.paragraphs[pi][0] if idx.paragraphs else 0)
            c.mentions.append(ch.Mention(m.start(), m.end(), word, (word,), initial=initial))
        if c.mentions:
            c.person_score = 2
            out.append(c)
    if out:
        ch.assign_gender(out, text, idx)
    return out


def _unnamed_speakers(text: str, chars: list[ch.Character], idx: ch.TextIndex) -> list[ch.Character]:
    """'said the man', 'the old woman cried': people the story never names, who still speak."""
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in _UNNAMED.finditer(text):
        g = 1 if m.group(1) else 2
        phrase = m.group(g).replace(",", "")
        words = phrase.split()
        lead = 3 if phrase.startswith("one of the ") else 1  # "said one of the colts"
        for k, w in enumerate(words[lead:], start=lead):  # "the old man quietly" -> "the old man"
            if w in _PHRASE_STOP or w.endswith("ly") and k > 1:
                words = words[:k]
                break
        for k, w in enumerate(words[1:], start=1):  # "the girl, her lips tense" -> "the girl"
            if w.lower() in _PERSON_NOUN_SET:
                words = words[: k + 1]
                break
        if len(words) < 2:
            continue
        phrase = " ".join(words)
        if words[-1] == "voice" and text.startswith(" of ", m.start(g) + len(phrase)):
            continue  # "cried the voice of John Reed": the voice is his
        if words[-1] in ("and", "as", "with", "to", "in", "of", "that", "who") or len(words[-1]) < 3:
            continue
        if words[-1].lower() in ch.EPITHETS and any("the " + words[-1].lower() in c.aliases for c in chars):
            continue
        if words[-1][0].isupper() and any(words[-1] in (c.name, *c.aliases) for c in chars):
            continue  # "said the Slayer": a title the story already gives to someone
        key = phrase.lower()
        if key.startswith(("a ", "an ", "another ")):
            # "said a man" twice is two men: each indefinite speaker is someone new
            key = f"{key}#{m.start(g)}"
        found[key].append((m.start(g), m.start(g) + len(phrase)))
    # "said one.", "said another.", "somebody else inquired": someone new each time, whom the story
    # never describes further
    for m in _BARE_SPEAKER.finditer(text):
        g = 1 if m.group(1) else 2
        phrase = m.group(g)
        found[f"{phrase.lower()}#{m.start(g)}"].append((m.start(g), m.end(g)))
    # "'...,' I heard one small urchin grumbling": someone new, heard rather than said to speak
    for m in _HEARD_PERSON.finditer(text):
        if idx.in_quote(m.start()) >= 0:
            continue
        phrase = re.sub(r"[,\s]+", " ", m.group(1).lower())
        found[f"{phrase}#{m.start(1)}"].append((m.start(1), m.start(1) + len(m.group(1))))
    # "The doctor came forward.": an unnamed person acting as the subject, a referent for he and she
    for m in _PERSON_SUBJECT.finditer(text):
        if idx.in_quote(m.start()) >= 0:
            continue
        pi = idx.paragraph_of(m.start())
        initial = ch._is_initial(text, m.start(), idx.paragraphs[pi][0] if idx.paragraphs else 0)
        if not initial:
            continue
        verb = m.group(2)
        nxt = re.match(r"\s+([a-z]+)", text[m.end() : m.end() + 20])
        # "The doctor shut the door.": a verb with its object after it, whatever its tense
        transitive = bool(nxt) and nxt.group(1) in _OBJECT_STARTS
        if not (verb.endswith("ed") or verb in ch._SUBJECT_VERBS or verb in sp.SPEECH_VERBS or transitive):
            continue
        phrase = re.sub(r"[,\s]+", " ", m.group(1).lower())
        if any(phrase == c.name.lower() or phrase in c.aliases for c in chars):
            continue
        key = f"{phrase}#{m.start(1)}" if phrase.startswith(("a ", "an ")) else phrase
        found[key].append((m.start(1), m.end(1)))
    # "a man behind her", "A man's voice beside her made her start": someone new, whom the next "he" may be
    taken = {s for v in found.values() for s, _e in v}
    for m in _INDEFINITE_PERSON.finditer(text):
        if idx.in_quote(m.start()) >= 0 or m.start(1) in taken:
            continue
        phrase = re.sub(r"[,\s]+", " ", m.group(1).lower())
        if _NOUN_GENDER.get(phrase.split()[-1]) is None:
            continue
        found[f"{phrase}#{m.start(1)}"].append((m.start(1), m.end(1)))
    out = []
    for key, spans in found.items():
        phrase = key.partition("#")[0]
        c = ch.Character(name=phrase)
        head = phrase.split()[-1]
        c.gender = _NOUN_GENDER.get(head) or ch.EPITHETS.get(head)
        for s, e in spans:
            c.mentions.append(ch.Mention(s, e, phrase, tuple(phrase.split()), kind="epithet"))
        c.person_score = 1
        out.append(c)
    # the same "the ..." phrase elsewhere in the narration points at the same person: one pass
    # ("said one", "somebody exclaimed": someone new each time, not every "one" in the narration)
    by_phrase = {
        c.name: c
        for key, c in zip(found, out, strict=True)
        if "#" not in key and not c.name.startswith(("a ", "an ", "another ", "one of "))
    }
    if by_phrase:
        seen = {m.start for c in out for m in c.mentions}
        pat = re.compile(
            r"\b(" + "|".join(re.escape(p) for p in sorted(by_phrase, key=len, reverse=True)) + r")\b", re.I
        )
        for m in pat.finditer(text):
            if m.start() in seen or idx.in_quote(m.start()) >= 0:
                continue
            if text.startswith(("'s", "\u2019s"), m.end()):
                continue  # "the child's nurse": the nurse, not the child
            phrase = m.group(1).lower()
            c = by_phrase.get(phrase)
            if c is not None:
                c.mentions.append(
                    ch.Mention(m.start(), m.end(), phrase, tuple(phrase.split()), kind="epithet")
                )
    for c in out:
        c.mentions.sort(key=lambda m: m.start)
    unknown = [c for c in out if c.gender is None]
    if unknown:
        ch.assign_gender(unknown, text, idx)  # "the parson ... He": the pronouns that follow tell
    return out


def _keep_people(chars: list[ch.Character], text: str) -> list[ch.Character]:
    kept = []
    for c in chars:
        n = len(c.mentions)
        if c.person_score <= 0 and not (n >= 3 and c.person_score > -1 and c.gender):
            continue
        if n < MIN_MENTIONS and c.person_score < 1.5:
            continue
        kept.append(c)
    kept.sort(key=lambda c: -len(c.mentions))
    for i, c in enumerate(kept):
        c.id = f"c{i + 1}"
    return kept


def _refs(chars: list[ch.Character]) -> list[sp.Ref]:
    refs = []
    for i, c in enumerate(chars):
        for m in c.mentions:
            refs.append(sp.Ref(m.start, m.end, i, m.kind, m.in_quote, m.initial))
    return refs


# epithets distinctive enough to stand for one person; "the girl" or "the man" are not
_VOTED_EPITHETS = (
    "redhead",
    "red-head",
    "blonde",
    "blond",
    "brunette",
    "brunet",
    "vampire",
    "witch",
    "slayer",
    "watcher",
)
_EPI = re.compile(
    r"\b[Tt]he\s+(?:(?:sleeping|young|little|older|younger|old|small|tall|blond|blonde|other|"
    r"[a-z]+-haired|[a-z]+ed)\s+)?(" + "|".join(sorted(ch.EPITHETS, key=len, reverse=True)) + r")\b"
)


def _epithets(text: str, chars: list[ch.Character], refs: list[sp.Ref], idx: ch.TextIndex) -> None:
    """'the redhead', 'the vampire': give each epithet to the person it keeps pointing at."""
    if not chars:
        return
    refs.sort(key=lambda r: r.start)
    starts = [r.start for r in refs]
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    occ: dict[str, list[tuple[int, int]]] = defaultdict(list)
    genders = [c.gender for c in chars]
    names_lower = {c.name.lower() for c in chars}
    for m in _EPI.finditer(text):
        word = m.group(1).lower()
        if "the " + word in names_lower:
            continue
        s, e = m.start(), m.end()
        if idx.in_quote(s) >= 0:
            continue
        sent_start = max(text.rfind(". ", 0, s), text.rfind("\n", 0, s)) + 1
        first = bisect.bisect_left(starts, sent_start)
        in_sentence = {r.char for r in refs[first : bisect.bisect_left(starts, s)]}
        k = first - 1
        g = ch.EPITHETS.get(word)
        while k >= 0 and refs[k].start > s - 1500:
            r = refs[k]
            k -= 1
            if r.char in in_sentence or r.in_quote:
                continue
            if g is not None and genders[r.char] not in (g, None):
                continue
            votes[word][r.char] += 1
            break
        occ[word].append((s, e))
    for word, v in votes.items():
        total = sum(v.values())
        best, n = v.most_common(1)[0]
        if n >= 2 and n / total >= 0.5 and len(occ[word]) >= 2:
            c = chars[best]
            label = "the " + word
            for s, e in occ[word]:
                refs.append(sp.Ref(s, e, best, "epithet", False))
            if word not in _VOTED_EPITHETS:
                continue  # "the girl" may point at her here, but it is no name of hers
            c.add_alias(
                label, "epithet-turn-taking", occ[word][0][0], occ[word][0][1], ch._ctx(text, occ[word][0])
            )
            c.aliases[label]["count"] = len(occ[word])
            c.aliases[label]["evidence"][-1]["votes"] = f"{n}/{total}"
    refs.sort(key=lambda r: r.start)


def _learn_vocatives(text: str, speech: list, atts: list[sp.Attribution], chars: list[ch.Character]) -> bool:
    """A vocative used for the same addressee again and again is that person's nickname."""
    tally: dict[str, Counter[int]] = defaultdict(Counter)
    where: dict[str, list[tuple[int, int]]] = defaultdict(list)
    clear: set[str] = set()
    for qi, a in enumerate(atts):
        if not a.vocatives:
            continue
        target = (
            a.addressees[0] if a.addressee_method in ("turn-taking", "beat-object") and a.addressees else None
        )
        if target is None and a.beat_object is not None and a.beat_object != a.speaker:
            target = a.beat_object
        if target is None:
            # the vocative itself set the addressee; look at the neighbours' speakers instead
            target = _other_party(speech, atts, qi, a)
        if target is None or target == a.speaker:
            continue
        for s, e, w in a.vocatives:
            tally[w][target] += 1
            where[w].append((s, e))
            q = speech[qi]
            at_edge = not re.search(r"\w", text[e : q.content_end]) or not re.search(
                r"\w", re.sub(r"(?i)\b(?:hey|hi|oh)\b", "", text[q.content_start : s])
            )
            if at_edge and (re.search(r"(?:^|,)\s*$", text[max(0, s - 3) : s]) or text[e : e + 1] == ","):
                clear.add(w)  # set off by a comma and opening or closing the line
    by_name = {}
    for i, c in enumerate(chars):
        for m in c.mentions:
            by_name.setdefault(m.text, i)
    changed = False
    for word, v in tally.items():
        total = sum(v.values())
        best, n = v.most_common(1)[0]
        lw = word.lower()
        src_i = by_name.get(word)
        # one clear use can do for a rare capitalised nickname that is nobody's given name
        single_ok = (
            n == 1
            and total == 1
            and word[0].isupper()
            and src_i is not None
            and len(chars[src_i].mentions) <= 6
            and chars[src_i].person_score < 5
            and word in clear
            and word.split()[0].lower() not in ch.given_names()
        )
        target = chars[best]
        short_form = (
            src_i is None
            and word[0].isupper()
            and any(
                ch.is_diminutive(word, p)
                for p in {m.parts[0] for m in target.mentions if m.parts and m.kind == "name"}
            )
        )
        if (n < 2 and not single_ok and not short_form) or n / total < 0.6:
            continue
        if src_i == best:
            continue
        # a term of address said to one person only: three uses, or two with no other addressee
        if word[0].islower() and (n < 2 or n < 3 and n != total or lw not in sp.VOCATIVE_WORDS):
            continue
        # "the Watcher" in the narration and "You're wrong Watcher." in a line: a title used as a name
        # (every use for the same person: a title is easily given to the wrong one)
        title = bool(re.search(rf"\b(?<![.!?]\s)the {re.escape(word)}\b", text)) and n >= 2 and n == total
        if (
            src_i is None
            and word[0].isupper()
            and not title
            and not any(ch.is_diminutive(word, p) for p in {m.parts[0] for m in target.mentions if m.parts})
        ):
            continue  # a capitalised word that names nobody joins only as a short form of their name
        if src_i is not None:
            src = chars[src_i]
            if not src.mentions:
                continue
            if src.gender is None and src.person_score < 2 and n != total:
                continue  # a title ("Watcher") joins a person only when every use points at them
            # never fold one established person into another
            if len(src.mentions) * 2 > len(target.mentions) or src.person_score > 8 + len(src.mentions):
                continue
            target.mentions.extend(src.mentions)
            for al, info in src.aliases.items():
                target.aliases.setdefault(al, info)
            src.mentions = []
            changed = True
        s, e = where[word][0]
        target.add_alias(word, "vocative-addressee", s, e, ch._ctx(text, (s, e)))
        target.aliases[word]["evidence"][-1]["votes"] = f"{n}/{total}"
        target.aliases[word]["count"] = max(target.aliases[word]["count"], n)
    return _fold_titles(chars, text) or changed


def _fold_titles(chars: list[ch.Character], text: str) -> bool:
    """'the Slayer' joins whoever 'Slayer' already belongs to."""
    changed = False
    for c in chars:
        if not c.mentions or not c.name.startswith("the ") or any(m.kind != "title" for m in c.mentions):
            continue
        bare = c.name[4:].lower()
        for d in chars:
            if d is c or not d.mentions:
                continue
            names = {d.name.lower()} | {a.lower() for a in d.aliases}
            if bare in names and len(d.mentions) > len(c.mentions):
                d.mentions.extend(c.mentions)
                m = c.mentions[0]
                d.add_alias(c.name, "title", m.start, m.end, ch._ctx(text, m))
                d.aliases[c.name]["count"] = len(c.mentions)
                c.mentions = []
                changed = True
                break
    return changed


def _other_party(speech: list, atts: list[sp.Attribution], i: int, a: sp.Attribution) -> int | None:
    q = speech[i]
    for j in (i - 1, i + 1):
        if (
            0 <= j < len(speech)
            and abs(speech[j].paragraph - q.paragraph) <= 2
            and speech[j].paragraph != q.paragraph
        ):
            s = atts[j].speaker
            if (
                s is not None
                and s != a.speaker
                and atts[j].method in ("explicit-tag", "pronoun-tag", "action-beat")
            ):
                return s
    return None


def _mention_kind(r: sp.Ref, text: str, chars: list[ch.Character]) -> str:
    """The contract's kinds: the character's own name, another name of theirs, a title, a pronoun."""
    if r.kind in ("pronoun", "title"):
        return r.kind
    words = text[r.start : r.end].split()
    own = set(chars[r.char].name.split())
    return (
        "name"
        if words and all(w.strip(".") in own or w.rstrip(".").lower() in ch.HONORIFICS for w in words)
        else "alias"
    )


def _output(
    text: str,
    chars: list[ch.Character],
    speech: list,
    atts: list[sp.Attribution],
    refs: list[sp.Ref],
    table: list | None = None,
    candidates_out: list | None = None,
) -> dict:
    # the people of the story: whoever speaks or is spoken to, or is named twice and reads as a person
    roles = {a.speaker for a in atts if a.speaker is not None} | {x for a in atts for x in a.addressees}
    # in a novel a name said once is a passing reference; in a short excerpt it may be a character
    min_mentions = 1 if text.count(" ") < 10_000 else 2
    keep = [
        i
        for i, c in enumerate(chars)
        if i in roles
        or (
            c.gender is not None
            and c.person_score > 0
            and not c.name.startswith(("the ", "a ", "an ", "another "))
            and len(c.mentions) >= min_mentions
        )
        or (c.person_score >= 2 and not c.name.startswith("the ") and len(c.mentions) >= 2)
    ]
    new_index = {old: k for k, old in enumerate(keep)}
    chars = [chars[i] for i in keep]
    refs = [
        sp.Ref(r.start, r.end, new_index[r.char], r.kind, r.in_quote) for r in refs if r.char in new_index
    ]
    for a in atts:
        a.speaker = new_index.get(a.speaker) if a.speaker is not None else None
        a.addressees = [new_index[x] for x in a.addressees if x in new_index]
    for i, c in enumerate(chars):
        c.id = f"c{i + 1}"
        counts = Counter(m.text for m in c.mentions)
        names = Counter(m.text for m in c.mentions if m.kind == "name" and not m.honorific)
        if names:
            # the story's usual name for them, in its fullest form ("Willow" -> "Willow Rosenberg")
            base = c.name if c.name in names else names.most_common(1)[0][0]
            if names[base] * 4 < max(names.values()):
                base = names.most_common(1)[0][0]
            fuller = [t for t in names if len(t.split()) > len(base.split()) and base in t.split()]
            c.name = max(fuller, key=lambda t: names[t]) if fuller else base
        for name, n in counts.items():
            if name != c.name:
                c.add_alias(name)
                c.aliases[name]["count"] = max(c.aliases[name]["count"], n)
    characters = [
        {
            "id": c.id,
            "name": c.name,
            "gender": c.gender,
            "aliases": [a for a in c.aliases.values() if a["name"] != c.name and a["count"] > 0],
            "mentions": len(c.mentions),
        }
        for c in chars
    ]
    ids = [c.id for c in chars]
    if candidates_out is not None and table is not None:
        for q, rows in zip(speech, table, strict=True):
            kept = [(ids[new_index[c]], f) for c, f in rows if c in new_index]
            candidates_out.append({"start": q.start, "end": q.end, "candidates": kept})
    mentions = [
        {
            "start": r.start,
            "end": r.end,
            "character": ids[r.char],
            "kind": _mention_kind(r, text, chars),
        }
        for r in sorted(refs, key=lambda r: r.start)
    ]
    quotes = []
    for q, a in zip(speech, atts, strict=True):
        quotes.append(
            {
                "start": q.start,
                "end": q.end,
                "speaker": ids[a.speaker] if a.speaker is not None else None,
                "addressees": [ids[x] for x in a.addressees],
                "confidence": round(a.confidence, 2),
                "method": a.method,
                "type": a.qtype,
                "paragraph": q.paragraph,
                "last_paragraph": q.last_paragraph,
                "closed": q.closed,
                "addressee_method": a.addressee_method,
            }
        )
    return {"version": VERSION, "characters": characters, "mentions": mentions, "quotes": quotes}
