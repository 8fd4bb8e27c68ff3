"""A reader that stops early (`| head`) is the user's choice: no error line, no traceback."""

from __future__ import annotations

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
