"""What the program writes to its pipes: all of it arrives, with the exit status of the command; a reader
that stops early (`| head`) is the user's choice: no error line, no traceback."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT


def _review_into(reader: str, out: Path) -> subprocess.CompletedProcess[str]:
    """Run `ficpress restore --review | READER` and return with the exit status of ficpress itself."""
    cmd = (
        f"{shlex.quote(sys.executable)} -m ficpress.cli restore {shlex.quote(str(EXAMPLE))} "
        f"-o {shlex.quote(str(out))} --review | {reader}; exit ${{PIPESTATUS[0]}}"
    )
    return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_review_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    out = tmp_path / "restored.txt"
    res = _review_into("head -n 1", out)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert res.stdout.count("\n") == 1 and ":" in res.stdout
    assert out.is_file() and "\ufffd" not in out.read_text(encoding="utf-8")


def test_review_piped_into_a_reader_that_never_reads(tmp_path: Path) -> None:
    # `true` exits at once, so every write to the pipe fails: the closed-pipe path is always taken.
    out = tmp_path / "restored.txt"
    res = _review_into("true", out)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert out.is_file()


def test_the_program_flushes_what_it_printed_and_keeps_its_exit_status(tmp_path: Path) -> None:
    """The program ends its own process after a command: all it printed still arrives, with the command's
    status, whether it succeeded or failed."""
    ok = subprocess.run(
        [sys.executable, "-m", "ficpress.cli", "inspect", str(EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    outline = json.loads(ok.stdout)  # complete: a cut-off document would not parse
    print(f"inspect --json: {len(ok.stdout)} characters, {len(outline['chapters'])} chapters")
    assert len(outline["chapters"]) == 10
    missing = tmp_path / "missing.txt"
    bad = subprocess.run(
        [sys.executable, "-m", "ficpress.cli", "convert", str(missing), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stdout == "" and bad.stderr.count("\n") == 1 and str(missing) in bad.stderr
