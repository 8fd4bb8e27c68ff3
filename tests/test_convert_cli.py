"""`ficpress convert`: outputs named after the input, written atomically, inputs never touched."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ficpress.cli import app

runner = CliRunner()
STORY = "A Title\n\nPart 1\nShe said hello.\nHe said *nothing*.\n\nLater, the end.\n"


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def leftovers(d: Path) -> list[str]:
    return sorted(p.name for p in d.rglob("*") if p.name.startswith(".") or p.name.endswith(".part"))


@pytest.fixture()
def story(tmp_path: Path) -> Path:
    p = tmp_path / "in" / "story.txt"
    p.parent.mkdir()
    p.write_text(STORY, encoding="utf-8")
    return p


def test_converts_the_sample_into_five_formats(sample_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "breaking-alone.txt"
    shutil.copy(sample_path, src)
    before = sha(src)
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"breaking-alone.{e}" for e in ("epub", "html", "json", "md", "txt")]
    assert sha(src) == before
    assert not leftovers(out)
    with zipfile.ZipFile(out / "breaking-alone.epub") as z:
        assert z.namelist()[0] == "mimetype"


def test_to_picks_formats_and_notes_mode_is_passed(story: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(story), "-o", str(out), "--to", "md,json", "--notes", "omit"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["story.json", "story.md"]


def test_bad_options_are_usage_errors(story: Path, tmp_path: Path) -> None:
    for args in (["--to", "epub,pdf"], ["--notes", "hide"]):
        result = runner.invoke(app, ["convert", str(story), "-o", str(tmp_path / "o"), *args])
        assert result.exit_code == 2
        assert not (tmp_path / "o").exists()


def test_output_dir_that_is_a_file_is_one_line_error(story: Path, tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    result = runner.invoke(app, ["convert", str(story), "-o", str(target)])
    assert result.exit_code != 0
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and str(target) in lines[0] and "not a directory" in lines[0]
    assert "Traceback" not in result.output
    assert target.read_text() == "x"


def test_an_input_is_never_overwritten(story: Path) -> None:
    before = sha(story)
    result = runner.invoke(app, ["convert", str(story), "-o", str(story.parent), "--to", "txt"])
    assert result.exit_code != 0
    assert "refusing to overwrite an input" in result.output
    assert sha(story) == before
    assert not leftovers(story.parent)


def test_a_failure_mid_render_leaves_nothing(story: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    calls = {"n": 0}
    from ficpress.publish import epub

    real_add = epub._add

    def failing_add(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("simulated crash half-way through the EPUB")
        return real_add(*args, **kwargs)

    monkeypatch.setattr(epub, "_add", failing_add)
    result = runner.invoke(app, ["convert", str(story), "-o", str(out)])
    assert result.exit_code != 0
    assert "simulated crash" in result.output and "Traceback" not in result.output
    assert list(out.iterdir()) == []  # rendering happens before any write: no format is left half done
    assert calls["n"] == 4


def test_a_failure_mid_write_leaves_no_partial_or_temporary_file(
    story: Path, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "out"
    import ficpress.fileio as fileio

    real_fsync = fileio.os.fsync
    seen: list[int] = []

    def failing_fsync(fd: int) -> None:
        seen.append(fd)
        if len(seen) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(fileio.os, "fsync", failing_fsync)
    result = runner.invoke(app, ["convert", str(story), "-o", str(out)])
    assert result.exit_code != 0
    assert "No space left on device" in result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["story.epub"]  # the first file was complete; the second never appeared
    assert not leftovers(out)
    with zipfile.ZipFile(io.BytesIO((out / "story.epub").read_bytes())) as z:
        assert z.testzip() is None


def test_an_interrupt_leaves_no_temporary_file(story: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    import ficpress.fileio as fileio

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", interrupted)
    result = runner.invoke(app, ["convert", str(story), "-o", str(out)])
    assert result.exit_code == 130
    assert list(out.iterdir()) == []


def test_a_batch_reports_a_bad_file_in_one_line_and_goes_on(story: Path, tmp_path: Path) -> None:
    bad = story.parent / "picture.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    other = story.parent / "other.txt"
    other.write_text(STORY.replace("hello", "goodbye"), encoding="utf-8")
    hashes = {p: sha(p) for p in (story, bad, other)}
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["convert", str(story), str(bad), str(other), "-o", str(out), "--to", "txt,json"]
    )
    assert result.exit_code != 0
    errors = [ln for ln in result.output.splitlines() if ln.startswith("ficpress: error")]
    assert len(errors) == 1 and str(bad) in errors[0]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["other.json", "other.txt", "story.json", "story.txt"]
    assert "goodbye" in (out / "other.txt").read_text()
    assert all(sha(p) == h for p, h in hashes.items())


def test_inputs_sharing_a_stem_get_distinct_outputs(story: Path, tmp_path: Path) -> None:
    twin_dir = tmp_path / "twin"
    twin_dir.mkdir()
    twin = twin_dir / "story.txt"
    twin.write_text(STORY.replace("hello", "twin"), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(story), str(twin), "-o", str(out), "--to", "txt"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["story-2.txt", "story.txt"]
    assert "twin" in (out / "story-2.txt").read_text()


def test_the_installed_command_runs(story: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    exe = Path(sys.executable).with_name("ficpress")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "ficpress.cli"]
    proc = subprocess.run(
        [*cmd, "convert", str(story), "-o", str(out), "--to", "html"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    html = (out / "story.html").read_text(encoding="utf-8")
    assert "<script" not in html and "She said hello." in html


def test_an_internal_error_in_a_batch_is_one_line_and_the_rest_convert(
    story: Path, tmp_path: Path, monkeypatch
) -> None:
    other = story.parent / "other.txt"
    other.write_text(STORY, encoding="utf-8")
    from ficpress import pipeline

    real_load = pipeline.load

    def flaky(path, **kwargs):
        if Path(path).name == "story.txt":
            raise ValueError("unexpected\nsecond line")
        return real_load(path, **kwargs)

    monkeypatch.setattr(pipeline, "load", flaky)
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(story), str(other), "-o", str(out), "--to", "txt"])
    assert result.exit_code == 70
    errors = [ln for ln in result.output.splitlines() if ln.startswith("ficpress: error")]
    assert len(errors) == 1 and str(story) in errors[0] and "second line" not in result.output
    assert [p.name for p in out.iterdir()] == ["other.txt"]


def test_a_conversion_loads_only_what_it_uses(story: Path, tmp_path: Path) -> None:
    """Start-up is most of a short conversion: converting one file to EPUB must not load the other
    subcommands, rich (only a batch's progress bar needs it), pydantic, lxml or the analysis stage.

    The program ends its own process when the command is done, so nothing can run after it to list
    `sys.modules`: `-X importtime` names every module as it is imported instead."""
    cmd = [sys.executable, "-X", "importtime", "-m", "ficpress.cli", "convert", str(story)]
    res = subprocess.run([*cmd, "-o", str(tmp_path / "out"), "--to", "epub"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    loaded = {ln.rsplit("|", 1)[1].strip() for ln in res.stderr.splitlines() if ln.startswith("import time:")}
    assert {"typer", "ficpress.pipeline", "ficpress.publish.epub"} <= loaded  # the listing is complete
    unwanted = ["pydantic", "rich", "lxml", "ficpress.analyse", "ficpress.commands.inspect",
                "ficpress.commands.analyse", "ficpress.publish.jsonout", "ficpress.publish.html"]  # fmt: skip
    found = sorted(m for m in unwanted if m in loaded)
    print(f"{len(loaded)} modules loaded; unwanted: {found}")
    assert (tmp_path / "out" / "story.epub").exists()
    assert found == []
