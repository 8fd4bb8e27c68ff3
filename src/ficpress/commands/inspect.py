"""`ficpress inspect INPUT`: the outline and the damage, for a human or (--json) a tool."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console

from ficpress import pipeline
from ficpress.commands._common import reports_errors


@reports_errors
def command(
    path: Path = typer.Argument(..., help="Story file to inspect."),
    as_json: bool = typer.Option(False, "--json", help="Print meta and chapters as JSON."),
) -> None:
    """Show title, chapters with word counts, scene breaks, notes, verse and the damage found."""
    work = pipeline.load(path)
    chapters = [
        {
            "number": c.number,
            "title": c.title,
            "start": c.start,
            "end": c.end,
            "words": len(work.text[c.start : c.end].split()),
        }
        for c in work.chapters
    ]
    if as_json:
        from dataclasses import asdict

        print(json.dumps({"meta": asdict(work.meta), "chapters": chapters}, ensure_ascii=False, indent=1))
        return
    con = Console()
    con.print(
        f"[bold]{work.meta.title or '(untitled)'}[/bold]"
        + (f" by {', '.join(work.meta.authors)}" if work.meta.authors else "")
    )
    for ch in chapters:
        con.print(f"  {ch['number']:>3}. {ch['title']}  ({ch['words']:,} words)")
    kinds = Counter(b.kind for b in work.blocks)
    con.print("blocks: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    dmg = Counter(d.kind for d in work.damage)
    con.print("damage: " + (", ".join(f"{k} {n}" for k, n in sorted(dmg.items())) or "none found"))
    review = sum(r.needs_review for r in work.repairs)
    con.print(f"repairs: {len(work.repairs)} ({review} need review)")
