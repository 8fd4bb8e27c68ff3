"""A reading view of a `Work`, shared by every output format.

Why a separate view: the model is standoff (offsets into one string), while every
output format wants a tree — chapters of items, items of lines, lines of nested
inline elements. Building that tree once, here, keeps the decisions about what a
reader sees (end markers hidden, headings taken from chapter titles, notes shown,
moved or left out, `*asterisks*` turned into thoughts) identical in EPUB, HTML,
Markdown and text; each writer only spells the tree in its own syntax.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from ficpress.model import STORY_KINDS, Block, Chapter, Span, Work
from ficpress.words import count_words

NOTES_MODES = ("show", "end", "omit")

# Inline span kinds a reader sees; anything else (quotes, mentions, ...) stays in JSON only.
INLINE_KINDS = (
    "thought",
    "telepathy",
    "emphasis",
    "strong",
    "underline",
    "strikethrough",
    "smallcaps",
    "flashback",
)
# Span kinds whose typed delimiters (`*thought*`, `_word_`) are markup, not prose.
DELIMITED_KINDS = {"thought", "telepathy", "emphasis", "strong", "underline"}
_DELIMS = ("**", "*", "_")

# Blocks that are bookkeeping, never prose: shown to nobody but the JSON reader.
HIDDEN_BLOCKS = {"end_marker", "marker"}
NOTE_ROLES_LABEL = {
    "head": "Author's note",
    "end": "Author's note",
    "inline": "Note",
    "disclaimer": "Disclaimer",
    "summary": "Summary",
}

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SELF_LABEL = re.compile(
    r"^\W*(a\s*/\s*n|an|author'?s?\s*notes?|authors?\s*notes?|disclaimer|notes?|summary)\b\s*[:.\-]", re.I
)
_LONG = 2000  # characters: spans longer than this are swept rather than bisected
_SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_LABEL_LINE = re.compile(r"^\s*[A-Za-z][A-Za-z/ ]{0,24}:\s")


def clean(text: str) -> str:
    """Drop characters no XML or reader accepts (controls, lone surrogates)."""
    return _XML_BAD.sub("", text)


# --------------------------------------------------------------------------- the tree


@dataclass
class Inline:
    """An inline element: `kind` is a span kind (or "review" for a flagged repair)."""

    kind: str
    attrs: dict[str, Any]
    children: list[Inline | str] = field(default_factory=list)


Line = list["Inline | str"]


@dataclass
class Item:
    """One thing a reader sees in the flow of a chapter.

    kinds: paragraph, verse, scene_break, note, letter, message, subheading, front_matter.
    `stanzas` groups lines: a paragraph is one stanza of one line; verse keeps its
    stanzas; a note or letter has one stanza per paragraph. `parts` names the role of
    each stanza of a letter or message ("salutation", "valediction", "signature",
    "postscript", "" for the body), so every format can set them apart.
    """

    kind: str
    stanzas: list[list[Line]] = field(default_factory=list)
    role: str = ""
    glyph: str = ""
    classes: list[str] = field(default_factory=list)
    chapter: int | None = None  # index into Document.chapters
    parts: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return NOTE_ROLES_LABEL.get(self.role, "Note")

    @property
    def self_labelled(self) -> bool:
        """True when the note's own first words already say what it is ("A/N:", "Disclaimer:")."""
        return bool(self.stanzas and self.stanzas[0] and _SELF_LABEL.match(plain(self.stanzas[0][0])))


@dataclass
class ChapterView:
    index: int
    number: int
    title: str
    items: list[Item] = field(default_factory=list)
    summary: str = ""

    @property
    def anchor(self) -> str:
        return f"chapter-{self.index + 1:03d}"


@dataclass
class EndNote:
    """A note moved out of the flow (`--notes end`), remembering where it came from."""

    where: str
    item: Item


@dataclass
class WorkNote:
    """A note that came with the work's metadata (an archive's work notes, a header's disclaimer)."""

    label: str
    text: str


@dataclass
class Document:
    work: Work
    title: str
    authors: list[str]
    language: str
    front: list[Item]
    chapters: list[ChapterView]
    end_notes: list[EndNote]
    work_notes: list[WorkNote]  # from the metadata, placed by the notes mode like any other note
    notes_mode: str
    summary: str = ""  # the work's summary for the title page, unless a summary block already shows it
    word_count: int | None = None  # computed once, on first use

    @property
    def meta(self) -> Any:
        return self.work.meta


# --------------------------------------------------------------------------- building


def heading_text(title: str) -> str:
    """A chapter heading as shown: the author's words, minus a stray closing full stop ("Part 5.")."""
    t = " ".join(clean(title).split())
    if t.endswith(".") and not t.endswith(".."):
        t = t[:-1].rstrip()
    return t


_LANGUAGES = {
    "english": "en", "español": "es", "spanish": "es", "français": "fr", "french": "fr",
    "deutsch": "de", "german": "de", "italiano": "it", "italian": "it", "português": "pt",
    "português brasileiro": "pt-BR", "portuguese": "pt", "русский": "ru", "russian": "ru",
    "中文": "zh", "中文-普通话 國語": "zh", "chinese": "zh", "日本語": "ja", "japanese": "ja",
    "한국어": "ko", "korean": "ko", "polski": "pl", "polish": "pl", "nederlands": "nl", "dutch": "nl",
    "svenska": "sv", "swedish": "sv", "suomi": "fi", "finnish": "fi", "norsk": "no", "norwegian": "no",
    "dansk": "da", "danish": "da", "čeština": "cs", "czech": "cs", "magyar": "hu", "hungarian": "hu",
    "türkçe": "tr", "turkish": "tr", "tiếng việt": "vi", "vietnamese": "vi", "bahasa indonesia": "id",
    "indonesian": "id", "filipino": "fil", "tagalog": "tl", "română": "ro", "romanian": "ro",
    "català": "ca", "catalan": "ca", "ελληνικά": "el", "greek": "el", "עברית": "he", "hebrew": "he",
    "العربية": "ar", "arabic": "ar", "ไทย": "th", "thai": "th", "українська": "uk", "ukrainian": "uk",
    "hrvatski": "hr", "croatian": "hr", "slovenčina": "sk", "slovak": "sk", "latina": "la", "latin": "la",
    "esperanto": "eo", "euskara": "eu", "basque": "eu", "galego": "gl", "galician": "gl",
}  # fmt: skip


def language_tag(value: str) -> str:
    """A BCP 47 tag for the OPF and `lang`, from a tag or a language name as archives write it."""
    v = " ".join((value or "").split())
    if not v:
        return "en"
    if re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*", v):
        return v.replace("_", "-")
    return _LANGUAGES.get(v.casefold(), "und")


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    return re.sub(r"[\W_]+", " ", s).strip()


def build(work: Work, *, notes: str = "show", review: bool = False) -> Document:
    """Turn the standoff model into the reading tree; `review` marks repairs that need review."""
    if notes not in NOTES_MODES:
        raise ValueError(f"notes must be one of {', '.join(NOTES_MODES)}, not {notes!r}")
    work = _clipped(work)
    text = work.text
    meta = work.meta
    title = " ".join(clean(meta.title).split()) or "Untitled"
    chapters = sorted(work.chapters, key=lambda c: c.start)
    if not chapters:
        chapters = [Chapter(1, title, 0, len(text), implicit=True)]
    views = [
        ChapterView(i, c.number, heading_text(c.title) or f"Chapter {i + 1}", summary=clean(c.summary))
        for i, c in enumerate(chapters)
    ]
    inliner = _Inliner(work, review=review)
    single = _single_newline(meta.raw)
    front: list[Item] = []
    end_notes: list[EndNote] = []
    blocks = sorted(work.blocks, key=lambda b: (b.start, b.end))
    starts = [c.start for c in chapters]
    after_break = False
    current: int | None = None
    for block in blocks:
        ci = _chapter_of(block, chapters, starts)
        if ci != current:
            current, after_break = ci, False
        chapter = chapters[ci] if ci is not None else None
        if block.kind in HIDDEN_BLOCKS or (block.end <= block.start and block.kind != "scene_break"):
            continue
        if block.kind == "heading" and chapter is not None and _is_chapter_heading(block, chapter, text):
            continue
        if block.kind == "front_matter" and _duplicates_meta(block, text[block.start : block.end], work):
            continue
        item = _item(block, inliner, text, single)
        if item is None:
            continue
        item.chapter = ci
        if item.kind == "scene_break":
            # A break at the very start or end of a chapter separates nothing.
            if ci is None or not views[ci].items or _only_notes(views[ci].items):
                continue
            after_break = True
        elif item.kind in STORY_KINDS and after_break:
            item.classes.append("after-break")
            after_break = False
        if item.kind == "note" and item.role != "summary":
            if notes == "omit":
                continue
            if notes == "end":
                where = views[ci].title if ci is not None else title
                end_notes.append(EndNote(where, item))
                continue
        if ci is None:
            front.append(item)
        else:
            views[ci].items.append(item)
    for view in views:
        view.items = _tidy_breaks(view.items)
        if any(it.kind == "note" and it.role == "summary" for it in view.items):
            view.summary = ""  # the text's own summary block (with its markup) says it already
    front_summary = any(it.kind == "note" and it.role == "summary" for it in front)
    work_notes = [] if notes == "omit" else _work_notes(work)
    return Document(
        work=work,
        title=title,
        authors=[a for a in (" ".join(clean(x).split()) for x in meta.authors) if a],
        language=language_tag(meta.language),
        front=front,
        chapters=views,
        end_notes=end_notes,
        work_notes=work_notes,
        notes_mode=notes,
        summary="" if front_summary else clean(meta.summary).strip(),
    )


def _work_notes(work: Work) -> list[WorkNote]:
    """Notes from the metadata, unless the text already carries them as note blocks."""
    out = []
    disclaimer = clean(work.meta.disclaimer).strip()
    if (
        disclaimer
        and not any(b.kind == "note" and b.attrs.get("role") == "disclaimer" for b in work.blocks)
        and not _shown_as_note(work, disclaimer)
    ):
        out.append(WorkNote("Disclaimer", disclaimer))
    for n in work.meta.notes:
        n = clean(n).strip()
        if n and not _shown_as_note(work, n):
            out.append(WorkNote("Author's note", n))
    return out


def _shown_as_note(work: Work, text: str) -> bool:
    """True when a note block in the text already says this (so the metadata copy is not repeated)."""
    n = _norm(text)
    for b in work.blocks:
        if b.kind == "note":
            x = _norm(work.text[b.start : b.end])
            if n and x and (n in x or x in n):
                return True
    return False


def _clipped(work: Work) -> Work:
    """A copy whose offsets all lie inside the text, so no stage's slip can crash a writer."""
    n = len(work.text)

    def cl(x: Any) -> int:
        try:
            return min(max(int(x), 0), n)
        except (TypeError, ValueError):
            return 0

    def fix(obj: Any) -> Any:
        a, b = obj.start, obj.end
        if type(a) is int and type(b) is int and 0 <= a <= b <= n:
            return obj  # already inside: the common case, and a copy would cost most of the build
        a, b = cl(a), cl(b)
        return dataclasses.replace(obj, start=a, end=max(a, b))

    chapters = []
    for c in work.chapters:
        c = fix(c)
        hs, he = c.heading_start, c.heading_end
        if hs is not None and he is not None:
            c = dataclasses.replace(c, heading_start=cl(hs), heading_end=cl(he))
        chapters.append(c)
    return dataclasses.replace(
        work,
        blocks=[fix(b) for b in work.blocks],
        spans=[fix(s) for s in work.spans],
        chapters=chapters,
        repairs=[fix(r) for r in work.repairs],
    )


def _tidy_breaks(items: list[Item]) -> list[Item]:
    """A scene break separates prose from prose: none before the first or after the last prose
    item of a chapter (notes do not count), and never two in a row."""
    prose = [i for i, it in enumerate(items) if it.kind not in ("scene_break", "note", "subheading")]
    out: list[Item] = []
    for i, it in enumerate(items):
        if it.kind == "scene_break" and (
            not prose or not prose[0] < i < prose[-1] or (out and out[-1].kind == "scene_break")
        ):
            continue
        out.append(it)
    return out


def _only_notes(items: list[Item]) -> bool:
    return all(i.kind in ("note", "subheading") for i in items)


def _chapter_of(block: Block, chapters: list[Chapter], starts: list[int]) -> int | None:
    """The chapter a block belongs to; blocks after the last chapter stay with it."""
    i = bisect_left(starts, block.start + 1) - 1
    if i < 0:
        return None
    return i


def _is_chapter_heading(block: Block, chapter: Chapter, text: str) -> bool:
    hs, he = chapter.heading_start, chapter.heading_end
    if hs is not None and he is not None and block.start < he and block.end > hs:
        return True
    if block.start == chapter.start:
        return True
    return _norm(text[block.start : block.end]) == _norm(chapter.title)


def _duplicates_meta(block: Block, line: str, work: Work) -> bool:
    """Front-matter lines already shown on the title page: header-block lines (read into the
    metadata), the title, a byline, "Label: value" lines, continuation lines of a summary or
    disclaimer, and bare separators."""
    if block.attrs.get("field") in ("header", "title", "author", "byline"):
        return True
    n = _norm(line)
    if not n or n == _norm(work.meta.title):
        return True
    if n.startswith("by ") and any(_norm(a) in n for a in work.meta.authors):
        return True
    if _LABEL_LINE.match(line):
        return True
    m = work.meta
    known = _norm(" ".join([m.summary, m.disclaimer, *m.notes]))
    return len(n) > 8 and n in known


def _single_newline(raw: Any) -> bool:
    """True when the text sets one paragraph per line (the structure stage's measured habit)."""
    st = raw.get("structure") if isinstance(raw, dict) else None
    return isinstance(st, dict) and st.get("paragraph_habit") == "single-newline"


def _item(block: Block, inliner: _Inliner, text: str, single: bool = False) -> Item | None:
    kind = block.kind
    s, e = block.start, block.end
    if kind in ("letter", "message"):
        return _written(block, inliner, text, single)
    if kind == "scene_break":
        glyph = block.attrs.get("glyph")
        if glyph is None:
            glyph = text[s:e].strip()
        return Item("scene_break", glyph=clean(str(glyph)).strip())
    if kind == "verse":
        ranges = _verse_lines(block, text)
        stanzas: list[list[Line]] = []
        prev_end: int | None = None
        for ls, le in ranges:
            line = inliner.line(ls, le)
            if not line:
                continue
            if prev_end is None or text.count("\n", prev_end, ls) >= 2 or not stanzas:
                stanzas.append([])
            stanzas[-1].append(line)
            prev_end = le
        return Item("verse", stanzas=stanzas) if stanzas else None
    if kind == "heading":
        line = inliner.line(s, e)
        return Item("subheading", stanzas=[[line]]) if line else None
    # paragraph-like: split into paragraphs and lines, unless on one line, as most paragraphs are
    if text.find("\n", s, e) == -1:
        ln = inliner.line(s, e)
        stanzas = [[ln]] if ln else []
    else:
        stanzas = _stanzas(inliner, text, s, e, bool(block.attrs.get("soft_breaks")))
    if not stanzas:
        return None
    classes = inliner.block_classes(s, e)
    if kind == "note":
        return Item("note", stanzas=stanzas, role=str(block.attrs.get("role") or "inline"), classes=classes)
    if kind in ("letter", "message", "front_matter"):
        return Item(kind, stanzas=stanzas, classes=classes)
    return Item("paragraph", stanzas=stanzas, classes=classes)


def _stanzas(inliner: _Inliner, text: str, s: int, e: int, soft: bool) -> list[list[Line]]:
    """Paragraphs split at blank lines, lines at newlines, unless the structure stage found the
    newlines to be mere wrapping (`soft`)."""
    stanzas = []
    for ps, pe in _split(text, s, e, "\n\n"):
        if soft:
            lines = [ln] if (ln := inliner.line(ps, pe, soft=True)) else []
        else:
            lines = [ln for ls, le in _split(text, ps, pe, "\n") if (ln := inliner.line(ls, le))]
        if lines:
            stanzas.append(lines)
    return stanzas


def _written(block: Block, inliner: _Inliner, text: str, single: bool) -> Item | None:
    """A letter or message: one paragraph per line where the text sets one paragraph per line.

    A letter's lines are its paragraphs in single-newline text (Standard Ebooks, most
    fan fiction), so they are never run together with line breaks; in blank-line text
    its paragraphs are split at blank lines as any other block's.
    """
    ranges = _verse_lines(block, text) if block.attrs.get("lines") else [(block.start, block.end)]
    soft = bool(block.attrs.get("soft_breaks"))
    paras: list[list[tuple[int, int]]] = []
    if single:
        paras = [[r] for a, b in ranges for r in _split(text, a, b, "\n")]
    else:
        prev_end: int | None = None
        for a, b in ranges:
            for k, (ps, pe) in enumerate(_split(text, a, b, "\n\n")):
                if k > 0 or prev_end is None or text.count("\n", prev_end, ps) >= 2:
                    paras.append([])
                paras[-1].extend([(ps, pe)] if soft else _split(text, ps, pe, "\n"))
                prev_end = pe
    stanzas: list[list[Line]] = []
    for para in paras:
        if soft and not single:
            lines = [ln] if (ln := inliner.line(para[0][0], para[-1][1], soft=True)) else []
        else:
            lines = [ln for ls, le in para if (ln := inliner.line(ls, le))]
        if lines:
            stanzas.append(lines)
    if not stanzas:
        return None
    attrs = block.attrs
    parts = _parts([[plain(ln) for ln in st] for st in stanzas], attrs)
    return Item(
        block.kind, stanzas=stanzas, classes=inliner.block_classes(block.start, block.end), parts=parts
    )


_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb \t"
_SALUTATION = re.compile(
    r"^(?:(?:my\s+)?(?:very\s+)?(?:dear(?:est)?|darling|beloved)\b|to\b|hi\b|hey\b|hello\b|greetings\b|sir\b"
    r"|madam\b|gentlemen\b)",
    re.I,
)
_VALEDICTION = re.compile(
    r"^(?:yours\b|your\s+(?:\w+\s+){0,3}(?:friend|servant|son|daughter|sister|brother|cousin|mother|father)?"
    r"|(?:ever|always|affectionately|sincerely|faithfully|truly|respectfully|cordially)\b|i\s+am\b"
    r"|i\s+remain\b|believe\s+me\b|(?:with\s+)?(?:all\s+my\s+)?love\b|best\s+wishes\b|regards\b)",
    re.I,
)
_POSTSCRIPT = re.compile(r"^(?:p\.?\s*)+s\b", re.I)
_NAME_WORD = re.compile(r"^[\-\u2013\u2014~]*[A-Z][\w'\u2019.\-]*,?$|^[A-Z]\.$")


def _parts(paras: list[list[str]], attrs: dict[str, Any]) -> list[str]:
    """The role of each paragraph of a letter: salutation, body, valediction, signature, postscript.

    Read from the words themselves (the structure stage says who wrote to whom, not
    which line says so), and only where a line is short and shaped like its role:
    a doubtful line stays body, which is how it was set before.
    """
    n = len(paras)
    parts = [""] * n
    if attrs.get("form") == "diary":
        return parts
    texts = [" ".join(" ".join(p).split()).strip(_QUOTES) for p in paras]
    sender = " ".join(str(attrs.get("sender") or "").split()).casefold()
    recipient = " ".join(str(attrs.get("recipient") or "").split()).casefold()
    first = 0
    # the salutation, after at most two place and date lines ("Gracechurch-street, Sept. 6.", "Monday,"):
    # a line that greets ("Dear ...", the recipient's name) is preferred to one that merely ends in a comma
    heads: list[int] = []
    for i in range(min(3, n - 1)):
        t = texts[i]
        if len(paras[i]) != 1 or not 0 < len(t.split()) <= 10 or t[-1:] in "!?":
            break
        heads.append(i)
    greets = [
        i
        for i in heads
        if texts[i][-1:] != "."
        and (_SALUTATION.match(texts[i]) or (recipient and recipient in texts[i].casefold()))
    ]
    commas = [i for i in heads if texts[i][-1:] in (",", ":", "\u2014", "-")]
    sal = greets[0] if greets else (commas[0] if commas else None)
    if sal is not None:
        parts[:sal] = ["dateline"] * sal
        parts[sal], first = "salutation", sal + 1
    k = n - 1
    while k > first and _POSTSCRIPT.match(texts[k]):
        parts[k] = "postscript"
        k -= 1
    end = k
    while k > first and k >= end - 2:  # a closing takes three lines at most ("Believe me, / Your ..., / C.")
        t = texts[k]
        words = t.split()
        if not words or len(words) > 8 or t[-1:] in "!?":
            break
        if t.endswith(","):
            parts[k] = "valediction"
        elif sender and sender in t.casefold() or len(words) <= 5 and all(_NAME_WORD.match(w) for w in words):
            parts[k] = "signature"
        elif len(words) <= 6 and _VALEDICTION.match(t):
            parts[k] = "valediction"  # "Yours, etc.", "Your devoted John.", "I am, dear Sir, etc."
        else:
            break
        k -= 1
    # a lone capitalised last line without a valediction above it is as likely body ("Soon.")
    signed = sender and sender in texts[end].casefold() or texts[end][:1] in ("-", "\u2013", "\u2014", "~")
    if "valediction" not in parts and parts[end] == "signature" and not signed:
        parts[end] = ""
    return parts


def _verse_lines(block: Block, text: str) -> list[tuple[int, int]]:
    raw = block.attrs.get("lines")
    out: list[tuple[int, int]] = []
    if isinstance(raw, list) and raw:
        for pair in raw:
            try:
                a, b = int(pair[0]), int(pair[1])
            except (TypeError, ValueError, IndexError):
                continue
            a, b = max(a, block.start), min(b, block.end)
            if a < b:
                out.append((a, b))
        if out:
            return sorted(out)
    return _split(text, block.start, block.end, "\n")


def _split(text: str, s: int, e: int, sep: str) -> list[tuple[int, int]]:
    out = []
    pos = s
    while pos <= e:
        j = text.find(sep, pos, e)
        if j == -1:
            j = e
        if j > pos:
            out.append((pos, j))
        pos = j + len(sep)
        if j == e:
            break
    return out


# --------------------------------------------------------------------------- inline content


class _Inliner:
    """Turns a `[start, end)` range into nested inline nodes, clipping spans to the range.

    Spans may nest or cross (a thought across a quote's end); crossing spans are
    closed and reopened so every format gets a well-formed tree.
    """

    def __init__(self, work: Work, *, review: bool) -> None:
        self.text = work.text
        spans: list[tuple[int, int, int, str, dict[str, Any]]] = []
        hidden: list[tuple[int, int]] = []
        for order, sp in enumerate(work.spans):
            if sp.kind not in INLINE_KINDS or sp.end <= sp.start:
                continue
            a, b, hide = self._delimiters(sp)
            hidden.extend(hide)
            if a < b:
                spans.append((a, b, order, sp.kind, dict(sp.attrs)))
        if review:
            base = len(work.spans)
            for i, r in enumerate(work.repairs):
                if r.needs_review and r.end > r.start:
                    attrs = {"title": _review_title(r.original, r.replacement, r.confidence, r.reason)}
                    spans.append((r.start, r.end, base + i, "review", attrs))
        spans.sort()
        # Short spans are found by bisecting on their start within a window as wide as the longest
        # of them; the few long ones (a flashback over many paragraphs) are swept in order, so a
        # long span never widens the window to the whole book.
        short = [sp for sp in spans if sp[1] - sp[0] <= _LONG]
        self.spans = short
        self.starts = [s[0] for s in short]
        self.max_len = max((s[1] - s[0] for s in short), default=0)
        self.long = [sp for sp in spans if sp[1] - sp[0] > _LONG]
        self._long_next = 0
        self._long_active: list[tuple[int, int, int, str, dict[str, Any]]] = []
        self._long_last = -1
        # Flashbacks by start, with the furthest end reached so far: whether one covers a block is
        # one bisection (a block's class), not a second search of every span near the block.
        flashbacks = [(sp[0], sp[1]) for sp in spans if sp[3] == "flashback"]
        self.flash_starts = [a for a, _ in flashbacks]
        self.flash_reach = list(accumulate((b for _, b in flashbacks), max))
        # Published typography (Standard Ebooks): an em dash between words takes no spaces. The
        # text keeps the author's spacing; only the reading formats close it up.
        hidden.extend(_spaced_dash_spaces(self.text))
        hidden.sort()
        self.hidden = hidden
        self.hidden_starts = [h[0] for h in hidden]

    def _delimiters(self, sp: Span) -> tuple[int, int, list[tuple[int, int]]]:
        """Where a span's typed markers (`*...*`) are, so they are not printed as prose."""
        t = self.text
        a, b = sp.start, sp.end
        if sp.kind not in DELIMITED_KINDS:
            return a, b, []
        ranges = [sp.attrs.get("open"), sp.attrs.get("close")]
        if all(
            isinstance(r, list | tuple) and len(r) == 2 and all(isinstance(x, int) for x in r) for r in ranges
        ):
            # the structure stage said exactly where the typed markers are
            hide = [(int(r[0]), int(r[1])) for r in ranges if int(r[1]) > int(r[0])]  # type: ignore[index]
            inner = [h for h in hide if a <= h[0] and h[1] <= b]
            if len(inner) == 2:
                a, b = inner[0][1], inner[1][0]
            return a, b, hide
        given = sp.attrs.get("delim") or sp.attrs.get("marker") or sp.attrs.get("delimiter")
        cands = (given,) if isinstance(given, str) and given else _DELIMS
        for d in cands:
            n = len(d)
            if b - a > 2 * n and t.startswith(d, a) and t.endswith(d, a, b):
                return a + n, b - n, [(a, a + n), (b - n, b)]
            if a - n >= 0 and t.startswith(d, a - n) and t.startswith(d, b):
                return a, b, [(a - n, a), (b, b + n)]
        return a, b, []

    def _overlapping(self, s: int, e: int) -> list[tuple[int, int, int, str, dict[str, Any]]]:
        lo = bisect_left(self.starts, s - self.max_len)
        hi = bisect_left(self.starts, e)
        found = [sp for sp in self.spans[lo:hi] if sp[1] > s]
        if self.long:
            found.extend(self._long_overlapping(s, e))
        return found

    def _long_overlapping(self, s: int, e: int) -> list[tuple[int, int, int, str, dict[str, Any]]]:
        if s < self._long_last:  # asked out of order: start the sweep again
            self._long_next, self._long_active = 0, []
        self._long_last = s
        while self._long_next < len(self.long) and self.long[self._long_next][0] < e:
            self._long_active.append(self.long[self._long_next])
            self._long_next += 1
        self._long_active = [sp for sp in self._long_active if sp[1] > s]
        return [sp for sp in self._long_active if sp[0] < e]

    def block_classes(self, s: int, e: int) -> list[str]:
        """Block-level spans (a flashback covering a whole paragraph) become a class on the block."""
        if s < e:
            i = bisect_right(self.flash_starts, s)  # the flashbacks starting at or before the block
            return ["flashback"] if i and self.flash_reach[i - 1] >= e else []
        out = []
        for a, b, _o, kind, _attrs in self._overlapping(s, e):
            if kind == "flashback" and a <= s and b >= e and "flashback" not in out:
                out.append("flashback")
        return out

    def line(self, s: int, e: int, *, soft: bool = False) -> Line:
        t = self.text
        while s < e and t[s].isspace():
            s += 1
        while e > s and t[e - 1].isspace():
            e -= 1
        if s >= e:
            return []
        spans = []
        for a, b, order, kind, attrs in self._overlapping(s, e):
            a, b = max(a, s), min(b, e)
            if a >= b:
                continue
            if kind == "flashback" and a == s and b == e:
                continue  # carried by the block's class
            spans.append((a, b, order, kind, attrs))
        hidden = self._hidden(s, e)
        if not spans and not hidden:  # plain prose, most lines: one string, as the general path gives
            seg = clean(t[s:e])
            if soft:
                seg = _SOFT_BREAK.sub(" ", seg)
            return [seg] if seg else []
        points = {s, e}
        for a, b, *_ in spans:
            points.update((a, b))
        for a, b in hidden:
            points.update((max(a, s), min(b, e)))
        cuts = sorted(points)
        root: Line = []
        stack: list[tuple[tuple[int, int, int, str, dict[str, Any]] | None, Line]] = [(None, root)]
        for p, q in zip(cuts, cuts[1:], strict=False):
            want = sorted(
                (sp for sp in spans if sp[0] <= p and sp[1] >= q), key=lambda x: (x[0], -x[1], x[2])
            )
            k = 0
            while k < len(want) and k + 1 < len(stack) and stack[k + 1][0] is want[k]:
                k += 1
            del stack[k + 1 :]
            for sp in want[k:]:
                node = Inline(sp[3], sp[4])
                stack[-1][1].append(node)
                stack.append((sp, node.children))
            if any(a <= p and q <= b for a, b in hidden):
                continue
            seg = clean(t[p:q])
            if soft:
                seg = _SOFT_BREAK.sub(" ", seg)
            if not seg:
                continue
            kids = stack[-1][1]
            if kids and isinstance(kids[-1], str):
                kids[-1] += seg
            else:
                kids.append(seg)
        return _prune(root)

    def _hidden(self, s: int, e: int) -> list[tuple[int, int]]:
        i = bisect_left(self.hidden_starts, s - 2)
        out = []
        hidden = self.hidden
        while i < len(hidden) and hidden[i][0] < e:
            if hidden[i][1] > s:
                out.append(hidden[i])
            i += 1
        return out


def _is_word(c: str) -> bool:
    """A regex word character (`\\w`): a letter, digit or numeral of any script, or `_`."""
    return c.isalnum() or c == "_"


def _spaced_dash_spaces(text: str) -> list[tuple[int, int]]:
    """The spaces on both sides of each em dash set between two words ("word \u2014 word"), in text order.

    Found from each dash outwards: the dashes are few, and a pattern that opens with a lookbehind
    would be tried at every position of the text.
    """
    out: list[tuple[int, int]] = []
    n = len(text)
    i = text.find("\u2014")
    while i != -1:
        a = i
        while a > 0 and text[a - 1] in " \u00a0":
            a -= 1
        b = i + 1
        while b < n and text[b] in " \u00a0":
            b += 1
        if 0 < a < i and i + 1 < b < n and _is_word(text[a - 1]) and _is_word(text[b]):
            out.append((a, i))
            out.append((i + 1, b))
        i = text.find("\u2014", i + 1)
    return out


def _prune(nodes: Line) -> Line:
    out: Line = []
    for n in nodes:
        if isinstance(n, str):
            if out and isinstance(out[-1], str):
                out[-1] += n
            elif n:
                out.append(n)
            continue
        n.children = _prune(n.children)
        if n.children:
            out.append(n)
    return out


def _review_title(original: str, replacement: str, confidence: float, reason: str) -> str:
    shown = "".join(f"U+{ord(c):04X}" if c == "\ufffd" or not c.isprintable() else c for c in original)
    return f"restored {shown} as {replacement} (confidence {confidence:.2f}; {reason})"


def hug(inner: str, opening: str, closing: str) -> str:
    """Wrap `inner` in light-markup markers that touch the words: `*a *` would not parse, so spaces at
    the edges move outside the markers."""
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{opening}{inner.strip()}{closing}{trail}"


def plain(nodes: Line) -> str:
    """The text of a line with its markup dropped (for titles, alt texts, search)."""
    return "".join(n if isinstance(n, str) else plain(n.children) for n in nodes)


def words(doc: Document) -> int:
    """Words of the story itself: notes, headings and front matter do not count."""
    if doc.word_count is None:
        doc.word_count = _count_words(doc)
    return doc.word_count


def _count_words(doc: Document) -> int:
    n = 0
    for ch in doc.chapters:
        for it in ch.items:
            if it.kind not in STORY_KINDS:  # the same words the analysis and `inspect` count
                continue
            for st in it.stanzas:
                for line in st:
                    # most lines are one plain string: count it as it is, without joining a copy
                    one = line[0] if len(line) == 1 else None
                    n += count_words(one if isinstance(one, str) else plain(line))
    return n


def meta_rows(doc: Document) -> list[tuple[str, list[str]]]:
    """The metadata a reader wants on the title page, as (label, values); empty fields left out."""
    m = doc.work.meta
    rows: list[tuple[str, list[str]]] = []

    def add(label: str, values: list[str] | str | None) -> None:
        vals = [values] if isinstance(values, str) else list(values or [])
        vals = [" ".join(clean(str(v)).split()) for v in vals]
        vals = [v for v in vals if v]
        if vals:
            rows.append((label, vals))

    add("Author" if len(doc.authors) == 1 else "Authors", doc.authors)
    add("Fandom" if len(m.fandoms) == 1 else "Fandoms", m.fandoms)
    add("Rating", m.rating)
    add("Warnings", m.warnings)
    add("Categories", m.categories)
    add("Relationships", [r.raw for r in m.relationships])
    add("Characters", m.characters)
    add("Tags", m.freeform)
    add("Series", [f"{s.name}, part {s.position}" if s.position else s.name for s in m.series])
    add("Language", m.language if m.language and m.language != "en" else "")
    add("Published", m.published)
    add("Updated", m.updated)
    add("Completed", m.completed)
    add("Words", f"{m.words if m.words is not None else words(doc):,}")
    expected = "?" if m.chapters_expected is None else str(m.chapters_expected)
    if m.chapters_posted is not None:
        add("Chapters", f"{m.chapters_posted}/{expected}")
    else:
        add("Chapters", str(len(doc.chapters)))
    add("Source", m.source.url or (m.source.file.rsplit("/", 1)[-1] if m.source.file else ""))
    reps = doc.work.repairs
    if reps:
        review = sum(r.needs_review for r in reps)
        noun = "character" if len(reps) == 1 else "characters"
        add("Restored", f"{len(reps):,} damaged {noun} restored ({review:,} flagged for review)")
    return rows


def subjects(doc: Document) -> list[str]:
    """Subjects for a catalogue: fandoms, relationships, characters, then freeform tags, no repeats."""
    m = doc.work.meta
    seen: set[str] = set()
    out = []
    for v in [*m.fandoms, *(r.raw for r in m.relationships), *m.characters, *m.freeform]:
        v = " ".join(clean(v).split())
        if v and v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out
