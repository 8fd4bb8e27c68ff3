"""Golden outputs for a hand-built Work with every kind of node, reviewed by hand.

A change to what readers see shows up here as a diff. After a deliberate change,
regenerate with `FICPRESS_REGEN=1 .venv/bin/python -m pytest tests/test_publish_golden.py`
and read the diff before committing it.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from ficpress import publish
from publish_helpers import rich_work

GOLDEN = Path(__file__).parent / "fixtures" / "publish"
CASES = [
    ("rich.md", "md", "show"),
    ("rich.txt", "txt", "show"),
    ("rich-notes-end.txt", "txt", "end"),
    ("rich.html", "html", "show"),
    ("rich-chapter-001.xhtml", "epub", "show"),
    ("rich-content.opf", "epub", "show"),
]


def _render(fmt: str, notes: str, name: str) -> str:
    data = publish.render(rich_work(), fmt, notes=notes)
    if fmt == "epub":
        member = "OEBPS/content.opf" if name.endswith(".opf") else "OEBPS/chapter-001.xhtml"
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            data = z.read(member)
    return data.decode("utf-8")


@pytest.mark.parametrize(("name", "fmt", "notes"), CASES)
def test_golden(name: str, fmt: str, notes: str, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    got = _render(fmt, notes, name)
    path = GOLDEN / name
    if os.environ.get("FICPRESS_REGEN"):
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with FICPRESS_REGEN=1"
    assert got == path.read_text(encoding="utf-8")
