"""`ficpress restore INPUT -o OUTPUT [--review] [--typography]`: only the restored plain text."""

from __future__ import annotations

from pathlib import Path

import typer

from ficpress import ingest, restore
from ficpress.commands._common import reports_errors
from ficpress.fileio import atomic_write
from ficpress.model import LineIndex, Repair, Restoration


@reports_errors
def command(
    path: Path = typer.Argument(..., readable=False, help="Damaged story file."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the restored text."),
    review: bool = typer.Option(False, "--review", help="List uncertain repairs with line:col and context."),
    typography: bool = typer.Option(
        False, "--typography", help="Also curl straight quotes and -- the author typed."
    ),
) -> None:
    """Put back what encoding damage destroyed, writing the restored text.

    Without --typography the output differs from the input only where the input
    was damaged; every change is a repair with a confidence.
    """
    source = ingest.read(path)
    result = restore.restore(source, typography=typography)
    atomic_write(output, result.text, protect=(path,))
    if review:
        # A page or an ebook's text is assembled from its markup, so a line of the assembled text is no
        # line of the input file: point into the written output instead, where the reader checks it.
        where = LineIndex(result.text) if source.structured else None
        for r in result.repairs:
            if r.needs_review:
                typer.echo(review_line(output if where else path, r, result, where))


def review_line(path: Path | str, r: Repair, result: Restoration, where: LineIndex | None = None) -> str:
    """`file:line:col: 'was' -> 'now' (confidence; alternatives) …context…` for one uncertain repair.

    With `where` (an index over the restored text) the position is the repair's place in that text,
    for inputs whose own lines are markup; otherwise it is the repair's line and column in the input.
    """
    ctx = result.text[max(0, r.start - 30) : r.end + 30].replace("\n", "⏎")
    alts = ", ".join(f"{c}={p:.2f}" for c, p in r.alternatives[1:3])
    line, col = where.line_col(r.start) if where else (r.line, r.col)
    return (
        f"{path}:{line}:{col}: {r.original!r} -> {r.replacement!r} "
        f"({r.confidence:.2f}{'; ' + alts if alts else ''}; {r.reason}) …{ctx}…"
    )
