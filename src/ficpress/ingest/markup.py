"""Marked-up story bodies (HTML, XHTML, Markdown rendered to HTML) -> one text with standoff blocks and spans.

Why a shared builder: every site wraps the same few things (paragraphs,
italics, `<hr>`, notes, chapter headings) in its own chrome. Site readers only
say *which* elements are the summary, the notes and each chapter's body; this
module turns those elements into `Source.text` (one paragraph per line, chapter
headings on their own lines), `Block`s, `Span`s and `Chapter`s.

Scene breaks: `<hr>`, a paragraph of symbols only (`* * *`, `~*~`, `-=-=-`), a
letter divider (`xXx`, `oOo`, `-o0o-`), or a run of empty paragraphs
(`<p>&nbsp;</p>`) where the text does not use empty paragraphs as ordinary
spacing. A `<hr>` or empty-paragraph break has no glyph in the file: it becomes
an empty line with a zero-width `scene_break` block, so no character is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ficpress.model import Block, Chapter, Damage, LineIndex, Source, Span, WorkMeta

__all__ = [
    "Item",
    "ChapterPart",
    "WorkParts",
    "collect_items",
    "assemble",
    "text_of",
    "tag_name",
    "BLOCK_TAGS",
]

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dd",
        "dt",
        "dl",
        "ul",
        "ol",
        "pre",
        "center",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "figure",
        "figcaption",
        "table",
        "tr",
        "td",
        "th",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "main",
        "address",
        "details",
        "summary",
        "hgroup",
        "body",
        "html",
        "form",
        "fieldset",
        "legend",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "head",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "button",
        "input",
        "select",
        "textarea",
        "svg",
        "math",
        "canvas",
        "audio",
        "video",
        "map",
        "title",
        "meta",
        "link",
        "base",
        "nav",
    ]
)
_INLINE_SPANS = {
    "em": "emphasis",
    "i": "emphasis",
    "cite": "emphasis",
    "var": "emphasis",
    "dfn": "emphasis",
    "b": "strong",
    "strong": "strong",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "sup": "superscript",
    "sub": "subscript",
    "code": "code",
    "tt": "code",
    "kbd": "code",
    "samp": "code",
    "small": "small",
    "big": "big",
    "q": "quote",
    "mark": "highlight",
}
_SYMBOLS_ONLY = re.compile(r"^[\W_]{1,40}$")
_LETTER_DIVIDER = re.compile(
    r"^[\W_]*(?:x+X+x+|X+x+X+|o+O+o+|O+o+O+|o0o|0o0|[oO]0+[oO]|~?LB~?|(?:line\s*break)|x{3,}|o{3,})[\W_]*$"
)
_WS = re.compile(r"[ \t\n\r\f\v]+")
_STRIP = " \t\n\r\f\v\u00a0\u200b\u3000"
_ITALIC = re.compile(r"font-style\s*:\s*(?:italic|oblique)", re.I)
_BOLD = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_UNDER = re.compile(r"text-decoration\s*:[^;]*underline", re.I)
_STRIKE = re.compile(r"text-decoration\s*:[^;]*line-through", re.I)
_SMALLCAPS = re.compile(r"font-variant\s*:\s*small-caps", re.I)
_CENTER = re.compile(r"text-align\s*:\s*center", re.I)
_RIGHT = re.compile(r"text-align\s*:\s*right", re.I)
# a placeholder for bytes the decoder could not read, told apart from U+FFFD already in the file
UNDECODABLE = "\U0010fffd"


@dataclass
class Item:
    """One paragraph-level thing found in markup, before it is placed in the text."""

    kind: str  # "para" | "verse" | "heading" | "empty" | "hr" | "break" (symbol/letter divider)
    text: str = ""
    spans: list[tuple[str, int, int, dict[str, Any]]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChapterPart:
    title: str = ""
    items: list[Item] = field(default_factory=list)
    summary: list[Item] = field(default_factory=list)
    head_notes: list[Item] = field(default_factory=list)
    end_notes: list[Item] = field(default_factory=list)
    implicit: bool = False  # no heading in the source (a one-chapter work)
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class WorkParts:
    meta: WorkMeta
    chapters: list[ChapterPart] = field(default_factory=list)
    summary: list[Item] = field(default_factory=list)
    head_notes: list[Item] = field(default_factory=list)
    end_notes: list[Item] = field(default_factory=list)
    disclaimer: list[Item] = field(default_factory=list)


# --------------------------------------------------------------------------- element -> items


def tag_name(el: Any) -> str:
    """Lower-case local name of an element (namespace dropped); '' for comments and processing instructions."""
    t = el.tag
    if not isinstance(t, str):
        return ""
    if t[:1] == "{":
        t = t.split("}", 1)[1]
    return t.lower()


def _local_attr(el: Any, name: str) -> str:
    v = el.get(name)
    return v if isinstance(v, str) else ""


class _Para:
    """Text of one paragraph under construction, whitespace collapsed as a browser would."""

    def __init__(self, attrs: dict[str, Any]) -> None:
        self.buf: list[str] = []
        self.length = 0
        self.space = True  # collapse leading whitespace
        self.spans: list[tuple[str, int, int, dict[str, Any]]] = []
        self.attrs = attrs
        self.explicit = False  # a real <p>, not loose text in a container

    def add(self, s: str) -> None:
        if not s:
            return
        s = _WS.sub(" ", s)
        if self.space and s.startswith(" "):
            s = s[1:]
        if not s:
            return
        self.buf.append(s)
        self.length += len(s)
        self.space = s.endswith((" ", "\n"))

    def newline(self) -> None:
        if self.buf and self.buf[-1].endswith(" "):
            self.buf[-1] = self.buf[-1][:-1]
            self.length -= 1
            self._clip()
        self.buf.append("\n")
        self.length += 1
        self.space = True

    def _clip(self) -> None:
        n = self.length
        self.spans = [(k, min(a, n), min(b, n), at) for k, a, b, at in self.spans]

    def text(self) -> str:
        return "".join(self.buf)


class _Collector:
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.para: _Para | None = None
        self.nodes = 0

    # paragraphs ------------------------------------------------------------

    def _p(self, attrs: dict[str, Any] | None = None) -> _Para:
        if self.para is None:
            self.para = _Para(dict(attrs or {}))
        return self.para

    def flush(self) -> None:
        p = self.para
        self.para = None
        if p is None:
            return
        text = p.text()
        if "\n" not in text:
            self._finish_line(text, p.spans, p.attrs, explicit=p.explicit)
            return
        # <br> inside one paragraph: short lines of a real <p> are verse; otherwise each line is a paragraph
        lines = text.split("\n")
        offsets = []
        pos = 0
        for ln in lines:
            offsets.append(pos)
            pos += len(ln) + 1
        stripped = [ln.strip(_STRIP) for ln in lines]
        content = [s for s in stripped if s]
        gaps = sum(1 for s in stripped if not s)
        if (
            p.explicit
            and len(content) >= 2
            and gaps == 0
            and max(len(s) for s in content) <= 70
            and sum(len(s) for s in content) / len(content) <= 50
        ):
            lead = len(text) - len(text.lstrip(_STRIP))
            body = text.strip(_STRIP)
            body = "\n".join(ln.strip(_STRIP) for ln in body.split("\n"))
            spans = _respan(text, body, p.spans, lead)
            self.items.append(Item("verse", body, spans, p.attrs))
            return
        for ln, off in zip(lines, offsets, strict=True):
            sub = [
                (k, max(a, off) - off, min(b, off + len(ln)) - off, at)
                for k, a, b, at in p.spans
                if a < off + len(ln) and b > off
            ]
            if not ln.strip(_STRIP):
                self.items.append(Item("empty", attrs={"br": True}))
            else:
                self._finish_line(ln, sub, p.attrs, explicit=p.explicit)

    def _finish_line(
        self,
        text: str,
        spans: list[tuple[str, int, int, dict[str, Any]]],
        attrs: dict[str, Any],
        *,
        explicit: bool,
    ) -> None:
        body = text.strip(_STRIP)
        if not body:
            # whitespace between block elements is not a paragraph; an empty <p> or a
            # spacer holding only &nbsp; is
            if explicit or "\u00a0" in text:
                self.items.append(Item("empty", attrs={k: v for k, v in attrs.items() if k != "container"}))
            return
        lead = len(text) - len(text.lstrip(_STRIP))
        spans = [(k, a - lead, b - lead, at) for k, a, b, at in spans]
        spans = [
            (k, max(0, a), min(len(body), b), at) for k, a, b, at in spans if min(len(body), b) > max(0, a)
        ]
        attrs = {k: v for k, v in attrs.items() if k != "container"}
        if _SYMBOLS_ONLY.match(body) or (_LETTER_DIVIDER.match(body) and len(body) <= 24):
            self.items.append(Item("break", body, [], attrs))
            return
        self.items.append(Item("para", body, spans, attrs))

    # walking ---------------------------------------------------------------

    def walk(self, el: Any, attrs: dict[str, Any] | None = None, depth: int = 0) -> None:
        self.nodes += 1
        if depth > 200:  # absurd nesting: read its text flat
            self._p(attrs).add(text_of(el))
            return
        tag = tag_name(el)
        if not tag:  # comment / processing instruction
            if el.tail:
                self._p(attrs).add(el.tail)
            return
        if tag in SKIP_TAGS:
            if el.tail:
                self._p(attrs).add(el.tail)
            return
        style = _local_attr(el, "style")
        align = _local_attr(el, "align").lower()
        if tag in ("br",):
            self._p(attrs).newline()
            if el.tail:
                self._p(attrs).add(el.tail)
            return
        if tag == "hr":
            self.flush()
            hr_attrs = dict(attrs or {})
            if _local_attr(el, "data-glyph"):
                hr_attrs["glyph"] = _local_attr(el, "data-glyph")
            self.items.append(Item("hr", attrs=hr_attrs))
            if el.tail:
                self._p(attrs).add(el.tail)
            return
        if tag == "img":
            alt = _local_attr(el, "alt").strip()
            self.flush()
            self.items.append(Item("image", alt, attrs={"src": _local_attr(el, "src"), "alt": alt}))
            if el.tail:
                self._p(attrs).add(el.tail)
            return
        role = _note_role(el, tag)
        if role is not None:
            # <aside> and role="note": an author's note the markup already typed
            self.flush()
            sub = _Collector()
            sub.walk_children(el, {}, depth)
            sub.flush()
            for it in sub.items:
                if it.kind in ("para", "verse", "heading"):
                    it.attrs["note_role"] = role
                    self.items.append(it)
            if el.tail:
                self._p(attrs).add(el.tail)
            return
        if tag in BLOCK_TAGS:
            self.flush()
            child_attrs = {k: v for k, v in (attrs or {}).items() if k != "container"}
            if tag == "blockquote":
                child_attrs["blockquote"] = True
            if tag == "center" or align == "center" or _CENTER.search(style):
                child_attrs["align"] = "center"
            elif align == "right" or _RIGHT.search(style):
                child_attrs["align"] = "right"
            if tag == "pre":
                self._pre(el, child_attrs)
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                head = _Collector()
                head.walk_children(el, {}, depth)
                head.flush()
                text = " ".join(i.text for i in head.items if i.text).strip()
                if text:
                    spans = head.items[0].spans if len(head.items) == 1 else []
                    self.items.append(Item("heading", text, spans, {**child_attrs, "level": int(tag[1])}))
            else:
                if tag in ("p", "li", "dd", "dt", "td", "th", "figcaption", "caption"):
                    para = self._p(child_attrs)
                    para.explicit = True
                else:
                    child_attrs["container"] = True
                self.walk_children(el, child_attrs, depth)
                self.flush()
            if el.tail:
                self._p(attrs).add(el.tail)
            return
        # inline element
        kinds = []
        if tag in _INLINE_SPANS:
            kinds.append((_INLINE_SPANS[tag], {"tag": tag}))
        if style:
            if _ITALIC.search(style) and tag not in ("em", "i"):
                kinds.append(("emphasis", {"style": "italic"}))
            if _BOLD.search(style) and tag not in ("b", "strong"):
                kinds.append(("strong", {"style": "bold"}))
            if _UNDER.search(style) and tag != "u":
                kinds.append(("underline", {"style": "underline"}))
            if _STRIKE.search(style):
                kinds.append(("strikethrough", {"style": "line-through"}))
            if _SMALLCAPS.search(style):
                kinds.append(("smallcaps", {"style": "small-caps"}))
        if tag == "a" and _local_attr(el, "href"):
            kinds.append(("link", {"href": _local_attr(el, "href")}))
        para = self._p(attrs)
        start = para.length
        self.walk_children(el, attrs, depth, inline=True)
        if self.para is para:  # a block inside an inline element may have flushed it
            end = para.length
            if para.buf and para.buf[-1].endswith(" ") and end > start:
                end -= 1  # trailing space belongs outside the span
            if end > start and kinds:
                for kind, at in kinds:
                    para.spans.append((kind, start, end, at))
        if el.tail:
            self._p(attrs).add(el.tail)

    def walk_children(self, el: Any, attrs: dict[str, Any] | None, depth: int, inline: bool = False) -> None:
        if el.text:
            self._p(attrs).add(el.text)
        for child in el:
            self.walk(child, attrs, depth + 1)

    def _pre(self, el: Any, attrs: dict[str, Any]) -> None:
        raw = text_of(el)
        for ln in raw.replace("\r\n", "\n").split("\n"):
            s = ln.strip(_STRIP)
            if s:
                self._finish_line(s, [], attrs, explicit=True)
            else:
                self.items.append(Item("empty", attrs={"br": True}))


_NOTE_CLASS = re.compile(
    r"^(?:note|notes|author-?s?-?note|a-?n)(?:-(head|end|summary|disclaimer|inline))?$", re.I
)


def _note_role(el: Any, tag: str) -> str | None:
    """The note role markup gives an element: `<aside>`, role="note", or a note class."""
    classes = (_local_attr(el, "class") or "").split()
    for c in classes:
        m = _NOTE_CLASS.match(c)
        if m and m.group(1):
            return m.group(1).lower()
    if tag == "aside" or _local_attr(el, "role") == "note" or any(_NOTE_CLASS.match(c) for c in classes):
        return "inline" if tag != "aside" else "note"
    return None


def _respan(
    text: str, body: str, spans: list[tuple[str, int, int, dict[str, Any]]], lead: int
) -> list[tuple[str, int, int, dict[str, Any]]]:
    """Move spans from `text` into `body` (same characters, whitespace trimmed around newlines)."""
    mapping: list[int] = []
    j = 0
    for ch in text[lead:]:
        mapping.append(j)
        if j < len(body) and body[j] == ch:
            j += 1
    mapping.append(j)
    out = []
    for k, a, b, at in spans:
        a2 = mapping[min(max(a - lead, 0), len(mapping) - 1)]
        b2 = mapping[min(max(b - lead, 0), len(mapping) - 1)]
        if b2 > a2:
            out.append((k, a2, b2, at))
    return out


def collect_items(*elements: Any) -> list[Item]:
    """Paragraph-level items of the given elements, in document order."""
    col = _Collector()
    for el in elements:
        if el is None:
            continue
        col.walk(el)
        col.flush()
    return col.items


def text_of(el: Any) -> str:
    """An element's text with whitespace collapsed (for metadata values)."""
    if el is None:
        return ""
    try:
        s = "".join(el.itertext())
    except (ValueError, TypeError):
        s = etree.tostring(el, method="text", encoding="unicode")
    return _WS.sub(" ", s).strip(_STRIP)


def items_text(items: list[Item]) -> str:
    """Items joined as plain text: one paragraph per line (for summaries kept in meta)."""
    return "\n".join(i.text for i in items if i.kind in ("para", "verse", "heading") and i.text)


# --------------------------------------------------------------------------- items -> text


def _norm(s: str) -> str:
    return re.sub(r"[\W_]+", " ", s).strip().casefold()


class _TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.spans: list[Span] = []

    def line(
        self,
        text: str,
        kind: str,
        attrs: dict[str, Any],
        spans: list[tuple[str, int, int, dict[str, Any]]] | None = None,
    ) -> tuple[int, int]:
        if self.parts:
            self.parts.append("\n")
            self.pos += 1
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        self.blocks.append(Block(kind, start, self.pos, attrs=attrs))
        for k, a, b, at in spans or ():
            if b > a:
                self.spans.append(Span(k, start + a, start + b, attrs=dict(at)))
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


def _empty_threshold(items: list[Item]) -> int:
    """How many empty paragraphs in a row make a scene break in this body.

    Where empty paragraphs separate most paragraphs they are only spacing, and
    a break needs a longer run than usual; elsewhere a single one is a break.
    """
    runs: list[int] = []
    n = 0
    paras = 0
    for it in items:
        if it.kind == "empty" and not it.attrs.get("br"):
            n += 1
            continue
        if it.kind in ("para", "verse"):
            paras += 1
        if n:
            runs.append(n)
            n = 0
    if not runs or paras < 5:
        return 1
    if len(runs) >= 0.6 * (paras - 1):
        common = max(set(runs), key=runs.count)
        return common + 1
    return 1


def _emit_body(
    tb: _TextBuilder, items: list[Item], base: dict[str, Any], note_role: str | None = None
) -> None:
    """Place items as lines; empty-paragraph runs become breaks per `_empty_threshold`."""
    threshold = _empty_threshold(items)
    run = 0
    br_run = 0
    placed = 0
    pending_break: dict[str, Any] | None = None

    def put_break(attrs: dict[str, Any]) -> None:
        if note_role is None and placed:  # a break before any text separates nothing
            tb.line("", "scene_break", {**base, **attrs})

    for it in items:
        if it.kind == "empty":
            if it.attrs.get("br"):
                br_run += 1
            else:
                run += 1
            continue
        if run >= threshold or br_run >= 2:
            pending_break = {"glyph": "", "source": "empty-paragraphs" if run >= threshold else "br"}
        run = 0
        br_run = 0
        if it.kind in ("hr", "break"):
            glyph = it.text if it.kind == "break" else it.attrs.get("glyph", "")
            attrs = {"glyph": glyph, "source": "hr" if it.kind == "hr" else "symbols"}
            if it.attrs.get("align"):
                attrs["align"] = it.attrs["align"]
            pending_break = None
            if note_role is None and placed:
                tb.line(glyph, "scene_break", {**base, **attrs})
            continue
        if it.kind == "image":
            continue
        if pending_break is not None:
            put_break(pending_break)
            pending_break = None
        attrs = {**base, **{k: v for k, v in it.attrs.items() if k not in ("br", "note_role")}}
        typed = it.attrs.get("note_role")
        if note_role is None and typed:
            attrs["role"] = {"note": "head" if placed == 0 else "end"}.get(typed, typed)
            tb.line(it.text, "note", attrs, it.spans)
            continue
        if note_role is not None:
            attrs.pop("blockquote", None)  # the quote is only how the site boxes notes
            attrs["role"] = note_role
            tb.line(it.text, "note", attrs, it.spans)
        elif it.kind == "heading":
            tb.line(it.text, "heading", attrs, it.spans)
        elif it.kind == "verse":
            tb.line(it.text, "verse", attrs, it.spans)
        else:
            tb.line(it.text, "paragraph", attrs, it.spans)
        placed += 1


_NOTE_LABEL = re.compile(
    r"^[\W_]*(?:(disclaimer)|a\s*/\s*n|author'?s?\u2019?\s*notes?|authors?\s+notes?)\s*[:.\-\u2013\u2014)]",
    re.I,
)


def _label_notes(items: list[Item]) -> tuple[list[Item], list[Item], list[Item], list[Item]]:
    """Labelled notes ("A/N:", "Disclaimer:") opening or closing a chapter body become typed notes.

    Returns (disclaimers, head notes, body, end notes); only the first and last
    few paragraphs are looked at, since a label mid-chapter is part of the story.
    """
    disc: list[Item] = []
    head: list[Item] = []
    end: list[Item] = []
    body = list(items)
    while body and len(head) + len(disc) < 3:
        first = next((i for i, it in enumerate(body) if it.kind != "empty"), None)
        if first is None or body[first].kind != "para":
            break
        m = _NOTE_LABEL.match(body[first].text)
        if not m:
            break
        (disc if m.group(1) else head).append(body.pop(first))
    while body and len(end) < 3:
        last = next((i for i in range(len(body) - 1, -1, -1) if body[i].kind != "empty"), None)
        if last is None or body[last].kind != "para" or not _NOTE_LABEL.match(body[last].text):
            break
        end.insert(0, body.pop(last))
    return disc, head, body, end


def _drop_repeated_title(title: str, items: list[Item]) -> list[Item]:
    """A chapter title repeated as the first line of the body appears once (as the heading)."""
    if not title:
        return items
    want = {_norm(title)}
    m = re.match(r"^\s*(?:chapter|part)\s+[\w.]+\s*[:.\-\u2013\u2014]\s*(.+)$", title, re.I)
    if m:
        want.add(_norm(m.group(1)))
    for i, it in enumerate(items[:4]):
        if it.kind == "empty":
            continue
        if it.kind in ("para", "heading") and _norm(it.text) in want and _norm(it.text):
            return items[:i] + items[i + 1 :]
        break
    return items


def assemble(parts: WorkParts, path: str, damage_extra: list[Damage] | None = None) -> Source:
    """Lay out front matter, chapters (heading line, summary, notes, body, end notes) and end notes."""
    tb = _TextBuilder()
    meta = parts.meta
    _emit_body(tb, parts.disclaimer, {"scope": "work"}, note_role="disclaimer")
    _emit_body(tb, parts.summary, {"scope": "work"}, note_role="summary")
    _emit_body(tb, parts.head_notes, {"scope": "work"}, note_role="head")
    chapters: list[Chapter] = []
    for n, ch in enumerate(parts.chapters, start=1):
        base = {"chapter": n}
        first_block = len(tb.blocks)
        heading_start = heading_end = None
        title = ch.title.strip()
        if title and not ch.implicit:
            heading_start, heading_end = tb.line(
                title, "heading", {"level": 2, "chapter": n, "role": "chapter"}
            )
        disc, head, body, end = _label_notes(_drop_repeated_title(title, ch.items))
        if disc and not meta.disclaimer:
            meta.disclaimer = items_text(disc)
        _emit_body(tb, ch.summary, {**base, "scope": "chapter"}, note_role="summary")
        _emit_body(tb, disc, {**base, "scope": "chapter", "labelled": True}, note_role="disclaimer")
        _emit_body(tb, ch.head_notes, {**base, "scope": "chapter"}, note_role="head")
        _emit_body(tb, head, {**base, "scope": "chapter", "labelled": True}, note_role="head")
        _emit_body(tb, body, base)
        _emit_body(tb, end, {**base, "scope": "chapter", "labelled": True}, note_role="end")
        _emit_body(tb, ch.end_notes, {**base, "scope": "chapter"}, note_role="end")
        if len(tb.blocks) == first_block:
            continue  # nothing at all in this chapter
        start = tb.blocks[first_block].start
        end = tb.blocks[-1].end
        # a page saved from one chapter of a longer work keeps that chapter's own number
        number = ch.attrs.get("number") if len(parts.chapters) == 1 else None
        chapters.append(
            Chapter(
                number=number if isinstance(number, int) and number > 0 else len(chapters) + 1,
                title=title or (meta.title if len(parts.chapters) == 1 else f"Chapter {n}"),
                start=start,
                end=end,
                heading_start=heading_start,
                heading_end=heading_end,
                implicit=ch.implicit or not title,
                summary=items_text(ch.summary),
            )
        )
    _emit_body(tb, parts.end_notes, {"scope": "work"}, note_role="end")
    text = tb.text()
    damage = list(damage_extra or [])
    if "\ufffd" in text or UNDECODABLE in text:
        damage.extend(_damage_in(text))
        text = text.replace(UNDECODABLE, "\ufffd")
    # offsets index the text assembled here, one paragraph per line, not the file's bytes
    meta.raw["offsets"] = "assembled-text"
    damage.sort(key=lambda d: d.source_start)
    return Source(
        path=path,
        text=text,
        meta=meta,
        damage=damage,
        blocks=tb.blocks,
        chapters=chapters,
        spans=tb.spans,
        structured=True,
    )


def file_level(damage: list[Damage]) -> list[Damage]:
    """Decoding damage that concerns the file as a whole ("mixed-encoding"), pinned to offset 0.

    Structured sources assemble their own text, so a file offset would point at
    the wrong place; the file's line goes into the detail instead.
    """
    return [
        Damage(d.kind, 0, 0, 1, 1, f"{d.detail} (file line {d.line})".strip())
        for d in damage
        if d.kind == "mixed-encoding"
    ]


def _damage_in(text: str) -> list[Damage]:
    from ficpress.ingest.decode import find_fffd

    idx = LineIndex(text)
    out = find_fffd(text, idx)
    for m in re.finditer(UNDECODABLE, text):
        line, col = idx.line_col(m.start())
        out.append(
            Damage("undecodable", m.start(), m.end(), line, col, "bytes the file's encoding cannot express")
        )
    return out
