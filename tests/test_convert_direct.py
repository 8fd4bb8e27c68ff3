"""The one-file `convert` that skips the option parser must write and report exactly what the parser path does."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ficpress.cli import app
from ficpress.commands import _direct

STORY = "A Title\n\nPart 1\n\ufffdShe said hello.\ufffd\nHe didn\ufffdt say *nothing*.\n\nLater, the end.\n"


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """`_direct.main` freezes the collector's generations for a process about to exit; not this one."""
    yield
    gc.unfreeze()


@pytest.fixture()
def story(tmp_path: Path) -> Path:
    p = tmp_path / "in" / "story.txt"
    p.parent.mkdir()
    p.write_text(STORY, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "opts",
    [
        [],
        ["--to", "epub"],
        ["--to=md,txt", "--notes", "END"],
        ["--typography", "--to", " JSON , html,json"],
        ["--notes=omit", "--to", "txt"],
    ],
)
def test_direct_path_writes_what_the_parser_path_writes(
    story: Path, tmp_path: Path, opts: list[str], monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the EPUB's modified date
    parsed_out, direct_out = tmp_path / "parsed", tmp_path / "direct"
    result = CliRunner().invoke(app, ["convert", str(story), "-o", str(parsed_out), *opts])
    assert result.exit_code == 0, result.output
    assert _direct.main([str(story), *opts, "--output", str(direct_out)]) == 0
    parsed = {p.name: p.read_bytes() for p in parsed_out.iterdir()}
    direct = {p.name: p.read_bytes() for p in direct_out.iterdir()}
    print(f"{opts}: {sorted(direct)} identical to the parser path: {parsed == direct}")
    assert parsed and parsed == direct


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["a.txt", "b.txt"],
        [],
        ["a.txt", "-oout"],
        ["a.txt", "-o"],
        ["a.txt", "--to", "pdf"],
        ["a.txt", "--to", ""],
        ["a.txt", "--notes", "sometimes"],
        ["a.txt", "--to", "epub", "--to", "md"],
        ["a.txt", "--typography", "--typography"],
        ["a.txt", "-v"],
        ["a.txt", "--", "b.txt"],
        ["-", "-o", "out"],
        ["a.txt", "--output="],
        ["a.txt", "--out", "x"],
    ],
)
def test_anything_unusual_goes_to_the_parser(argv: list[str]) -> None:
    assert _direct.main(argv) is None


def test_errors_read_the_same_on_both_paths(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "missing.txt"
    result = CliRunner().invoke(app, ["convert", str(missing), "-o", str(tmp_path / "a")])
    code = _direct.main([str(missing), "-o", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == result.exit_code == 2
    assert err.strip() == result.output.strip()
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["convert", str(missing), "-o", str(afile)])
    code = _direct.main([str(missing), "-o", str(afile)])
    assert code == result.exit_code == 2
    assert capsys.readouterr().err.strip() == result.output.strip()
