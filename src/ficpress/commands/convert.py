"""`ficpress convert INPUT... -o DIR --to epub,html,md,txt,json --notes show|end|omit`

Each input is read, restored, structured and rendered into every format in
memory first; only then are the files written, each atomically. So a failure
while rendering leaves nothing for that input, a crash while writing leaves at
most complete files, and an input is never the target of a write. In a batch, a
bad file costs one line on stderr and the rest still convert; the exit status
says that something failed.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import typer

from ficpress import pipeline, publish
from ficpress.commands._common import EXIT_INPUT, EXIT_INTERNAL, reports_errors, state
from ficpress.errors import FicpressError
from ficpress.fileio import atomic_write

__all__ = ["EXTENSIONS", "command"]

EXTENSIONS = {"epub": "epub", "html": "html", "md": "md", "txt": "txt", "json": "json"}


def _formats(value: str) -> list[str]:
    fmts = []
    for f in (f.strip().lower() for f in value.split(",")):
        if f and f not in fmts:
            fmts.append(f)
    bad = [f for f in fmts if f not in publish.FORMATS]
    if bad or not fmts:
        raise typer.BadParameter(
            f"unknown format(s) {', '.join(bad) or '(none)'}; choose from {','.join(publish.FORMATS)}"
        )
    return fmts


def _notes(value: str) -> str:
    v = value.strip().lower()
    if v not in publish.NOTES_MODES:
        raise typer.BadParameter(f"{value!r}: choose one of {', '.join(publish.NOTES_MODES)}")
    return v


def _check_to(value: str) -> str:
    _formats(value)  # a usage error at parse time, before any file is touched
    return value


@reports_errors
def command(
    inputs: list[Path] = typer.Argument(..., readable=False, help="Story files to convert."),
    output: Path = typer.Option(Path("."), "--output", "-o", help="Directory for the outputs."),
    to: str = typer.Option(
        ",".join(publish.FORMATS), "--to", help="Comma-separated formats.", callback=_check_to
    ),
    typography: bool = typer.Option(
        False, "--typography", help="Also curl straight quotes the author typed."
    ),
    notes: str = typer.Option(
        "show",
        "--notes",
        help="Author's notes: show (in place), end (all at the end) or omit.",
        callback=_notes,
    ),
) -> None:
    """Convert stories into EPUB 3, HTML, Markdown, plain text and JSON."""
    fmts = _formats(to)
    prepare_output(output)
    protect = tuple(inputs)
    names = stems(inputs)
    if len(inputs) == 1:
        convert_one(inputs[0], output, names[0], fmts, typography, notes, protect)
        return
    # rich is only needed for the progress bar of a batch: a single conversion does not load it
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    failures = 0
    internal = False
    err = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("converting", total=len(inputs))
        for path, stem in zip(inputs, names, strict=True):
            progress.update(task, description=f"converting {path.name}")
            try:
                convert_one(path, output, stem, fmts, typography, notes, protect)
            except FicpressError as exc:
                failures += 1
                progress.console.print(
                    f"ficpress: error: {exc}", markup=False, highlight=False, soft_wrap=True
                )
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
                failures += 1
                internal = True
                if state.verbose:
                    traceback.print_exc()
                first = (str(exc).splitlines() or [""])[0]
                progress.console.print(
                    f"ficpress: error: {path}: internal error: {type(exc).__name__}: {first}"
                    " (run with --verbose for details)",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
            progress.advance(task)
    done = len(inputs) - failures
    print(f"converted {done} of {len(inputs)} files into {output}", file=sys.stderr)
    if failures:
        raise typer.Exit(EXIT_INTERNAL if internal else EXIT_INPUT)


def stems(inputs: list[Path]) -> list[str]:
    """Output names: the input's stem, made unique when two inputs share one (a.txt, a.html)."""
    seen: dict[str, int] = {}
    out = []
    for p in inputs:
        stem = p.stem or p.name or "story"
        n = seen.get(stem, 0) + 1
        seen[stem] = n
        out.append(stem if n == 1 else f"{stem}-{n}")
    return out


def prepare_output(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise FicpressError(output, "output path exists and is not a directory")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FicpressError(output, f"cannot create the output directory: {exc.strerror}") from None


def convert_one(
    path: Path,
    output: Path,
    stem: str,
    fmts: list[str],
    typography: bool,
    notes: str,
    protect: tuple[Path, ...],
) -> list[Path]:
    work = pipeline.load(path, typography=typography)
    rendered = publish.render_many(work, fmts, notes=notes)
    written = []
    for fmt, data in rendered.items():
        target = output / f"{stem}.{EXTENSIONS[fmt]}"
        try:
            atomic_write(target, data, protect=protect)
        except OSError as exc:
            raise FicpressError(target, f"cannot write: {exc.strerror or exc}") from None
        written.append(target)
        if state.verbose:
            print(f"wrote {target}", file=sys.stderr)
    return written
