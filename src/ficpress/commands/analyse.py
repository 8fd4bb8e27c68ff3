"""`ficpress analyse INPUT [-o DIR]`: the analysis as JSON and an offline HTML report."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from ficpress import pipeline
from ficpress.commands._common import reports_errors
from ficpress.errors import FicpressError
from ficpress.fileio import atomic_write


@reports_errors
def command(
    path: Path = typer.Argument(..., readable=False, help="Story file to analyse."),
    output: Path = typer.Option(
        Path("."), "--output", "-o", help="Directory for <name>.report.html and <name>.analysis.json."
    ),
) -> None:
    """Characters, speakers, point of view, interactions and emotional arc."""
    from ficpress.analyse.report import render_report

    if output.exists() and not output.is_dir():
        raise FicpressError(output, "--output must be a directory")
    if not path.is_file():
        raise FicpressError(path, "no such file")
    work = pipeline.load(path, analyse=True)
    report = render_report(work)
    stem = path.stem
    json_path = output / f"{stem}.analysis.json"
    html_path = output / f"{stem}.report.html"
    for target in (json_path, html_path):
        if target.exists() and os.path.samefile(target, path):
            raise FicpressError(path, f"output {target} would overwrite the input; choose another --output")
    atomic_write(json_path, work.to_json(), protect=(path,))
    atomic_write(html_path, report, protect=(path,))
    print(f"{html_path}\n{json_path}")
