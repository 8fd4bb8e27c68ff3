"""Hostile and broken input: a clear one-line refusal or a correct result, never a traceback, input untouched."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, FIXTURES, ROOT
from ficpress import ingest, pipeline
from ficpress.errors import FicpressError
from ficpress.ingest.epub import MAX_INFLATE

ING = FIXTURES / "ingest"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + bytes(64)
)


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "not-a-file"


def _cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ficpress.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=240,
    )


def _refused(path: Path, *needles: str, tmp_path: Path) -> str:
    """Library and CLI both refuse with one line naming the file; the input is never modified."""
    before = _sha(path)
    with pytest.raises(FicpressError) as info:
        ingest.read(path)
    msg = str(info.value)
    assert "\n" not in msg and str(path) in msg
    for n in needles:
        assert n in msg, msg
    with pytest.raises(FicpressError):
        pipeline.load(path)
    out = tmp_path / "out"
    res = _cli("convert", path, "-o", out)
    assert res.returncode not in (0, 70), res.stderr  # 70 would be an internal error
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr and str(path.name) in lines[0], res.stderr
    assert not out.exists() or not any(out.iterdir())
    assert _sha(path) == before
    print(f"{path.name}: {lines[0]}")
    return msg


# --------------------------------------------------------------------------- issue 2's list


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    _refused(p, "empty", tmp_path=tmp_path)


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\n\n  \r\n\t\n", b"\xff\xfe \x00\n\x00"])
def test_whitespace_or_bom_only(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "blank.txt"
    p.write_bytes(data)
    _refused(p, "no text", tmp_path=tmp_path)


def test_png_renamed_txt(tmp_path: Path) -> None:
    p = tmp_path / "cover.txt"
    p.write_bytes(PNG)
    _refused(p, "PNG image", tmp_path=tmp_path)


def test_binary_without_magic(tmp_path: Path) -> None:
    p = tmp_path / "blob.txt"
    p.write_bytes(bytes(range(256)) * 64)
    _refused(p, "binary", tmp_path=tmp_path)


def test_directory(tmp_path: Path) -> None:
    d = tmp_path / "a-folder"
    d.mkdir()
    _refused(d, "directory", tmp_path=tmp_path)


def test_missing_and_special_files(tmp_path: Path) -> None:
    _refused(tmp_path / "nope.txt", "no such file", tmp_path=tmp_path)
    link = tmp_path / "dangling.txt"
    link.symlink_to(tmp_path / "gone.txt")
    _refused(link, "no such file", tmp_path=tmp_path)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    _refused(fifo, "not a regular file", tmp_path=tmp_path)


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode"
)
def test_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "locked.txt"
    p.write_text("a story")
    p.chmod(0)
    try:
        _refused(p, "permission denied", tmp_path=tmp_path)
    finally:
        p.chmod(0o644)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to run the command as an unprivileged user",
)
def test_unreadable_file_as_an_unprivileged_user() -> None:
    """Root reads any file, so as root the command is run as `nobody` against a mode-000 file."""
    folder = Path(tempfile.mkdtemp(prefix="ficpress-unreadable-"))
    try:
        folder.chmod(0o777)  # nobody may enter and write the output folder, but not read the input
        p = folder / "locked.txt"
        p.write_text("a story")
        p.chmod(0)
        out = folder / "out"
        res = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-m",
                "ficpress.cli",
                "convert",
                str(p),
                "-o",
                str(out),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=240,
        )
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        assert res.returncode == 2, res.stderr
        assert len(lines) == 1 and "locked.txt" in lines[0] and "permission denied" in lines[0], res.stderr
        assert not out.exists() or not any(out.iterdir())
        p.chmod(0o644)
        assert p.read_text() == "a story"
        print(lines[0])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_only_fffd_file_gives_a_correct_result(tmp_path: Path) -> None:
    p = tmp_path / "all-fffd.txt"
    p.write_text(("\ufffd" * 400 + "\n") * 25, encoding="utf-8")
    before = _sha(p)
    src = ingest.read(p)
    assert sum(d.source_end - d.source_start for d in src.damage if d.kind == "fffd") == 10000
    work = pipeline.load(p)
    assert work.damage and len(work.text) > 0
    res = _cli("inspect", "--json", p)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["meta"]["source"]["encoding"] == "utf-8"
    out = tmp_path / "out"
    res = _cli("convert", p, "-o", out, "--to", "txt,json")
    assert res.returncode == 0, res.stderr
    assert "\ufffd" not in (out / "all-fffd.txt").read_text(encoding="utf-8")
    assert _sha(p) == before


@pytest.fixture(scope="module")
def big_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 MB: the sample story 300-odd times with its damage mended, then once as found (3,078 U+FFFD),
    so the damage sits 50 MB deep and its line numbers must still be right."""
    raw = EXAMPLE.read_text(encoding="utf-8")
    clean = raw.replace("\ufffd", "'").encode("utf-8")
    copies = (50 * 1024 * 1024 - len(raw.encode("utf-8"))) // len(clean) + 1
    p = tmp_path_factory.mktemp("big") / "fifty.txt"
    with p.open("wb") as fh:
        for _ in range(copies):
            fh.write(clean)
        fh.write(raw.encode("utf-8"))
    return p


@pytest.mark.slow
def test_50mb_text_file(big_text: Path) -> None:
    before = _sha(big_text)
    assert big_text.stat().st_size >= 50 * 1024 * 1024
    src = ingest.read(big_text)
    fffd = [d for d in src.damage if d.kind == "fffd"]
    assert len(fffd) == 3078
    lines_before = src.text.count("\n", 0, len(src.text) - len(EXAMPLE.read_text(encoding="utf-8")))
    first = fffd[0]
    assert (first.line, first.col) == (lines_before + 3, 363)  # the sample's first damage, 50 MB down
    assert all(src.text[d.source_start] == "\ufffd" for d in fffd)
    res = _cli("inspect", "--json", big_text)
    assert res.returncode == 0, res.stderr[-2000:]
    data = json.loads(res.stdout)
    assert data["meta"]["source"]["kind"] == "text" and data["chapters"]
    assert _sha(big_text) == before


# --------------------------------------------------------------------------- issue 4's list


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


CONTAINER = (
    b'<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    b'<rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
)


def _opf(extra_doctype: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?>'
        + extra_doctype
        + b'<package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        b'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title></metadata>'
        b'<manifest><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/></manifest>'
        b'<spine><itemref idref="c"/></spine></package>'
    )


XHTML = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Once upon a time there was a story.</p></body></html>'


def test_truncated_zip(tmp_path: Path) -> None:
    whole = (ING / "ao3-calibre.epub").read_bytes()
    p = tmp_path / "cut.epub"
    p.write_bytes(whole[: len(whole) // 2])
    _refused(p, "truncated or damaged zip", tmp_path=tmp_path)


def test_corrupted_member(tmp_path: Path) -> None:
    data = bytearray(
        _zip(
            [
                ("mimetype", b"application/epub+zip"),
                ("META-INF/container.xml", CONTAINER),
                ("content.opf", _opf()),
                ("c.xhtml", XHTML * 50),
            ]
        )
    )
    i = data.find(b"c.xhtml") + 40  # into the deflated bytes of the last member
    data[i : i + 8] = b"\xff" * 8
    p = tmp_path / "corrupt.epub"
    p.write_bytes(bytes(data))
    _refused(p, "c.xhtml", tmp_path=tmp_path)


def test_epub_without_opf(tmp_path: Path) -> None:
    p = tmp_path / "no-opf.epub"
    p.write_bytes(_zip([("mimetype", b"application/epub+zip"), ("OEBPS/ch1.xhtml", XHTML)]))
    _refused(p, "no OPF", tmp_path=tmp_path)


def test_zip_that_is_not_an_epub(tmp_path: Path) -> None:
    p = tmp_path / "photos.zip"
    p.write_bytes(_zip([("a.png", PNG)]))
    _refused(p, "no OPF", tmp_path=tmp_path)


def _declare_size(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for one member (local and central headers)."""
    out = bytearray(data)
    pos = 0
    while (pos := out.find(b"PK\x03\x04", pos)) != -1:
        n = struct.unpack_from("<H", out, pos + 26)[0]
        if bytes(out[pos + 30 : pos + 30 + n]) == name:
            struct.pack_into("<I", out, pos + 22, size)
        pos += 4
    pos = 0
    while (pos := out.find(b"PK\x01\x02", pos)) != -1:
        n = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46 : pos + 46 + n]) == name:
            struct.pack_into("<I", out, pos + 24, size)
        pos += 4
    return bytes(out)


def test_members_declared_past_1gb(tmp_path: Path) -> None:
    members = [
        ("mimetype", b"application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
        ("content.opf", _opf()),
    ]
    members += [(f"c{i}.xhtml", XHTML) for i in range(3)]
    data = _zip(members)
    for i in range(3):
        data = _declare_size(data, f"c{i}.xhtml".encode(), 400 * 1024 * 1024)
    p = tmp_path / "bomb-declared.epub"
    p.write_bytes(data)
    assert sum(i.file_size for i in zipfile.ZipFile(p).infolist()) > MAX_INFLATE
    _refused(p, "inflate", tmp_path=tmp_path)


def test_member_that_inflates_far_beyond_its_size(tmp_path: Path) -> None:
    """A real 64 MB run of zeros squeezed into ~64 KB: refused by ratio before any of it is read."""
    zeros = bytes(64 * 1024 * 1024)
    data = _zip(
        [
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", CONTAINER),
            ("content.opf", _opf()),
            ("c.xhtml", zeros),
        ]
    )
    p = tmp_path / "bomb-ratio.epub"
    p.write_bytes(data)
    _refused(p, "zip bomb", tmp_path=tmp_path)


def test_member_lying_about_its_size_is_stopped(tmp_path: Path) -> None:
    """Declared 1 KB, really 8 MB: the stream stops at the declared size and the CRC fails."""
    body = (
        b"<html xmlns='http://www.w3.org/1999/xhtml'><body>"
        + b"<p>la</p>" * (8 * 1024 * 1024 // 9)
        + b"</body></html>"
    )
    data = _zip(
        [
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", CONTAINER),
            ("content.opf", _opf()),
            ("c.xhtml", body),
        ]
    )
    p = tmp_path / "liar.epub"
    p.write_bytes(_declare_size(data, b"c.xhtml", 1024))
    _refused(p, "c.xhtml", tmp_path=tmp_path)


def test_forged_entry_count(tmp_path: Path) -> None:
    """An end-of-directory record claiming 65,535 entries is refused before zipfile reads them."""
    data = bytearray(_zip([("mimetype", b"application/epub+zip"), ("content.opf", _opf())]))
    i = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, i + 8, 65535, 65535)
    p = tmp_path / "forged.epub"
    p.write_bytes(bytes(data))
    _refused(p, "65,535 files", tmp_path=tmp_path)


XXE = b'<!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE html [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)


def test_epub_opf_with_external_entity(tmp_path: Path) -> None:
    p = tmp_path / "xxe.epub"
    p.write_bytes(
        _zip(
            [
                ("mimetype", b"application/epub+zip"),
                ("META-INF/container.xml", CONTAINER),
                ("content.opf", _opf(XXE)),
                ("c.xhtml", XHTML),
            ]
        )
    )
    _refused(p, "entities", tmp_path=tmp_path)


def test_epub_chapter_with_entity_expansion(tmp_path: Path) -> None:
    chapter = (
        b'<?xml version="1.0"?>'
        + LAUGHS
        + b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&d;</p></body></html>'
    )
    p = tmp_path / "laughs.epub"
    p.write_bytes(
        _zip(
            [
                ("mimetype", b"application/epub+zip"),
                ("META-INF/container.xml", CONTAINER),
                ("content.opf", _opf()),
                ("c.xhtml", chapter),
            ]
        )
    )
    _refused(p, "entities", tmp_path=tmp_path)


def test_html_with_external_entity(tmp_path: Path) -> None:
    p = tmp_path / "xxe.html"
    p.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b"<html><body><p>&xxe;</p><p>More words of a story here.</p></body></html>"
    )
    _refused(p, "entities", tmp_path=tmp_path)


def test_no_network_or_dtd_for_ordinary_doctypes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A normal XHTML DOCTYPE names a DTD on the web; reading must not try to fetch it."""
    import socket

    def refuse(*a: object, **k: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    src = ingest.read(ING / "ao3-download-2015.html")
    assert src.meta.title == "Salt and Lamplight"
    src = ingest.read(ING / "fanficfare.epub")
    assert src.chapters


def test_ao3_search_results_page(tmp_path: Path) -> None:
    _refused(ING / "ao3-search-results.html", "AO3 listing", tmp_path=tmp_path)


def test_200mb_html_is_refused_without_reading_it(tmp_path: Path) -> None:
    p = tmp_path / "huge.html"
    with p.open("wb") as fh:  # sparse: the size is real, the disk use is not
        fh.write(b"<!DOCTYPE html><html><body>" + b"<p>A story that goes on and on.</p>\n" * 30000)
        fh.seek(200 * 1024 * 1024)
        fh.write(b"</body></html>")
    _refused(p, "too large", "MB", tmp_path=tmp_path)


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("book.mobi", bytes(60) + b"BOOKMOBI" + bytes(200), "MOBI/AZW3"),
        ("book.azw3", bytes(60) + b"BOOKMOBI" + bytes(200), "EPUB or HTML"),
        ("book.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(100), "PDF"),
        ("renamed.txt", b"%PDF-1.4\n" + bytes(100), "EPUB or HTML"),
    ],
)
def test_kindle_and_pdf_point_to_epub_or_html(tmp_path: Path, name: str, data: bytes, needle: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    _refused(p, needle, tmp_path=tmp_path)


def test_garbage_named_epub(tmp_path: Path) -> None:
    p = tmp_path / "story.epub"
    p.write_text("just some words, not a zip at all")
    _refused(p, "not an EPUB", tmp_path=tmp_path)


def test_every_fixture_is_left_unchanged_by_convert(tmp_path: Path) -> None:
    """Reading and converting never writes to the input."""
    for f in sorted(ING.iterdir()):
        if not f.is_file() or f.suffix not in (".html", ".epub", ".txt", ".md"):
            continue
        before = _sha(f)
        with contextlib.suppress(FicpressError):
            pipeline.load(f)
        assert _sha(f) == before, f
