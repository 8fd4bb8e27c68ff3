"""Turning metadata as archives and authors write it into the model's normalised fields.

Every reader keeps the raw strings in `WorkMeta.raw`; these helpers only add
the normalised forms beside them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from ficpress.model import Relationship, Series, WorkMeta

__all__ = [
    "parse_relationship",
    "parse_relationships",
    "parse_date",
    "parse_int",
    "parse_chapters",
    "split_list",
    "set_relationships",
]

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}


def split_list(value: str) -> list[str]:
    """Split a comma/semicolon list, keeping commas inside parentheses (AO3 tags have them)."""
    out: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in value:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch in ",;" and depth == 0:
            item = "".join(cur).strip()
            if item:
                out.append(item)
            cur = []
        else:
            cur.append(ch)
    item = "".join(cur).strip()
    if item:
        out.append(item)
    return out


def parse_relationship(raw: str) -> Relationship:
    """`A/B` is romantic, `A & B` platonic; members sorted so spellings of one set compare equal."""
    text = raw.strip()
    if "/" in text:
        kind, members = "romantic", text.split("/")
    elif "&" in text:
        kind, members = "platonic", text.split("&")
    elif re.search(r"\s[xX]\s", text):
        kind, members = "romantic", re.split(r"\s[xX]\s", text)
    else:
        kind, members = "unknown", [text]
    clean = sorted({m.strip() for m in members if m.strip()}, key=str.casefold)
    return Relationship(raw=raw, kind=kind, members=clean)


def parse_relationships(values: list[str] | str) -> list[Relationship]:
    items = split_list(values) if isinstance(values, str) else values
    return [parse_relationship(v) for v in items if v.strip()]


def set_relationships(meta: WorkMeta, values: list[str]) -> None:
    meta.relationships = parse_relationships(values)


def parse_int(value: str | None) -> int | None:
    """'40,123' -> 40123; anything without digits -> None."""
    if value is None:
        return None
    digits = re.sub(r"[,.\s\u00a0']", "", value.strip())
    m = re.match(r"\d+", digits)
    return int(m.group()) if m else None


def parse_chapters(value: str) -> tuple[int | None, int | None]:
    """AO3's '3/?' -> (3, None); '12/12' -> (12, 12); '5' -> (5, None)."""
    m = re.match(r"\s*(\d[\d,]*)\s*(?:/\s*(\d[\d,]*|\?))?", value or "")
    if not m:
        return None, None
    posted = parse_int(m.group(1))
    expected = parse_int(m.group(2)) if m.group(2) and m.group(2) != "?" else None
    return posted, expected


def parse_date(value: str | None) -> str:
    """Most date spellings archives use -> ISO 'YYYY-MM-DD'; '' when unsure."""
    if not value:
        return ""
    v = value.strip()
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", v)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.match(r"(\d{4})/(\d{1,2})/(\d{1,2})", v)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.match(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})", v)  # 14 Mar 2019
    if m and m.group(2).lower() in _MONTHS:
        return _iso(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    m = re.match(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", v)  # March 14, 2019
    if m and m.group(1).lower() in _MONTHS:
        return _iso(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    m = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b", v)  # FanFiction.net and US style: M/D/YYYY
    if m:
        year = int(m.group(3))
        if year < 100:
            year += 2000 if year < 70 else 1900
        return _iso(year, int(m.group(1)), int(m.group(2)))
    m = re.match(r"([A-Za-z]{3,9})\s+(\d{4})$", v)  # 'March 2004'
    if m and m.group(1).lower() in _MONTHS:
        return f"{int(m.group(2)):04d}-{_MONTHS[m.group(1).lower()]:02d}"
    m = re.fullmatch(r"(\d{4})", v)
    if m:
        return m.group(1)
    return ""


def parse_timestamp(value: str) -> str:
    """A Unix timestamp (FanFiction.net's data-xutime) -> ISO date."""
    try:
        return datetime.fromtimestamp(int(value), tz=UTC).date().isoformat()
    except (ValueError, OverflowError, OSError):
        return ""


def _iso(y: int, m: int, d: int) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


def parse_series(value: str) -> list[Series]:
    """'Part 2 of The Long Way' / 'The Long Way, book 2' / 'The Long Way' -> Series."""
    out: list[Series] = []
    for piece in re.split(r"\s*(?:\n|;)\s*", value.strip()):
        if not piece:
            continue
        m = re.match(r"(?:Part|Book|No\.?)\s*(\d+)\s+of\s+(?:the\s+)?(.+?)(?:\s+series)?\.?$", piece, re.I)
        if m:
            out.append(Series(m.group(2).strip(), int(m.group(1))))
            continue
        m = re.match(r"(.+?)[,:\s]+(?:part|book|#|no\.?)\s*(\d+)\.?$", piece, re.I)
        if m:
            out.append(Series(m.group(1).strip(), int(m.group(2))))
            continue
        m = re.match(r"(.+?)\s*\[(\d+)\]$", piece)  # calibre's series index
        if m:
            out.append(Series(m.group(1).strip(), int(m.group(2))))
            continue
        out.append(Series(piece))
    return out


def normalise_rating(value: str) -> str:
    """Keep the archive's own words (AO3 'Teen And Up Audiences', FFnet 'T', 'PG-13')."""
    v = value.strip()
    m = re.match(r"(?:Fiction\s+)?([KTM]\+?|MA)\b", v)
    if m and len(v) <= 12:
        return m.group(1)
    return v


_LANGUAGE_NAMES = {
    "english": "en",
    "spanish": "es",
    "español": "es",
    "french": "fr",
    "français": "fr",
    "german": "de",
    "deutsch": "de",
    "italian": "it",
    "italiano": "it",
    "portuguese": "pt",
    "português": "pt",
    "português brasileiro": "pt-BR",
    "russian": "ru",
    "русский": "ru",
    "polish": "pl",
    "polski": "pl",
    "dutch": "nl",
    "nederlands": "nl",
    "japanese": "ja",
    "日本語": "ja",
    "chinese": "zh",
    "中文": "zh",
    "korean": "ko",
    "한국어": "ko",
    "indonesian": "id",
    "vietnamese": "vi",
    "swedish": "sv",
    "svenska": "sv",
    "finnish": "fi",
    "suomi": "fi",
    "turkish": "tr",
    "türkçe": "tr",
    "czech": "cs",
    "čeština": "cs",
    "tagalog": "tl",
    "hungarian": "hu",
    "magyar": "hu",
    "danish": "da",
    "dansk": "da",
    "norwegian": "no",
    "norsk": "no",
    "greek": "el",
    "ελληνικά": "el",
    "hebrew": "he",
    "עברית": "he",
    "arabic": "ar",
    "catalan": "ca",
    "català": "ca",
    "ukrainian": "uk",
    "українська": "uk",
}


def language_code(value: str) -> str:
    """A language as archives name it ('English', 'Español') -> a BCP 47 code; codes pass through."""
    v = value.strip()
    if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", v) and v.lower() not in _LANGUAGE_NAMES:
        return v
    return _LANGUAGE_NAMES.get(v.lower(), v)
