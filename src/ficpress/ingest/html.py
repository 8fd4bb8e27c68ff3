"""HTML files: decode, parse without ever resolving an entity or touching the network, and pick a reader.

Fingerprints (see `classify`):
- AO3 download (every template generation): the "Posted originally on the
  Archive of Our Own" message with a `dl` of tags (`div#preface` since 2019);
- AO3 saved work page: `div#workskin` or `dl.work.meta.group`;
- AO3 listing (search results, tag pages): `li.work.blurb` items and no work text,
  refused, since it is not a story;
- FanFiction.net saved page: `div#storytext`, the `xgray` metadata span, `select#chap_select`;
- FanFicFare HTML: its title-page table (`table.full`) with `section0001` anchors;
- anything else with enough prose: generic HTML (headings become chapters).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ficpress.errors import FicpressError
from ficpress.ingest.decode import Decoded, decode_bytes
from ficpress.ingest.markup import (
    UNDECODABLE,
    ChapterPart,
    WorkParts,
    assemble,
    collect_items,
    file_level,
    text_of,
)
from ficpress.ingest.text import decoding_raw, source_info
from ficpress.model import Damage, Source, WorkMeta

__all__ = ["read_html", "parse_html_text", "parse_xml_bytes", "classify", "refuse_entities", "has_class"]

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_ENTITY_DECL = re.compile(rb"<!DOCTYPE[^>\[]*\[[\s\S]*?<!ENTITY", re.I)
_ENTITY_DECL_TEXT = re.compile(r"<!DOCTYPE[^>\[]*\[[\s\S]*?<!ENTITY", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
MAX_NODES = 2_000_000  # a page with more elements than this is not a story someone saved


def refuse_entities(path: Path | str, head: bytes | str, what: str = "file") -> None:
    """Entity declarations in a DOCTYPE are how billion-laughs and external-entity attacks start."""
    found = _ENTITY_DECL.search(head) if isinstance(head, bytes) else _ENTITY_DECL_TEXT.search(head)
    if found:
        raise FicpressError(
            path, f"the {what} declares XML entities in its DOCTYPE; ficpress never expands or fetches them"
        )


def _html_parser() -> Any:
    return lxml_html.HTMLParser(
        no_network=True, remove_comments=False, remove_pis=True, huge_tree=False, recover=True
    )


def parse_html_text(path: Path | str, text: str) -> Any:
    """Parse decoded HTML into an lxml tree (never fetching anything)."""
    refuse_entities(path, text)
    text = _XML_DECL.sub("", text, count=1)
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        root = lxml_html.document_fromstring(text, parser=_html_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise FicpressError(path, f"cannot parse the HTML: {exc}") from None
    return root


def parse_xml_bytes(path: Path | str, data: bytes, member: str = "") -> Any:
    """Parse XHTML/XML from an EPUB safely: no DTD, no entities, no network; HTML parser as fallback."""
    where = f"EPUB member {member}" if member else "file"
    refuse_entities(path, data, where)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        pass
    # Not well-formed XML (HTML entities such as &nbsp; without a DTD, stray tags): read it as HTML.
    dec = decode_bytes(data)
    return parse_html_text(path, dec.text)


def decode_html(data: bytes) -> Decoded:
    """Honest decoding, trusting a declared charset only when the bytes agree with it."""
    dec = decode_bytes(data)
    if (
        dec.encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
        and dec.confidence >= 1.0
    ):
        return dec
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", "ignore").lower()
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            return dec
        alt = decode_bytes(text.encode("utf-8"))
        alt.encoding = declared
        alt.confidence = 1.0
        return alt
    return dec


def has_class(el: Any, *names: str) -> bool:
    classes = (el.get("class") or "").split()
    return any(n in classes for n in names)


def classify(root: Any) -> str:
    """The reader for a parsed page; see the module docstring for the markers."""
    if root.xpath("//*[@id='workskin']") or root.xpath(
        "//dl[contains(concat(' ', normalize-space(@class), ' '), ' work ') and "
        "contains(concat(' ', normalize-space(@class), ' '), ' meta ')]"
    ):
        return "ao3-page"
    msg = _ao3_message(root)
    if msg is not None:
        return "ao3-html"
    blurbs = root.xpath("//li[contains(concat(' ', normalize-space(@class), ' '), ' blurb ')]")
    if blurbs and ("archiveofourown" in _site_hint(root) or root.xpath("//ol[contains(@class, 'index')]")):
        return "ao3-listing"
    # FanFicFare keeps the site's own story markup (FanFiction.net's div#storytext), so it goes first
    if root.xpath("//a[@name='TOCTOP']") or (
        root.xpath("//table[contains(@class, 'full')]") and root.xpath("//a[starts-with(@name, 'section')]")
    ):
        return "fff-html"
    if (
        root.xpath("//*[@id='storytext']")
        or root.xpath("//*[@id='storytextp']")
        or root.xpath("//*[@id='storycontent']")
    ):
        return "ffnet-page"
    if root.xpath("//div[contains(@class, 'z-list')]") and not root.xpath("//*[@id='storytext']"):
        return "ffnet-listing"
    return "html"


def _site_hint(root: Any) -> str:
    bits = root.xpath("//link[@rel='canonical']/@href") + root.xpath("//meta[@property='og:url']/@content")
    for c in root.iter(etree.Comment):
        bits.append(c.text or "")
        break
    bits += root.xpath("//title/text()")
    return " ".join(bits).lower()


def _ao3_message(root: Any) -> Any:
    for p in root.iter("p", "{http://www.w3.org/1999/xhtml}p"):
        t = text_of(p)
        if "Posted originally on the" in t and ("Archive of Our Own" in t or "/works/" in t):
            return p
    return None


# --------------------------------------------------------------------------- reading


def read_html(path: Path, data: bytes, decoded: Decoded | None = None) -> Source:
    """Any HTML story file: the right reader by fingerprint, or a one-line refusal."""
    dec = decoded or decode_html(data)
    text = dec.text
    undecodable = [d for d in dec.damage if d.kind == "undecodable"]
    if undecodable and UNDECODABLE not in text:
        chars = list(text)
        for d in undecodable:
            chars[d.source_start] = UNDECODABLE
        text = "".join(chars)
    root = parse_html_text(path, text)
    kind = classify(root)
    return read_tree(path, root, kind, dec)


def read_tree(path: Path, root: Any, kind: str, dec: Decoded | None) -> Source:
    count = sum(1 for _ in root.iter())
    if count > MAX_NODES:
        raise FicpressError(path, f"has {count:,} HTML elements; that is not a saved story page")
    if kind == "ao3-listing":
        raise FicpressError(
            path,
            "is an AO3 listing (search results or a tag page), not a story: open the work and "
            "download it (HTML or EPUB) or save the work page",
        )
    if kind == "ffnet-listing":
        raise FicpressError(
            path, "is a FanFiction.net story list, not a story: open the story and save its page"
        )
    meta = WorkMeta()
    if dec is not None:
        meta.source = source_info(path, dec, kind)
        meta.raw.update(decoding_raw(dec))
    else:
        meta.source.kind = kind
        meta.source.file = str(path)
    if kind == "ao3-html":
        from ficpress.ingest import ao3

        parts = ao3.parse_download(root, meta)
    elif kind == "ao3-page":
        from ficpress.ingest import ao3

        parts = ao3.parse_page(root, meta)
    elif kind == "ffnet-page":
        from ficpress.ingest import ffnet

        parts = ffnet.parse_page(root, meta)
    elif kind == "fff-html":
        from ficpress.ingest import fanficfare

        parts = fanficfare.parse_html(root, meta)
    else:
        parts = parse_generic(root, meta)
    extra: list[Damage] = file_level(dec.damage) if dec is not None else []
    src = assemble(parts, str(path), extra)
    _require_story(path, src)
    return src


def _require_story(path: Path | str, src: Source) -> None:
    words = len(src.text.split())
    if not src.chapters or words < 3:
        raise FicpressError(path, "holds no story text (no paragraphs found): it is not a story page")


# --------------------------------------------------------------------------- generic HTML

_CHAPTER_WORD = re.compile(
    r"^\s*(?:chapter|part|book|prologue|epilogue|interlude|chapitre|cap[ií]tulo|kapitel)\b|^\s*\d+\s*[.:)]",
    re.I,
)


def body_of(root: Any) -> Any:
    for tag in ("body", "{http://www.w3.org/1999/xhtml}body"):
        found = (
            root.find(".//" + tag) if root.tag not in ("body", "{http://www.w3.org/1999/xhtml}body") else root
        )
        if found is not None:
            return found
    return root


def parse_generic(root: Any, meta: WorkMeta, *, title_hint: str = "") -> WorkParts:
    """Any HTML: the largest heading level that repeats splits chapters; `<title>`/`<h1>` names the work."""
    body = body_of(root)
    items = collect_items(body)
    head_title = ""
    for t in root.iter("title", "{http://www.w3.org/1999/xhtml}title"):
        head_title = text_of(t)
        break
    meta_author = ""
    for m in root.iter("meta", "{http://www.w3.org/1999/xhtml}meta"):
        if (m.get("name") or "").lower() == "author":
            meta_author = (m.get("content") or "").strip()
    parts = split_by_headings(items, meta)
    if not meta.title:
        meta.title = title_hint or head_title
        meta.title_confidence = 0.6 if meta.title else 0.0
    if meta_author and not meta.authors:
        meta.authors = [meta_author]
    return parts


def _promote(item: Any) -> Any:
    """Word processors mark chapter titles by looks, not tags: a short bold or centred
    "Chapter 3: ..." paragraph is taken as a heading when the file has no real ones."""
    if item.kind != "para" or len(item.text) > 80 or not _CHAPTER_WORD.match(item.text):
        return item
    whole = any(k in ("strong", "underline") and a == 0 and b >= len(item.text) for k, a, b, _ in item.spans)
    if not whole and item.attrs.get("align") != "center":
        return item
    from ficpress.ingest.markup import Item

    return Item("heading", item.text, [], {**item.attrs, "level": 7, "promoted": True})


def split_by_headings(items: list[Any], meta: WorkMeta) -> WorkParts:
    """Chapters from headings: an `h1` used once is the work's title; the level that repeats splits."""
    if not any(i.kind == "heading" for i in items):
        items = [_promote(i) for i in items]
    heads = [i for i in items if i.kind == "heading"]
    levels: dict[int, int] = {}
    for h in heads:
        levels[h.attrs.get("level", 2)] = levels.get(h.attrs.get("level", 2), 0) + 1
    title_item = None
    if levels.get(1) == 1:
        title_item = next(h for h in heads if h.attrs.get("level") == 1)
        if not meta.title:
            meta.title = title_item.text
            meta.title_confidence = 0.8
    split_level = None
    for lvl in sorted(levels):
        if title_item is not None and lvl == 1:
            continue
        if levels[lvl] >= 2 or any(_CHAPTER_WORD.match(h.text) for h in heads if h.attrs.get("level") == lvl):
            split_level = lvl
            break
    parts = WorkParts(meta=meta)
    cur = ChapterPart(implicit=True)
    for it in items:
        if it is title_item:
            continue
        if it.kind == "heading" and it.attrs.get("level") == split_level:
            if cur.items or not cur.implicit:
                parts.chapters.append(cur)
            cur = ChapterPart(title=it.text)
            continue
        cur.items.append(it)
    if cur.items or not cur.implicit:
        parts.chapters.append(cur)
    # prose before the first heading of a chaptered text is front matter, unless it is long
    if len(parts.chapters) > 1 and parts.chapters[0].implicit:
        first = parts.chapters[0]
        words = sum(len(i.text.split()) for i in first.items)
        if words < 150:
            parts.head_notes = first.items
            parts.chapters.pop(0)
    return parts
