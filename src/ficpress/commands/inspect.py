"""`ficpress inspect INPUT`: the outline and the damage, for a human or (--json) a tool."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from ficpress import pipeline
from ficpress.commands._common import reports_errors
from ficpress.model import STORY_KINDS, Work
from ficpress.words import count_words


def chapter_list(work: Work) -> list[dict[str, Any]]:
    """Each chapter with what a library or reader shows: title, span, words, notes, breaks.

    Blocks are found by bisection, so a book of thousands of chapters stays linear.
    """
    blocks = sorted(work.blocks, key=lambda b: (b.start, b.end))
    starts = [b.start for b in blocks]
    out = []
    for c in work.chapters:
        lo = bisect.bisect_left(starts, c.start)
        hi = bisect.bisect_right(starts, c.end)
        inside = [b for b in blocks[lo:hi] if b.end <= c.end]
        words = sum(count_words(work.text, b.start, b.end) for b in inside if b.kind in STORY_KINDS)
        out.append(
            {
                "number": c.number,
                "title": c.title,
                "start": c.start,
                "end": c.end,
                "implicit": c.implicit,
                "heading": c.heading_start is not None,
                "summary": c.summary,
                "words": words or count_words(work.text, c.start, c.end),
                "scene_breaks": sum(b.kind == "scene_break" for b in inside),
                "notes": sum(b.kind == "note" for b in inside),
                "verse": sum(b.kind == "verse" for b in inside),
            }
        )
    return out


@reports_errors
def command(
    path: Path = typer.Argument(..., readable=False, help="Story file to inspect."),
    as_json: bool = typer.Option(False, "--json", help="Print the meta object and the chapter list as JSON."),
) -> None:
    """Show title, chapters with word counts, scene breaks, notes, verse and the damage found."""
    work = pipeline.load(path)
    chapters = chapter_list(work)
    if as_json:
        print(json.dumps({"meta": asdict(work.meta), "chapters": chapters}, ensure_ascii=False, indent=1))
        return
    m = work.meta
    con = Console()
    con.print(
        f"[bold]{escape(m.title or '(untitled)')}[/bold]"
        + (f" by {escape(', '.join(m.authors))}" if m.authors else "")
    )
    src = m.source
    con.print(f"read as {src.kind}, {src.encoding or 'n/a'} (confidence {src.encoding_confidence:.2f})")
    for label, value in (
        ("fandoms", ", ".join(m.fandoms)),
        ("relationships", ", ".join(r.raw for r in m.relationships)),
        ("rating", m.rating),
        ("words", f"{m.words:,}" if m.words else ""),
        ("chapters", f"{m.chapters_posted}/{m.chapters_expected or '?'}" if m.chapters_posted else ""),
        ("updated", m.updated),
    ):
        if value:
            con.print(f"  {label}: {escape(value)}")
    for ch in chapters:
        extra = ", ".join(
            f"{n} {k.replace('_', ' ')}" for k in ("scene_breaks", "notes", "verse") if (n := ch[k])
        )
        con.print(
            f"  {ch['number']:>3}. {escape(ch['title'])}  ({ch['words']:,} words{'; ' + extra if extra else ''})"
        )
    kinds = Counter(b.kind for b in work.blocks)
    con.print("blocks: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    dmg = Counter(d.kind for d in work.damage)
    con.print("damage: " + (", ".join(f"{k} {n}" for k, n in sorted(dmg.items())) or "none found"))
    # Positions in a page or an ebook count lines of the text read out of its markup, not of the file.
    where = "" if src.kind in ("text", "text-header") else "text "
    for d in work.damage[:5]:
        con.print(f"  {where}{d.line}:{d.col} {d.kind} {escape(d.detail)}")
    review = sum(r.needs_review for r in work.repairs)
    con.print(f"repairs: {len(work.repairs)} ({review} need review)")
