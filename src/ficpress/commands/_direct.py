"""The plain one-file conversion, run without building the option parser.

Why: `ficpress convert story.txt -o out --to epub` is the command people run most,
and for a short story importing and building the command-line parser (typer, click)
was a noticeable share of the whole run. `main` recognises that exact shape of
command line (one input, the documented options written out in full, valid values)
and converts directly; anything else (help, a usage error, a batch, `--verbose`, an
option form it does not know) returns None and the full parser handles it, so what
the user sees never depends on which path ran.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from ficpress import pipeline, publish
from ficpress.errors import FicpressError
from ficpress.fileio import atomic_write

EXIT_INPUT = 2  # a file the user gave is unusable
EXIT_INTERNAL = 70  # a bug of ours (EX_SOFTWARE)

EXTENSIONS = {"epub": "epub", "html": "html", "md": "md", "txt": "txt", "json": "json"}


@dataclass
class _State:
    verbose: bool = False


state = _State()


def formats(value: str) -> list[str] | None:
    """The formats named by `--to`, in order and without repeats; None when one is unknown or none is named."""
    fmts: list[str] = []
    for f in (f.strip().lower() for f in value.split(",")):
        if f and f not in fmts:
            fmts.append(f)
    if not fmts or any(f not in publish.FORMATS for f in fmts):
        return None
    return fmts


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


_VALUED = ("--output", "-o", "--to", "--notes")


def _parse(args: list[str]) -> tuple[Path, Path, list[str], bool, str] | None:
    """(input, output, formats, typography, notes) for the one command-line shape handled here."""
    inputs: list[str] = []
    values: dict[str, str] = {}
    typography = False
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if arg == "--typography":
            if typography:
                return None
            typography = True
        elif name in _VALUED and (eq or name == arg):
            if eq and name == "-o":
                return None
            if not eq:
                i += 1
                if i >= len(args):
                    return None
                value = args[i]
            key = "--output" if name == "-o" else name
            if key in values or not value or value.startswith("-"):
                return None
            values[key] = value
        elif arg.startswith("-") or not arg:
            return None
        else:
            inputs.append(arg)
        i += 1
    if len(inputs) != 1:
        return None
    fmts = formats(values.get("--to", ",".join(publish.FORMATS)))
    notes = values.get("--notes", "show").strip().lower()
    if fmts is None or notes not in publish.NOTES_MODES:
        return None
    return Path(inputs[0]), Path(values.get("--output", ".")), fmts, typography, notes


def _fail(message: str, code: int = EXIT_INPUT) -> int:
    print(f"ficpress: error: {message}", file=sys.stderr)
    return code


def main(argv: list[str]) -> int | None:
    """Run `convert` for `argv` (the words after `convert`); None when the full parser must handle it."""
    parsed = _parse(argv)
    if parsed is None:
        return None
    try:
        return _run(*parsed)
    finally:
        # The process exits next. Measured: the collector's passes over everything still alive at
        # interpreter shutdown (restore's tables, the document) cost about 10 ms of a 0.2 s run;
        # frozen objects are left out of them. Nothing here relies on collecting cycles.
        gc.freeze()


def _run(path: Path, output: Path, fmts: list[str], typography: bool, notes: str) -> int:
    try:
        prepare_output(output)
        convert_one(path, output, stems([path])[0], fmts, typography, notes, (path,))
    except FicpressError as exc:
        if state.verbose:
            traceback.print_exc()
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted; no partial output was left behind", 130)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - last line of defence for the user
        if state.verbose:
            traceback.print_exc()
        return _fail(
            f"internal error: {type(exc).__name__}: {exc} (run with --verbose for details)", EXIT_INTERNAL
        )
    return 0
