"""The people of a story: name mentions, clustered into characters with their aliases.

Why rules over text statistics rather than a tagger: a story names its own
people. A capitalised word that the story also writes in lower case ("red
sweater" beside "Hey Red") is only a name where it is capitalised mid-sentence;
one that is always capitalised and sits where people sit (before "said", after
"Mr.", as a vocative) is a person. Aliases join a character by name parts
(Willow Rosenberg / Rosenberg), by a table of English diminutives (the
`nicknames` package, Apache-2.0) and by evidence the story gives, which is kept
so a reader can check each join.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from ficpress.analyse.lexicon import SPEECH_VERBS
from ficpress.analyse.speakers import PARTICLE_VERBS

TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f](?:[A-Za-z\u00c0-\u024f'\u2019\-]*[A-Za-z\u00c0-\u024f])?")

HONORIFICS = {
    "mr": "male",
    "mister": "male",
    "sir": "male",
    "lord": "male",
    "master": "male",
    "father": "male",
    "uncle": "male",
    "brother": "male",
    "king": "male",
    "prince": "male",
    "duke": "male",
    "count": "male",
    "mrs": "female",
    "miss": "female",
    "ms": "female",
    "madam": "female",
    "madame": "female",
    "mme": "female",
    "mlle": "female",
    "lady": "female",
    "aunt": "female",
    "mother": "female",
    "sister": "female",
    "queen": "female",
    "princess": "female",
    "duchess": "female",
    "countess": "female",
    "dr": None,
    "doctor": None,
    "professor": None,
    "captain": None,
    "colonel": None,
    "major": None,
    "general": None,
    "lieutenant": None,
    "sergeant": None,
    "judge": None,
    "saint": None,
    "st": None,
    "rev": None,
    "reverend": None,
}

# Capitalised words that are never a person's name on their own.
STOP = {
    w.strip()
    for w in [
        "i",
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "so",
        "yet",
        "if",
        "then",
        "when",
        "while",
        "where",
        "what",
        "who",
        "whom",
        "whose",
        "which",
        "why",
        "how",
        "he",
        "she",
        "it",
        "we",
        "they",
        "you",
        "me",
        "him",
        "her",
        "us",
        "them",
        "my",
        "his",
        "its",
        "our",
        "your",
        "their",
        "mine",
        "yours",
        "hers",
        "ours",
        "theirs",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "oh",
        "ah",
        "yes",
        "no",
        "not",
        "now",
        "well",
        "okay",
        "ok",
        "hey",
        "hi",
        "hello",
        "god",
        "gods",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "christmas",
        "easter",
        "english",
        "french",
        "german",
        "chapter",
        "part",
        "book",
        "volume",
        "end",
        "prologue",
        "epilogue",
        "tbc",
        "fin",
        "note",
        "a/n",
        "author",
        "disclaimer",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "first",
        "second",
        "third",
        "last",
        "after",
        "before",
        "at",
        "in",
        "on",
        "of",
        "to",
        "from",
        "by",
        "with",
        "without",
        "into",
        "onto",
        "about",
        "as",
        "all",
        "any",
        "some",
        "no",
        "every",
        "each",
        "did",
        "do",
        "does",
        "had",
        "has",
        "have",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "being",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "might",
        "must",
        "let",
        "lets",
        "please",
        "thank",
        "thanks",
        "sorry",
        "maybe",
        "perhaps",
        "just",
        "only",
        "even",
        "still",
        "yet",
        "also",
        "too",
        "very",
        "quite",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "uh",
        "um",
        "umm",
        "hmm",
        "hm",
        "huh",
        "nah",
        "yeah",
        "yep",
        "nope",
        "wow",
        "whoa",
        "plus",
        "ok",
        "okay",
        "alright",
        "anyway",
        "bloody",
        "damn",
        "hell",
        "sodding",
        "shit",
        "fuck",
        "christ",
        "jesus",
        "lord",
    ]
}

# Epithets fan fiction and novels use for a known person; resolved by turn-taking votes.
EPITHETS = {
    "redhead": None,
    "red-head": None,
    "blonde": "female",
    "blond": "male",
    "brunette": "female",
    "vampire": None,
    "witch": "female",
    "slayer": "female",
    "watcher": "male",
    "demon": None,
    "girl": "female",
    "boy": "male",
    "woman": "female",
    "man": "male",
    "older man": "male",
    "younger man": "male",
    "older woman": "female",
    "younger woman": "female",
    "older girl": "female",
    "younger girl": "female",
    "teenager": None,
    "brunet": "male",
    "lad": "male",
    "lass": "female",
    "old man": "male",
    "old woman": "female",
    "old lady": "female",
    "old gentleman": "male",
    "gentleman": "male",
    "lady": "female",
    "stranger": None,
    "doctor": None,
    "captain": None,
}

_SUBJECT_VERBS = {
    "was",
    "had",
    "is",
    "has",
    "could",
    "would",
    "did",
    "sat",
    "stood",
    "looked",
    "felt",
    "knew",
    "saw",
    "went",
    "came",
    "took",
    "gave",
    "put",
    "ran",
    "got",
    "made",
    "turned",
    "smiled",
    "nodded",
    "sighed",
}

DIM_SUFFIXES = ("", "s", "ie", "y", "ey", "sie", "sy", "ster", "kins", "ers", "o")


@cache
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


@cache
def given_names() -> frozenset[str]:
    """English given names from the `nicknames` table (Apache-2.0)."""
    from importlib import resources

    names: set[str] = set()
    try:
        text = resources.files("nicknames").joinpath("names.csv").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - package always installed
        return frozenset()
    for line in text.splitlines()[1:]:
        parts = line.split(",")
        if len(parts) == 3:
            names.add(parts[0])
            names.add(parts[2])
    return frozenset(names)


@cache
def _census_first_names() -> dict[str, tuple[float, float]]:
    """First name -> (male %, female %) from the 1990 US Census lists the `names` package ships (MIT)."""
    from importlib import resources

    out: dict[str, list[float]] = {}
    for i, fname in enumerate(("dist.male.first", "dist.female.first")):
        try:
            text = resources.files("names").joinpath(fname).read_text("utf-8")
        except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - package always installed
            continue
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 2:
                out.setdefault(parts[0].lower(), [0.0, 0.0])[i] = float(parts[1])
    return {k: (v[0], v[1]) for k, v in out.items()}


def name_gender(first: str) -> str | None:
    """'female' for Mary, 'male' for John; None when the census lists do not clearly say."""
    m, f = _census_first_names().get(first.lower(), (0.0, 0.0))
    if m > 5 * f and m > 0:
        return "male"
    if f > 5 * m and f > 0:
        return "female"
    return None


@cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@dataclass
class Mention:
    start: int
    end: int
    text: str  # the name as written (without honorific or possessive)
    parts: tuple[str, ...]
    honorific: str = ""
    kind: str = "name"  # name | title | alias | vocative
    in_quote: bool = False
    initial: bool = False  # sentence-initial
    character: int = -1  # index of the cluster


@dataclass
class Character:
    name: str
    mentions: list[Mention] = field(default_factory=list)
    gender: str | None = None
    aliases: dict[str, dict] = field(default_factory=dict)  # alias text -> {"count", "evidence": []}
    person_score: float = 0.0
    id: str = ""

    def add_alias(self, alias: str, rule: str = "", start: int = 0, end: int = 0, context: str = "") -> None:
        a = self.aliases.setdefault(alias, {"name": alias, "count": 0, "evidence": []})
        if rule and len(a["evidence"]) < 5:
            a["evidence"].append({"rule": rule, "start": start, "end": end, "text": context})


class TextIndex:
    """Paragraphs, sentences and quote regions of one text, for fast lookups."""

    def __init__(self, text: str, paragraphs: list[tuple[int, int]], quote_spans: list[tuple[int, int]]):
        self.text = text
        self.paragraphs = paragraphs
        self.par_starts = [p[0] for p in paragraphs]
        self.q_starts = [q[0] for q in quote_spans]
        self.q_ends = [q[1] for q in quote_spans]

    def in_quote(self, pos: int) -> int:
        """Index of the quote containing pos, or -1."""
        i = bisect.bisect_right(self.q_starts, pos) - 1
        if i >= 0 and pos < self.q_ends[i]:
            return i
        return -1

    def paragraph_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.par_starts, pos) - 1)


_LEADS = ("The ", "Old ", "Young ", "Little ", "Poor ", "His ", "Her ", "My ", "Our ", "Their ")


def _is_initial(text: str, pos: int, par_start: int) -> bool:
    """Whether the name at pos starts its sentence (most often its subject): 'The Mem Sahib wrung her
    hands', 'Old Cotter looked at me' count, a leading article or epithet being part of the subject."""
    for lead in _LEADS:
        if pos - len(lead) >= par_start and text.startswith(lead, pos - len(lead)):
            pos -= len(lead)
            break
    j = pos - 1
    while j >= par_start and text[j] in " \t\"'\u201c\u201d\u2018\u2019*_([\u2014-":
        if text[j] in "\u2014-" and j - 1 >= par_start and text[j - 1] == " ":
            break
        j -= 1
    return j < par_start or text[j] in ".!?\u2026:;\n"


def find_mentions(text: str, idx: TextIndex) -> list[Mention]:
    """Capitalised name runs, with honorifics and 'the Title' forms, classified as names or not."""
    toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    # headings ("Jo Meets Apollyon", "Part 2") are title case, not people talking
    headings = [(s, e) for s, e in idx.paragraphs if _title_like(text[s:e])]
    if headings:
        hs = [h[0] for h in headings]

        def in_heading(pos: int) -> bool:
            i = bisect.bisect_right(hs, pos) - 1
            return i >= 0 and pos < headings[i][1]

        toks = [t for t in toks if not in_heading(t[0])]
    lower: Counter[str] = Counter()
    cap_mid: Counter[str] = Counter()
    cap_init: Counter[str] = Counter()
    initial_flags: list[bool] = []
    init_verb: Counter[str] = Counter()  # sentence-initial and followed by a verb: "Spike sighed."
    for ti, (s, _e, w) in enumerate(toks):
        if w[0].islower():
            lower[w] += 1
            initial_flags.append(False)
            continue
        pi = idx.paragraph_of(s)
        ini = _is_initial(text, s, idx.paragraphs[pi][0] if idx.paragraphs else 0)
        initial_flags.append(ini)
        base = _strip_poss(w)
        if ini:
            cap_init[base] += 1
            if ti + 1 < len(toks) and base == w:
                nxt = toks[ti + 1][2]
                if nxt in SPEECH_VERBS or nxt in _SUBJECT_VERBS or (nxt.endswith("ed") and nxt.islower()):
                    init_verb[base] += 1
        else:
            cap_mid[base] += 1

    names = given_names()

    def is_name_token(w: str, initial: bool) -> bool:
        if not w[0].isupper() or len(w) < 2:
            return False
        lw = w.lower()
        if lw in STOP or w.isupper() and len(w) > 1 and not (len(w) <= 3 and cap_mid[w] > 0):
            return False
        if lw in HONORIFICS:
            return False
        if re.search(r"['\u2019](?:m|ll|d|ve|re|t|s)$", lw) or lw.startswith(("i'", "i\u2019")):
            return False  # I'm, I'll, Don't: contractions, never names
        if lw not in names and _zipf(lw) >= 5.5:
            return False
        if lw.endswith("ly") and lw not in names and _zipf(lw) >= 3.0:
            return False  # "Scarcely had he done so": an adverb opening a sentence (Polly, Kelly are names)
        mid = cap_mid[w]
        low = lower[lw]
        if mid == 0:
            # only ever sentence-initial: a name only if the story never writes it in lower case
            # and it is a known given name, or a rare word that acts ("Spike sighed.")
            return low == 0 and (lw in names or (init_verb[w] >= 1 and _zipf(lw) < 4.3))
        if low == 0:
            return True
        if mid >= 2 and low <= 2 * mid:
            return True
        return lw in names and low <= 3 * mid

    # two capitalised words that recur together mid-text ("Little Bit", "Magic Box") name one thing
    pair_count: Counter[tuple[str, str]] = Counter()
    for a in range(len(toks) - 1):
        w1, w2 = toks[a][2], _strip_poss(toks[a + 1][2])
        if w1[0].isupper() and w2[0].isupper() and text[toks[a][1] : toks[a + 1][0]] == " ":
            if w1.lower() in STOP or w2.lower() in STOP or w1.lower() in HONORIFICS:
                continue
            if initial_flags[a] and (lower[w1.lower()] or _zipf(w1.lower()) >= 4.0):
                continue  # "Suddenly Tuppence", "Poor Jo": a sentence opener before a name
            pair_count[(w1, w2)] += 1
    phrases = {p for p, c in pair_count.items() if c >= 2}

    mentions: list[Mention] = []
    i = 0
    n = len(toks)
    while i < n:
        s, e, w = toks[i]
        if not w[0].isupper():
            i += 1
            continue
        lw = _strip_poss(w).lower().rstrip(".")
        hon = ""
        j = i
        # honorific: Mr. Darcy, Aunt Polly, Captain Hook
        if lw in HONORIFICS and i + 1 < n:
            s2, _e2, w2 = toks[i + 1]
            gap = text[e:s2]
            if gap in (" ", ". ") and w2[0].isupper() and _strip_poss(w2).lower() not in STOP:
                hon = lw
                j = i + 1
        run: list[tuple[int, int, str]] = []
        k = j
        while k < n:
            s3, e3, w3 = toks[k]
            base = _strip_poss(w3)
            ini = initial_flags[k]
            nxt = _strip_poss(toks[k + 1][2]) if k + 1 < n and base == w3 else ""
            in_phrase = (base, nxt) in phrases or bool(run) and (run[-1][2], base) in phrases
            if run and (base, nxt) in phrases and (run[-1][2], base) not in phrases:
                break  # "Red Li’l Bit": a name, then a two-word nickname
            ok = (
                is_name_token(base, ini)
                or in_phrase
                or (hon and k == j and base[0].isupper() and base.lower() not in STOP)
            )
            if not ok:
                break
            if run and text[run[-1][1] : s3] != " ":
                break
            run.append((s3, s3 + len(base), base))
            k += 1
            if base != w3:  # a possessive ends the name
                break
        if run:
            start = s if hon else run[0][0]
            parts = tuple(r[2] for r in run)
            m = Mention(
                start,
                run[-1][1],
                text[start : run[-1][1]] if hon else " ".join(parts),  # "Miss Rosenberg" as written
                parts,
                honorific=hon,
                initial=initial_flags[i],
                in_quote=idx.in_quote(start) >= 0,
            )
            # "the Slayer", "the Watcher": a capitalised title used as a name
            if not hon and len(parts) == 1 and text[max(0, start - 4) : start].lower() == "the ":
                m.kind = "title"
                m.text = "the " + parts[0]
                m.start = start - 4
            mentions.append(m)
            i = k if k > i else i + 1
        else:
            i += 1
    return mentions


def _title_like(line: str) -> bool:
    """A short line whose words are nearly all capitalised and that does not end a sentence."""
    words = re.findall(r"[A-Za-z][\w'\u2019]*", line)
    if not words or len(words) > 10 or re.search(r"[.!?\"\u201d]\s*$", line.strip()):
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 0.7 * len(words) and len(words) >= 2


def _strip_poss(w: str) -> str:
    for suf in ("'s", "\u2019s", "'", "\u2019"):
        if w.endswith(suf) and len(w) > len(suf) + 1:
            return w[: -len(suf)]
    return w


def _compatible(a: str, b: str) -> bool:
    """Two spellings of one name part: equal, a diminutive, or an elided form (Li’l, Little)."""
    if a == b:
        return True
    if any(c in a + b for c in "'\u2019") and a[:2].lower() == b[:2].lower():
        return True
    return is_diminutive(a, b) or is_diminutive(b, a)


@cache
def is_diminutive(alias: str, name: str) -> bool:
    """Dawnie of Dawn, Wills of Willow, Bill of William: a table entry or a clipped form."""
    a, n = alias.lower(), name.lower()
    if a == n:
        return False
    nn = _nicknamer()
    try:
        if a in nn.nicknames_of(n) or n in nn.nicknames_of(a) or a in nn.canonicals_of(n):
            return True
    except Exception:  # pragma: no cover - table lookups are plain dict reads
        pass
    for suf in DIM_SUFFIXES:
        if suf and not a.endswith(suf):
            continue
        stem = a[: len(a) - len(suf)] if suf else a
        if len(stem) >= 3 and n.startswith(stem) and len(stem) < len(n):
            return True
        if len(stem) >= 3 and stem == n and suf:
            return True
    return False


# one-part forms that name a married woman or an unmarried one: two different people of one family
_WIFE = {"mrs": "mrs", "mme": "mrs", "madame": "mrs", "miss": "miss", "mlle": "miss", "mister": "mr"}


def _first_name_used(c: Character, surname: str) -> bool:
    """The cluster's person goes by a first name of their own, alone, at least twice ('Mary')."""
    firsts = Counter(m.parts[0] for m in c.mentions if len(m.parts) == 1 and not m.honorific)
    return any(n >= 2 and p != surname for p, n in firsts.items())


def _first_names_say_other(parts: set[str], surname: str, gender: str) -> bool:
    """A cluster's other name parts are first names of the other gender only."""
    said = {name_gender(p) for p in parts if p != surname} - {None}
    return bool(said) and gender not in said


def cluster(mentions: list[Mention], text: str) -> list[Character]:
    """Group mentions into characters: full names first, then parts, honorifics and diminutives."""
    by_key: dict[tuple, list[Mention]] = defaultdict(list)
    for m in mentions:
        hclass = _WIFE.get(m.honorific, m.honorific) if len(m.parts) == 1 else ""
        key = (m.parts, HONORIFICS.get(m.honorific) if m.honorific else None, m.kind == "title", hclass)
        by_key[key].append(m)

    chars: list[Character] = []
    key_char: dict[tuple, int] = {}
    # longest, most frequent names found clusters first
    order = sorted(by_key, key=lambda k: (-len(k[0]), -len(by_key[k])))
    # Mr. and Mrs. Hilbery both in the story: the honorific forms name the parents, not Katharine Hilbery
    hon_genders: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.honorific and len(m.parts) == 1 and HONORIFICS.get(m.honorific):
            hon_genders[m.parts[0]].add(HONORIFICS[m.honorific])  # type: ignore[arg-type]
    part_index: dict[str, list[int]] = defaultdict(list)
    cluster_parts: dict[int, set[str]] = {}
    cluster_ends: dict[int, set[str]] = {}  # cluster -> first and last parts of its names
    hform_of: dict[int, set[tuple[str, str]]] = defaultdict(set)  # ("miss", "Pinkerton")
    hclass_of: dict[int, set[str]] = defaultdict(set)  # cluster -> the "Mrs."/"Miss" forms it holds
    for key in order:
        parts, hgender, is_title, hclass = key
        ms = by_key[key]
        target = -1
        family = len(parts) == 1 and bool(hgender) and len(hon_genders.get(parts[0], ())) >= 2
        if not is_title and not family:
            cands: Counter[int] = Counter()
            for p in parts:
                for ci in part_index.get(p, []):
                    c = chars[ci]
                    if hgender and c.gender and c.gender != hgender:
                        continue
                    if (
                        hgender
                        and len(parts) == 1
                        and _first_names_say_other(cluster_parts[ci], parts[0], hgender)
                    ):
                        continue  # "Mr. Woodhouse" is Emma Woodhouse's father, not Emma
                    if len(parts) >= 2 and not all(
                        any(_compatible(p, q) for q in cluster_parts[ci]) for p in parts
                    ):
                        continue  # Marilla Cuthbert is not Matthew Cuthbert; Li’l Bit is Little Bit
                    if len(parts) == 1 and p not in cluster_ends[ci] and len(ms) > len(c.mentions):
                        continue  # "Amory", said again and again, is not Beatrice Amory Blaine's middle name
                    if (
                        hclass
                        and hclass_of[ci]
                        and hclass not in hclass_of[ci]
                        and ({hclass} | hclass_of[ci]) & {"mrs", "miss"}
                    ):
                        continue  # Mrs. Sedley is not Miss Sedley, nor Dr Marjoribanks his daughter
                    if hclass == "mrs" and "mrs" not in hclass_of[ci] and _first_name_used(c, parts[0]):
                        continue  # Mrs. Lennox is not Mary Lennox, whom the story calls Mary
                    if hclass and any(h == hclass and q != p for h, q in hform_of[ci]):
                        continue  # Miss Jemima is Miss Pinkerton's sister
                    if (
                        len(parts) == 1
                        and not hclass
                        and all(_WIFE.get(m.honorific) in ("mrs", "miss") for m in c.mentions if p in m.parts)
                    ):
                        continue  # "Kronborg" alone is her husband, not Mrs. Kronborg
                    cands[ci] += len(c.mentions)
            if cands:
                target = cands.most_common(1)[0][0]
                # an ambiguous part (two characters share a surname): keep apart unless one dominates
                if len(parts) == 1 and len(cands) > 1:
                    (a, na), (_b, nb) = cands.most_common(2)
                    if na < 2 * nb:
                        target = a
        if target < 0:
            chars.append(Character(name=" ".join(parts) if not is_title else ms[0].text))
            target = len(chars) - 1
            if hgender:
                chars[target].gender = hgender
        c = chars[target]
        c.mentions.extend(ms)
        key_char[key] = target
        if hclass:
            hclass_of[target].add(hclass)
            hform_of[target].add((hclass, parts[0]))
        label = ms[0].text if is_title else " ".join(parts)
        if label != c.name:
            c.add_alias(
                label, "name-parts" if not is_title else "title", ms[0].start, ms[0].end, _ctx(text, ms[0])
            )
        if not is_title:
            cluster_parts.setdefault(target, set()).update(parts)
            cluster_ends.setdefault(target, set()).update((parts[0], parts[-1]))
            for p in parts:
                if target not in part_index[p]:
                    part_index[p].append(target)
    # diminutives: a one-word name that is a nickname of another character's first name
    firsts = sorted(
        (
            (i, c.mentions[0].parts[0])
            for i, c in enumerate(chars)
            if c.mentions and c.mentions[0].kind != "title"
        ),
        key=lambda t: -len(chars[t[0]].mentions),
    )
    # candidates share the first three letters (clipped forms) or are linked in the table
    by_prefix: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_first: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for j, first in firsts:
        by_prefix[first[:3].lower()].append((j, first))
        by_first[first.lower()].append((j, first))
    nn = _nicknamer()
    merged: dict[int, int] = {}
    for i, c in enumerate(chars):
        if not c.mentions or c.mentions[0].kind == "title" or len(c.mentions[0].parts) != 1:
            continue
        alias = c.mentions[0].parts[0]
        linked = set(nn.canonicals_of(alias.lower())) | set(nn.nicknames_of(alias.lower()))
        cands = list(by_prefix.get(alias[:3].lower(), []))
        for name in linked:
            cands.extend(by_first.get(name, []))
        order = {j: k for k, (j, _f) in enumerate(firsts)}
        cands.sort(key=lambda t: order[t[0]])
        for j, first in cands:
            if j == i or j in merged or i in merged:
                continue
            if is_diminutive(alias, first) and not _cooccur(chars[i], chars[j], text):
                if len(chars[j].mentions) >= len(c.mentions):
                    merged[i] = j
                    chars[j].add_alias(
                        alias, "diminutive", c.mentions[0].start, c.mentions[0].end, _ctx(text, c.mentions[0])
                    )
                elif not any(v == j for v in merged.values()):
                    # "Dru" said far more often than "Drusilla": the full name joins the short one
                    full = chars[j].mentions[0]
                    merged[j] = i
                    c.add_alias(chars[j].name, "diminutive", full.start, full.end, _ctx(text, full))
                break
    for i, j in merged.items():
        while j in merged:
            j = merged[j]
        chars[j].mentions.extend(chars[i].mentions)
        for a, info in chars[i].aliases.items():
            chars[j].aliases.setdefault(a, info)
        chars[i].mentions = []
    return [c for c in chars if c.mentions]


def _cooccur(a: Character, b: Character, text: str) -> bool:
    """True when the two names stand side by side as different people ("Dawn and Dawnie")."""
    starts = sorted(m.start for m in b.mentions)
    hits = 0
    for m in a.mentions:
        k = bisect.bisect_left(starts, m.start - 80)
        while k < len(starts) and starts[k] < m.end + 80:
            seg = text[min(m.start, starts[k]) : max(m.end, starts[k])]
            if "\n" not in seg and "." not in seg:
                hits += 1
            k += 1
    return hits >= 2


def _ctx(text: str, m: Mention | tuple[int, int], width: int = 50) -> str:
    s, e = (m.start, m.end) if isinstance(m, Mention) else m
    left = text[max(0, s - width) : s].split("\n")[-1]
    right = text[e : e + width].split("\n")[0]
    return f"{left}[{text[s:e]}]{right}"


def _acts(text: str, end: int) -> bool:
    """The name is followed by a verb: the subject of its clause ("when Holmes laughed, he ...")."""
    w = re.match(r"\s+([a-z]+)", text[end : end + 20])
    return bool(w) and (
        w.group(1) in _SUBJECT_VERBS or w.group(1) in SPEECH_VERBS or w.group(1).endswith("ed")
    )


def _tagged(text: str, start: int) -> bool:
    """The name follows a speech verb: '"...," said Philip, at last. He disengaged himself'."""
    prev = re.findall(r"[a-z]+", text[max(0, start - 16) : start])
    return bool(prev) and prev[-1] in SPEECH_VERBS


# the last word of a place's name: "Saffron Park", "Summer Street", "Sherwood Forest", "Windy Corner"
PLACE_WORDS = frozenset(
    [
        "street",
        "road",
        "lane",
        "avenue",
        "square",
        "park",
        "gardens",
        "terrace",
        "crescent",
        "row",
        "common",
        "heath",
        "moor",
        "downs",
        "hill",
        "hills",
        "heights",
        "valley",
        "vale",
        "forest",
        "wood",
        "woods",
        "river",
        "creek",
        "lake",
        "bay",
        "harbour",
        "harbor",
        "sea",
        "ocean",
        "island",
        "islands",
        "mountain",
        "mountains",
        "cliffs",
        "springs",
        "falls",
        "canyon",
        "desert",
        "fields",
        "field",
        "corner",
        "grange",
        "manor",
        "abbey",
        "castle",
        "palace",
        "tower",
        "towers",
        "church",
        "chapel",
        "cathedral",
        "station",
        "bridge",
        "gate",
        "barricade",
        "wharf",
        "docks",
        "embankment",
        "circus",
        "market",
        "hotel",
        "inn",
        "club",
        "college",
        "school",
        "university",
        "hospital",
        "prison",
        "museum",
        "theatre",
        "theater",
        "home",
        "county",
        "city",
        "town",
        "village",
    ]
)


def person_scores(chars: list[Character], text: str) -> None:
    """Evidence that a cluster is a person rather than a place or thing."""
    for c in chars:
        score = 0.0
        place = 0.0
        for m in c.mentions:
            if len(m.parts) >= 2 and m.parts[-1].lower() in PLACE_WORDS and not m.honorific:
                place += 3  # "Saffron Park lay on the sunset side of London": a place, whatever it does
            after = text[m.end : m.end + 30]
            before = text[max(0, m.start - 12) : m.start].lower()
            w = re.match(r"(?:'s|\u2019s)?\s+(\w+)(?:\s+(\w+))?", after)
            nxt = w.group(1).lower() if w else ""
            particle = (w.group(2) or "").lower() if w else ""
            if m.honorific:
                score += 2
            if nxt in SPEECH_VERBS or nxt in {"was", "had", "looked", "smiled", "nodded", "sighed", "turned"}:
                score += 1.5
            elif PARTICLE_VERBS.get(nxt) == particle and particle and not m.in_quote:
                score += 1.5  # "Syme broke in"
            elif nxt.endswith("ed") and not m.in_quote:
                score += 0.5
            prev = re.findall(r"[a-z]+", before)
            tagged = len(prev) >= 2 and PARTICLE_VERBS.get(prev[-2]) == prev[-1]  # "went on Syme"
            if prev and (prev[-1] in SPEECH_VERBS or tagged) and not m.in_quote:
                score += 1.5  # "said Holmes"
            elif before.rstrip().endswith(","):
                score += 0.3
            if m.in_quote:
                score += 0.3
            if not tagged and re.search(
                r"\b(?:in|at|from|into|near|across|through|toward|towards|on)\s+(?:the\s+)?$", before
            ):
                place += 1
            if after.startswith(("'s", "\u2019s")):
                score += 0.5
        if (
            c.mentions
            and c.mentions[0].parts
            and (
                c.mentions[0].parts[0].lower() in given_names()
                or (name_gender(c.mentions[0].parts[0]) and _zipf(c.mentions[0].parts[0].lower()) < 4.5)
            )
        ):
            score += 2
        c.person_score = score - place


def assign_gender(chars: list[Character], text: str, idx: TextIndex) -> None:
    """Gender from honorifics (in the narration or in a line: "How do you mean, Mr Cotter?"), then
    from the pronouns that follow a name as the subject or in its tag ('said Philip. He ...').

    Why only subject mentions: "Spike moved his arm" and "Spike sat down. He ..." tell Spike's
    gender; "Spike held her" does not. The pronoun counted is the first he/she of the next
    sentence or a his/her/himself/herself within a few words of the name in its own clause.
    """
    pron = re.compile(r"[A-Za-z]+")
    for c in chars:
        if c.gender:
            continue
        male = female = 0.0
        for m in c.mentions:
            if m.honorific and HONORIFICS.get(m.honorific):
                # "How do you mean, Mr Cotter?": an honorific anywhere, in a line too, tells
                if HONORIFICS[m.honorific] == "male":
                    male += 1
                else:
                    female += 1
            if m.in_quote:
                continue
            if not m.initial and not _acts(text, m.end) and not _tagged(text, m.start):
                continue
            seg = text[m.end : m.end + 200].split("\n", 1)[0]
            cut = re.search(r"[.!?][\"\u201d\u2019]?\s", seg)
            own = seg[: cut.start()] if cut else seg
            own = re.split(r"[,;\"\u201c\u201d]", own)[0]
            words = pron.findall(own)[:7]
            for w in words:
                lw = w.lower()
                if lw in ("his", "himself", "he"):
                    male += 1
                    break
                if lw in ("herself", "she"):
                    female += 1
                    break
                # "her" is skipped: "Spike held her" says nothing of Spike
                if w[0].isupper():
                    break
            if cut:
                nxt = pron.findall(seg[cut.end() : cut.end() + 12])
                if nxt and nxt[0] in ("He", "She"):
                    if nxt[0] == "He":
                        male += 1
                    else:
                        female += 1
        # what the first name usually is counts as one and a half pronouns
        firsts = Counter(m.parts[0] for m in c.mentions if m.kind == "name" and m.parts and not m.honorific)
        prior = name_gender(firsts.most_common(1)[0][0]) if firsts else None
        if prior == "male":
            male += 1.5
        elif prior == "female":
            female += 1.5
        total = male + female
        if total >= 1 and max(male, female) / total >= 0.65:
            c.gender = "male" if male > female else "female"
