"""Structure on the real sample: chapters, title, end markers, end note, scene breaks and verse."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ficpress import ingest, restore, structure
from ficpress.model import Work

sys.path.insert(0, str(Path(__file__).parent))
from structure_eval import line_of, predicted_breaks, predicted_verse, prf  # noqa: E402

ANNOTATION = Path(__file__).parent / "fixtures" / "structure" / "sample_annotation.json"


@pytest.fixture(scope="module")
def sample(sample_path: Path) -> tuple[Work, str]:
    source = ingest.read(sample_path)
    restoration = restore.restore(source)
    work = structure.build(source, restoration)
    assert work.text == restoration.text
    return work, source.text


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(ANNOTATION.read_text(encoding="utf-8"))


def test_chapters_are_part_1_to_10(sample: tuple[Work, str], gold: dict) -> None:
    work, _ = sample
    assert [c.title for c in work.chapters] == gold["chapters"]
    assert work.chapters[0].implicit and work.chapters[0].heading_start is None
    assert all(not c.implicit for c in work.chapters[1:])
    for a, b in zip(work.chapters, work.chapters[1:], strict=False):
        assert a.end == b.start
    assert work.chapters[-1].end == len(work.text)


def test_every_chapter_contains_its_heading(sample: tuple[Work, str]) -> None:
    work, _ = sample
    for c in work.chapters[1:]:
        assert c.start <= c.heading_start < c.heading_end <= c.end
        heading = work.text[c.heading_start : c.heading_end]
        assert heading.replace(" ", "").rstrip(".").lower() == c.title.replace(" ", "").lower()
        assert any(b.kind == "heading" and b.start == c.heading_start for b in work.blocks)


def test_title(sample: tuple[Work, str], gold: dict) -> None:
    work, _ = sample
    assert work.meta.title == gold["title"]
    assert work.meta.title_confidence >= 0.7


def test_no_end_marker_is_a_paragraph(sample: tuple[Work, str], gold: dict) -> None:
    work, text = sample
    line = line_of(work, text)
    ends = [b for b in work.blocks if b.kind == "end_marker"]
    assert sorted(line(b.start) for b in ends) == gold["end_markers"]
    for b in work.blocks:
        if b.kind == "paragraph":
            assert not work.slice(b).lower().startswith("end part"), work.slice(b)
    # Each end marker lies inside the chapter it closes, after that chapter's story.
    for b in ends:
        ch = work.chapters[b.attrs["closes"]]
        assert ch.start <= b.start < ch.end


def test_last_block_is_an_end_note(sample: tuple[Work, str]) -> None:
    work, _ = sample
    last = work.blocks[-1]
    assert last.kind == "note" and last.attrs["role"] == "end"
    assert work.slice(last).startswith("No this isnt a fic")
    assert last.end <= work.chapters[-1].end


def test_flashback_closed_by_end_marker(sample: tuple[Work, str], gold: dict) -> None:
    work, text = sample
    line = line_of(work, text)
    fb = [s for s in work.spans if s.kind == "flashback"]
    assert len(fb) == 1
    first = line(fb[0].start)
    last = line(fb[0].end - 1)
    assert (first, last) == (gold["flashback"]["start_line"], gold["flashback"]["end_line"])
    markers = [b for b in work.blocks if b.kind == "marker"]
    assert [line(b.start) for b in markers] == [gold["flashback"]["end_marker_line"]]


def test_scene_breaks_and_verse_against_hand_annotation(sample: tuple[Work, str], gold: dict) -> None:
    work, text = sample
    line = line_of(work, text)
    pb, gb = predicted_breaks(work, line), set(gold["scene_breaks"])
    pv, gv = predicted_verse(work, line), set(gold["verse_lines"])
    bp, br, bf = prf(pb, gb)
    vp, vr, vf = prf(pv, gv)
    print(
        f"\nscene breaks: precision {bp:.3f} recall {br:.3f} F1 {bf:.3f} (gold {len(gb)}, predicted {len(pb)})"
    )
    print(
        f"verse lines:  precision {vp:.3f} recall {vr:.3f} F1 {vf:.3f} (gold {len(gv)}, predicted {len(pv)})"
    )
    print(f"  breaks missed {sorted(gb - pb)} extra {sorted(pb - gb)}")
    print(f"  verse missed {sorted(gv - pv)} extra {sorted(pv - gv)}")
    assert bp >= 0.95 and br >= 0.95
    assert vp >= 0.9 and vr >= 0.9
    stanzas = [b for b in work.blocks if b.kind == "verse"]
    assert len(stanzas) == len(gold["stanzas"])


def test_scenes_tile_chapters(sample: tuple[Work, str]) -> None:
    work, _ = sample
    breaks = [b for b in work.blocks if b.kind == "scene_break"]
    assert len(work.scenes) == len(breaks) + len(work.chapters)
    for s in work.scenes:
        ch = work.chapters[s.chapter]
        assert ch.start <= s.start <= s.end <= ch.end


def test_thoughts_and_emphasis(sample: tuple[Work, str]) -> None:
    work, _ = sample
    th = {work.slice(s) for s in work.spans if s.kind == "thought"}
    em = {work.slice(s) for s in work.spans if s.kind == "emphasis"}
    assert "Do I only come to her when I want something? Am I that bad a friend?" in th
    assert "deal" in em and "is" in em
    for s in work.spans:
        if s.kind in ("thought", "emphasis"):
            o, c = s.attrs["open"], s.attrs["close"]
            assert work.text[o[0] : o[1]] == "*" and work.text[c[0] : c[1]] == "*"


def test_blocks_are_ordered_and_do_not_overlap(sample: tuple[Work, str]) -> None:
    work, _ = sample
    for a, b in zip(work.blocks, work.blocks[1:], strict=False):
        assert a.end <= b.start
    for b in work.blocks:
        assert 0 <= b.confidence <= 1
        assert work.text[b.start : b.end] == work.text[b.start : b.end].strip() or b.kind == "scene_break"


def test_the_one_letter_and_no_messages(sample: tuple[Work, str]) -> None:
    """The story quotes one letter (Oxford's offer, read aloud in Part 10); nothing else is written text."""
    work, text = sample
    line = line_of(work, text)
    found = [b for b in work.blocks if b.kind in ("letter", "message")]
    print(f"\nletters/messages: {[(b.kind, b.attrs['form'], line(b.start), line(b.end - 1)) for b in found]}")
    assert [(b.kind, b.attrs["form"], line(b.start), line(b.end - 1)) for b in found] == [
        ("letter", "letter", 784, 785)
    ]
    assert found[0].attrs["recipient"] == "Miss Rosenberg"
    assert work.slice(found[0]).rstrip("\u2019\u201d\"'").endswith("Welcome to Oxford.")
