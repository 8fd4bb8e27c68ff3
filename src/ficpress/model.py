"""The one document model every stage reads and writes.

Why standoff: `Work.text` is fixed once restore has run, and everything later
(chapters, blocks, spans, analysis) points into it by character offsets. Stages
add annotations without editing text, so each stage can be run, inspected and
replaced on its own, and any finding can be traced back to a `line:column` of
the file the user gave through `Work.offsets`.

All offsets are Python string indices (code points), half-open `[start, end)`.
"""

from __future__ import annotations

import bisect
import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "ficpress/1"


# --------------------------------------------------------------------------- damage & repairs


@dataclass
class Damage:
    """Something ingest found wrong with the bytes or the decoded text.

    Recorded before any repair so the user sees what the file was like, even
    where restore can put nothing back (undecodable bytes).
    """

    kind: str  # "fffd" | "undecodable" | "mojibake" | "question" | "entity" | "mixed-encoding" | ...
    source_start: int  # offset into Source.text
    source_end: int
    line: int  # 1-based line in the source file
    col: int  # 1-based column in the source file
    detail: str = ""


@dataclass
class Repair:
    """One restored position: what was there, what was put back, and how sure we are.

    `start`/`end` index `Work.text` (the restored text); `source_start`/`source_end`
    index `Source.text` (what was decoded from the file).
    """

    start: int
    end: int
    source_start: int
    source_end: int
    original: str
    replacement: str
    confidence: float
    needs_review: bool
    reason: str  # the rule or model that decided, e.g. "model:left=n't" or "rule:elision"
    kind: str = "fffd"  # "fffd" | "question" | "mojibake" | "entity" | "typography" | "undecodable"
    line: int = 0  # 1-based source line (0 = unknown)
    col: int = 0
    alternatives: list[list[Any]] = field(default_factory=list)  # [[candidate, probability], ...]


class OffsetMap:
    """Maps offsets between the source text and the restored text.

    Built from the repairs (each replaces `source[s:e]` by a replacement of
    another length); positions outside repairs shift by the accumulated delta.
    A position inside a repaired range maps to the start of its replacement.
    """

    def __init__(self, repairs: list[Repair]) -> None:
        ordered = sorted(repairs, key=lambda r: r.source_start)
        self._src_starts = [r.source_start for r in ordered]
        self._src_ends = [r.source_end for r in ordered]
        self._txt_starts = [r.start for r in ordered]
        self._txt_ends = [r.end for r in ordered]

    def to_text(self, source_offset: int) -> int:
        i = bisect.bisect_right(self._src_starts, source_offset) - 1
        if i < 0:
            return source_offset
        if source_offset < self._src_ends[i]:
            return self._txt_starts[i]
        return self._txt_ends[i] + (source_offset - self._src_ends[i])

    def to_source(self, text_offset: int) -> int:
        i = bisect.bisect_right(self._txt_starts, text_offset) - 1
        if i < 0:
            return text_offset
        if text_offset < self._txt_ends[i]:
            return self._src_starts[i]
        return self._src_ends[i] + (text_offset - self._txt_ends[i])


class LineIndex:
    """Offset -> 1-based (line, col) lookups over one text; columns count code points."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self._starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1

    @property
    def starts(self) -> list[int]:
        """Offset where each line begins (line 1 at index 0), for callers walking offsets in order."""
        return self._starts


# --------------------------------------------------------------------------- metadata


@dataclass
class Relationship:
    """A pairing tag: `/` is romantic, `&` platonic; members form an unordered set."""

    raw: str
    kind: str  # "romantic" | "platonic" | "unknown"
    members: list[str]  # sorted, so two spellings of the same set compare equal


@dataclass
class Series:
    name: str
    position: int | None = None


@dataclass
class SourceInfo:
    kind: str = "text"  # "text" | "text-header" | "ao3-html" | "ao3-epub" | "ao3-page" | "ffnet-page" | ...
    file: str = ""
    url: str = ""
    work_id: str = ""
    encoding: str = ""
    encoding_confidence: float = 1.0


@dataclass
class WorkMeta:
    """What a library and a reader need to know about a work.

    Raw tags are kept exactly as written (`raw`), normalised forms sit in the
    typed fields beside them, so nothing the author wrote is lost to our parsing.
    """

    title: str = ""
    title_confidence: float = 0.0
    authors: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    freeform: list[str] = field(default_factory=list)
    language: str = "en"
    series: list[Series] = field(default_factory=list)
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    disclaimer: str = ""
    published: str = ""  # ISO date
    updated: str = ""
    completed: str = ""
    words: int | None = None
    chapters_posted: int | None = None
    chapters_expected: int | None = None  # None = unknown ("?")
    source: SourceInfo = field(default_factory=SourceInfo)
    raw: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- structure


# The block kinds whose words are the story's own (not headings, notes, end markers or front
# matter): what the analysis reads as prose and what every word count counts.
STORY_KINDS = frozenset({"paragraph", "verse", "letter", "message"})


@dataclass
class Block:
    """A paragraph-level unit of the restored text.

    kinds: paragraph, verse, heading, scene_break, note, letter, message,
    end_marker, front_matter. `attrs` carries kind-specific facts: a scene
    break's original `glyph`, a note's `role` (head, end, disclaimer, inline,
    summary), a heading's `level`.
    """

    kind: str
    start: int
    end: int
    confidence: float = 1.0
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Chapter:
    """A chapter covers `[start, end)` of the text, heading and end marker included."""

    number: int
    title: str
    start: int
    end: int
    confidence: float = 1.0
    heading_start: int | None = None  # the heading line, when the text had one
    heading_end: int | None = None
    implicit: bool = False  # True when no heading existed (e.g. an unlabelled Part 1)
    summary: str = ""


@dataclass
class Scene:
    start: int
    end: int
    chapter: int  # index into Work.chapters
    pov: str | None = None  # a character id from the analysis, when known
    pov_confidence: float = 0.0


@dataclass
class Span:
    """An inline annotation: quote, thought, emphasis, strong, flashback, telepathy, ..."""

    kind: str
    start: int
    end: int
    confidence: float = 1.0
    attrs: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- stage hand-offs


@dataclass
class Source:
    """What ingest hands on: the decoded (possibly damaged) text and what the container said.

    For marked-up formats (HTML, EPUB) ingest already knows the structure; it is
    given here in *source* coordinates and structure maps it through the repairs.
    For plain text these lists stay empty and structure works from the text.
    """

    path: str
    text: str
    meta: WorkMeta = field(default_factory=WorkMeta)
    damage: list[Damage] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    structured: bool = False  # True when blocks/chapters came from markup


@dataclass
class Restoration:
    """What restore hands on: the restored text and every repair made to reach it."""

    text: str
    repairs: list[Repair] = field(default_factory=list)

    @property
    def offsets(self) -> OffsetMap:
        return _offsets_of(self)


def _offsets_of(holder: Any) -> OffsetMap:
    """The holder's offset map, built once per state of its repair list.

    Why cached: callers map thousands of offsets one at a time (every quotation, every finding), and
    building the map is linear in the repairs. The cache sits outside the dataclass fields, so it is
    never serialised or compared, and a new or longer repair list builds a fresh map.
    """
    key = (id(holder.repairs), len(holder.repairs))
    cached = holder.__dict__.get("_offset_map")
    if cached is None or cached[0] != key:
        cached = holder.__dict__["_offset_map"] = (key, OffsetMap(holder.repairs))
    return cached[1]


# --------------------------------------------------------------------------- the work


@dataclass
class Work:
    meta: WorkMeta = field(default_factory=WorkMeta)
    text: str = ""
    repairs: list[Repair] = field(default_factory=list)
    damage: list[Damage] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    scenes: list[Scene] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    analysis: dict[str, Any] | None = None
    schema: str = SCHEMA

    def slice(self, obj: Block | Span | Chapter | Scene) -> str:
        return self.text[obj.start : obj.end]

    @property
    def offsets(self) -> OffsetMap:
        return _offsets_of(self)

    def blocks_in(self, start: int, end: int) -> list[Block]:
        return [b for b in self.blocks if b.start >= start and b.end <= end]

    def spans_in(self, start: int, end: int, kind: str | None = None) -> list[Span]:
        return [
            s for s in self.spans if s.start >= start and s.end <= end and (kind is None or s.kind == kind)
        ]

    # ----------------------------------------------------------------------- JSON

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        out: dict[str, Any] = {"schema": d.pop("schema")}
        out.update(d)
        return out

    def to_json(self, indent: int | None = 1) -> str:
        import json  # here, not at the top: a conversion to EPUB never needs it

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Work:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"unsupported schema {data.get('schema')!r}, expected {SCHEMA!r}")
        return _build(cls, data)

    @classmethod
    def from_json(cls, text: str) -> Work:
        import json

        return cls.from_dict(json.loads(text))


def _build(tp: Any, value: Any) -> Any:
    """Rebuild nested dataclasses from plain JSON values using the type hints."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(args[0], value) if len(args) == 1 else value
    if origin is list:
        (arg,) = typing.get_args(tp) or (Any,)
        return [_build(arg, v) for v in value]
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: _build(hints[k], v) for k, v in value.items() if k in names})
    return value
