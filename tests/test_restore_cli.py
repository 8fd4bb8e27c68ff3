"""`ficpress restore` as a user runs it: output written whole, input untouched, review lines point home."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from ficpress.cli import app

runner = CliRunner()


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_restore_writes_output_and_leaves_input(tmp_path: Path, sample_path: Path) -> None:
    src = tmp_path / "story.txt"
    shutil.copyfile(sample_path, src)
    before = _digest(src)
    out = tmp_path / "out" / "story.restored.txt"
    res = runner.invoke(app, ["restore", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert _digest(src) == before
    text = out.read_text(encoding="utf-8")
    assert "\ufffd" not in text
    assert "didn\u2019t" in text
    assert not list(out.parent.glob("*.part"))  # no temporary file left behind
    # only damaged positions changed: same length line by line (one U+FFFD -> one character here)
    src_lines = src.read_text(encoding="utf-8").split("\n")
    out_lines = text.split("\n")
    assert len(src_lines) == len(out_lines)
    for a, b in zip(src_lines, out_lines, strict=True):
        if "\ufffd" not in a:
            assert a == b


def test_restore_review_prints_file_line_col(tmp_path: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text("Fine.\nThe way he loved her, as a sister\ufffd no, a friend.\n", encoding="utf-8")
    out = tmp_path / "o.txt"
    res = runner.invoke(app, ["restore", str(src), "-o", str(out), "--review"])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert lines, "an uncertain repair must be listed"
    for ln in lines:
        m = re.match(rf"{re.escape(str(src))}:(\d+):(\d+): ", ln)
        assert m, ln
        assert (int(m.group(1)), int(m.group(2))) == (2, 34)


def test_restore_refuses_to_overwrite_input(tmp_path: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text("It didn\ufffdt matter.\n", encoding="utf-8")
    before = _digest(src)
    res = runner.invoke(app, ["restore", str(src), "-o", str(src)])
    assert res.exit_code != 0
    assert _digest(src) == before
    assert "s.txt" in res.output


def test_restore_typography_flag(tmp_path: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text('"I can\'t," she said -- and left.\n', encoding="utf-8")
    out = tmp_path / "o.txt"
    assert runner.invoke(app, ["restore", str(src), "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == src.read_text(encoding="utf-8")
    assert runner.invoke(app, ["restore", str(src), "-o", str(out), "--typography"]).exit_code == 0
    assert out.read_text(encoding="utf-8") == "\u201cI can\u2019t,\u201d she said \u2014 and left.\n"
