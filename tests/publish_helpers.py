"""A small builder for Works with every kind of block and span, for the publish tests.

The structure stage is developed separately; building Works by hand lets the
publish tests say exactly what each output must do with each kind of node.
"""

from __future__ import annotations

from typing import Any

from ficpress.model import Block, Chapter, Relationship, Repair, Series, Span, Work, WorkMeta

# XML namespaces of the EPUB and XHTML documents the tests read back
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "epub": "http://www.idpf.org/2007/ops",
}


class Builder:
    def __init__(self) -> None:
        self.text = ""
        self.blocks: list[Block] = []
        self.spans: list[Span] = []
        self.chapters: list[Chapter] = []
        self.repairs: list[Repair] = []
        self._chapter_start: int | None = None
        self._title = ""

    def _add(self, s: str) -> tuple[int, int]:
        if self.text:
            self.text += "\n"
        start = len(self.text)
        self.text += s
        return start, len(self.text)

    def block(self, kind: str, s: str, **attrs: Any) -> Block:
        a, b = self._add(s)
        blk = Block(kind, a, b, attrs=attrs)
        self.blocks.append(blk)
        return blk

    def para(self, s: str) -> Block:
        return self.block("paragraph", s)

    def span(self, kind: str, blk: Block, needle: str, **attrs: Any) -> Span:
        i = self.text.index(needle, blk.start)
        sp = Span(kind, i, i + len(needle), attrs=attrs)
        self.spans.append(sp)
        return sp

    def verse(self, lines: list[str], stanza_gap_after: int | None = None) -> Block:
        if self.text:
            self.text += "\n"
        start = len(self.text)
        ranges = []
        for i, ln in enumerate(lines):
            a = len(self.text)
            self.text += ln
            ranges.append([a, len(self.text)])
            if i < len(lines) - 1:
                self.text += "\n\n" if stanza_gap_after == i else "\n"
        blk = Block("verse", start, len(self.text), attrs={"lines": ranges})
        self.blocks.append(blk)
        return blk

    def chapter(self, title: str, heading: str | None = None) -> None:
        self.end_chapter()
        number = len(self.chapters) + 1
        if heading is not None:
            a, b = self._add(heading)
            self.blocks.append(Block("heading", a, b))
            ch = Chapter(number, title, a, -1, heading_start=a, heading_end=b)
        else:
            ch = Chapter(number, title, len(self.text) + (1 if self.text else 0), -1, implicit=True)
        self.chapters.append(ch)

    def end_chapter(self) -> None:
        if self.chapters and self.chapters[-1].end == -1:
            self.chapters[-1].end = len(self.text)

    def repair(self, blk: Block, needle: str, confidence: float) -> None:
        i = self.text.index(needle, blk.start)
        self.repairs.append(
            Repair(i, i + len(needle), i, i + 1, "\ufffd", needle, confidence, confidence < 0.95, "test")
        )

    def work(self, **meta: Any) -> Work:
        self.end_chapter()
        for ch in self.chapters:
            if ch.end == -1:
                ch.end = len(self.text)
        return Work(
            meta=WorkMeta(**meta),
            text=self.text,
            blocks=self.blocks,
            chapters=self.chapters,
            spans=self.spans,
            repairs=self.repairs,
        )


def rich_work() -> Work:
    """Two chapters with a head note, verse, a scene break, thoughts, emphasis, a flashback and end markers."""
    b = Builder()
    b.block("front_matter", "A Test Story")
    b.block("note", "Disclaimer: I own nothing & <nobody> sues.", role="disclaimer")
    b.chapter("Chapter One: Beginnings", heading="Chapter One: Beginnings")
    b.block("note", "A/N: thanks to my beta!", role="head")
    p1 = b.para("She walked in. *Not again,* she thought, and it was *very* late.")
    b.span("thought", p1, "*Not again,*")
    b.span("emphasis", p1, "very")
    p2 = b.para("\u201cHello,\u201d he said \u2014 quietly \u2026 and sang:")
    b.repair(p2, "\u2014", 0.6)
    b.verse(["Once more with feeling", "so that we can sing", "walk through the fire"], stanza_gap_after=1)
    b.block("scene_break", "~*~", glyph="~*~")
    b.para("Later that night the house was quiet.")
    f = b.para("#Flashback# It was raining that day.")
    b.spans.append(Span("flashback", f.start, f.end))
    b.block("marker", "#End Flashback#")
    b.para("She woke up.")
    b.block("end_marker", "End Part 1")
    b.chapter("Part 2", heading="Part 2.")
    b.chapters[-1].summary = "In which spans cross & breaks fall."
    p = b.para("Crossing spans: alpha beta gamma delta.")
    b.span("thought", p, "alpha beta gamma")
    b.span("emphasis", p, "gamma delta")
    b.block("scene_break", "", glyph="")
    b.para("After the break.")
    b.block("end_marker", "TBC")
    b.block("note", "A/N: please review.", role="end")
    return b.work(
        title="A Test Story",
        authors=["Jane Writer", "Co Author"],
        fandoms=["Buffy the Vampire Slayer"],
        relationships=[Relationship("Willow Rosenberg/Spike", "romantic", ["Spike", "Willow Rosenberg"])],
        characters=["Willow Rosenberg", "Spike"],
        freeform=["Angst", "Hurt/Comfort"],
        rating="Teen And Up Audiences",
        summary="Willow and Spike, after the end of the world.\nA second line of summary.",
        notes=["Work note: written for a fest."],
        series=[Series("Hellmouth Nights", 2)],
        published="2003-05-01",
    )
