"""`ficpress convert INPUT... -o DIR --to epub,html,md,txt,json`"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress

from ficpress import pipeline, publish
from ficpress.commands._common import reports_errors
from ficpress.errors import FicpressError


def _formats(value: str) -> list[str]:
    fmts = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in publish.FORMATS]
    if bad or not fmts:
        raise typer.BadParameter(
            f"unknown format(s) {', '.join(bad) or '(none)'}; choose from {','.join(publish.FORMATS)}"
        )
    return fmts


@reports_errors
def command(
    inputs: list[Path] = typer.Argument(..., help="Story files to convert."),
    output: Path = typer.Option(Path("."), "--output", "-o", help="Directory for the outputs."),
    to: str = typer.Option(",".join(publish.FORMATS), "--to", help="Comma-separated formats."),
    typography: bool = typer.Option(
        False, "--typography", help="Also curl straight quotes the author typed."
    ),
    notes: str = typer.Option("show", "--notes", help="Author's notes: show, end or omit."),
) -> None:
    """Convert stories into EPUB 3, HTML, Markdown, plain text and JSON."""
    fmts = _formats(to)
    if output.exists() and not output.is_dir():
        raise FicpressError(output, "output path exists and is not a directory")
    if len(inputs) == 1:
        _convert_one(inputs[0], output, fmts, typography, notes)
        return
    with Progress() as progress:
        task = progress.add_task("converting", total=len(inputs))
        for path in inputs:
            progress.update(task, description=f"converting {path.name}")
            _convert_one(path, output, fmts, typography, notes)
            progress.advance(task)


def _convert_one(path: Path, output: Path, fmts: list[str], typography: bool, notes: str) -> None:
    work = pipeline.load(path, typography=typography)
    for fmt in fmts:
        publish.write(work, fmt, output / f"{path.stem}.{fmt}", protect=(path,))
