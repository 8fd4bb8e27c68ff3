"""One word count for the whole project: the report and the book must print the same number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ficpress import pipeline
from ficpress.publish import render
from ficpress.words import count_words

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "breaking-alone.txt"


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("one-word and one's", 3),  # hyphens and apostrophes join
        ("She didn\u2019t\u2014no, wouldn\u2019t\u2014go.", 5),  # dashes separate
        ("Wait\u2026 what?", 2),
        ("* * *", 0),  # a scene break is not words
        ("\u2014 and \u2013 or", 2),
        ("caf\u00e9 na\u00efve \u00fcber", 3),
        ("Page 394, 1999", 3),
        ("snake_case", 1),
        ("\u4f60\u597d\u4e16\u754c", 4),  # unspaced scripts count a word per character
        ("and/or", 2),
        ("", 0),
    ],
)
def test_rule(text: str, n: int) -> None:
    assert count_words(text) == n


def test_counts_in_place() -> None:
    text = "alpha beta gamma delta"
    assert count_words(text, 6, 16) == 2
    assert count_words(text, 6) == 3


def test_book_and_report_agree_on_the_sample() -> None:
    work = pipeline.load(SAMPLE, analyse=True)
    reported = work.analysis["counts"]["words"]
    page = render(work, "html").decode()
    shown = re.search(r"Words</dt>\s*<dd>([\d,]+)</dd>", page)
    assert shown, "the reader's title page shows no word count"
    printed = int(shown.group(1).replace(",", ""))
    print(f"sample words: report {reported:,}, book {printed:,}")
    assert printed == reported
    assert 30_000 < reported < 32_000
