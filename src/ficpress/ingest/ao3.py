"""Archive of Our Own: HTML downloads (every template generation), calibre-made EPUBs, saved work pages.

The download is read by its landmarks, not by class names, because AO3's
ebooks are made by calibre from the HTML download and calibre renames classes
(`meta` -> `calibre3`) while keeping ids and text. The landmarks, in order:
the "Posted originally on the Archive of Our Own at <url>." message; a `dl` of
tags ending in "Stats:"; the title in `h1`; the byline ("by ..."); paragraphs
labelled "Summary", "Notes", "Chapter Summary", "Chapter Notes", "Chapter End
Notes", "End Notes", each followed by a `blockquote`; one `h2` per chapter; and
the "Please drop by the Archive and comment" message closing the work.

Generations handled: before 2019 (no `div#preface`, singular tag labels,
unformatted word counts, "Chapters" only for chaptered works), 2019-2025
(`div#preface` with a "Preface" `h2`, the title in the message, a table of
contents, `h2#chapter-N`), and the current one (pluralised labels, "Language",
word counts with separators, always "Chapters: N/M", the "creator" wording).
"""

from __future__ import annotations

import re
from typing import Any

from ficpress.ingest.markup import ChapterPart, Item, WorkParts, collect_items, items_text, tag_name, text_of
from ficpress.ingest.metadata import (
    language_code,
    parse_chapters,
    parse_date,
    parse_int,
    parse_relationships,
    parse_series,
)
from ficpress.model import WorkMeta

__all__ = ["parse_download", "parse_page", "apply_tags", "LANGUAGES"]

_LABELS = {
    "summary": ("work", "summary"),
    "notes": ("work", "head"),
    "end notes": ("work", "end"),
    "chapter summary": ("chapter", "summary"),
    "chapter notes": ("chapter", "head"),
    "chapter end notes": ("chapter", "end"),
}
_TAG_FIELDS = {
    "rating": "rating",
    "ratings": "rating",
    "archive warning": "warnings",
    "archive warnings": "warnings",
    "warning": "warnings",
    "warnings": "warnings",
    "category": "categories",
    "categories": "categories",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationship": "relationships",
    "relationships": "relationships",
    "character": "characters",
    "characters": "characters",
    "additional tag": "freeform",
    "additional tags": "freeform",
    "freeform": "freeform",
    "language": "language",
    "series": "series",
    "collection": "collections",
    "collections": "collections",
    "stats": "stats",
}
LANGUAGES = {
    "english": "en",
    "español": "es",
    "espanol": "es",
    "français": "fr",
    "francais": "fr",
    "deutsch": "de",
    "italiano": "it",
    "português brasileiro": "pt-BR",
    "português europeu": "pt-PT",
    "polski": "pl",
    "nederlands": "nl",
    "русский": "ru",
    "українська": "uk",
    "中文-普通话 國語": "zh",
    "中文": "zh",
    "日本語": "ja",
    "한국어": "ko",
    "tiếng việt": "vi",
    "svenska": "sv",
    "suomi": "fi",
    "dansk": "da",
    "norsk": "no",
    "čeština": "cs",
    "magyar": "hu",
    "türkçe": "tr",
    "bahasa indonesia": "id",
    "català": "ca",
    "ελληνικά": "el",
    "עברית": "he",
    "العربية": "ar",
}
_STATS = re.compile(r"(Published|Updated|Completed|Words|Chapters|Comments|Kudos|Bookmarks|Hits):\s*([^\s]+)")
_WORK_URL = re.compile(r"(https?://[^/\s\"']*archiveofourown\.org/works/(\d+))|/works/(\d+)")


def _classes(el: Any) -> list[str]:
    return (el.get("class") or "").split()


def _kids(el: Any) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str)]


def _norm_label(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip().lower()


def _is_label_p(el: Any) -> bool:
    return tag_name(el) == "p" and _norm_label(text_of(el)) in _LABELS and not _kids(el)[1:]


_WRAPPER_IDS = ("preface", "chapters", "afterword", "endnotes")


def _is_wrapper(el: Any, depth: int = 0) -> bool:
    tag = tag_name(el)
    if tag not in ("div", "body", "section", "html"):
        return False
    ident = el.get("id") or ""
    if ident in _WRAPPER_IDS or ident.startswith(("endnotes", "chapter-")):
        return True
    cls = _classes(el)
    if "userstuff" in cls:
        return False
    if {"meta", "preface", "afterword", "toc"} & set(cls):
        return True
    kids = _kids(el)
    if not kids:
        return False
    tags = [tag_name(k) for k in kids]
    if "dl" in tags[:3] or "h1" in tags:
        return True
    if tags[0] == "h2" and len(kids) <= 10 and all(t in ("h2", "p", "blockquote", "div", "h4") for t in tags):
        return True  # a chapter's meta group
    if any(_is_label_p(k) for k in kids):
        return True
    return depth < 2 and any(tag_name(k) == "div" and _is_wrapper(k, depth + 1) for k in kids[:8])


def _leaves(el: Any, ctx: str | None = None) -> list[tuple[Any, str | None]]:
    out: list[tuple[Any, str | None]] = []
    stack: list[tuple[Any, str | None]] = [(el, ctx)]
    # iterative pre-order walk; wrappers are opened, everything else is a leaf
    while stack:
        node, c = stack.pop()
        ident = node.get("id") or ""
        if ident in ("preface", "chapters", "afterword"):
            c = ident
        if _is_wrapper(node):
            stack.extend((k, c) for k in reversed(_kids(node)))
        else:
            out.append((node, c))
    return out


# --------------------------------------------------------------------------- tags


def _values(dd: Any) -> list[str]:
    links = [text_of(a) for a in dd.iter() if tag_name(a) == "a" and text_of(a)]
    if links:
        return links
    return [v for v in (s.strip() for s in re.split(r",\s*", text_of(dd))) if v]


def apply_tags(meta: WorkMeta, pairs: list[tuple[str, Any]]) -> None:
    """dt/dd pairs of an AO3 tag list into the typed fields; raw labels and values kept as written."""
    raw_tags: dict[str, list[str]] = meta.raw.setdefault("tags", {})
    for label, dd in pairs:
        key = _norm_label(label)
        fld = _TAG_FIELDS.get(key)
        if fld == "stats":
            apply_stats(meta, text_of(dd) if not isinstance(dd, str) else dd)
            meta.raw["stats"] = text_of(dd) if not isinstance(dd, str) else dd
            continue
        if fld == "language":
            lang = text_of(dd).strip()
            raw_tags[label.strip().rstrip(":")] = [lang]
            meta.language = LANGUAGES.get(lang.lower()) or language_code(lang)
            continue
        if fld == "series":
            raw = text_of(dd)
            raw_tags[label.strip().rstrip(":")] = [raw]
            meta.series = parse_series(re.sub(r",\s*(?=Part\s+\d)", "\n", raw))
            continue
        values = _values(dd)
        raw_tags[label.strip().rstrip(":")] = values
        if fld == "rating":
            meta.rating = values[0] if values else ""
        elif fld == "relationships":
            meta.relationships = parse_relationships(values)
        elif fld in ("warnings", "categories", "fandoms", "characters", "freeform"):
            setattr(meta, fld, values)
        elif fld == "collections":
            meta.raw["collections"] = values


def apply_stats(meta: WorkMeta, text: str) -> None:
    stats = {k.lower(): v for k, v in _STATS.findall(text)}
    meta.raw["stats_parsed"] = stats
    if "published" in stats:
        meta.published = parse_date(stats["published"])
    if "updated" in stats:
        meta.updated = parse_date(stats["updated"])
    if "completed" in stats:
        meta.completed = parse_date(stats["completed"])
        meta.updated = meta.updated or meta.completed
    if "words" in stats:
        meta.words = parse_int(stats["words"])
    if "chapters" in stats:
        meta.chapters_posted, meta.chapters_expected = parse_chapters(stats["chapters"])


def _dl_pairs(dl: Any) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    label = None
    for k in _kids(dl):
        t = tag_name(k)
        if t == "dt":
            label = text_of(k)
        elif t == "dd" and label is not None:
            pairs.append((label, k))
            label = None
    return pairs


def _is_tag_dl(dl: Any) -> bool:
    labels = {_norm_label(text_of(k)) for k in _kids(dl) if tag_name(k) == "dt"}
    return bool(labels & {"rating", "stats", "archive warning", "archive warnings", "fandom", "fandoms"})


def _set_url(meta: WorkMeta, href: str) -> None:
    m = _WORK_URL.search(href or "")
    if not m:
        return
    work_id = m.group(2) or m.group(3)
    meta.source.work_id = work_id
    meta.source.url = f"https://archiveofourown.org/works/{work_id}"
    meta.raw["url_as_written"] = href


def _authors_from(el: Any) -> list[str]:
    links = [text_of(a) for a in el.iter() if tag_name(a) == "a" and text_of(a)]
    if links:
        return links
    t = re.sub(r"^\s*by\s+", "", text_of(el), flags=re.I)
    return [a for a in (s.strip() for s in re.split(r",\s*|\s+and\s+", t)) if a]


# --------------------------------------------------------------------------- downloads and EPUBs


def parse_download(root: Any, meta: WorkMeta) -> WorkParts:
    """An AO3 HTML download, or the spine documents of an AO3 EPUB joined under one body."""
    from ficpress.ingest.html import body_of

    parts = WorkParts(meta=meta)
    chapters: list[ChapterPart] = []
    cur: ChapterPart | None = None
    pending: tuple[str, str] | None = None
    preface_done = False
    in_afterword = False
    skip_next_list = False
    has_preface = False
    current_marks = 0
    prev_tag = ""
    for el, ctx in _leaves(body_of(root)):
        tag = tag_name(el)
        after_title, prev_tag = prev_tag == "h1", tag
        if ctx == "preface":
            has_preface = True
        text = text_of(el)
        if tag == "p" and "Posted originally on the" in text:
            for a in el.iter():
                if tag_name(a) == "a" and "/works/" in (a.get("href") or ""):
                    _set_url(meta, a.get("href") or "")
            kids = _kids(el)
            if kids and tag_name(kids[0]) == "b":
                meta.raw["message_title"] = text_of(kids[0])
            continue
        if tag == "p" and text.startswith("Please drop by the"):
            in_afterword = True
            meta.raw["closing_message"] = text
            if "creator" in text:
                current_marks += 1
            continue
        if tag == "dl" and _is_tag_dl(el):
            pairs = _dl_pairs(el)
            apply_tags(meta, pairs)
            labels = [_norm_label(p[0]) for p in pairs]
            if "language" in labels or any(
                lab.endswith("s") and lab not in ("stats", "additional tags", "series") for lab in labels
            ):
                current_marks += 1
            continue
        if tag == "h1" and not preface_done:
            meta.title = text
            meta.title_confidence = 0.99
            continue
        is_byline = "byline" in _classes(el) or (after_title and text.lower().startswith("by "))
        if is_byline and cur is None and not preface_done:
            if not meta.authors:
                meta.authors = _authors_from(el)
                meta.raw["byline"] = text
            continue
        if tag == "p" and "byline" in _classes(el) and text.startswith("Chapter by") and cur is not None:
            cur.attrs["byline"] = _authors_from(el)
            continue
        if tag == "h2":
            if text in ("Preface",):
                continue
            if text == "Afterword":
                in_afterword = True
                cur = None
                continue
            preface_done = True
            in_afterword = False
            cur = ChapterPart(title=text)
            if el.get("id"):
                cur.attrs["id"] = el.get("id")
            chapters.append(cur)
            continue
        if _is_label_p(el):
            pending = _LABELS[_norm_label(text)]
            continue
        if tag == "p" and _norm_label(text) == "table of contents":
            skip_next_list = True
            continue
        if skip_next_list and tag in ("ul", "ol"):
            skip_next_list = False
            meta.raw["toc"] = [text_of(li) for li in el if tag_name(li) == "li"]
            continue
        if "endnote-link" in _classes(el) or text.startswith(("See the end of the", "(See the end of the")):
            continue
        if tag == "blockquote" and pending is not None:
            scope, role = pending
            pending = None
            items = collect_items(el)
            _place(parts, cur, scope, role, items)
            continue
        pending = None
        if tag in ("dl", "ul", "ol") and (not preface_done or in_afterword or cur is None):
            meta.raw.setdefault("related", []).append(text)
            continue
        if in_afterword:
            if text:
                meta.raw.setdefault("afterword_extra", []).append(text)
            continue
        if ctx == "preface" or (not preface_done and tag not in ("div",) and ctx != "chapters"):
            if text:
                meta.raw.setdefault("preface_extra", []).append(text)
            continue
        # story text
        preface_done = True
        if cur is None:
            cur = ChapterPart(implicit=True)
            chapters.append(cur)
        cur.items.extend(collect_items(el))
    if not meta.title:
        meta.title = meta.raw.get("message_title", "")
        meta.title_confidence = 0.9 if meta.title else 0.0
    parts.chapters = chapters
    meta.summary = items_text(parts.summary)
    meta.notes = [t for t in (items_text(parts.head_notes), items_text(parts.end_notes)) if t]
    # which template generation wrote the file (see the module docstring)
    meta.raw["template"] = "current" if current_marks else ("2019-2025" if has_preface else "pre-2019")
    if len(chapters) == 1 and chapters[0].implicit:
        chapters[0].title = meta.title
    return parts


def _place(parts: WorkParts, cur: ChapterPart | None, scope: str, role: str, items: list[Item]) -> None:
    if scope == "chapter" and cur is not None:
        target = {"summary": cur.summary, "head": cur.head_notes, "end": cur.end_notes}[role]
    else:
        target = {"summary": parts.summary, "head": parts.head_notes, "end": parts.end_notes}[role]
    target.extend(items)


# --------------------------------------------------------------------------- saved work pages


def _find(root: Any, xpath: str) -> list[Any]:
    return root.xpath(xpath)


def _has(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def _blockquote_items(el: Any) -> list[Item]:
    bqs = [b for b in el.iter() if tag_name(b) == "blockquote"]
    return collect_items(*bqs) if bqs else []


def parse_page(root: Any, meta: WorkMeta) -> WorkParts:
    """A work page saved from the browser: one chapter, or the entire work."""
    parts = WorkParts(meta=meta)
    dls = _find(root, f"//dl[{_has('work')} and {_has('meta')}]")
    if dls:
        pairs = []
        for label, dd in _dl_pairs(dls[0]):
            if _norm_label(label) == "stats":
                inner = [k for k in dd.iter() if tag_name(k) == "dl"]
                stats = (
                    " ".join(f"{a} {text_of(b)}" for a, b in _dl_pairs(inner[0])) if inner else text_of(dd)
                )
                pairs.append((label, stats))
            else:
                pairs.append((label, dd))
        apply_tags(meta, [(lab, v) for lab, v in pairs])
    for href in _find(root, "//link[@rel='canonical']/@href") + _find(
        root, "//meta[@property='og:url']/@content"
    ):
        _set_url(meta, href)
    if not meta.source.work_id:
        for c in root.iter():
            if not isinstance(c.tag, str) and c.text and "archiveofourown.org/works/" in c.text:
                _set_url(meta, c.text)
                break
    if not meta.source.work_id:
        for href in _find(root, "//a/@href | //form/@action"):
            if re.search(r"/works/\d+", href):
                _set_url(meta, href)
                break
    skin = _find(root, "//*[@id='workskin']")
    scope = skin[0] if skin else root
    for el in scope.xpath(f".//*[{_has('landmark')}]"):
        el.getparent().remove(el)
    pref = scope.xpath(f".//div[{_has('preface')} and {_has('group')} and not({_has('chapter')})]")
    if pref:
        p = pref[0]
        t = p.xpath(f".//*[{_has('title')}]")
        if t:
            meta.title = text_of(t[0])
            meta.title_confidence = 0.99
        b = p.xpath(f".//*[{_has('byline')}]")
        if b:
            meta.authors = _authors_from(b[0])
            meta.raw["byline"] = text_of(b[0])
        s = p.xpath(f".//div[{_has('summary')}]")
        if s:
            parts.summary = _blockquote_items(s[0])
        n = p.xpath(f".//div[{_has('notes')}]")
        if n:
            assoc = n[0].xpath(f".//ul[{_has('associations')}]")
            if assoc:
                meta.raw["associations"] = [text_of(li) for li in assoc[0] if tag_name(li) == "li"]
            parts.head_notes = _blockquote_items(n[0])
    end = scope.xpath(".//*[@id='work_endnotes']")
    if end:
        parts.end_notes = _blockquote_items(end[0])
    chapters_el = scope.xpath(".//*[@id='chapters']")
    container = chapters_el[0] if chapters_el else scope
    chapter_divs = container.xpath(f"./div[{_has('chapter')}]")
    if chapter_divs:
        for div in chapter_divs:
            ch = ChapterPart()
            m = re.match(r"chapter-(\d+)", div.get("id") or "")
            if m:
                ch.attrs["number"] = int(m.group(1))
            head = div.xpath(f"./div[{_has('preface')} and not(.//*[{_has('end')}])]")
            if head:
                t = head[0].xpath(f".//*[{_has('title')}]")
                ch.title = text_of(t[0]) if t else ""
                s = head[0].xpath(f".//div[{_has('summary')}]")
                if s:
                    ch.summary = _blockquote_items(s[0])
                n = head[0].xpath(f".//div[{_has('notes')} and not({_has('end')})]")
                if n:
                    ch.head_notes = _blockquote_items(n[0])
                by = head[0].xpath(f".//*[{_has('byline')}]")
                if by:
                    ch.attrs["byline"] = _authors_from(by[0])
            body = div.xpath(f"./div[{_has('userstuff')}]")
            ch.items = collect_items(*body)
            en = div.xpath(f".//div[{_has('end')} and {_has('notes')}]")
            if en:
                ch.end_notes = _blockquote_items(en[0])
            parts.chapters.append(ch)
    else:
        body = container.xpath(f".//div[{_has('userstuff')}]")
        body = [b for b in body if not any(tag_name(a) == "blockquote" for a in b.iterancestors())]
        ch = ChapterPart(title=meta.title, implicit=True, items=collect_items(*body[:1]))
        parts.chapters.append(ch)
    select = root.xpath("//select[@id='selected_id']//option")
    if select:
        meta.raw["chapter_index"] = [text_of(o) for o in select]
    meta.summary = items_text(parts.summary)
    meta.notes = [t for t in (items_text(parts.head_notes), items_text(parts.end_notes)) if t]
    meta.raw["page"] = "entire-work" if len(parts.chapters) > 1 or not select else "single-chapter"
    return parts
