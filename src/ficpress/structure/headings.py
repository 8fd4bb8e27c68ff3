"""Chapter headings and end markers as fan-fiction authors write them.

A heading is a short line naming a unit and a number ("Chapter 3", "Part5.",
"Chapter Three: Title", "Part IV", "(2/5)") or a named part (Prologue,
Epilogue). An end marker ("End Part 2", "TBC", "The End", "Fin") closes a
chapter and is not prose. Both are recognised line by line, so recognition is
linear in the text and each decision carries its own confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
    "final": -1,
}

WORD_NUMBERS: dict[str, int] = {w: i for i, w in enumerate(_UNITS) if i}
WORD_NUMBERS.update({w: 10 + i for i, w in enumerate(_TEENS)})
for _ti, _tw in enumerate(_TENS):
    WORD_NUMBERS[_tw] = 20 + 10 * _ti
    for _ui, _uw in enumerate(_UNITS[1:], start=1):
        WORD_NUMBERS[f"{_tw}-{_uw}"] = 20 + 10 * _ti + _ui
        WORD_NUMBERS[f"{_tw} {_uw}"] = 20 + 10 * _ti + _ui

# Every key of WORD_NUMBERS, and where one word begins another ("seventy-seven", "seventy", "seven";
# "seventeen", "seven") the longer is tried first; spelled as tens, teens and units rather than as an
# alternation of all 179 words, which takes the regex compiler a millisecond for each pattern using it.
_WORD_RE = (
    rf"(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS[1:])}))?|{'|'.join(_TEENS)}|{'|'.join(_UNITS[1:])}"
)

# Unit words and how the table of contents spells them.
_KINDS = {
    "chapter": "Chapter",
    "chap": "Chapter",
    "ch": "Chapter",
    "part": "Part",
    "pt": "Part",
    "book": "Book",
    "volume": "Volume",
    "vol": "Volume",
    "act": "Act",
    "episode": "Episode",
    "section": "Section",
}
_KIND_RE = r"(?P<kind>chapter|chap\.?|ch\.?|part|pt\.?|book|volume|vol\.?|act|episode|section)"

# Digits may touch the unit word ("Part2"); words and roman numerals need a space ("Ch I" vs "Chi").
_NUM_RE = (
    r"(?:(?P<digits>\d{1,4})(?![\d/])"
    r"|\s+(?P<roman>[ivxlcdm]{1,7})\b"
    rf"|\s+(?P<word>{_WORD_RE})\b"
    r"|\s+(?P<ordinal>" + "|".join(_ORDINALS) + r")\b)"
)

_NUMBERED = re.compile(
    rf"^{_KIND_RE}\s*{_NUM_RE}\s*(?P<sep>[.:\-\u2013\u2014|,)]+)?\s*(?P<title>.*?)\s*$", re.IGNORECASE
)
_NAMED = re.compile(
    r"^(?P<name>prologue|epilogue|interlude|afterword|foreword|preface|introduction|coda|prelude)"
    r"\s*(?P<sep>[.:\-\u2013\u2014|,]+)?\s*(?P<title>.*?)\s*$",
    re.IGNORECASE,
)
_FRACTION = re.compile(r"^(?P<title>.*?)\s*[(\[]\s*(?P<n>\d{1,4})\s*/\s*(?P<m>\d{1,4}|\?)\s*[)\]]\s*$")
_BARE_FRACTION = re.compile(r"^(?P<n>\d{1,4})\s*/\s*(?P<m>\d{1,4}|\?)$")
_BARE_NUMBER = re.compile(r"^(?P<digits>\d{1,3})\.?$|^(?P<roman>[IVXLC]{1,9})\.?$")

# Decoration authors put around headings and markers: "~Part 2~", "**Chapter 3**", "-=Fin=-".
_DECOR = " \t~*=#_\u2022\u00b7<>[]{}|-\u2013\u2014"

_END = re.compile(
    r"^(?:end(?:\s+of)?(?:\s+the)?\s*" + _KIND_RE + r"?\s*" + r"(?:" + _NUM_RE + r")?"
    r"|end\s+of\s+(?:the\s+)?(?:story|fic|prologue|epilogue)"
    r"|to\s+be\s+continued|t\.?b\.?c|the\s+end|fin|finis|end)"
    r"[\s.!\u2026]*$",
    re.IGNORECASE,
)

MAX_HEADING_LEN = 100


@dataclass
class Heading:
    kind: str  # "Chapter", "Part", ... or "Prologue"/"Epilogue"... or "" for a bare number/fraction
    number: int | None
    numeral: str  # the number as the author wrote it ("3", "Three", "IV")
    title: str  # the text after the number, if any
    display: str  # the normalised title for the table of contents
    confidence: float
    of: int | None = None  # "(2/5)": the expected number of chapters


def roman_to_int(s: str) -> int | None:
    vals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    s = s.lower()
    if not s or any(c not in vals for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = vals[c]
        if i + 1 < len(s) and vals[s[i + 1]] > v:
            total -= v
        else:
            total += v
    return total if _int_to_roman(total) == s else None


def _int_to_roman(n: int) -> str:
    out = []
    for v, r in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                 (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while n >= v:
            out.append(r)
            n -= v
    return "".join(out)


def undecorate(s: str) -> str:
    return s.strip().strip(_DECOR).strip()


def _number(m: re.Match[str]) -> tuple[int | None, str]:
    if m.group("digits"):
        return int(m.group("digits")), m.group("digits")
    if m.group("roman"):
        return roman_to_int(m.group("roman")), m.group("roman").upper()
    if m.group("word"):
        w = m.group("word")
        return WORD_NUMBERS[w.lower()], re.sub(r"[a-z]+", lambda x: x.group(0).capitalize(), w.lower())
    if m.group("ordinal"):
        w = m.group("ordinal")
        return _ORDINALS[w.lower()], w.capitalize()
    return None, ""


def _title_ok(title: str, sep: str | None) -> bool:
    """A title after the number must read as a title, not as the rest of a sentence."""
    if not title:
        return True
    if len(title) > 80:
        return False
    if not sep and title[0].islower():
        return False
    return not (not sep and len(title.split()) > 8)


def parse_heading(line: str) -> Heading | None:
    """Recognise a chapter heading line; None when the line is not one."""
    raw = line.strip()
    if not raw or len(raw) > MAX_HEADING_LEN:
        return None
    s = undecorate(raw)
    if not s:
        return None
    of: int | None = None
    fm = _BARE_FRACTION.match(s) if "/" in s else None  # both fractions need a slash: most lines have none
    if fm and (fm.group("m") == "?" or int(fm.group("n")) <= int(fm.group("m"))) and "(" in raw:
        n = int(fm.group("n"))
        m = None if fm.group("m") == "?" else int(fm.group("m"))
        return Heading("", n, str(n), "", f"Chapter {n}", 0.8, m)
    fm = _FRACTION.match(s) if "/" in s else None
    if fm and (fm.group("m") == "?" or int(fm.group("n")) <= int(fm.group("m"))):
        of = None if fm.group("m") == "?" else int(fm.group("m"))
        inner = fm.group("title").strip(_DECOR + ":.,")
        if not inner:
            n = int(fm.group("n"))
            return Heading("", n, str(n), "", f"Chapter {n}", 0.85, of)
        h = parse_heading(inner)
        if h is not None:
            h.of = of
            return h
        if len(inner) <= 60:
            n = int(fm.group("n"))
            return Heading("", n, str(n), inner, inner, 0.75, of)
        return None
    m = _NUMBERED.match(s)
    if m:
        number, numeral = _number(m)
        if number is None:
            return None
        title = m.group("title").strip()
        sep = m.group("sep")
        if not _title_ok(title, sep):
            return None
        kind = _KINDS[m.group("kind").lower().rstrip(".")]
        display = f"{kind} {numeral}"
        title = title.rstrip(".").strip()
        if title:
            display += f": {title}"
        conf = 0.97 if m.group("digits") else 0.9
        if title:
            conf -= 0.05
        return Heading(kind, number, numeral, title, display, conf, of)
    m = _NAMED.match(s)
    if m:
        title = m.group("title").strip()
        if not _title_ok(title, m.group("sep")):
            return None
        name = m.group("name").capitalize()
        title = title.rstrip(".").strip()
        return Heading(name, None, "", title, f"{name}: {title}" if title else name, 0.95, of)
    return None


def parse_bare_number(line: str) -> Heading | None:
    """A line holding only a number or roman numeral: a heading only when the document uses them."""
    s = undecorate(line)
    m = _BARE_NUMBER.match(s)
    if not m:
        return None
    if m.group("digits"):
        n = int(m.group("digits"))
        return Heading("", n, str(n), "", f"Chapter {n}", 0.6)
    r = roman_to_int(m.group("roman"))
    if r is None:
        return None
    return Heading("", r, m.group("roman"), "", f"Chapter {m.group('roman')}", 0.55)


@dataclass
class EndMarker:
    kind: str  # "Part", "Chapter", ... when the marker names its unit
    number: int | None
    numeral: str
    final: bool  # "The End", "Fin": the work ends here; "TBC": it goes on elsewhere
    confidence: float


def parse_end_marker(line: str) -> EndMarker | None:
    """Recognise "End Part 2", "End part 9", "End Part 1.", "TBC", "To be continued", "The End", "Fin"."""
    raw = line.strip()
    if not raw or len(raw) > 40:
        return None
    s = undecorate(raw)
    m = _END.match(s)
    if not m:
        return None
    low = s.lower()
    kind = m.group("kind")
    number, numeral = (None, "")
    if kind:
        number, numeral = _number(m)
        kind = _KINDS[kind.lower().rstrip(".")]
    final = low.startswith(("the end", "fin", "end of the story", "end of story", "end of fic"))
    conf = 0.95 if kind or "continued" in low or "tbc" in low.replace(".", "") or final else 0.75
    return EndMarker(kind or "", number, numeral, final, conf)


def numeral_like(n: int, example: str) -> str:
    """`n` written the way `example` is: "II" -> roman, "Two" -> words, else digits."""
    if example and roman_to_int(example) is not None and not example.isdigit():
        return _int_to_roman(n).upper()
    low = example.lower()
    if low in WORD_NUMBERS:
        words = {v: k for k, v in WORD_NUMBERS.items() if " " not in k}
        w = words.get(n)
        if w:
            return re.sub(r"[a-z]+", lambda x: x.group(0).capitalize(), w)
    return str(n)
