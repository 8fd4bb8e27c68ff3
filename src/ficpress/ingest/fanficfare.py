"""Files written by FanFicFare: EPUB, HTML and TXT.

Markers (from FanFicFare's writers): the EPUB's `dc:contributor` "FanFicFare
[https://github.com/JimmXinu/FanFicFare]", a title page `body.fff_titlepage`
of "<b>Label:</b> value<br/>" entries (or a `table.full`), chapter files
`body.fff_chapter` headed by `h3.fff_chapter_title`; the HTML's `table.full`
and `a[name=sectionNNNN]` chapter anchors; the TXT's title, "by Author",
"Label: value" lines, "TABLE OF CONTENTS", tab-indented chapter titles and a
closing "End file.".

FanFicFare's "Category" is the fandom for the archives fan fiction lives on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ficpress.ingest.decode import Decoded
from ficpress.ingest.markup import (
    ChapterPart,
    Item,
    WorkParts,
    assemble,
    collect_items,
    file_level,
    tag_name,
    text_of,
)
from ficpress.ingest.text import HEADER_LABELS, apply_header, decoding_raw, source_info
from ficpress.model import Source, WorkMeta

__all__ = ["parse_epub", "parse_html", "read_fff_txt", "FFF_LABELS"]

FFF_LABELS = {
    **HEADER_LABELS,
    "category": "fandoms",
    "story url": "url",
    "author url": "author_url",
    "packaged": "packaged",
    "publisher": "publisher",
    "site abbrev": "site",
    "story id": "story_id",
    "author id": "author_id",
    "extra tags": "freeform",
    "downloader version": "version",
    "file format": "format",
    "file extension": "format",
    "series url": "series_url",
    "relationships": "relationships",
    "freeform tags": "freeform",
}


def _entries_to_meta(meta: WorkMeta, entries: list[tuple[str, str]]) -> None:
    typed: list[tuple[str, str, str]] = []
    for label, value in entries:
        key = re.sub(r"\s+", " ", label.strip().lower())
        fld = FFF_LABELS.get(key)
        if fld is None:
            continue
        typed.append((label, fld, value))
        if fld in ("publisher", "story_id", "packaged", "version", "author_url", "series_url"):
            meta.raw[fld] = value
            if fld == "story_id":
                meta.source.work_id = value.strip()
    meta.raw["title_page"] = [[a, b] for a, b in entries]
    apply_header(meta, typed)
    meta.raw["fanficfare"] = True
    if meta.raw.get("complete"):
        meta.chapters_expected = meta.chapters_posted
        meta.completed = meta.updated or meta.published


def _title_page_entries(body: Any) -> list[tuple[str, str]]:
    """'<b>Label:</b> value<br/>' runs (or table rows) of FanFicFare's title page."""
    entries: list[tuple[str, str]] = []
    rows = [r for r in body.iter() if tag_name(r) == "tr"]
    if rows:
        for r in rows:
            t = text_of(r)
            m = re.match(r"^([^:]{1,40}):\s*(.*)$", t)
            if m:
                entries.append((m.group(1), m.group(2)))
        return entries
    for b in body.iter():
        if tag_name(b) != "b":
            continue
        label = text_of(b).rstrip(":").strip()
        if not label or not text_of(b).endswith(":"):
            continue
        value_parts = [b.tail or ""]
        sib = b.getnext()
        while sib is not None and tag_name(sib) not in ("br", "b"):
            value_parts.append(text_of(sib) + (sib.tail or ""))
            sib = sib.getnext()
        entries.append((label, re.sub(r"\s+", " ", "".join(value_parts)).strip()))
    return entries


def _title_line(meta: WorkMeta, h: Any) -> None:
    """'<a>Title</a> by <a>Author</a>' -> title and authors (the byline, not dc:creator)."""
    links = [a for a in h.iter() if tag_name(a) == "a"]
    text = text_of(h)
    if links:
        meta.title = text_of(links[0])
        meta.source.url = meta.source.url or (links[0].get("href") or "")
        meta.authors = [text_of(a) for a in links[1:] if text_of(a)] or meta.authors
    m = re.match(r"^(.*)\s+by\s+(.+)$", text)
    if m:
        meta.title = meta.title or m.group(1).strip()
        if not meta.authors:
            meta.authors = [a.strip() for a in re.split(r",\s*", m.group(2)) if a.strip()]
    meta.title_confidence = 0.95


def parse_epub(docs: list[tuple[str, Any]], meta: WorkMeta, md: dict[str, Any]) -> WorkParts:
    from ficpress.ingest.epub import _apply_opf
    from ficpress.ingest.html import body_of

    parts = WorkParts(meta=meta)
    for name, root in docs:
        body = body_of(root)
        cls = (body.get("class") or "").split()
        base = name.rsplit("/", 1)[-1]
        if "fff_titlepage" in cls or base.startswith("title_page"):
            h = next((e for e in body.iter() if tag_name(e) in ("h1", "h2", "h3")), None)
            if h is not None:
                _title_line(meta, h)
            _entries_to_meta(meta, _title_page_entries(body))
            continue
        if (
            "fff_tocpage" in cls
            or "fff_logpage" in cls
            or "fff_coverpage" in cls
            or base.startswith(("toc_page", "log_page", "cover"))
        ):
            continue
        heads = [e for e in body.iter() if tag_name(e) in ("h1", "h2", "h3")]
        marked = [e for e in heads if "fff_chapter_title" in (e.get("class") or "")]
        heads = marked or heads[:1]
        title = text_of(heads[0]) if heads else ""
        if heads:
            heads[0].getparent().remove(heads[0])
        parts.chapters.append(ChapterPart(title=title, items=collect_items(body), implicit=not title))
    _apply_opf(meta, md, authors=not meta.authors)
    return parts


def parse_html(root: Any, meta: WorkMeta) -> WorkParts:
    from ficpress.ingest.html import body_of, split_by_headings

    body = body_of(root)
    h1 = next((e for e in body.iter() if tag_name(e) == "h1"), None)
    if h1 is not None:
        _title_line(meta, h1)
        h1.getparent().remove(h1)
    table = next(
        (e for e in body.iter() if tag_name(e) == "table" and "full" in (e.get("class") or "")), None
    )
    if table is not None:
        _entries_to_meta(meta, _title_page_entries(table))
        table.getparent().remove(table)
    for a in list(body.iter()):
        if tag_name(a) == "a" and (a.get("name") or "") == "TOCTOP":
            nxt = a.getnext()
            a.getparent().remove(a)
            if nxt is not None and tag_name(nxt) == "p":
                nxt.getparent().remove(nxt)  # the list of chapter links
    items = [i for i in collect_items(body) if not (i.kind == "heading" and i.text == "Table of Contents")]
    parts = split_by_headings(items, meta)
    return parts


# --------------------------------------------------------------------------- TXT

_EMPH = re.compile(
    r"(?<![\w*])(\*\*|__)(?=\S)(.+?)(?<=\S)\1(?![\w*])|(?<![\w*])([_*])(?=\S)(.+?)(?<=\S)\3(?![\w*])"
)


def _md_inline(line: str) -> Item:
    """html2text's `_em_` and `**strong**` into spans, markers removed."""
    spans: list[tuple[str, int, int, dict[str, Any]]] = []
    out: list[str] = []
    pos = 0
    last = 0
    for m in _EMPH.finditer(line):
        out.append(line[last : m.start()])
        pos += m.start() - last
        inner = m.group(2) if m.group(1) else m.group(4)
        kind = "strong" if m.group(1) else "emphasis"
        spans.append((kind, pos, pos + len(inner), {"marker": m.group(1) or m.group(3)}))
        out.append(inner)
        pos += len(inner)
        last = m.end()
    out.append(line[last:])
    text = "".join(out).strip()
    lead = len("".join(out)) - len("".join(out).lstrip())
    spans = [(k, a - lead, b - lead, at) for k, a, b, at in spans if b - lead > 0]
    if re.fullmatch(r"(?:\* ?){3,}|(?:- ?){3,}|_{3,}", text):
        return Item("break", text)
    return Item("para", text, spans)


def read_fff_txt(path: Path, decoded: Decoded) -> Source:
    text = decoded.text
    meta = WorkMeta(source=source_info(path, decoded, "fff-txt"))
    meta.raw.update(decoding_raw(decoded))
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    meta.title = lines[i].strip() if i < len(lines) else ""
    meta.title_confidence = 0.9
    i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].startswith("by "):
        meta.authors = [a.strip() for a in re.split(r",\s*", lines[i][3:]) if a.strip()]
        i += 1
    entries: list[tuple[str, str]] = []
    toc: list[str] = []
    while i < len(lines) and not lines[i].startswith("\t"):
        ln = lines[i]
        if ln.strip() == "TABLE OF CONTENTS":
            i += 1
            while i < len(lines) and not lines[i].startswith("\t"):
                if lines[i].strip():
                    toc.append(lines[i].strip())
                i += 1
            break
        m = re.match(r"^([A-Za-z][A-Za-z /]{0,30}):\s?(.*)$", ln)
        if m and m.group(1).strip().lower() in FFF_LABELS:
            entries.append((m.group(1), m.group(2).strip()))
        elif ln.strip() and entries:
            entries[-1] = (entries[-1][0], (entries[-1][1] + "\n" + ln.strip()).strip())
        i += 1
    _entries_to_meta(meta, entries)
    meta.raw["toc"] = toc
    parts = WorkParts(meta=meta)
    cur: ChapterPart | None = None
    for ln in lines[i:]:
        if ln.startswith("\t") and ln.strip() and (not toc or ln.strip() in toc):
            cur = ChapterPart(title=ln.strip())
            parts.chapters.append(cur)
            continue
        if ln.strip() == "End file.":
            continue
        if cur is None:
            cur = ChapterPart(title=meta.title, implicit=True)
            parts.chapters.append(cur)
        if not ln.strip():
            cur.items.append(Item("empty", attrs={"br": True}))
        else:
            cur.items.append(_md_inline(ln))
    if len(parts.chapters) == 1 and parts.chapters[0].implicit:
        parts.chapters[0].title = meta.title
    for ch in parts.chapters:
        # html2text puts one blank line between paragraphs: only longer runs are breaks
        ch.items = _collapse_blank(ch.items)
    src = assemble(parts, str(path), file_level(decoded.damage))
    return src


def _collapse_blank(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    run = 0
    for it in items:
        if it.kind == "empty":
            run += 1
            continue
        if run >= 3 and out:
            out.append(Item("hr"))
        run = 0
        out.append(it)
    return out
