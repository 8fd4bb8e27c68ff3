"""Structure on Standard Ebooks novels: real letters found, no letters, messages or verse made of prose.

The books are set one paragraph per line with correct typography; their letters
open with a salutation line and close with a valediction and a signature, and
most of them hold little or no verse. The counts below were checked by reading
every hit (bench/structure.py prints them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ficpress import structure
from ficpress.model import Restoration, Source, Work


def build_book(corpus_dir: Path, stem: str) -> Work:
    path = corpus_dir / "standardebooks" / f"{stem}.txt"
    if not path.exists():
        pytest.skip(f"{path} missing")
    text = path.read_text(encoding="utf-8")
    return structure.build(Source(path=str(path), text=text), Restoration(text))


def written(work: Work) -> list:
    return [b for b in work.blocks if b.kind in ("letter", "message")]


def test_pride_and_prejudice_letters(corpus_dir: Path) -> None:
    work = build_book(corpus_dir, "jane-austen_pride-and-prejudice")
    letters = written(work)
    for b in letters:
        lines = work.text[b.start : b.end].split("\n")
        print(f"  {b.attrs.get('recipient')!r:>12} <- {b.attrs.get('sender', '')!r:<20} {lines[0][:50]}")
    print(f"Pride and Prejudice: {len(letters)} letters")
    assert all(b.kind == "letter" and b.attrs["form"] == "letter" for b in letters)
    # The nine letters that open with a salutation line ("My dear Lizzy,", "Dear Sir,").
    assert len(letters) == 9
    recipients = [b.attrs.get("recipient") for b in letters]
    assert recipients.count("Lizzy") == 2 and "Harriet" in recipients and "niece" in recipients
    senders = {b.attrs.get("sender") for b in letters}
    assert {"Caroline Bingley", "William Collins", "Lydia Bennet", "M. Gardiner"} <= senders
    # Each letter ends where the letter ends: its last line is a closing or the end of its quotation.
    for b in letters:
        last = work.text[b.start : b.end].rsplit("\n", 1)[-1]
        assert last.endswith(("\u201d", ".")), last


def test_secret_adversary_letters_are_signed(corpus_dir: Path) -> None:
    work = build_book(corpus_dir, "agatha-christie_the-secret-adversary")
    letters = written(work)
    print(f"The Secret Adversary: {len(letters)} letters")
    assert len(letters) == 7
    assert all(b.attrs.get("sender") and b.attrs.get("recipient") and b.confidence >= 0.9 for b in letters)


@pytest.mark.parametrize(
    ("stem", "most"),
    [
        ("arthur-conan-doyle_the-adventures-of-sherlock-holmes", 2),
        ("charles-dickens_great-expectations", 1),
        ("oscar-wilde_the-picture-of-dorian-gray", 0),
        ("saki_short-fiction", 0),
        ("mark-twain_the-adventures-of-huckleberry-finn", 0),
    ],
)
def test_few_letters_and_no_messages_in_prose(corpus_dir: Path, stem: str, most: int) -> None:
    work = build_book(corpus_dir, stem)
    found = written(work)
    print(f"{stem}: {len(found)} letters or messages")
    assert len(found) <= most
    assert not [b for b in found if b.kind == "message"]


def verse_lines(work: Work) -> set[str]:
    return {work.text[a:b] for bl in work.blocks if bl.kind == "verse" for a, b in bl.attrs["lines"]}


@pytest.mark.parametrize(
    "stem",
    [
        "agatha-christie_the-mysterious-affair-at-styles",  # a prescription set out as a list
        "agatha-christie_the-secret-adversary",  # a dedication in broken lines, letters' closings
        "arthur-conan-doyle_the-adventures-of-sherlock-holmes",  # closings of letters quoted in speech
        "jane-austen_pride-and-prejudice",
        "ernest-hemingway_the-sun-also-rises",
    ],
)
def test_books_without_verse_get_none(corpus_dir: Path, stem: str) -> None:
    work = build_book(corpus_dir, stem)
    found = [work.slice(b)[:60] for b in work.blocks if b.kind == "verse"]
    print(f"{stem}: verse {found}")
    assert not found


def test_posters_scripts_and_lists_are_not_verse_but_poems_are(corpus_dir: Path) -> None:
    huck = verse_lines(build_book(corpus_dir, "mark-twain_the-adventures-of-huckleberry-finn"))
    assert "Shaksperean Revival!!!" not in huck and "At the court house!" not in huck  # the show bills
    assert "And did young Stephen sicken," in huck and "Ode to Stephen Dowling Bots, Dec\u2019d" not in huck
    henry = build_book(corpus_dir, "o-henry_short-fiction")
    hv = verse_lines(henry)
    assert "Miss Lore" not in hv and "Mr. Penne" not in hv and "Clerk" not in hv  # play scripts
    assert "L. X. Wheat" not in hv  # a business card
    assert "The grist is ground," in hv and "Little Bo-Peep" in " ".join(hv)
    gatsby = verse_lines(build_book(corpus_dir, "f-scott-fitzgerald_the-great-gatsby"))
    assert "Bath every other day" not in gatsby and "Zelda" not in gatsby  # a schedule, a dedication
    assert "Your love belongs to me." in gatsby
    saki = build_book(corpus_dir, "saki_short-fiction")
    sv = verse_lines(saki)
    assert "\u201cCackle, cackle, little hen," in sv and "You and I will never quarrel.\u2019" in sv
    blocks = {
        n: len([b for b in w.blocks if b.kind == "verse"]) for n, w in (("henry", henry), ("saki", saki))
    }
    print(f"verse blocks: {blocks}")
    assert blocks["henry"] >= 30 and blocks["saki"] >= 18
