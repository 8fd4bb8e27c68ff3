"""`ficpress restore INPUT -o OUTPUT`: only the restored plain text."""

from __future__ import annotations

from pathlib import Path

import typer

from ficpress import ingest, restore
from ficpress.commands._common import reports_errors
from ficpress.fileio import atomic_write


@reports_errors
def command(
    path: Path = typer.Argument(..., help="Damaged story file."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the restored text."),
    review: bool = typer.Option(False, "--review", help="List uncertain repairs with line:col and context."),
    typography: bool = typer.Option(
        False, "--typography", help="Also curl straight quotes and -- the author typed."
    ),
) -> None:
    """Put back what encoding damage destroyed, writing the restored text."""
    source = ingest.read(path)
    result = restore.restore(source, typography=typography)
    atomic_write(output, result.text, protect=(path,))
    if review:
        for r in result.repairs:
            if r.needs_review:
                ctx = result.text[max(0, r.start - 30) : r.end + 30].replace("\n", " ")
                print(
                    f"{path}:{r.line}:{r.col}: {r.original!r} -> {r.replacement!r} ({r.confidence:.2f}) {ctx}"
                )
