"""Each archive format a reader really has: metadata, chapters, notes and scene breaks, read by fingerprint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from ficpress import ingest, pipeline
from ficpress.model import Source

ING = FIXTURES / "ingest"


def _blocks(src: Source, kind: str, **attrs: object) -> list[str]:
    return [
        src.text[b.start : b.end]
        for b in src.blocks
        if b.kind == kind and all(b.attrs.get(k) == v for k, v in attrs.items())
    ]


def _titles(src: Source) -> list[str]:
    return [c.title for c in src.chapters]


def _rels(src: Source) -> list[tuple[str, list[str]]]:
    return [(r.kind, r.members) for r in src.meta.relationships]


def _check_offsets(src: Source) -> None:
    """Every block, span and chapter lies inside the text, chapters in order and not overlapping."""
    n = len(src.text)
    for b in src.blocks:
        assert 0 <= b.start <= b.end <= n
        assert "\n" not in src.text[b.start : b.end] or b.kind == "verse"
    for s in src.spans:
        assert 0 <= s.start < s.end <= n
    last = -1
    for c in src.chapters:
        assert last < c.start <= c.end <= n
        last = c.end
        if c.heading_start is not None:
            assert src.text[c.heading_start : c.heading_end] == c.title


def test_ao3_download_pre_2019() -> None:
    src = ingest.read(ING / "ao3-download-2015.html")
    m = src.meta
    _check_offsets(src)
    assert m.source.kind == "ao3-html" and m.raw["template"] == "pre-2019"
    assert m.title == "Salt and Lamplight" and m.authors == ["quietmarsh"]
    assert m.source.work_id == "1234567" and m.source.url == "https://archiveofourown.org/works/1234567"
    assert m.rating == "Teen And Up Audiences"
    assert m.warnings == ["No Archive Warnings Apply"] and m.categories == ["F/F"]
    assert m.fandoms == ["Buffy the Vampire Slayer"]
    assert _rels(src) == [
        ("romantic", ["Tara Maclay", "Willow Rosenberg"]),
        ("platonic", ["Buffy Summers", "Willow Rosenberg"]),
    ]
    assert m.raw["tags"]["Relationship"] == [
        "Willow Rosenberg/Tara Maclay",
        "Buffy Summers & Willow Rosenberg",
    ]
    assert m.characters == ["Willow Rosenberg", "Tara Maclay", "Buffy Summers"]
    assert m.freeform == ["Fluff", "Post-Canon", "Lighthouses"]
    assert [(s.name, s.position) for s in m.series] == [("Coastal Towns", 2)]
    assert (m.published, m.updated, m.completed) == ("2014-03-02", "2014-05-18", "2014-05-18")
    assert (m.words, m.chapters_posted, m.chapters_expected) == (1123, 2, 2)
    assert m.summary == "Willow keeps the light. Tara keeps her."
    assert _titles(src) == ["Chapter 1: The Keeper", "Chapter 2: Fog"]
    assert src.chapters[0].summary == "Arrival on the island."
    assert _blocks(src, "note", role="head", scope="chapter") == ["Thanks to my beta, R."]
    assert _blocks(src, "note", role="end", scope="chapter") == [
        "The light really does flash every eleven seconds."
    ]
    assert _blocks(src, "note", role="end", scope="work") == ["Comments make my day."]
    assert _blocks(src, "note", role="head", scope="work") == ["Written for a friend who loves lighthouses."]
    breaks = [b for b in src.blocks if b.kind == "scene_break"]
    assert [(b.attrs["chapter"], b.attrs["glyph"], b.attrs["source"]) for b in breaks] == [
        (1, "* * *", "symbols"),
        (2, "", "empty-paragraphs"),
        (2, "", "hr"),
    ]
    # the chapter title repeated as the body's first line appears once
    assert src.text.count("The Keeper") == 1
    assert [(s.kind, src.text[s.start : s.end]) for s in src.spans if s.kind == "strong"] == [
        ("strong", "eleven")
    ]


def test_ao3_download_2019_2025() -> None:
    src = ingest.read(ING / "ao3-download-2021.html")
    m = src.meta
    _check_offsets(src)
    assert m.raw["template"] == "2019-2025"
    assert m.title == "The Quiet Hours" and m.authors == ["paperlanterns", "inkwell"]
    assert m.fandoms == ["Buffy the Vampire Slayer", "Angel: the Series"]
    assert m.categories == ["Gen", "F/M"]
    assert _rels(src) == [("romantic", ["Jenny Calendar", "Rupert Giles"])]
    assert (m.published, m.updated, m.completed) == ("2020-04-10", "2021-01-05", "")
    assert (m.words, m.chapters_posted, m.chapters_expected) == (2381, 3, 5)
    assert m.summary == "The library after midnight belongs to Giles.\nUntil it doesn't."
    assert m.raw["related"] == ["Inspired by Night Shift by someone"]
    assert m.raw["toc"] == ["Chapter 1: Midnight", "Chapter 2", "Chapter 3: Dawn"]
    assert _titles(src) == ["Chapter 1: Midnight", "Chapter 2", "Chapter 3: Dawn"]
    assert [c.summary for c in src.chapters] == ["", "Tea, and an argument about filing.", ""]
    assert _blocks(src, "note", role="head", chapter=1) == ["Set after season two."]
    assert _blocks(src, "note", role="end", chapter=2) == ["Yes, I have opinions about Dewey."]
    glyphs = [(b.attrs["chapter"], b.attrs["glyph"]) for b in src.blocks if b.kind == "scene_break"]
    assert glyphs == [(1, ""), (2, "~*~"), (3, "xXx")]
    assert "Midnight\nThe card catalogue" not in src.text  # bold title line in the body dropped
    assert src.text.count("Midnight") == 1


def test_ao3_download_current() -> None:
    src = ingest.read(ING / "ao3-download-2025.html")
    m = src.meta
    _check_offsets(src)
    assert m.raw["template"] == "current"
    assert m.title == "What the River Kept" and m.authors == ["Anonymous"]
    assert m.warnings == ["Graphic Depictions Of Violence", "Major Character Death"]
    assert _rels(src) == [("romantic", ["Buffy Summers", "Spike"]), ("platonic", ["Dawn Summers", "Spike"])]
    assert m.language == "en" and m.raw["collections"] == ["Seasonal Swap 2025"]
    assert [(s.name, s.position) for s in m.series] == [("Water Songs", 3)]
    assert (m.words, m.chapters_posted, m.chapters_expected) == (1912, 2, None)  # "2/?"
    assert (m.published, m.updated) == ("2025-02-14", "2025-03-01")
    assert _titles(src) == ["Chapter 1: Downstream", "Chapter 2: What It Kept"]
    assert _blocks(src, "note", role="head", scope="work") == [
        "Content notes are in the tags. Please heed them."
    ]
    assert _blocks(src, "note", role="end", scope="work") == ["Title from a song I half remember."]
    assert _blocks(src, "note", role="end", chapter=2) == ["Next chapter soon."]
    assert _blocks(src, "verse") == ["Down where the water goes\nnobody knows\nnobody knows"]
    assert [b.attrs["glyph"] for b in src.blocks if b.kind == "scene_break"] == ["~ ~ ~", ""]
    assert src.text.count("Downstream") == 1


def test_ao3_epub_made_by_calibre() -> None:
    src = ingest.read(ING / "ao3-calibre.epub")
    m = src.meta
    _check_offsets(src)
    assert m.source.kind == "ao3-epub"
    # authors from the byline, not from dc:creator ("thistledown, marrowbone" as one name)
    assert m.authors == ["thistledown", "marrowbone"]
    assert m.title == "Under the Orchard" and m.source.work_id == "45678901"
    assert m.raw["opf_date"] == "2023-06-20" == m.updated  # the OPF date is the last update
    assert m.published == "2023-05-01"
    assert _rels(src) == [("platonic", ["Buffy Summers", "Dawn Summers"])]
    assert [(s.name, s.position) for s in m.series] == [("Summers Apples", 1)]
    assert (m.words, m.chapters_posted, m.chapters_expected) == (1204, 2, 2)
    assert _titles(src) == ["Chapter 1: Windfall", "Chapter 2: Rootstock"]
    assert src.chapters[0].summary == "Apples on the ground, and a shovel."
    assert _blocks(src, "note", role="head", chapter=2) == [
        "The box is from a real story my grandmother told."
    ]
    assert _blocks(src, "note", role="end", chapter=2) == ["Thank you for reading."]
    assert _blocks(src, "note", role="end", scope="work") == ["Come say hello on the archive."]
    assert [b.attrs["glyph"] for b in src.blocks if b.kind == "scene_break"] == ["* * *", ""]
    assert any(s.kind == "emphasis" and src.text[s.start : s.end].startswith("It means") for s in src.spans)


def test_ao3_saved_page_entire_work() -> None:
    src = ingest.read(ING / "ao3-page-entire.html")
    m = src.meta
    _check_offsets(src)
    assert m.source.kind == "ao3-page" and m.raw["page"] == "entire-work"
    assert m.title == "The Long Night" and m.authors == ["nightjar"]
    assert m.source.work_id == "34567890"
    assert m.warnings == ["Creator Chose Not To Use Archive Warnings"] and m.categories == ["M/M"]
    assert _rels(src) == [("romantic", ["Spike", "Xander Harris"])]
    assert (m.published, m.completed, m.words, m.chapters_posted, m.chapters_expected) == (
        "2021-12-01",
        "2021-12-24",
        3456,
        2,
        2,
    )
    assert m.raw["associations"] == ["For frost."]
    assert _titles(src) == ["Chapter 1: First Snow", "Chapter 2: Thaw"]
    assert [c.summary for c in src.chapters] == ["", "Morning, and the plough."]
    assert _blocks(src, "note", role="head", scope="work") == ["Happy holidays, frost!"]
    assert _blocks(src, "note", role="head", chapter=1) == ["Warm drinks recommended."]
    assert _blocks(src, "note", role="end", chapter=1) == ["More soon!"]
    assert _blocks(src, "note", role="end", scope="work") == ["Thanks for reading this little thing."]
    assert [b.attrs["glyph"] for b in src.blocks if b.kind == "scene_break"] == ["", "***"]
    assert "Chapter Text" not in src.text  # AO3's hidden landmark headings are chrome


def test_ao3_saved_page_single_chapter() -> None:
    src = ingest.read(ING / "ao3-page-chapter.html")
    m = src.meta
    assert m.raw["page"] == "single-chapter"
    assert m.raw["chapter_index"] == ["1. First Snow", "2. Thaw"]
    assert _titles(src) == ["Chapter 2: Thaw"] and src.chapters[0].number == 2
    assert src.text.count("Thaw") == 1  # the title repeated as the first body line is dropped
    assert _blocks(src, "note", role="summary", chapter=1) == ["Morning, and the plough."]
    assert [b.attrs["glyph"] for b in src.blocks if b.kind == "scene_break"] == ["***"]


def test_ffnet_saved_page() -> None:
    src = ingest.read(ING / "ffnet-page.html")
    m = src.meta
    _check_offsets(src)
    assert m.source.kind == "ffnet-page"
    assert m.title == "Shadows at the Magic Box" and m.authors == ["Giles Fan"]
    assert m.rating == "T" and m.language == "en"
    assert m.freeform == ["Romance", "Hurt/Comfort"]
    assert _rels(src) == [("romantic", ["Spike", "Willow R."])]
    assert m.characters == ["Willow R.", "Spike", "Buffy S.", "Anya"]
    assert m.fandoms == ["Buffy: The Vampire Slayer"]
    assert (m.words, m.chapters_posted, m.chapters_expected) == (40123, 12, 12)
    assert (m.published, m.updated) == ("2008-01-10", "2011-03-13")
    assert m.source.work_id == "4012345"
    assert m.raw["ffnet"]["line"].startswith("Rated: Fiction T - English - Romance/Hurt/Comfort")
    assert _titles(src) == ["The Return"] and src.chapters[0].number == 2
    assert m.raw["chapter_index"] == ["1. Prologue", "2. The Return", "3. Sparks"]
    assert _blocks(src, "note", role="disclaimer") == ["Disclaimer: I don't own Buffy."]
    assert m.disclaimer == "Disclaimer: I don't own Buffy."
    assert [b.attrs["glyph"] for b in src.blocks if b.kind == "scene_break"] == ["", "oOo"]


@pytest.mark.parametrize("name", ["fanficfare.epub", "fanficfare.txt", "fanficfare.html"])
def test_fanficfare_epub_html_and_txt(name: str) -> None:
    src = ingest.read(ING / name)
    m = src.meta
    _check_offsets(src)
    assert m.source.kind == "fff-" + name.rsplit(".", 1)[1]
    assert m.source.url == "https://www.fanfiction.net/s/4012345/1/"
    assert m.title == "Shadows at the Magic Box" and m.authors == ["Giles Fan"]
    assert m.fandoms == ["Buffy: The Vampire Slayer"]  # FanFicFare's "Category" is the fandom
    assert m.freeform == ["Romance", "Hurt/Comfort"]
    assert _rels(src) == [("romantic", ["Spike", "Willow R."])]
    assert (m.published, m.updated, m.rating, m.words) == ("2008-01-10", "2011-03-13", "T", 40123)
    assert (m.chapters_posted, m.chapters_expected) == (2, 2)
    assert m.language == "en"
    assert m.summary.startswith("Willow and Spike are stuck")
    assert _titles(src) == ["Prologue", "The Return"]
    assert _blocks(src, "note", role="head", chapter=1) == ["A/N: My first Buffy fic, be gentle!"]
    assert len([b for b in src.blocks if b.kind == "scene_break"]) == 2
    assert "End file." not in src.text and "TABLE OF CONTENTS" not in src.text
    assert any(
        s.kind == "emphasis" and src.text[s.start : s.end] == "We're always closed when it's him."
        for s in src.spans
    )


def test_generic_epub3() -> None:
    src = ingest.read(ING / "generic-epub3.epub")
    m = src.meta
    _check_offsets(src)
    assert m.source.kind == "epub"
    assert m.title == "The Cartographer's Apprentice" and m.authors == ["Ivy Lindqvist"]
    assert m.language == "en-GB" and m.freeform == ["Fantasy", "Maps"]
    assert (m.published, m.updated) == ("2019-09-01", "2020-02-03")
    assert [(s.name, s.position) for s in m.series] == [("Coastlines", 2)]
    assert _titles(src) == ["I. Low Tide", "II. The Shifting Bar"]  # the continuation file joins chapter II
    assert "Cartographer" not in src.text  # the title page is not story text
    assert src.text.rstrip().endswith("was the first honest thing she had done.")
    assert _blocks(src, "verse") == [
        "Where the bar was, there the water goes;\nwhere the water goes, the bar will be."
    ]
    assert [b.attrs["source"] for b in src.blocks if b.kind == "scene_break"] == ["hr"]


def test_markdown_story() -> None:
    src = ingest.read(ING / "story.md")
    m = src.meta
    _check_offsets(src)
    assert m.source.kind == "markdown"
    assert (m.title, m.authors, m.fandoms, m.rating) == (
        "Paper Boats",
        ["Wren Halloway"],
        ["Buffy the Vampire Slayer"],
        "G",
    )
    assert _rels(src) == [("platonic", ["Dawn", "Giles"])]
    assert m.freeform == ["Found Family", "Rain"]
    assert _titles(src) == ["Chapter 1: The Fold", "Chapter 2: The Launch"]
    assert len([b for b in src.blocks if b.kind == "scene_break"]) == 2
    assert [(s.kind, src.text[s.start : s.end]) for s in src.spans] == [
        ("emphasis", "like this"),
        ("strong", "Carefully."),
    ]


def test_detection_ignores_file_names(tmp_path: Path) -> None:
    """Formats are told by content: renamed downloads still read as what they are."""
    cases = {
        "ao3-download-2025.html": ("story.txt", "ao3-html"),
        "ao3-calibre.epub": ("book.zip", "ao3-epub"),
        "ffnet-page.html": ("page.dat", "ffnet-page"),
        "fanficfare.txt": ("notes", "fff-txt"),
        "story.md": ("story.txt", "markdown"),
        "header-block.txt": ("header.md.bak", "text-header"),
    }
    for src_name, (new_name, kind) in cases.items():
        dst = tmp_path / new_name
        shutil.copy(ING / src_name, dst)
        assert ingest.read(dst).meta.source.kind == kind, src_name


@pytest.mark.parametrize(
    "name",
    [
        "ao3-download-2015.html",
        "ao3-calibre.epub",
        "ao3-page-entire.html",
        "ffnet-page.html",
        "fanficfare.epub",
        "story.md",
    ],
)
def test_structured_sources_flow_through_the_pipeline(name: str) -> None:
    src = ingest.read(ING / name)
    work = pipeline.load(ING / name)
    assert [c.title for c in work.chapters] == _titles(src)
    assert work.meta.title == src.meta.title
    assert (
        sum(b.kind == "note" for b in work.blocks) >= sum(b.kind == "note" for b in src.blocks) > 0
        or name == "story.md"
    )


def test_inspect_json_prints_meta_and_chapters() -> None:
    import json
    import subprocess
    import sys

    from conftest import ROOT

    res = subprocess.run(
        [sys.executable, "-m", "ficpress.cli", "inspect", "--json", str(ING / "ao3-download-2021.html")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"meta", "chapters"}
    assert data["meta"]["title"] == "The Quiet Hours"
    assert data["meta"]["relationships"][0] == {
        "raw": "Rupert Giles/Jenny Calendar",
        "kind": "romantic",
        "members": ["Jenny Calendar", "Rupert Giles"],
    }
    assert data["meta"]["chapters_expected"] == 5 and data["meta"]["source"]["work_id"] == "23456789"
    assert [c["title"] for c in data["chapters"]] == ["Chapter 1: Midnight", "Chapter 2", "Chapter 3: Dawn"]
    assert [c["scene_breaks"] for c in data["chapters"]] == [1, 1, 1]
    assert data["chapters"][1]["summary"] == "Tea, and an argument about filing."


def test_epub_made_by_real_calibre_reads_like_its_html() -> None:
    """ao3-calibre-real.epub is calibre 6.13's conversion of the 2021 HTML fixture with AO3's options:
    classes renamed (every `p` became `message`, the chapter `h2` became `toc-heading`), files split."""
    epub = ingest.read(ING / "ao3-calibre-real.epub")
    html = ingest.read(ING / "ao3-download-2021.html")
    assert epub.meta.source.kind == "ao3-epub"
    assert epub.text == html.text
    assert [(b.kind, b.start, b.end, b.attrs.get("role")) for b in epub.blocks] == [
        (b.kind, b.start, b.end, b.attrs.get("role")) for b in html.blocks
    ]
    assert _titles(epub) == _titles(html) == ["Chapter 1: Midnight", "Chapter 2", "Chapter 3: Dawn"]
    assert epub.meta.authors == ["paperlanterns", "inkwell"]  # the byline, though dc:creator is one string
    assert epub.meta.updated == epub.meta.raw["opf_date"] == "2021-01-05"
    for field in (
        "title",
        "fandoms",
        "characters",
        "rating",
        "words",
        "chapters_posted",
        "chapters_expected",
    ):
        assert getattr(epub.meta, field) == getattr(html.meta, field), field


def test_generic_html_with_declared_code_page_and_a_bad_byte(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>Rain Song</title><meta name="author" content="Lark">'
        "</head><body><h1>Rain Song</h1><p>A/N: for my sister.</p><h2>Chapter One</h2>"
        "<p>\u201cIt\u2019s raining,\u201d she said.</p><p>&nbsp;</p><p>Caf\u00e9 lights.</p>"
        "<h2>Chapter Two</h2><p>Drip.</p><p align=center>* * *</p><p>Drop.</p></body></html>"
    )
    p = tmp_path / "page.htm"
    p.write_bytes(page.encode("cp1252").replace(b"Drip.", b"Dr\x81ip."))
    src = ingest.read(p)
    _check_offsets(src)
    assert src.meta.source.kind == "html" and src.meta.source.encoding == "cp1252"
    assert (src.meta.title, src.meta.authors) == ("Rain Song", ["Lark"])
    assert _titles(src) == ["Chapter One", "Chapter Two"]
    assert "\u201cIt\u2019s raining,\u201d she said." in src.text
    assert _blocks(src, "note", role="head") == ["A/N: for my sister."]
    assert [b.attrs["glyph"] for b in src.blocks if b.kind == "scene_break"] == ["", "* * *"]
    (bad,) = [d for d in src.damage if d.kind == "undecodable"]
    assert src.text[bad.source_start - 2 : bad.source_end + 3] == "Dr\ufffdip."


def test_utf16_html_without_declaration(tmp_path: Path) -> None:
    p = tmp_path / "wide.html"
    p.write_bytes(
        "<html><body><h2>One</h2><p>Hello \u2014 world.</p><h2>Two</h2><p>Bye.</p></body></html>".encode(
            "utf-16"
        )
    )
    src = ingest.read(p)
    assert src.meta.source.encoding == "utf-16-le"
    assert src.text == "One\nHello \u2014 world.\nTwo\nBye."
    assert _titles(src) == ["One", "Two"]


def test_word_processor_html() -> None:
    """A "Save as Web Page" export: chapter title by looks only, spacer paragraphs between every paragraph."""
    src = ingest.read(ING / "word-export.htm")
    _check_offsets(src)
    assert src.meta.source.kind == "html" and src.meta.source.encoding in ("cp1252", "utf-8")
    assert _titles(src) == ["Chapter Three: The Fall"]
    assert src.chapters[0].heading_start == 0
    # spacer paragraphs are spacing here, so only the ~*~ line is a break
    assert [(b.attrs["glyph"], b.attrs["source"]) for b in src.blocks if b.kind == "scene_break"] == [
        ("~*~", "symbols")
    ]
    assert sum(b.kind == "paragraph" for b in src.blocks) == 5
    assert [(s.kind, src.text[s.start : s.end]) for s in src.spans] == [("emphasis", "Too long,")]


def test_ao3_epub_hand_built_before_2019() -> None:
    """AO3's own EPUBs before calibre: preface.xhtml, chapterN_M.xhtml parts (meta only on the first part),
    afterword.xhtml; an OPF with only title, creator, language, publisher and identifier."""
    src = ingest.read(ING / "ao3-handbuilt-2013.epub")
    m = src.meta
    _check_offsets(src)
    assert m.source.kind == "ao3-epub" and m.raw["template"] == "pre-2019"
    assert m.title == "Small Hours" and m.authors == ["larkspur", "wren_writes"]
    assert (m.published, m.updated, m.chapters_posted, m.chapters_expected) == (
        "2012-10-31",
        "2013-01-02",
        2,
        3,
    )
    assert _rels(src) == [("romantic", ["Oz", "Willow Rosenberg"])]
    assert _titles(src) == ["Chapter 1: Two A.M.", "Chapter 2: Four A.M."]
    assert _blocks(src, "note", role="head", chapter=1) == ["Written at two a.m., naturally."]
    assert m.summary == "Oz plays the same three chords at two in the morning."
    # the second part of chapter 1 continues chapter 1
    assert src.text[src.chapters[0].start : src.chapters[0].end].endswith("It became a song around three.")
    assert [b.attrs["glyph"] for b in src.blocks if b.kind == "scene_break"] == ["- - -"]


def test_markup_typed_notes_and_glyphs(tmp_path: Path) -> None:
    """Notes the markup already types (<aside>, role="note", note-* classes) stay notes; <hr data-glyph> keeps it."""
    p = tmp_path / "typed.html"
    p.write_text(
        "<html><head><title>Typed</title></head><body><nav><a href='#c1'>Contents</a></nav>"
        "<h2>One</h2><aside class='note note-head'><p>Written in a hurry.</p></aside>"
        "<p>The story begins.</p><hr class='scene-break' data-glyph='~*~'/><p>It goes on.</p>"
        "<div role='note'><p>An inline aside from the author.</p></div><p>And on.</p>"
        "<h2>Two</h2><p>It ends.</p><aside><p>Thanks for reading!</p></aside></body></html>",
        encoding="utf-8",
    )
    src = ingest.read(p)
    _check_offsets(src)
    assert _titles(src) == ["One", "Two"]
    assert "Contents" not in src.text
    notes = [
        (src.text[b.start : b.end], b.attrs["role"], b.attrs["chapter"])
        for b in src.blocks
        if b.kind == "note"
    ]
    assert notes == [
        ("Written in a hurry.", "head", 1),
        ("An inline aside from the author.", "inline", 1),
        ("Thanks for reading!", "end", 2),
    ]
    assert [b.attrs["glyph"] for b in src.blocks if b.kind == "scene_break"] == ["~*~"]
