"""The offline HTML report and the `ficpress analyse` command."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from functools import cache
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from ficpress import pipeline
from ficpress.analyse.report import render_report
from ficpress.cli import app
from ficpress.model import Block, Chapter, Scene, Span, Work, WorkMeta

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "breaking-alone.txt"


@cache
def sample_report() -> tuple[Work, str]:
    work = pipeline.load(SAMPLE, analyse=True)
    return work, render_report(work)


def external_references(page: str) -> list[str]:
    """Every attribute or CSS value that would make a browser fetch something."""
    found = re.findall(
        r"""\b(?:src|href|xlink:href|srcset|action|poster|data)\s*=\s*["']?([^"'\s>]+)""", page, re.I
    )
    refs = [u for u in found if not u.startswith("#")]
    refs += re.findall(r"url\(\s*['\"]?([^'\")]+)", page, re.I)
    refs += re.findall(r"@import\s+['\"]?([^'\";]+)", page, re.I)
    return refs


def test_report_has_no_external_references() -> None:
    _, page = sample_report()
    assert external_references(page) == []
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert not re.search(r"https?://", page.replace("http-equiv", "")), "no URL, even as text in markup"
    assert "default-src 'none'" in page


def test_report_renders_characters_aliases_and_coloured_dialogue() -> None:
    work, page = sample_report()
    doc = lxml_html.fromstring(page)
    for sid in ("characters", "network", "arc", "share", "scenes", "text"):
        assert doc.get_element_by_id(sid) is not None
    table_text = doc.get_element_by_id("characters").text_content()
    chars = work.analysis["characters"]
    speakers = {q["speaker"] for q in work.analysis["quotes"] if q.get("speaker")}
    for c in chars:
        if c["id"] in speakers or (c.get("mentions") or 0) >= 10:
            assert c["name"] in table_text, c["name"]
            for a in c.get("aliases") or []:
                assert a["name"] in table_text
    for name in ("Willow", "Spike", "Buffy", "Dawn", "Xander", "Anya", "Giles"):
        assert name in table_text
    coloured = doc.find_class("q")
    attributed = [q for q in work.analysis["quotes"] if q.get("speaker")]
    print(
        f"\n{len(coloured)} coloured quotation spans for {len(work.analysis['quotes'])} quotations "
        f"({len(attributed)} attributed); report {len(page) / 1024:.0f} KiB"
    )
    assert len(coloured) >= len(work.analysis["quotes"])
    # Same speaker, same colour; two main speakers, two colours.
    colour = {}
    for span in coloured:
        style = span.get("style") or ""
        title = span.get("title") or ""
        m = re.search(r"--c:(#[0-9a-f]{6})", style)
        if m:
            colour.setdefault(title.split(" \u2192")[0].split(" (")[0], set()).add(m.group(1))
    assert all(len(v) == 1 for v in colour.values())
    # The cast list may give a full name ("Willow Rosenberg"); look the two up by first name.
    full = {c["name"].split()[0]: c["name"] for c in chars}
    assert colour[full["Willow"]] != colour[full["Spike"]]
    svgs = doc.xpath("//svg")
    assert len(svgs) >= 4  # network, arc, chapter moods, dialogue share
    # The arc plot has one point per scene.
    arc_svg = doc.get_element_by_id("arc").xpath(".//svg")[0]
    assert len(arc_svg.xpath(".//circle")) == len(work.analysis["scenes"])


def test_report_text_is_the_whole_story_once() -> None:
    work, page = sample_report()
    doc = lxml_html.fromstring(page)
    story = doc.get_element_by_id("text").xpath('.//div[@class="story"]')[0]
    # Headings made up for chapters that had none, and scene labels, are not story text.
    made_up = {"implicit", "scene-label"}
    shown = " ".join(e.text_content() for e in story.iterchildren() if e.get("class") not in made_up)
    words = re.findall(r"\w+", work.text)
    shown_words = re.findall(r"\w+", shown)
    assert len(shown_words) == len(words)


def _tiny() -> Work:
    text = "\u201cHello <b>&\u201d, said Ann.\n\u201cHi,\u201d Bob said. Ann smiled."
    first = text.index("\n")
    work = Work(
        meta=WorkMeta(title="A <tiny> & test"),
        text=text,
        blocks=[Block("paragraph", 0, first), Block("paragraph", first + 1, len(text))],
        chapters=[Chapter(1, "One", 0, len(text), implicit=True)],
        scenes=[Scene(0, len(text), 0)],
    )
    work.analysis = {
        "characters": [
            {"id": "c1", "name": "Ann", "gender": "female", "aliases": [], "mentions": 2},
            {
                "id": "c2",
                "name": "Bob",
                "gender": "male",
                "aliases": [
                    {
                        "name": "Bobby",
                        "count": 1,
                        "evidence": [
                            {"rule": "vocative", "start": 0, "end": 1, "text": "<script>alert(1)</script>"}
                        ],
                    }
                ],
                "mentions": 1,
            },
        ],
        "quotes": [
            {
                "start": 0,
                "end": 14,
                "speaker": "c1",
                "addressees": ["c2"],
                "confidence": 0.9,
                "method": "explicit-tag",
            },
            {"start": first + 1, "end": first + 6, "speaker": "c2", "addressees": ["c1"], "confidence": 0.9},
        ],
        "mentions": [],
    }
    return work


def test_report_escapes_text_and_computes_missing_story_keys() -> None:
    page = render_report(_tiny())
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;&amp;" in page
    assert "A &lt;tiny&gt; &amp; test" in page
    assert "Bobby" in page
    assert external_references(page) == []
    doc = lxml_html.fromstring(page)
    assert len(doc.find_class("q")) == 2


def test_analyse_command_writes_report_and_json_and_keeps_the_input(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    shutil.copyfile(SAMPLE, story)
    before = story.read_bytes()
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyse", str(story), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert story.read_bytes() == before
    page = (out / "story.report.html").read_text(encoding="utf-8")
    data = (out / "story.analysis.json").read_text(encoding="utf-8")
    assert "Willow" in page and '"analysis"' in data
    assert not list(out.glob(".*.part"))
    # Writing next to the input is fine and still leaves it alone.
    result = CliRunner().invoke(app, ["analyse", str(story), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert story.read_bytes() == before
    # An output that is a file is refused with one line naming it.
    result = CliRunner().invoke(app, ["analyse", str(story), "-o", str(story)])
    assert result.exit_code == 2 and "must be a directory" in result.output


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _png_rows(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and raw filtered scanlines of an 8-bit RGB(A) PNG, enough to see if it is blank."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w, h, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            w, h, _, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    bpp = 4 if ctype == 6 else 3
    stride = w * bpp + 1
    return w, h, [raw[i * stride : (i + 1) * stride] for i in range(h)]


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    if not browser:
        pytest.skip(
            "chromium not installed (Debian: apt-get install chromium); headless render check skipped"
        )
    _, page = sample_report()
    html_path = tmp_path / "report.html"
    html_path.write_text(page, encoding="utf-8")
    png = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                "--window-size=1200,3000",
                html_path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert png.exists(), r.stderr[-2000:]
    w, h, rows = _png_rows(png.read_bytes())
    assert (w, h) == (1200, 3000)
    # A blank or broken page compresses to nearly identical rows; a drawn report does not.
    distinct = len(set(rows))
    print(
        f"\nheadless chromium screenshot {w}x{h}, {png.stat().st_size / 1024:.0f} KiB, {distinct} distinct rows"
    )
    assert distinct > 1000


def test_report_of_a_work_with_no_people_still_renders() -> None:
    page = render_report(Work(text="It was a dark night. Nothing moved."))
    doc = lxml_html.fromstring(page)
    assert "No characters were found" in page
    assert doc.get_element_by_id("text").text_content().count("dark night") == 1
    assert external_references(page) == []


def test_quotation_inside_a_thought_keeps_its_colour() -> None:
    text = "Why would they all say \u201cHelp me Ann\u201d again, she thought. \u201cNo,\u201d said Bob."
    q1 = (text.index("\u201cHelp"), text.index("again") - 1)
    q2 = (text.index("\u201cNo"), text.index(" said Bob"))
    work = Work(
        text=text,
        blocks=[Block("paragraph", 0, len(text))],
        chapters=[Chapter(1, "One", 0, len(text), implicit=True)],
        scenes=[Scene(0, len(text), 0)],
    )
    # A thought that holds the first quotation and one that crosses into the second.
    work.spans = [Span("thought", 0, q1[1]), Span("thought", q2[0] - 3, q2[0] + 2)]
    work.analysis = {
        "characters": [{"id": "c1", "name": "Ann", "aliases": [], "mentions": 1}],
        "quotes": [
            {"start": q1[0], "end": q1[1], "speaker": "c1", "addressees": [], "confidence": 0.5},
            {"start": q2[0], "end": q2[1], "speaker": None, "addressees": [], "confidence": 0.0},
        ],
        "mentions": [],
    }
    doc = lxml_html.fromstring(render_report(work))
    spans = doc.get_element_by_id("text").find_class("q")
    texts = [s.text_content() for s in spans]
    assert texts[0] == "\u201cHelp me Ann\u201d"
    assert spans[0].getparent().get("class") == "thought"
    # The crossing quotation is split, never dropped, and all its text is coloured.
    assert "".join(texts[1:]) == text[q2[0] : q2[1]]
    assert doc.get_element_by_id("text").text_content().count("said Bob") == 1


def _sha256_b64(s: str) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()


def test_report_policy_names_every_style_and_allows_nothing_else() -> None:
    _, page = sample_report()
    doc = lxml_html.fromstring(page)
    csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert "unsafe-inline" not in csp and "script-src" not in csp and "http" not in csp
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'none'"
    allowed = set(re.findall(r"'sha256-([^']+)'", directives["style-src"]))
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert _sha256_b64(style) in allowed
    attrs = {e.get("style") for e in doc.xpath("//*[@style]")}
    assert attrs, "colours are set by style attributes"
    assert {_sha256_b64(a) for a in attrs} <= allowed
    # Nothing allowed that the page does not use: one hash per distinct attribute, plus the sheet.
    assert len(allowed) == len(attrs) + 1


def test_speakers_past_the_palette_share_one_grey_never_another_speakers_hue() -> None:
    n = 20
    names = [f"Name{chr(65 + i)}" for i in range(n)]
    text = "\n".join(f"\u201cHello there,\u201d said {name}." for name in names)
    starts = [i for i, ch in enumerate(text) if ch == "\u201c"]
    ends = [i + 1 for i, ch in enumerate(text) if ch == "\u201d"]
    work = Work(text=text, blocks=[], chapters=[Chapter(1, "One", 0, len(text), implicit=True)])
    work.analysis = {
        "characters": [
            {"id": f"c{i}", "name": nm, "aliases": [], "mentions": 1} for i, nm in enumerate(names)
        ],
        "quotes": [
            {"start": s, "end": e, "speaker": f"c{i}", "addressees": [], "confidence": 0.9}
            for i, (s, e) in enumerate(zip(starts, ends, strict=True))
        ],
        "mentions": [],
    }
    doc = lxml_html.fromstring(render_report(work))
    by_speaker: dict[str, str] = {}
    for span in doc.get_element_by_id("text").find_class("q"):
        by_speaker[span.get("title").split(" (")[0]] = re.search(r"#[0-9a-f]{6}", span.get("style")).group()
    assert len(by_speaker) == n
    hues = [c for c in by_speaker.values() if c != "#9b9b9b"]
    assert len(hues) == len(set(hues)) >= 10
    assert "other speakers" in doc.get_element_by_id("text").text_content()
