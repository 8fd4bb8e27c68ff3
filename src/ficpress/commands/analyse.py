"""`ficpress analyse INPUT -o REPORT.html`: the analysis as JSON and an offline HTML report."""

from __future__ import annotations

from pathlib import Path

import typer

from ficpress import pipeline
from ficpress.commands._common import reports_errors
from ficpress.fileio import atomic_write


@reports_errors
def command(
    path: Path = typer.Argument(..., help="Story file to analyse."),
    output: Path = typer.Option(Path("."), "--output", "-o", help="Directory for report.html and JSON."),
) -> None:
    """Characters, speakers, point of view, interactions and emotional arc."""
    work = pipeline.load(path, analyse=True)
    atomic_write(output / f"{path.stem}.analysis.json", work.to_json(), protect=(path,))
