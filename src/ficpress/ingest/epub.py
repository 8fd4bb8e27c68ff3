"""EPUB 2 and 3: AO3's calibre-made books, FanFicFare books, and any other EPUB.

Safety first: an EPUB is a zip archive someone else made. Before reading, the
declared sizes of all members must stay under `MAX_INFLATE` (1 GiB) and under
a sane ratio; while reading, every member is streamed with a cap, so a member
lying about its size is stopped too. XML is parsed with entity resolution, DTD
loading and network access all off; a DOCTYPE declaring entities is refused.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree

from ficpress.errors import FicpressError
from ficpress.ingest.files import ARCHIVE_MAX, MB
from ficpress.ingest.html import body_of, parse_xml_bytes, split_by_headings
from ficpress.ingest.markup import ChapterPart, WorkParts, assemble, collect_items, tag_name
from ficpress.ingest.metadata import parse_date, parse_series, split_list
from ficpress.model import Series, Source, SourceInfo, WorkMeta

__all__ = ["read_epub", "MAX_INFLATE", "MAX_MEMBER"]

MAX_INFLATE = 1024 * MB  # all members together, declared and actually read
MAX_MEMBER = 128 * MB  # one XHTML/OPF member
MAX_MEMBERS = 20000
MAX_RATIO = 200  # deflate rarely beats 20:1 on text; 200:1 on a big member is a bomb
_XHTML = ("application/xhtml+xml", "text/html", "application/x-dtbook+xml", "text/x-oeb1-document")


class _Archive:
    """A zip opened with the limits above; every read is capped and counted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_total = 0
        declared_entries = _declared_entries(path)
        if declared_entries > MAX_MEMBERS:
            raise FicpressError(path, f"declares {declared_entries:,} files; no EPUB story has that many")
        try:
            self.zf = zipfile.ZipFile(path)
            infos = self.zf.infolist()
        except zipfile.BadZipFile as exc:
            raise FicpressError(
                path, f"is a truncated or damaged zip archive ({exc}); re-download the EPUB"
            ) from None
        except (OSError, EOFError, ValueError) as exc:
            raise FicpressError(path, f"cannot open the zip archive ({exc})") from None
        if len(infos) > MAX_MEMBERS:
            raise FicpressError(path, f"holds {len(infos):,} files; no EPUB story has that many")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_INFLATE:
            raise FicpressError(
                path,
                f"would inflate to {declared / MB:,.0f} MB (limit {MAX_INFLATE // MB} MB): refusing a zip bomb",
            )
        for i in infos:
            if i.file_size > 16 * MB and i.compress_size and i.file_size / i.compress_size > MAX_RATIO:
                raise FicpressError(
                    path,
                    f"member {i.filename} is compressed {i.file_size // i.compress_size}:1; refusing a zip bomb",
                )
        self.names = {i.filename: i for i in infos}

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str, cap: int = MAX_MEMBER) -> bytes:
        info = self.names.get(name)
        if info is None:
            raise FicpressError(self.path, f"EPUB member {name} is listed but missing from the archive")
        if info.file_size > cap:
            raise FicpressError(
                self.path, f"EPUB member {name} is {info.file_size / MB:,.0f} MB; too large to be a chapter"
            )
        out = bytearray()
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(1024 * 1024)
                    if not chunk:
                        break
                    out += chunk
                    self.read_total += len(chunk)
                    if len(out) > cap or self.read_total > MAX_INFLATE:
                        raise FicpressError(
                            self.path, f"EPUB member {name} inflates past its limit: refusing a zip bomb"
                        )
        except FicpressError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise FicpressError(
                self.path, f"EPUB member {name} is damaged ({exc}); re-download the EPUB"
            ) from None
        except NotImplementedError as exc:
            raise FicpressError(
                self.path, f"EPUB member {name} uses an unsupported compression ({exc})"
            ) from None
        except RuntimeError as exc:  # encrypted member
            raise FicpressError(
                self.path, f"EPUB member {name} cannot be read ({exc}); DRM-protected books are not supported"
            ) from None
        return bytes(out)


def _declared_entries(path: Path) -> int:
    """The entry count the end-of-central-directory record claims, read before zipfile builds
    one object per entry (a forged count of millions would cost gigabytes)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 66_000))
            tail = fh.read()
    except OSError:
        return 0
    count = 0
    i = tail.rfind(b"PK\x05\x06")
    if i != -1 and len(tail) >= i + 12:
        count = int.from_bytes(tail[i + 10 : i + 12], "little")
    j = tail.rfind(b"PK\x06\x06")
    if j != -1 and len(tail) >= j + 40:
        count = max(count, int.from_bytes(tail[j + 32 : j + 40], "little"))
    return count


def _find_opf(arc: _Archive) -> str:
    if arc.has("META-INF/container.xml"):
        root = parse_xml_bytes(arc.path, arc.read("META-INF/container.xml", 1 * MB), "META-INF/container.xml")
        for el in root.iter():
            if tag_name(el) == "rootfile":
                full = el.get("full-path") or ""
                if full and arc.has(full):
                    return full
    opfs = [n for n in arc.names if n.lower().endswith(".opf")]
    if opfs:
        return sorted(opfs, key=len)[0]
    raise FicpressError(arc.path, "is a zip archive but not a readable EPUB: it has no OPF package document")


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _strip_html(s: str) -> str:
    if "<" not in s:
        return s.strip()
    try:
        from lxml import html as lxml_html

        frag = lxml_html.fragment_fromstring(s, create_parent="div")
        return "\n".join(_text(p) for p in frag.iter("p")) or _text(frag)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return re.sub(r"<[^>]+>", " ", s).strip()


def read_epub(path: Path, size: int, head: bytes) -> Source:
    """Read an EPUB: the OPF's metadata, then the spine's documents by the fitting reader."""
    if size > ARCHIVE_MAX:
        raise FicpressError(
            path, f"is too large for an EPUB ({size / MB:,.0f} MB; limit {ARCHIVE_MAX // MB} MB)"
        )
    arc = _Archive(path)
    try:
        return _read(arc)
    finally:
        arc.zf.close()


def _read(arc: _Archive) -> Source:
    path = arc.path
    opf_name = _find_opf(arc)
    opf = parse_xml_bytes(path, arc.read(opf_name, 8 * MB), opf_name)
    base = posixpath.dirname(opf_name)
    md = _opf_metadata(opf)
    manifest: dict[str, tuple[str, str, str]] = {}
    for el in opf.iter():
        if tag_name(el) == "item":
            href = posixpath.normpath(posixpath.join(base, unquote(el.get("href") or "")))
            manifest[el.get("id") or href] = (
                href,
                (el.get("media-type") or "").lower(),
                el.get("properties") or "",
            )
    spine: list[str] = []
    for el in opf.iter():
        if tag_name(el) == "itemref":
            item = manifest.get(el.get("idref") or "")
            if item and (item[1] in _XHTML or item[0].lower().endswith((".xhtml", ".html", ".htm"))):
                if "nav" in item[2].split():
                    continue
                spine.append(item[0])
    if not spine:
        raise FicpressError(path, "is an EPUB with no readable documents in its spine")
    toc = _toc_labels(arc, opf, manifest, base)
    docs: list[tuple[str, Any]] = []
    for name in spine[:5000]:
        if not arc.has(name):
            continue
        data = arc.read(name)
        docs.append((name, parse_xml_bytes(path, data, name)))
    meta = WorkMeta(source=SourceInfo(kind="epub", file=str(path), encoding="utf-8"))
    meta.raw["opf"] = md
    meta.raw["epub_version"] = opf.get("version") or ""
    kind = _epub_kind(md, docs)
    meta.source.kind = kind
    if kind == "ao3-epub":
        parts = _ao3(docs, meta, md)
    elif kind == "fff-epub":
        from ficpress.ingest import fanficfare

        parts = fanficfare.parse_epub(docs, meta, md)
    else:
        parts = _generic(docs, meta, md, toc)
    src = assemble(parts, str(path))
    if not src.chapters or len(src.text.split()) < 3:
        raise FicpressError(path, "is an EPUB without story text")
    return src


def _opf_metadata(opf: Any) -> dict[str, Any]:
    md: dict[str, Any] = {
        "titles": [],
        "creators": [],
        "contributors": [],
        "subjects": [],
        "dates": [],
        "identifiers": [],
        "meta": {},
    }
    for el in opf.iter():
        name = tag_name(el)
        attrs = {k.rsplit("}", 1)[-1]: v for k, v in el.attrib.items()}
        if name == "title":
            md["titles"].append(_text(el))
        elif name == "creator":
            md["creators"].append(
                {"name": _text(el), "role": attrs.get("role", ""), "id": attrs.get("id", "")}
            )
        elif name == "contributor":
            md["contributors"].append({"name": _text(el), "role": attrs.get("role", "")})
        elif name == "subject":
            md["subjects"].append(_text(el))
        elif name == "date":
            md["dates"].append({"value": _text(el), "event": attrs.get("event", "")})
        elif name in ("language", "publisher", "description", "source", "rights"):
            md.setdefault(name, "".join(el.itertext()).strip())
        elif name == "identifier":
            md["identifiers"].append({"value": _text(el), "scheme": attrs.get("scheme", "")})
        elif name == "meta":
            key = attrs.get("name") or attrs.get("property") or ""
            val = attrs.get("content") if attrs.get("content") is not None else _text(el)
            if key:
                md["meta"].setdefault(key, val)
    return md


def _epub_kind(md: dict[str, Any], docs: list[tuple[str, Any]]) -> str:
    if (md.get("publisher") or "").strip() == "Archive of Our Own":
        return "ao3-epub"
    if any("FanFicFare" in c["name"] or "fanficdownloader" in c["name"].lower() for c in md["contributors"]):
        return "fff-epub"
    for _name, root in docs[:3]:
        body = body_of(root)
        if "fff_titlepage" in (body.get("class") or ""):
            return "fff-epub"
        if "Posted originally on the Archive of Our Own" in _text(body)[:3000]:
            return "ao3-epub"
    return "epub"


def _apply_opf(meta: WorkMeta, md: dict[str, Any], *, authors: bool = True) -> None:
    if md["titles"] and not meta.title:
        meta.title = md["titles"][0]
        meta.title_confidence = 0.95
    if authors and not meta.authors:
        meta.authors = [c["name"] for c in md["creators"] if c["role"] in ("", "aut") and c["name"]]
    if md.get("language"):
        meta.language = md["language"]
    if md.get("description") and not meta.summary:
        meta.summary = _strip_html(md["description"])
    for d in md["dates"]:
        iso = parse_date(d["value"])
        ev = d["event"].lower()
        if ev in ("modification", "modified") and not meta.updated:
            meta.updated = iso
        elif ev in ("publication", "") and not meta.published:
            meta.published = iso
    modified = md["meta"].get("dcterms:modified")
    if modified and not meta.updated:
        meta.updated = parse_date(modified)
    series = md["meta"].get("calibre:series") or md["meta"].get("belongs-to-collection")
    if series and not meta.series:
        idx = md["meta"].get("calibre:series_index") or md["meta"].get("group-position")
        try:
            pos = int(float(idx)) if idx else None
        except ValueError:
            pos = None
        meta.series = [Series(series, pos)]
    for ident in md["identifiers"]:
        v = ident["value"]
        if re.match(r"(?:URL:)?https?://", v) and not meta.source.url:
            meta.source.url = v.removeprefix("URL:")
    if md.get("source") and not meta.source.url:
        meta.source.url = md["source"]


def _merged_root(docs: list[tuple[str, Any]]) -> Any:
    """All spine documents' bodies under one body, in spine order (calibre split them by size)."""
    html = etree.Element("html")
    body = etree.SubElement(html, "body")
    for _name, root in docs:
        b = body_of(root)
        for child in list(b):
            body.append(child)
    return html


def _ao3(docs: list[tuple[str, Any]], meta: WorkMeta, md: dict[str, Any]) -> WorkParts:
    from ficpress.ingest import ao3

    parts = ao3.parse_download(_merged_root(docs), meta)
    # calibre's OPF date is the work's last revision, not its first publication
    opf_date = next((parse_date(d["value"]) for d in md["dates"] if parse_date(d["value"])), "")
    meta.raw["opf_date"] = opf_date
    if opf_date and not meta.updated:
        meta.updated = opf_date
    if not meta.authors:
        # the byline is the authority; dc:creator joins co-creators with commas
        creators = [c["name"] for c in md["creators"] if c["name"]]
        meta.authors = [a for c in creators for a in split_list(c)]
        meta.raw["authors_from"] = "dc:creator"
    if not meta.series:
        _apply_series(meta, md)
    if not meta.title and md["titles"]:
        meta.title = md["titles"][0]
    meta.raw["subjects"] = md["subjects"]
    return parts


def _apply_series(meta: WorkMeta, md: dict[str, Any]) -> None:
    series = md["meta"].get("calibre:series")
    if series:
        idx = md["meta"].get("calibre:series_index")
        meta.series = parse_series(f"{series} [{int(float(idx))}]" if idx else series)


def _toc_labels(
    arc: _Archive, opf: Any, manifest: dict[str, tuple[str, str, str]], base: str
) -> dict[str, str]:
    """href (without fragment) -> the first label the NCX or nav document gives it."""
    labels: dict[str, str] = {}
    for href, mtype, props in manifest.values():
        if mtype == "application/x-dtbncx+xml" and arc.has(href):
            root = parse_xml_bytes(arc.path, arc.read(href, 8 * MB), href)
            d = posixpath.dirname(href)
            for np in root.iter():
                if tag_name(np) != "navpoint":
                    continue
                label = next((_text(t) for t in np.iter() if tag_name(t) == "text"), "")
                src = next((c.get("src") for c in np if tag_name(c) == "content"), None)
                if src:
                    key = posixpath.normpath(posixpath.join(d, unquote(src.split("#")[0])))
                    labels.setdefault(key, label)
        elif "nav" in props.split() and arc.has(href):
            root = parse_xml_bytes(arc.path, arc.read(href, 8 * MB), href)
            d = posixpath.dirname(href)
            for a in root.iter():
                if tag_name(a) == "a" and a.get("href"):
                    key = posixpath.normpath(posixpath.join(d, unquote(a.get("href").split("#")[0])))
                    labels.setdefault(key, _text(a))
    return labels


_SKIP_TITLES = re.compile(
    r"^(?:table of contents|contents|toc|cover|title page|titlepage|copyright|colophon|imprint|navigation)$",
    re.I,
)


def _generic(
    docs: list[tuple[str, Any]], meta: WorkMeta, md: dict[str, Any], toc: dict[str, str]
) -> WorkParts:
    _apply_opf(meta, md)
    meta.freeform = [s for s in md["subjects"] if s]
    content: list[tuple[str, list[Any]]] = []
    for name, root in docs:
        items = collect_items(body_of(root))
        words = sum(len(i.text.split()) for i in items if i.kind in ("para", "verse"))
        label = toc.get(name, "")
        heads = [i.text for i in items if i.kind == "heading"]
        first = heads[0] if heads else label
        if _SKIP_TITLES.match(label.strip()) or (first and _SKIP_TITLES.match(first.strip())):
            continue
        if words == 0 and not any(i.kind == "para" for i in items):
            continue
        if words < 60 and meta.title and _is_title_page(items, meta):
            continue
        content.append((name, items))
    if len(content) == 1:
        return split_by_headings(content[0][1], meta)
    parts = WorkParts(meta=meta)
    for name, items in content:
        lead = next((i for i in items if i.kind != "empty"), None)
        starts = lead is not None and lead.kind == "heading" or name in toc
        if starts or not parts.chapters:
            title = ""
            body = items
            if lead is not None and lead.kind == "heading":
                title = lead.text
                body = [i for i in items if i is not lead]
            title = title or toc.get(name, "")
            parts.chapters.append(ChapterPart(title=title, items=body, implicit=not title))
        else:
            parts.chapters[-1].items.extend(items)
    return parts


def _is_title_page(items: list[Any], meta: WorkMeta) -> bool:
    text = " ".join(i.text for i in items).casefold()
    return meta.title.casefold() in text and (not meta.authors or meta.authors[0].casefold() in text)
