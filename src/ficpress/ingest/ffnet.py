"""FanFiction.net story pages saved from the browser (one chapter per page).

Landmarks: `div#profile_top` (title in the first `b`, author link to `/u/`,
the summary `div`, and the `span.xgray` metadata line), `div#pre_story_links`
(category and fandom, or a "X + Y Crossover"), `select#chap_select` (chapter
titles as "2. The Return"), and the story body `div#storytext`.

The metadata line reads "Rated: Fiction T - English - Romance/Drama - [Willow
R., Spike] Buffy S. - Chapters: 12 - Words: 40,123 - Reviews: 512 - Favs: 300
- Follows: 250 - Updated: 3/13/2011 - Published: 1/10/2008 - Status: Complete
- id: 4012345"; genre, characters, chapters, updated and status are optional.
Names in brackets are a pairing.
"""

from __future__ import annotations

import re
from typing import Any

from ficpress.ingest.markup import ChapterPart, WorkParts, collect_items, text_of
from ficpress.ingest.metadata import language_code, parse_date, parse_int, parse_timestamp
from ficpress.model import Relationship, WorkMeta

__all__ = ["parse_page", "parse_info_line", "GENRES"]

GENRES = {
    "Adventure",
    "Angst",
    "Crime",
    "Drama",
    "Family",
    "Fantasy",
    "Friendship",
    "General",
    "Horror",
    "Humor",
    "Hurt/Comfort",
    "Mystery",
    "Parody",
    "Poetry",
    "Romance",
    "Sci-Fi",
    "Spiritual",
    "Supernatural",
    "Suspense",
    "Tragedy",
    "Western",
}
_LANG = {
    "English": "en",
    "Spanish": "es",
    "French": "fr",
    "German": "de",
    "Italian": "it",
    "Portuguese": "pt",
    "Russian": "ru",
    "Polish": "pl",
    "Dutch": "nl",
    "Indonesian": "id",
    "Japanese": "ja",
    "Chinese": "zh",
    "Vietnamese": "vi",
    "Swedish": "sv",
    "Finnish": "fi",
    "Turkish": "tr",
    "Tagalog": "tl",
    "Czech": "cs",
}


def _genres(token: str) -> list[str] | None:
    """'Romance/Drama' -> ['Romance', 'Drama'], minding 'Hurt/Comfort'; None if not a genre list."""
    rest = token.strip()
    out: list[str] = []
    while rest:
        for g in sorted(GENRES, key=len, reverse=True):
            if rest.startswith(g):
                out.append(g)
                rest = rest[len(g) :].lstrip("/")
                break
        else:
            return None
    return out or None


def parse_info_line(line: str, meta: WorkMeta, times: list[str] | None = None) -> None:
    """The xgray metadata line into typed fields; every token is kept in meta.raw['ffnet']."""
    tokens = [t.strip() for t in re.split(r"\s+-\s+", line.strip()) if t.strip()]
    info: dict[str, str] = {}
    plain: list[str] = []
    for tok in tokens:
        m = re.match(
            r"^(Rated|Chapters|Words|Reviews|Favs|Follows|Updated|Published|Status|id)\s*:\s*(.*)$", tok
        )
        if m:
            info[m.group(1).lower()] = m.group(2).strip()
        else:
            plain.append(tok)
    meta.raw["ffnet"] = {"line": line.strip(), **info, "other": plain}
    if "rated" in info:
        meta.rating = re.sub(r"^Fiction\s+", "", info["rated"]).strip()
    if plain:
        lang = plain.pop(0)
        meta.language = _LANG.get(lang) or language_code(lang)
        meta.raw["ffnet"]["language"] = lang
    for tok in plain:
        g = _genres(tok)
        if g is not None:
            meta.freeform.extend(g)
            meta.raw["ffnet"]["genre"] = tok
            continue
        _characters(tok, meta)
    if "words" in info:
        meta.words = parse_int(info["words"])
    meta.chapters_posted = parse_int(info.get("chapters", "1"))
    complete = info.get("status", "").lower() == "complete"
    meta.chapters_expected = meta.chapters_posted if complete else None
    times = times or []
    # the page writes Updated before Published; data-xutime carries exact dates
    if "updated" in info:
        meta.updated = (parse_timestamp(times[0]) if len(times) >= 2 else "") or parse_date(info["updated"])
    if "published" in info:
        ts = times[-1] if times else ""
        meta.published = (parse_timestamp(ts) if ts else "") or parse_date(info["published"])
    if complete:
        meta.completed = meta.updated or meta.published
    if "id" in info:
        meta.source.work_id = info["id"]


def _characters(token: str, meta: WorkMeta) -> None:
    """'[Willow R., Spike] Buffy S., Giles' -> pairings from brackets, characters from all names."""
    meta.raw["ffnet"]["characters"] = token
    for group in re.findall(r"\[([^\]]+)\]", token):
        names = [n.strip() for n in group.split(",") if n.strip()]
        meta.characters.extend(names)
        if len(names) >= 2:
            meta.relationships.append(
                Relationship(raw=f"[{group}]", kind="romantic", members=sorted(names, key=str.casefold))
            )
    rest = re.sub(r"\[[^\]]*\]", ",", token)
    meta.characters.extend(n.strip() for n in rest.split(",") if n.strip())


def parse_page(root: Any, meta: WorkMeta) -> WorkParts:
    parts = WorkParts(meta=meta)
    top = root.xpath("//*[@id='profile_top']")
    if top:
        t = top[0]
        bs = t.xpath(".//b")
        if bs:
            meta.title = text_of(bs[0])
            meta.title_confidence = 0.99
        authors = [a for a in t.xpath(".//a[@href]") if re.search(r"/u/\d+", a.get("href") or "")]
        if authors:
            meta.authors = [text_of(authors[0])]
        summary = [d for d in t.xpath("./div") if text_of(d) and not d.xpath(".//button")]
        if summary:
            parts.summary = collect_items(summary[0])
            meta.summary = text_of(summary[0])
        gray = t.xpath(".//span[contains(@class, 'xgray')]")
        if gray:
            times = gray[0].xpath(".//span/@data-xutime")
            parse_info_line(text_of(gray[0]), meta, times)
    links = root.xpath("//*[@id='pre_story_links']//a")
    names = [text_of(a) for a in links if text_of(a)]
    meta.raw["ffnet_categories"] = names
    if names:
        last = names[-1]
        if last.endswith(" Crossover"):
            meta.fandoms = [f.strip() for f in last[: -len(" Crossover")].split(" + ") if f.strip()]
            meta.categories = ["Crossover"]
        else:
            meta.fandoms = [last]
            if len(names) > 1:
                meta.categories = names[:-1]
    canon = root.xpath("//link[@rel='canonical']/@href")
    if canon:
        meta.source.url = canon[0]
        m = re.search(r"/s/(\d+)", canon[0])
        if m:
            meta.source.work_id = meta.source.work_id or m.group(1)
    elif meta.source.work_id:
        meta.source.url = f"https://www.fanfiction.net/s/{meta.source.work_id}"
    opts = root.xpath("//select[@id='chap_select']/option")
    chapter = ChapterPart(title=meta.title, implicit=True)
    if opts:
        meta.raw["chapter_index"] = [text_of(o) for o in opts]
        sel = [o for o in opts if o.get("selected") is not None] or opts[:1]
        label = text_of(sel[0])
        m = re.match(r"^\s*(\d+)\.\s*(.*)$", label)
        chapter = ChapterPart(title=m.group(2) if m else label)
        chapter.attrs["number"] = int(m.group(1)) if m else int(sel[0].get("value") or 1)
    if not top:  # the mobile site (m.fanfiction.net): title in the first <b>, author linked to /u/
        center = root.xpath("//*[@id='content']") or [root]
        bs = center[0].xpath(".//b")
        if bs and not meta.title:
            meta.title = text_of(bs[0])
            meta.title_confidence = 0.8
        authors = [a for a in center[0].xpath(".//a[@href]") if re.search(r"/u/\d+", a.get("href") or "")]
        if authors and not meta.authors:
            meta.authors = [text_of(authors[0])]
    body = root.xpath("//*[@id='storytext']") or root.xpath("//*[@id='storycontent']")
    chapter.items = collect_items(*body[:1])
    parts.chapters.append(chapter)
    return parts
