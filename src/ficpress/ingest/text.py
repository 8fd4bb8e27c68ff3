"""Plain text: decode honestly, and read the header block older stories open with.

Why the header block matters: text files from mailing lists and early archives
begin with "Title:", "Author:", "Pairing:", "Rating:", "Disclaimer:" ... lines.
They are the only metadata such a file has, and they are front matter, not
prose: `meta.raw["header_end"]` tells structure where the story proper begins.
"""

from __future__ import annotations

import re
from pathlib import Path

from ficpress.ingest.decode import Decoded, decode_bytes
from ficpress.ingest.metadata import (
    language_code,
    normalise_rating,
    parse_chapters,
    parse_date,
    parse_int,
    parse_relationships,
    parse_series,
    split_list,
)
from ficpress.model import Source, SourceInfo, WorkMeta

__all__ = ["read_text", "parse_header", "HEADER_LABELS"]

# Label as written (lower-cased, inner spaces collapsed) -> the WorkMeta field it fills.
HEADER_LABELS: dict[str, str] = {
    "title": "title",
    "story title": "title",
    "story": "title",
    "author": "authors",
    "authors": "authors",
    "author name": "authors",
    "by": "authors",
    "written by": "authors",
    "writer": "authors",
    "pen name": "authors",
    "pairing": "relationships",
    "pairings": "relationships",
    "relationship": "relationships",
    "relationships": "relationships",
    "ship": "relationships",
    "ships": "relationships",
    "couple": "relationships",
    "couples": "relationships",
    "rating": "rating",
    "rated": "rating",
    "disclaimer": "disclaimer",
    "disclaimers": "disclaimer",
    "summary": "summary",
    "synopsis": "summary",
    "description": "summary",
    "feedback": "feedback",
    "a/n": "notes",
    "an": "notes",
    "author's note": "notes",
    "authors note": "notes",
    "author's notes": "notes",
    "authors notes": "notes",
    "author note": "notes",
    "notes": "notes",
    "note": "notes",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "category": "categories",
    "categories": "categories",
    "warning": "warnings",
    "warnings": "warnings",
    "content warning": "warnings",
    "content warnings": "warnings",
    "spoilers": "spoilers",
    "spoiler": "spoilers",
    "characters": "characters",
    "character": "characters",
    "genre": "freeform",
    "genres": "freeform",
    "tags": "freeform",
    "keywords": "freeform",
    "additional tags": "freeform",
    "series": "series",
    "language": "language",
    "archive": "archive",
    "archiving": "archive",
    "distribution": "archive",
    "email": "contact",
    "e-mail": "contact",
    "contact": "contact",
    "website": "url",
    "url": "url",
    "story url": "url",
    "source": "url",
    "status": "status",
    "word count": "words",
    "words": "words",
    "wordcount": "words",
    "length": "words",
    "chapters": "chapters",
    "published": "published",
    "posted": "published",
    "date": "published",
    "written": "published",
    "updated": "updated",
    "completed": "completed",
    "dedication": "dedication",
    "beta": "beta",
    "beta reader": "beta",
    "betas": "beta",
    "beta'd by": "beta",
    "thanks": "dedication",
    "timeline": "timeline",
    "setting": "timeline",
    "time frame": "timeline",
    "crossover": "fandoms",
}

# Fields whose value may run on over several lines.
_LONG = {"summary", "disclaimer", "notes", "feedback", "warnings", "spoilers", "dedication", "archive"}

_LABEL_LINE = re.compile(r"^[ \t]*([A-Za-z][A-Za-z'/\- ]{0,24}?)[ \t]*:[ \t]*(.*?)[ \t]*$")
_RULE_LINE = re.compile(r"^[ \t]*[-=_*~#+.oOxX<>|:^ ]{3,}[ \t]*$")


def _label_of(line: str) -> tuple[str, str, str] | None:
    """(label as written, field, value) when `line` is a known 'Label: value' line."""
    m = _LABEL_LINE.match(line)
    if not m:
        return None
    written = m.group(1).strip()
    key = re.sub(r"\s+", " ", written.lower()).replace("\u2019", "'")
    fld = HEADER_LABELS.get(key)
    if fld is None:
        return None
    return written, fld, m.group(2)


def _is_rule(line: str) -> bool:
    return bool(_RULE_LINE.match(line)) and any(c not in " \t." for c in line)


def parse_header(text: str, max_lines: int = 80) -> tuple[list[tuple[str, str, str]], int, int]:
    """Find a header block of 'Label:' lines at the top of `text`.

    Returns (entries as (label, field, value), header_start, header_end); the
    end is the offset just after the block (and a rule line closing it), or
    (-, 0, 0) when there is no block. At least two known labels are needed, so a
    story opening "Chapter 1: ..." or a lone "A/N:" is not taken for a header.
    """
    lines = text.split("\n", max_lines + 1)[:max_lines]
    offsets = []
    pos = 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or _label_of(lines[i]) is None:
        return [], 0, 0
    start = offsets[i]
    entries: list[list[str]] = []
    end_line = i
    while i < len(lines):
        line = lines[i]
        lab = _label_of(line)
        if lab is not None:
            entries.append([lab[0], lab[1], lab[2]])
            end_line = i
            i += 1
            continue
        if not line.strip():
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _label_of(lines[j]) is not None:
                i = j
                continue
            if j < len(lines) and _is_rule(lines[j]):
                end_line = j
            break
        if _is_rule(line):
            end_line = i
            break
        cur = entries[-1]
        if cur[1] in _LONG or not cur[2]:
            cur[2] = (cur[2] + "\n" + line.strip()) if cur[2] else line.strip()
            end_line = i
            i += 1
            continue
        break
    if len(entries) < 2:
        return [], 0, 0
    end = offsets[end_line] + len(lines[end_line])
    if end < len(text) and text[end] == "\n":
        end += 1
    return [(a, b, c) for a, b, c in entries], start, end


def apply_header(meta: WorkMeta, entries: list[tuple[str, str, str]]) -> None:
    """Fill the typed fields from header entries; the raw pairs stay in meta.raw['header']."""
    for _label, fld, value in entries:
        v = value.strip()
        if not v:
            continue
        if fld == "title" and not meta.title:
            meta.title = v
            meta.title_confidence = 0.95
        elif fld == "authors":
            meta.authors.extend(a for a in re.split(r"\s*(?:,|&| and )\s*", v) if a)
        elif fld == "relationships":
            meta.relationships.extend(parse_relationships(v))
        elif fld == "rating":
            meta.rating = normalise_rating(v)
        elif fld == "disclaimer":
            meta.disclaimer = (meta.disclaimer + "\n" + v).strip()
        elif fld == "summary":
            meta.summary = (meta.summary + "\n" + v).strip()
        elif fld == "notes":
            meta.notes.append(v)
        elif fld in ("fandoms", "categories", "warnings", "characters", "freeform"):
            getattr(meta, fld).extend(split_list(v))
        elif fld == "series":
            meta.series.extend(parse_series(v))
        elif fld == "language":
            meta.language = language_code(v)
        elif fld == "words":
            meta.words = parse_int(v)
        elif fld == "chapters":
            meta.chapters_posted, meta.chapters_expected = parse_chapters(v)
        elif fld in ("published", "updated", "completed"):
            setattr(meta, fld, parse_date(v) or getattr(meta, fld))
        elif fld == "url":
            meta.source.url = meta.source.url or v
        elif fld == "status" and re.search(r"\b(complete|completed|finished)\b", v, re.I):
            meta.raw["complete"] = True


def source_info(path: Path, decoded: Decoded, kind: str) -> SourceInfo:
    return SourceInfo(
        kind=kind,
        file=str(path),
        encoding=decoded.encoding,
        encoding_confidence=decoded.confidence,
    )


def decoding_raw(decoded: Decoded) -> dict[str, object]:
    """What a reader may want to know about the decoding, for meta.raw."""
    raw: dict[str, object] = {
        "newlines": decoded.newlines,
        "offsets": "normalised-newlines" if decoded.newlines not in ("LF", "none") else "as-is",
        "bom": decoded.bom,
    }
    raw.update({k: v for k, v in decoded.detail.items() if v})
    return raw


def read_text(path: Path, data: bytes, decoded: Decoded | None = None) -> Source:
    """A plain text file: the decoded text, its damage, and its header block (if any)."""
    decoded = decoded or decode_bytes(data)
    text = decoded.text
    entries, h_start, h_end = parse_header(text)
    meta = WorkMeta(source=source_info(path, decoded, "text-header" if entries else "text"))
    meta.raw.update(decoding_raw(decoded))
    if entries:
        meta.raw["header"] = [[label, value] for label, _fld, value in entries]
        meta.raw["header_start"] = h_start
        meta.raw["header_end"] = h_end
        apply_header(meta, entries)
    return Source(path=str(path), text=text, meta=meta, damage=decoded.damage, structured=False)
