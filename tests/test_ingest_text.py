"""Plain-text ingest: encodings, damage with line:col, newline normalisation, header blocks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES
from ficpress import ingest, pipeline
from ficpress.ingest.decode import decode_bytes

ING = FIXTURES / "ingest"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_sample_damage_is_every_fffd_with_line_col(sample_path: Path) -> None:
    src = ingest.read(sample_path)
    raw = sample_path.read_text(encoding="utf-8")
    assert src.text == raw
    assert src.structured is False
    kinds = Counter(d.kind for d in src.damage)
    print("sample damage:", dict(kinds))
    assert kinds == {"fffd": 3078}
    lines = raw.split("\n")
    for d in src.damage:
        assert src.text[d.source_start : d.source_end] == "\ufffd"
        assert lines[d.line - 1][d.col - 1] == "\ufffd"
    first = src.damage[0]
    assert (first.line, first.col) == (3, 363)
    assert src.meta.source.encoding == "utf-8" and src.meta.source.encoding_confidence == 1.0
    assert src.meta.source.kind == "text"


def test_sample_flows_through_pipeline(sample_path: Path) -> None:
    work = pipeline.load(sample_path)
    assert work.text and "\ufffd" not in work.text or work.repairs
    assert len(work.damage) == 3078


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_bom_and_wide_encodings(tmp_path: Path, codec: str, bom: bytes) -> None:
    story = "Title: Wide\nAuthor: Someone\n\n\u201cHello,\u201d she said. Caf\u00e9 \ufffd.\n"
    p = _write(tmp_path, "wide.txt", bom + story.encode(codec))
    src = ingest.read(p)
    assert src.text == story
    assert src.meta.source.encoding == codec
    assert src.meta.raw["bom"] is bool(bom)
    assert [(d.kind, d.line, d.col) for d in src.damage] == [("fffd", 4, 25)]
    assert src.meta.title == "Wide"


def test_crlf_and_cr_are_normalised_and_offsets_follow(tmp_path: Path) -> None:
    body = "First line\r\nSecond \ufffd line\r\nThird\rFourth \ufffd\r\n"
    p = _write(tmp_path, "crlf.txt", body.encode("utf-8"))
    src = ingest.read(p)
    assert src.text == "First line\nSecond \ufffd line\nThird\nFourth \ufffd\n"
    assert src.meta.raw["newlines"] == "mixed"
    assert src.meta.raw["offsets"] == "normalised-newlines"
    assert [(d.line, d.col) for d in src.damage] == [(2, 8), (4, 8)]
    assert all(src.text[d.source_start] == "\ufffd" for d in src.damage)


def test_crlf_with_undecodable_bytes_keeps_offsets(tmp_path: Path) -> None:
    # bad lines that also hold well-formed UTF-8 are UTF-8 with damage, not another code page
    data = "Line one caf\u00e9\r\n".encode() + b"bad \xff\xfe byte \xc3\xa9\r\nlast \xc3 x \xe2\x80\x94\r\n"
    src = ingest.read(_write(tmp_path, "bad.txt", data))
    und = [d for d in src.damage if d.kind == "undecodable"]
    print("undecodable:", [(d.line, d.col, d.detail) for d in und])
    assert [(d.line, d.col) for d in und] == [(2, 5), (3, 6)]
    for d in und:
        assert src.text[d.source_start] == "\ufffd"
    assert "ff fe" in und[0].detail  # one bad run -> one U+FFFD, its bytes named
    assert src.text.split("\n")[1] == "bad \ufffd byte \u00e9"
    assert src.meta.source.encoding == "utf-8"


def test_windows_1252_file(tmp_path: Path) -> None:
    story = (
        "\u201cDon\u2019t,\u201d she whispered \u2014 and the caf\u00e9 went quiet\u2026\n" * 30
        + "It was na\u00efve, perhaps.\n"
    )
    src = ingest.read(_write(tmp_path, "cp.txt", story.encode("cp1252")))
    assert src.text == story
    assert src.meta.source.encoding == "cp1252"
    assert src.damage == []
    print("cp1252 confidence", src.meta.source.encoding_confidence)


def test_cyrillic_single_byte(tmp_path: Path) -> None:
    story = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430? " * 40
    src = ingest.read(_write(tmp_path, "ru.txt", story.encode("cp1251")))
    assert src.text == story
    assert src.meta.source.encoding == "cp1251"


def test_undefined_cp1252_byte_is_damage(tmp_path: Path) -> None:
    data = ("Plain words and a caf\u00e9\n" * 20).encode("cp1252") + b"odd \x81 byte\n"
    src = ingest.read(_write(tmp_path, "undef.txt", data))
    und = [d for d in src.damage if d.kind == "undecodable"]
    assert len(und) == 1 and (und[0].line, und[0].col) == (21, 5)
    assert src.text[und[0].source_start] == "\ufffd"


def test_mixed_utf8_and_windows_1252_fixture() -> None:
    src = ingest.read(ING / "mixed-utf8-cp1252.txt")
    assert "The caf\u00e9 on Revello Drive" in src.text
    assert "na\u00efve plan again \u2013 not even Xander." in src.text
    assert "\u201cWe\u2019ll try tomorrow,\u201d Buffy said\u2026" in src.text
    assert "\ufffd" not in src.text
    mixed = [d for d in src.damage if d.kind == "mixed-encoding"]
    assert len(mixed) == 1 and mixed[0].line == 8 and mixed[0].col == 1
    assert src.text[mixed[0].source_start :].startswith("Later, when the rain came")
    assert src.meta.source.encoding == "utf-8+cp1252"
    assert 0 < src.meta.source.encoding_confidence < 1
    assert src.meta.title == "Two Kinds of Quiet" and src.meta.authors == ["Fennel Ashdown"]


def test_utf8_line_with_stray_byte_is_not_called_mixed(tmp_path: Path) -> None:
    data = "caf\u00e9 \u2014 one\n".encode() + "caf\u00e9 again ".encode() + b"\xff\n"
    src = ingest.read(_write(tmp_path, "stray.txt", data))
    assert [d.kind for d in src.damage] == ["undecodable"]
    assert src.text == "caf\u00e9 \u2014 one\ncaf\u00e9 again \ufffd\n"


def test_fffd_runs_recorded_compactly() -> None:
    text = "a" + "\ufffd" * 3 + "b" + "\ufffd" * 1000 + "\n\ufffd"
    dec = decode_bytes(text.encode("utf-8"))
    spans = [(d.source_start, d.source_end, d.line, d.col) for d in dec.damage]
    assert spans[:3] == [(1, 2, 1, 2), (2, 3, 1, 3), (3, 4, 1, 4)]
    assert spans[3] == (5, 1005, 1, 6) and "run of 1000" in dec.damage[3].detail
    assert spans[4] == (1006, 1007, 2, 1)
    assert sum(d.source_end - d.source_start for d in dec.damage) == text.count("\ufffd")


def test_header_block_fixture() -> None:
    src = ingest.read(ING / "header-block.txt")
    m = src.meta
    assert m.source.kind == "text-header"
    assert m.title == "The Long Way Round"
    assert m.authors == ["Marigold Finch"]
    assert m.fandoms == ["Buffy the Vampire Slayer"]
    assert [(r.kind, r.members) for r in m.relationships] == [
        ("romantic", ["Tara", "Willow"]),
        ("platonic", ["Buffy", "Faith"]),
    ]
    assert m.rating == "PG-13"
    assert m.categories == ["Angst", "Romance"]
    assert m.warnings == ["Minor character death"]
    assert m.disclaimer.endswith("No money is being made from this story.")
    assert m.summary.startswith("Willow takes the long way") and m.summary.endswith("only go one way.")
    assert m.notes == ["Written for the 2003 Winter Solstice challenge."]
    labels = [k for k, _ in m.raw["header"]]
    assert labels[:3] == ["Title", "Author", "Fandom"] and "Feedback" in labels and "A/N" in labels
    end = m.raw["header_end"]
    assert src.text[:end].rstrip().endswith("-----")  # the rule closing the header is front matter
    assert src.text[end:].lstrip().startswith("The rain had stopped")
    assert src.text.count("\n") == (ING / "header-block.txt").read_text().count("\n")  # nothing stripped


def test_story_opening_with_chapter_label_is_not_a_header(tmp_path: Path) -> None:
    story = "Chapter 1: The Beginning\n\nIt was late.\nNote: nothing here.\n"
    src = ingest.read(_write(tmp_path, "ch.txt", story.encode()))
    assert src.meta.source.kind == "text"
    assert "header_end" not in src.meta.raw
    assert src.text == story


def test_fffd_only_file(tmp_path: Path) -> None:
    p = _write(tmp_path, "fffd.txt", (("\ufffd" * 5000 + "\n") * 3).encode())
    src = ingest.read(p)
    assert sum(d.source_end - d.source_start for d in src.damage) == 15000
    assert [d.line for d in src.damage] == [1, 2, 3]


def _cp1252_only(text: str) -> str:
    return text.encode("cp1252", "ignore").decode("cp1252")


def encoding_accuracy(corpus: Path, sizes: tuple[int, ...], per_file: int) -> dict[int, tuple[int, int]]:
    """Novels re-encoded as windows-1252 and cut into pieces: how many decode back exactly."""
    result: dict[int, tuple[int, int]] = {}
    texts = [
        _cp1252_only(f.read_text(encoding="utf-8")) for f in sorted((corpus / "standardebooks").glob("*.txt"))
    ]
    for size in sizes:
        good = total = 0
        for text in texts:
            step = max(size, len(text) // per_file)
            for k in range(0, len(text), step)[:per_file]:
                piece = text[k : k + size]
                data = piece.encode("cp1252")
                if data.isascii():
                    continue
                total += 1
                good += decode_bytes(data).text == piece
        result[size] = (good, total)
    return result


def test_windows_1252_detection_on_the_corpus(corpus_dir: Path) -> None:
    acc = encoding_accuracy(corpus_dir, (400, 4000), per_file=3)
    for size, (good, total) in acc.items():
        print(f"windows-1252 pieces of {size} chars decoded exactly: {good}/{total} = {good / total:.3f}")
        assert good / total >= 0.95
