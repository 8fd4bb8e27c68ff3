"""Structure of a plain-text story, decided line by line and then unit by unit.

Order matters and is fixed: front matter and title, then lines that announce
themselves (headings, end markers, dividers, flashback markers, labelled
notes), then the paragraph habit, letters and messages, verse, paragraphs,
unlabelled notes, blank scene breaks, chapters, flashbacks, scenes and inline
spans. Every step is one
linear pass over lines or units.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import overload

from ficpress.model import Block, Restoration, Source, Span, Work
from ficpress.structure import chapters as chapters_mod
from ficpress.structure import dividers, frontmatter, inline, letters, notes, scenes, verse
from ficpress.structure.flashback import flashback_spans
from ficpress.structure.headings import parse_bare_number, parse_end_marker, parse_heading
from ficpress.structure.lines import NO_ATTRS, QUOTES, LazyPattern, Line, Unit, ends_sentence, split_lines

# Units whose text is prose-like and may hold inline markup.
INLINE_KINDS = {"paragraph", "verse", "note", "letter", "message"}


# A "Label:" line of a header block; lines without one continue the entry above them.
_HEADER_LABEL = LazyPattern(r"^[A-Za-z][A-Za-z'\u2019/\- ]{0,24}?\s*:")


def _header_lines(lines: list[Line], source: Source, restoration: Restoration) -> int:
    """Label the ingest-read header block; return the first body line index.

    "Title:", "Author:", "Rating:" ... lines are front matter (publish shows them
    as metadata). A "Disclaimer:" or "A/N:" entry, continuation lines included,
    is a note the author wrote to readers, so it becomes a typed note (role
    disclaimer or head) that output can show, collapse or drop like any other.
    """
    he = source.meta.raw.get("header_end")
    if not isinstance(he, int) or he <= 0:
        return 0
    end = restoration.offsets.to_text(he)
    i = 0
    entry: Line | None = None  # the label line of the note entry being continued
    while i < len(lines) and lines[i].start < end:
        ln = lines[i]
        if ln.blank:
            entry = None
        else:
            s = ln.stripped
            if _HEADER_LABEL.match(s) or dividers.divider_glyph(s) is not None:
                entry = None
                n = notes.labelled_note(s) if _HEADER_LABEL.match(s) else None
                if n is not None:
                    role = "disclaimer" if n[0] == "disclaimer" else "head"
                    ln.label, ln.confidence = "note", 0.95
                    ln.attrs = {"role": role, "labelled": True, "header": True}
                    entry = ln
                    i += 1
                    continue
            elif entry is not None:
                entry.attrs["through"] = i  # a continuation line of the note
                ln.label = "note_part"
                i += 1
                continue
            ln.label = "front_matter"
            ln.attrs = {"field": "header"}
        i += 1
    return i


def _next_nonblank(lines: list[Line], i: int) -> int:
    while i < len(lines) and lines[i].blank:
        i += 1
    return i


def _title(lines: list[Line], body: int, work_meta_title: str) -> tuple[int, str, float, list[str]]:
    """Label the title line (and a byline) as front matter; return (first story line, title, conf, authors)."""
    i = _next_nonblank(lines, body)
    if i >= len(lines):
        return i, "", 0.0, []
    ln = lines[i]
    followed_by_blank = i + 1 < len(lines) and lines[i + 1].blank
    guess = frontmatter.guess_title(ln.stripped, followed_by_blank)
    if work_meta_title and (guess is None or guess.title.lower() != work_meta_title.strip().lower()):
        return i, "", 0.0, []
    if guess is None or guess.confidence < 0.5:
        return i, "", 0.0, []
    # A title needs a story after it: a lone line is the story.
    nxt = _next_nonblank(lines, i + 1)
    if nxt >= len(lines):
        return i, "", 0.0, []
    ln.label, ln.confidence, ln.attrs = "front_matter", guess.confidence, {"field": "title"}
    authors = list(guess.authors)
    by = frontmatter.byline(lines[nxt].stripped)
    if by:
        lines[nxt].label, lines[nxt].confidence, lines[nxt].attrs = "front_matter", 0.85, {"field": "author"}
        authors.append(by)
        nxt = _next_nonblank(lines, nxt + 1)
    return nxt, guess.title, guess.confidence, authors


def _label_line(ln: Line) -> None:
    """Decide the lines that announce themselves."""
    s = ln.stripped
    if len(s) > 200:
        # Headings, end markers, dividers, flashback markers and POV lines are all short: a long line
        # can only be a labelled note.
        n = notes.labelled_note(s)
        if n is not None:
            ln.label, ln.confidence = "note", n[1]
            ln.attrs = {"role": "disclaimer" if n[0] == "disclaimer" else ""}
        return
    h = parse_heading(s)
    if h is not None:
        ln.label, ln.confidence = "heading", h.confidence
        ln.attrs = {
            "level": 2,
            "title": h.display,
            "unit_kind": h.kind,
            "number": h.number,
            "numeral": h.numeral,
        }
        ln.attrs["has_title"] = bool(h.title)
        if h.of is not None:
            ln.attrs["of"] = h.of
        return
    e = parse_end_marker(s)
    if e is not None:
        ln.label, ln.confidence = "end_marker", e.confidence
        ln.attrs = {
            "text": s,
            "unit_kind": e.kind,
            "number": e.number,
            "numeral": e.numeral,
            "final": e.final,
        }
        return
    fb = dividers.flashback_marker(s)
    if fb is not None:
        ln.label, ln.confidence = "marker", 0.95
        ln.attrs = {"marker": "flashback", "edge": fb, "text": s}
        return
    g = dividers.divider_glyph(s)
    if g is not None:
        ln.label, ln.confidence = "scene_break", g[1]
        ln.attrs = {"glyph": g[0]}
        return
    pov = dividers.pov_header(s)
    if pov is not None:
        ln.label, ln.confidence = "scene_break", 0.8
        ln.attrs = {"glyph": s, "pov": pov}
        return
    n = notes.labelled_note(s)
    if n is not None:
        ln.label, ln.confidence = "note", n[1]
        ln.attrs = {"role": "disclaimer" if n[0] == "disclaimer" else ""}


def _bare_number_headings(lines: list[Line], first: int) -> None:
    """Lines holding only "1", "2", "III": headings only when several follow in order after blank lines."""
    cands = []
    for i in range(first, len(lines)):
        ln = lines[i]
        if ln.label is None and not ln.blank and len(ln.stripped) <= 8:
            h = parse_bare_number(ln.stripped)
            if h is not None:
                cands.append((i, h))
    if len(cands) < 2:
        return
    nums = [h.number for _, h in cands]
    in_order = sum(1 for a, b in zip(nums, nums[1:], strict=False) if b == (a or 0) + 1)
    if in_order < 0.7 * (len(cands) - 1):
        return
    for i, h in cands:
        ln = lines[i]
        ln.label, ln.confidence = "heading", h.confidence
        ln.attrs = {"level": 2, "title": h.display, "unit_kind": "", "number": h.number, "numeral": h.numeral}
        ln.attrs["has_title"] = False


def _subtitles(lines: list[Line], first: int) -> None:
    """A short title line right under a bare heading ("Chapter 1" / "The Beginning") names that chapter."""
    n = len(lines)
    for i in range(first, n - 2):
        h = lines[i]
        if h.label != "heading" or h.attrs.get("subtitle_of") is not None:
            continue
        if h.attrs.get("has_title", True):
            continue  # the heading already has a title
        t = lines[i + 1]
        if t.blank or t.label is not None or not lines[i + 2].blank:
            continue
        s = t.stripped
        if len(s) > 70 or len(s.split()) > 10 or s[-1] in ".!?,;" or s[0] in QUOTES or ends_sentence(s):
            continue
        nxt = _next_nonblank(lines, i + 2)
        if nxt >= n or lines[nxt].label == "heading":
            continue
        t.label, t.confidence = "heading", 0.7
        t.attrs = {"level": 3, "role": "subtitle", "subtitle_of": i}
        h.attrs["title"] = f"{h.attrs['title']}: {s}"
        h.attrs["subtitle_end"] = t.hi


def _units(lines: list[Line], first: int, single: bool, stanzas: list[verse.Stanza]) -> list[Unit]:
    """Group labelled lines into units in text order."""
    stanza_of: dict[int, verse.Stanza] = {}
    for st in stanzas:
        for i in st.lines:
            stanza_of[i] = st
    units: list[Unit] = []
    gap = 0
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if ln.blank:
            gap += 1
            i += 1
            continue
        if i in stanza_of:
            st = stanza_of[i]
            idx = st.lines
            rng = [[lines[j].lo, lines[j].hi] for j in idx]
            units.append(
                Unit("verse", idx, lines[idx[0]].lo, lines[idx[-1]].hi, st.confidence, {"lines": rng}, gap)
            )
            i = idx[-1] + 1
        elif ln.label is not None:
            attrs = dict(ln.attrs)
            j = attrs.pop("through", i)  # a unit of several lines (a header note and its continuation)
            idx = [k for k in range(i, j + 1) if not lines[k].blank]
            units.append(Unit(ln.label, idx, ln.lo, lines[j].hi, ln.confidence, attrs, gap))
            i = j + 1
        elif single or i < first:
            units.append(Unit("paragraph", [i], ln.lo, ln.hi, 0.9, NO_ATTRS, gap))  # shared, never written
            i += 1
        else:
            j = i
            while (
                j + 1 < n and not lines[j + 1].blank and lines[j + 1].label is None and j + 1 not in stanza_of
            ):
                j += 1
            # Newlines inside a blank-line-separated paragraph are wrapping, not line breaks.
            attrs: dict[str, object] = {"soft_breaks": True} if j > i else {}
            units.append(Unit("paragraph", list(range(i, j + 1)), ln.lo, lines[j].hi, 0.85, attrs, gap))
            i = j + 1
        gap = 0
    return units


class _SourceLines(Sequence[str]):
    """The source text's lines, cut on demand: verse reads quote marks where restore has not guessed them,
    and a copy of every line of a large text would double the memory the text takes."""

    def __init__(self, text: str, starts: array[int]) -> None:
        self._text = text
        self._starts = starts

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        a = self._starts[i]
        b = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else len(self._text)
        if i + 1 == len(self._starts) and self._text.endswith("\n") and b > a:
            b -= 1  # the last line stops before a final newline
        return self._text[a:b]


def _source_lines(source_text: str, text: str, n_lines: int) -> Sequence[str] | None:
    """The source's lines when they align one to one with the restored text's, else None.

    Where restore changed nothing the restored lines are the source's, so none are needed.
    """
    if source_text == text:
        return None
    n = source_text.count("\n") + 1
    if n == n_lines + 1 and source_text.endswith("\n"):
        n -= 1  # the empty string after a final newline is no line
    if n != n_lines:
        return None
    starts = array("q", [0])
    pos = source_text.find("\n")
    while pos != -1 and len(starts) < n:
        starts.append(pos + 1)
        pos = source_text.find("\n", pos + 1)
    return _SourceLines(source_text, starts)


def _first_story_unit(units: list[Unit]) -> int:
    """Index of the first unit after the front matter (a header block's notes are front matter too)."""
    return next(
        (i for i, u in enumerate(units) if u.kind != "front_matter" and not u.attrs.get("header")),
        len(units),
    )


def _unlabelled_notes(units: list[Unit], first: int, text: str) -> None:
    """Unlabelled paragraphs addressed to readers at the edges of the work or of a chapter are notes.

    The work's last paragraph ("No this isnt a fic that will get finished-
    Sorry ...") needs a few reader-address words; a chapter's first or last
    paragraph needs a word only an author uses ("review", "update", "fic").
    """
    story = [i for i in range(first, len(units)) if units[i].kind in ("paragraph", "verse")]
    if len(story) < 3:
        return
    last = story[-1]
    u = units[last]
    if (
        u.kind == "paragraph"
        and last == len(units) - 1
        and (u.gap_before >= 1 or units[last - 1].kind == "end_marker")
    ):
        c = notes.unlabelled_note_confidence(text[u.lo : u.hi], last=True)
        if c > 0:
            u.kind, u.confidence, u.attrs = "note", c, {"role": "end", "labelled": False}
    f = story[0]
    u = units[f]
    nxt = units[f + 1] if f + 1 < len(units) else None
    if u.kind == "paragraph" and nxt is not None and nxt.gap_before >= 1:
        c = notes.unlabelled_note_confidence(text[u.lo : u.hi], last=False)
        if c > 0:
            u.kind, u.confidence, u.attrs = "note", c, {"role": "head", "labelled": False}
    edges = {"heading", "end_marker"}
    for i in range(first, len(units)):
        u = units[i]
        if u.kind != "paragraph":
            continue
        prev = units[i - 1] if i > first else None
        nxt = units[i + 1] if i + 1 < len(units) else None
        if nxt is None or nxt.kind in edges:
            role = "end"
            if u.gap_before < 1 and (prev is None or prev.kind not in edges | {"note"}):
                continue  # run on from the story without a blank line: story
        elif prev is not None and prev.kind == "heading" and nxt.gap_before >= 1:
            role = "head"
        else:
            continue
        c = notes.chapter_edge_note_confidence(text[u.lo : u.hi])
        if c > 0:
            u.kind, u.confidence, u.attrs = "note", c, {"role": role, "labelled": False}


def _note_roles(units: list[Unit], n_chapters: int) -> None:
    """A labelled note before its chapter's story is a head note, after it an end note, else inline."""
    buckets: list[list[int]] = [[] for _ in range(n_chapters)]
    for i, u in enumerate(units):
        if 0 <= u.chapter < n_chapters:
            buckets[u.chapter].append(i)
    for members in buckets:
        story = [
            i for i in members if units[i].kind in ("paragraph", "verse", "scene_break", "letter", "message")
        ]
        for i in members:
            u = units[i]
            if u.kind != "note" or u.attrs.get("role"):
                continue
            if not story or i < story[0]:
                u.attrs["role"] = "head"
            elif i > story[-1]:
                u.attrs["role"] = "end"
            else:
                u.attrs["role"] = "inline"


def build_plain(source: Source, restoration: Restoration) -> Work:
    text = restoration.text
    meta = source.meta
    lines = split_lines(text)
    body = _header_lines(lines, source, restoration)
    first_line, title, title_conf, authors = _title(lines, body, meta.title)
    if title and not meta.title:
        meta.title, meta.title_confidence = title, title_conf
    if authors and not meta.authors:
        meta.authors = authors
    for ln in lines[first_line:]:
        if not ln.blank and ln.label is None:
            _label_line(ln)
    _bare_number_headings(lines, first_line)
    _subtitles(lines, first_line)

    single, habit_conf = scenes.single_newline_habit(lines, first_line)
    letters.detect(lines, first_line, single)
    refrains = verse.refrain_counts(lines)
    if single:
        qtext = _source_lines(source.text, text, len(lines))
        stanzas = verse.detect_single(lines, first_line, len(lines), refrains, qtext)
        del qtext
    else:
        groups: list[list[int]] = []
        cur: list[int] = []
        for ln in lines[first_line:]:
            if not ln.blank and ln.label is None:
                cur.append(ln.index)
            elif cur:
                groups.append(cur)
                cur = []
        if cur:
            groups.append(cur)
        stanzas, _ = verse.detect_grouped(lines, groups, refrains)

    units = _units(lines, first_line, single, stanzas)
    del lines, stanzas, refrains  # a large text's lines are not needed past this point: free them early
    first = _first_story_unit(units)
    _unlabelled_notes(units, first, text)

    # Blank-line scene breaks become units of their own, between the units they separate.
    breaks = dict(scenes.blank_breaks(units, single, first))
    if breaks:
        merged: list[Unit] = []
        for i, u in enumerate(units):
            if i in breaks:
                p = units[i - 1]
                merged.append(Unit("scene_break", [], p.hi, u.lo, breaks[i], {"glyph": ""}))
            merged.append(u)
        units = merged
        first = _first_story_unit(units)

    frontmatter.fall_back_to_file_title(meta, source.path)
    chapters = chapters_mod.build_chapters(units, first, len(text), meta.title)
    _note_roles(units, len(chapters))
    spans: list[Span] = flashback_spans(units)
    scene_list = scenes.build_scenes(units, len(chapters))
    spans.extend(inline.find_spans(text, ((u.lo, u.hi) for u in units if u.kind in INLINE_KINDS)))
    spans.sort(key=lambda s: (s.start, -s.end))

    blocks: list[Block] = []
    for u in units:
        attrs = {
            k: v
            for k, v in u.attrs.items()
            if k not in ("unit_kind", "numeral", "subtitle_of", "subtitle_end", "has_title")
        }
        if u.kind == "heading":
            attrs["kind"] = u.attrs.get("unit_kind", "")
            attrs["numeral"] = u.attrs.get("numeral", "")
        if u.kind == "end_marker":
            attrs["closes"] = u.chapter
        blocks.append(Block(u.kind, u.lo, u.hi, round(u.confidence, 3), attrs))

    expected = [u.attrs["of"] for u in units if u.kind == "heading" and u.attrs.get("of")]
    if expected and meta.chapters_expected is None:
        meta.chapters_expected = max(expected)
    disclaimers = [
        text[u.lo : u.hi] for u in units if u.kind == "note" and u.attrs.get("role") == "disclaimer"
    ]
    if disclaimers and not meta.disclaimer:
        meta.disclaimer = disclaimers[0]
    meta.raw.setdefault("structure", {})
    meta.raw["structure"].update(
        {"paragraph_habit": "single-newline" if single else "blank-line", "habit_confidence": habit_conf}
    )
    return Work(
        meta=meta,
        text=text,
        repairs=restoration.repairs,
        damage=source.damage,
        blocks=blocks,
        chapters=chapters,
        scenes=scene_list,
        spans=spans,
    )
