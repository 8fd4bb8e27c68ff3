"""Review lines and damage positions must point somewhere a reader can look.

A saved page's text is read out of its markup, so line 2 of that text is not line 2 of the page:
for such inputs `restore --review` points into the written output, and `inspect` says the position
counts lines of the text.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from ficpress.cli import app

runner = CliRunner()

PAGE = (
    "<html><head><title>T</title></head>\n<body>\n<h2>Chapter 1</h2>\n"
    "<p>She said, \ufffdHello.\ufffd</p>\n"
    "<p>\n  He didn\ufffdt know; it was a caf\ufffd, or the Summers\ufffd house\ufffd no.</p>\n"
    "</body></html>\n"
)
_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): '\ufffd' -> '(?P<now>.)'")


def test_review_of_a_page_points_into_the_output(tmp_path: Path) -> None:
    src = tmp_path / "story.html"
    src.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "story.txt"
    res = runner.invoke(app, ["restore", str(src), "-o", str(out), "--review"])
    assert res.exit_code == 0, res.output
    lines = [m for ln in res.output.splitlines() if (m := _LINE.match(ln))]
    assert lines, res.output
    written = out.read_text(encoding="utf-8").split("\n")
    for m in lines:
        assert m["file"] == str(out)
        # the named position holds exactly the character the review line says was put back
        assert written[int(m["line"]) - 1][int(m["col"]) - 1] == m["now"]


def test_review_of_plain_text_points_into_the_input(tmp_path: Path) -> None:
    src = tmp_path / "story.txt"
    src.write_text("Fine.\nThe way he loved her, as a sister\ufffd no, a friend.\n", encoding="utf-8")
    res = runner.invoke(app, ["restore", str(src), "-o", str(tmp_path / "o.txt"), "--review"])
    assert res.exit_code == 0, res.output
    m = _LINE.match(res.output.splitlines()[0])
    assert m and m["file"] == str(src) and (m["line"], m["col"]) == ("2", "34")


def test_inspect_labels_positions_in_a_page_as_text_lines(tmp_path: Path) -> None:
    src = tmp_path / "story.html"
    src.write_text(PAGE, encoding="utf-8")
    res = runner.invoke(app, ["inspect", str(src)])
    assert res.exit_code == 0, res.output
    assert re.search(r"^  text \d+:\d+ fffd", res.output, re.M), res.output
