"""Word-level evidence: does the candidate make a known word (`caf?` + é), or an elision (’em)?

Why: accented letters are rare in the fitting books, so character contexts alone
barely know `fiancé`; a word-frequency list (wordfreq's English list) does.
Elisions take U+2019 even at the start of a word, which character contexts
confuse with an opening single quote.

The word list is extracted from wordfreq at fit time (`build_lexicon`) and
shipped in `data/lexicon.pkl`, grouped by the first three letters and decoded
group by group on first use: importing wordfreq and reading its whole list cost
more than restoring a story, and two-letter groups made a story decompress a
tenth of the list.
"""

from __future__ import annotations

import bisect
import math
import mmap
import pickle
import re
import zlib
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any

from ficpress.restore.context import LETTERS

# Word starts that take an apostrophe (U+2019), never an opening quote.
ELISIONS = frozenset(
    [
        "em",
        "tis",
        "twas",
        "twere",
        "twill",
        "twould",
        "cause",
        "cos",
        "coz",
        "bout",
        "round",
        "til",
        "till",
        "nough",
        "un",
        "ere",
        "im",
        "gainst",
        "neath",
        "n",
        "scuse",
        "spose",
        "ave",
        "er",
        "ow",
        "alf",
        "appen",
        "ome",
        "ello",
        "llo",
        "allo",
        "bye",
        "kay",
        "sup",
        "ya",
        "yer",
        "cept",
        "fore",
    ]
)

# Word starts that take an apostrophe only in lower case (instead, indeed, afraid, remember, upon):
# capitalised, they may begin a quotation. (along, almost, had and he cost more than they brought.)
LOWER_ELISIONS = frozenset(["stead", "deed", "kase", "fraid", "member", "pon", "specially", "spect", "nuff"])

# Word ends that take an apostrophe in dialect and dropped-g speech (goin’, an’, o’).
END_ELISIONS = frozenset(
    ["o", "th", "ol", "an", "nothin", "somethin", "mo", "po", "fo", "de", "ter", "ta", "wit"]
)


LEXICON_WORDS = 100_000  # the most frequent words that elided-word checks search


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    """The index of the word list (group keys, where each group ends, the accent stems) and the
    groups themselves, mapped rather than read: a story touches a few hundred of the twenty
    thousand groups, and reading and copying the whole 2 MB cost more than those do.

    `lexicon.pkl` is one pickle (the index) followed by the compressed groups, which the
    unpickler never reads; the index says where they begin."""
    ref = Path(__file__).with_name("data") / "lexicon.pkl"
    with ref.open("rb") as fh:
        try:
            data: Any = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a file system that cannot map: read it whole
            data = fh.read()
    lex = pickle.loads(data)  # noqa: S301 - our own package data; stops at the end of the index
    ends = array("I")
    ends.frombytes(lex["ends"])
    lex["ends"] = ends
    lex["data"] = data
    lex["at"] = int.from_bytes(lex["at"], "little")
    return lex


_groups: dict[str, str] = {}


@lru_cache(maxsize=1)
def _keys() -> list[str]:
    return _lexicon()["keys"].split("\0")


@lru_cache(maxsize=1)
def _top() -> list[str]:
    """Per group (in key order): how many of its first words are among the first LEXICON_WORDS."""
    return _lexicon()["top"].split("\0")


def _group(key: str) -> str:
    """One group of the list as `\nword\tzipf100\n...`, most frequent first; searched, never parsed.

    The groups ship compressed one after another in one blob (`ends` says where each stops), under
    sorted keys: loading then costs one string split, not one object per group."""
    got = _groups.get(key)
    if got is None:
        keys = _keys()
        i = bisect.bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            lex = _lexicon()
            ends = lex["ends"]
            at = lex["at"]
            enc = lex["data"][at + (ends[i - 1] if i else 0) : at + ends[i]]
            got = zlib.decompress(enc).decode("utf-8")
        else:
            got = "\n"
        _groups[key] = got
    return got


PREFIX = 3  # letters a group shares


def _single(token: str) -> float:
    group = _group(token[:PREFIX])
    i = group.find(f"\n{token}\t")
    if i < 0:
        return 0.0
    j = i + len(token) + 2
    return int(group[j : group.index("\n", j)]) / 100


# wordfreq splits a start of one or two letters, an apostrophe and a vowel or h (l'heure, d'you)
_SPLIT = re.compile(r"([^\W\d_]{1,2}')(?=[aeiouyhàâäéèêëîïôöûüAEIOUYH])")


def _tokens(word: str) -> list[str]:
    word = word.replace("\u2019", "'").casefold()
    m = _SPLIT.match(word)
    return [m.group(1)[:-1], word[m.end() :]] if m and m.end() < len(word) else [word]


@lru_cache(maxsize=20_000)
def contraction_zipf(word: str) -> float:
    """Frequency of `word` only when the word list holds it as one token (don't, o'clock).

    wordfreq splits some apostrophe strings into two words and scores the pair, which
    would make any two words joined by a lost dash look like a contraction.
    """
    return zipf(word) if len(_tokens(word)) == 1 else 0.0


@lru_cache(maxsize=100_000)
def zipf(word: str) -> float:
    """wordfreq's `zipf_frequency(word, "en")`, from the shipped list (tokens combined as wordfreq does)."""
    if not word:
        return 0.0
    toks = _tokens(word)
    if len(toks) == 1:
        return _single(toks[0])
    inv = 0.0
    for t in toks:
        z = _single(t)
        if z <= 0:
            return 0.0
        inv += 10.0 ** (9.0 - z)
    return round(math.log10(1.0 / inv) + 9.0, 2)


def build_lexicon() -> bytes:
    """Extract what restoring needs from wordfreq's English list (run at fit time, not at run time)."""
    from wordfreq import iter_wordlist, zipf_frequency

    groups: dict[str, list[str]] = {}
    stems = set()
    for n, w in enumerate(iter_wordlist("en", wordlist="best")):
        z = zipf_frequency(w, "en")
        if z <= 0:
            continue
        groups.setdefault(w[:PREFIX], []).append(f"{w}\t{round(z * 100)}")
        if n < 200_000 and len(w) > 2 and w[-1] in _ACCENTED:
            stems.add(w[:-1])
        if n == LEXICON_WORDS - 1:
            top = {k: len(v) for k, v in groups.items()}
    return pack_lexicon(
        {k: zlib.compress(("\n" + "\n".join(v) + "\n").encode("utf-8"), 9) for k, v in groups.items()},
        top,
        "\n".join(sorted(stems)),
    )


def pack_lexicon(groups: dict[str, bytes], top: dict[str, int], stems: str) -> bytes:
    """The shipped form: a pickled index (sorted group keys joined by NUL, where each group ends,
    where the groups begin) followed by the compressed groups one after another."""
    keys = sorted(groups)
    ends = array("I")
    pos = 0
    for k in keys:
        pos += len(groups[k])
        ends.append(pos)
    index = {
        "keys": "\0".join(keys),
        "ends": ends.tobytes(),
        "top": "\0".join(str(top.get(k, 0)) for k in keys),  # parsed only when elisions are checked
        "stems": stems,
        "at": bytes(8),  # where the groups begin: fixed width, so writing it keeps the index's length
    }
    head = pickle.dumps(index, protocol=4)
    index["at"] = len(head).to_bytes(8, "little")
    head = pickle.dumps(index, protocol=4)
    return head + b"".join(groups[k] for k in keys)


def _lword(left: str) -> str:
    return left[len(left.rstrip(LETTERS)) :]  # the trailing run of ASCII letters


def _rword(right: str) -> str:
    return right[: len(right) - len(right.lstrip(LETTERS))]


LETTER_SLOPE = 1.0
LETTER_OFFSET = 4.0


def letter_evidence(dist: dict[str, float], left: str, right: str) -> dict[str, float]:
    """Reweight accented-letter candidates by whether they complete a known word.

    The alternative to a letter is punctuation at that place: the word left of it
    and the word right of it must then stand on their own (or form an elision).
    """
    lw = _lword(left)
    rw = _rword(right)
    if not lw and not rw:
        # a letter standing alone between non-letters is almost never right
        return {c: (p * 0.01 if c.isalpha() else p) for c, p in dist.items()}
    alone = []
    if lw:
        alone.append(zipf(lw.lower()))
    if rw:
        alone.append(zipf(rw.lower()))
    base = min(alone)
    if lw and rw:
        base = max(base, zipf(f"{lw}\u2019{rw}".lower()))
    out = {}
    for c, p in dist.items():
        if c.isalpha() and len(c) == 1:
            z = zipf(f"{lw}{c}{rw}".lower())
            factor = 10.0 ** max(-3.0, min(4.0, LETTER_SLOPE * (z - base) + LETTER_OFFSET))
            out[c] = p * factor if z > 0 else p * 0.001
        elif len(c) == 2 and c[0].isalpha():
            # one U+FFFD for a letter and punctuation: the letter must end a known word
            z = zipf(f"{lw}{c[0]}".lower())
            out[c] = p * (10.0 ** max(-3.0, min(3.0, 1.5 * (z - zipf(lw.lower()))))) if z > 0 else p * 0.001
        else:
            out[c] = p
    return out


def apostrophe_evidence(
    dist: dict[str, float], left: str, right: str, state: str, trailing: bool = True
) -> dict[str, float]:
    """Elisions take ’ at a word start; a ’ ending a word needs a reason when no ‘ is open.

    Why: `’em`, `’tis`, `’90s` look like opening quotes to character contexts, and a
    ’ after an ordinary word (`sister’ no`) is almost always a lost ellipsis or dash
    unless it closes a single quote or marks a plural possessive or dropped letters.
    """
    if "\u2019" not in dist:
        return dist
    l1 = left[-1:]
    rw = _rword(right)
    out = dist
    r1 = right[:1]
    if l1 in _STOPS and state in ("0", "d") and (r1 == "\n" or (trailing and r1 in (" ", "\x1a"))):
        # after a stop, ’ can only close a single quote, and none is open: what else follows a
        # stop and is no quote is the ellipsis of a sentence trailing off (`now.…”`), or, where the
        # paragraph ends, the closing double quote
        out = dict(dist)
        moved = out["\u2019"] * (1.0 - STRAY_APOSTROPHE)
        out["\u2019"] -= moved
        if l1 == "." and r1 != "\n":
            out["\u2026"] = out.get("\u2026", 0.0) + moved * ELLIPSIS_SHARE
        return out
    if rw and not l1.isalnum():
        low = rw.lower()
        if (low in ELISIONS and not (low in ("im", "er", "un", "ere", "n") and rw[0].isupper())) or (
            rw in LOWER_ELISIONS
        ):
            out = dict(dist)
            out["\u2019"] = out["\u2019"] * 60.0
        return out
    if not rw and right[:2].isdigit() and right[2:3] in ("s", " ", "\u2019"):
        out = dict(dist)
        out["\u2019"] = out["\u2019"] * 20.0
        return out
    lw = _lword(left)
    if lw and rw:
        # between two words: a contraction the dictionary knows, or two words and a dash
        z_apos = contraction_zipf(f"{lw}'{rw}".lower())
        if z_apos >= 3.0 or elided_word(lw.lower(), rw.lower()):
            if "\u2014" in dist:
                out = dict(dist)
                moved = out["\u2014"] * 0.9
                out["\u2014"] -= moved
                out["\u2019"] = out.get("\u2019", 0.0) + moved
        elif (
            z_apos < 1.0
            and (len(rw) > 2 or (len(rw) == 2 and rw.lower() in SHORT_WORDS))
            and len(lw) > 1  # d’you, y’know, s’pose
            and zipf(lw.lower()) >= 2.5
            and (zipf(rw.lower()) >= 2.5 or right[len(rw) : len(rw) + 1] == "\x1a")
            and not elided_word(lw.lower(), rw.lower())
        ):
            out = dict(dist)
            moved = out["\u2019"] * 0.95
            out["\u2019"] -= moved
            out["\u2014"] = out.get("\u2014", 0.0) + moved
        return out
    if not lw or right[:1].isalpha():
        return out
    if dropped_g(lw):
        out = dict(dist)
        out["\u2019"] = out["\u2019"] * DROPPED_G
        return out
    if state in ("0", "d") and not takes_final_apostrophe(lw):
        if trailing and len(lw) > 1 and right[:1] in (" ", "\x1a"):
            if truncated_word(lw):  # ha’, giv’, fortun’: letters left out, as the books write them
                return out
            # a sentence trailing off (`Yes… Yes…`), shared with ’ as the fitting books do
            return share_by_counts(dist, "\u2019", "\u2026", WORD_END_COUNTS[state])
        out = dict(dist)
        out["\u2019"] *= WORD_END_APOSTROPHE
    return out


# Two-letter words that follow a lost dash (`off—at`, `use—up`) and end no contraction or elision.
SHORT_WORDS = frozenset(
    [
        "at",
        "an",
        "up",
        "in",
        "on",
        "of",
        "to",
        "is",
        "it",
        "as",
        "by",
        "if",
        "or",
        "so",
        "we",
        "he",
        "my",
        "no",
        "do",
        "go",
        "me",
        "be",
        "us",
        "oh",
    ]
)


def takes_final_apostrophe(word: str) -> bool:
    """Whether a ’ after `word` may be one in its own right, with no single quote open: a plural
    possessive (`boys’`), letters dropped at the end (`havin’`, `o’`, `th’`).

    Why: any other word ending with ’ before a space is closing a single quote or hides a lost
    ellipsis or dash (`Well… I`), so what a document decides after one kind says nothing of the other.
    """
    low = word.lower()
    return low.endswith(("s", "in")) or low in END_ELISIONS


# ’ and … after a word of two letters or more that takes no ’ of its own (no plural possessive,
# no letters left out), before a space, with no single quote open: counted in the fitting books,
# per quote state. With a double quote open the ’ are dialect the word list cannot tell (don’,
# cert’, remem’); with none open, two in the books (`Lung’ Arno`) against 17 trailing-off ellipses.
WORD_END_COUNTS = {"0": (2, 17), "d": (25, 71)}


def share_by_counts(dist: dict[str, float], a: str, b: str, counts: tuple[int, int]) -> dict[str, float]:
    """Share the mass of `a` and `b` as the books do in this context (Witten-Bell: a context seen
    na + nb times with two outcomes decides by its counts in proportion to how often it was seen)."""
    pa = dist.get(a, 0.0)
    pb = dist.get(b, 0.0)
    m = pa + pb
    if m <= 0.0:
        return dist
    na, nb = counts
    lam = (na + nb) / (na + nb + 2)
    out = dict(dist)
    out[a] = lam * m * na / (na + nb) + (1 - lam) * pa
    out[b] = lam * m * nb / (na + nb) + (1 - lam) * pb
    return out


@lru_cache(maxsize=20_000)
def truncated_word(word: str) -> bool:
    """Whether `word` is a far more common word less its last one or two letters (ha’ for had,
    giv’ for give, fortun’ for fortune): a ’ after it stands for the letters left out.

    Why: in the fitting books nearly every ’ after a word that takes no ’ of its own (no s, no
    dropped g) ends such a word; after any other word it is a lost ellipsis or a closing quote.
    """
    low = word.lower()
    if not low.isascii() or not low.isalpha():
        return False
    bar = zipf(low) + 1.0
    if len(low) >= PREFIX:
        # Every longer word shares this one's first letters, so one group holds all of them: walk the
        # group's entries that start with the word once, instead of looking up 702 spellings one by
        # one (that took half of restoring the sample in a fresh process).
        group = _group(low[:PREFIX])
        head = "\n" + low
        i = group.find(head)
        while i >= 0:
            j = i + len(head)
            tab = group.find("\t", j)
            rest = group[j:tab]
            longer = 1 <= len(rest) <= 2 and rest.isascii() and rest.isalpha() and rest.islower()
            if longer and int(group[tab + 1 : group.index("\n", tab)]) / 100 >= bar:
                return True
            i = group.find(head, j)
        return False
    for a in _ASCII_LOWER:
        one = low + a
        if zipf(one) >= bar:
            return True
        for b in _ASCII_LOWER:
            if zipf(one + b) >= bar:
                return True
    return False


_ASCII_LOWER = "abcdefghijklmnopqrstuvwxyz"


def dropped_g(word: str) -> bool:
    """Whether `word` is a common -ing word less its g (havin, standin): a ’ after it is one
    more letter left out, not a closing quote."""
    if len(word) < 3 or word[-2:].lower() != "in":
        return False
    low = word.lower()
    return zipf(low + "g") >= zipf(low) + 1.0


DROPPED_G = 5.0  # how much likelier ’ is after a word that is a common -ing word less its g
STRAY_APOSTROPHE = 0.05  # ’ after a stop with no ‘ open: a closing mark with nothing to close
ELLIPSIS_SHARE = 1.0  # of the mass a stray ’ loses, what goes to a trailing-off ellipsis
_STOPS = frozenset(".!?,;:")
WORD_END_APOSTROPHE = 0.25  # ’ after an ordinary word before punctuation, with no ‘ open: a lost … or —

_ACCENTED = frozenset("éèêëàâäáãåïîíìôöóòõüûúùçñæœÿ")


@lru_cache(maxsize=1)
def accent_stems() -> frozenset[str]:
    """Beginnings of known words that end in an accented letter (`caf` for café, `fianc` for fiancé).

    Why: one U+FFFD can hide a letter and the punctuation after it only when such a
    word ends there; checking a small set first spares every other site the work.
    """
    return frozenset(_lexicon()["stems"].split("\n"))


def ends_accented_word(left: str) -> bool:
    lw = _lword(left).lower()
    return bool(lw) and lw in accent_stems()


@lru_cache(maxsize=2_000)
def _by_prefix(key: str) -> list[str]:
    """The frequent words (among the first LEXICON_WORDS) of four letters or more in group `key`."""
    keys = _keys()
    i = bisect.bisect_left(keys, key)
    n = int(_top()[i]) if i < len(keys) and keys[i] == key else 0
    lines = _group(key).split("\n", n + 1)[1 : n + 1]
    words = (line.split("\t", 1)[0] for line in lines)
    return [w for w in words if w.isalpha() and len(w) >= 4]


@lru_cache(maxsize=20_000)
def elided_word(lw: str, rw: str) -> bool:
    """Whether `lw’rw` is a known word with one to three letters left out (gov’nor, cert’nly).

    Why: between two letters an apostrophe and a dash compete; two real words on either
    side suggest a dash unless the pair is a known word with letters dropped.
    """
    if len(lw) < 3 or len(rw) < 2:
        return False
    lo = len(lw) + len(rw) + 1
    for w in _by_prefix(lw[:PREFIX]):
        # what an elision leaves out is mostly a vowel's syllable (gov’nor, cert’nly) or a letter of a
        # common word (ins’antly); a rarer word that only joins the two (night’and: nightstand,
        # out’an: outran) is no evidence against the dash
        if (
            lo <= len(w) <= lo + 2
            and w.startswith(lw)
            and w.endswith(rw)
            and (any(c in "aeiouy" for c in w[len(lw) : len(w) - len(rw)]) or zipf(w) >= ELIDED_COMMON)
        ):
            return True
    return False


ELIDED_COMMON = 4.0  # zipf of a word that may lose a consonant alone
