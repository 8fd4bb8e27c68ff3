"""Restore where the fitting books are silent: spaced dashes, dash dialogue, marks prose never writes.

The texts are made up; each is destroyed the way a Windows-1252 file read as UTF-8 is (every
typographic character one U+FFFD) and must come back as written.
"""

from __future__ import annotations

from ficpress.model import Restoration, Source
from ficpress.restore import restore

TYPOGRAPHY = "\u201c\u201d\u2018\u2019\u2014\u2013\u2026"


def _destroy(text: str) -> str:
    return "".join("\ufffd" if c in TYPOGRAPHY else c for c in text)


def _run(text: str) -> Restoration:
    return restore(Source(path="t.txt", text=text))


def _wrong(clean: str) -> list[tuple[str, str, str]]:
    """(expected, restored, context) at every destroyed position the restore got wrong."""
    damaged = _destroy(clean)
    result = _run(damaged)
    by = {r.source_start: r.replacement for r in result.repairs}
    out = []
    for i, c in enumerate(clean):
        if c in TYPOGRAPHY and by.get(i) != c:
            out.append((c, by.get(i, ""), clean[max(0, i - 20) : i + 20]))
    return out


DASH_DIALOGUE = """The morning was bright over the water, and the tower stood grey against it.
\u2014 Come up, Kinch! he called down the stairs. Come up, you fearful jesuit!
Stephen climbed slowly, resting his hand on the cold stone of the wall.
\u2014 Back to the house, he said sternly. The old woman will be waiting for us.
\u2014 Is she there now? Stephen asked.
\u2014 She is, and she has the milk with her. Hurry now.
He turned and went down, whistling a tune that the wind took from him at once.
\u2014 Tell me, Mulligan, Stephen said quietly. How long is he staying here?
\u2014 Ask him yourself, Mulligan answered, and laughed at the sea.
"""


def test_dash_dialogue_document_opens_its_paragraphs_with_dashes() -> None:
    wrong = _wrong(DASH_DIALOGUE)
    print(f"dash dialogue: {len(wrong)} wrong of {DASH_DIALOGUE.count(chr(0x2014))}: {wrong}")
    assert not wrong


def test_quote_dialogue_document_keeps_its_quotes() -> None:
    """The dash rule must not take a paragraph-opening quote whose closer is in the same paragraph."""
    text = (
        "\u201cCome up here at once!\u201d he called. \u201cThe milk is waiting for us.\u201d\n"
        "\u201cI am coming,\u201d Stephen said, and climbed the stairs.\n"
        "\u201cWhere is he now?\u201d she asked when they sat down.\n"
        "\u201cDown at the water,\u201d he said. \u201cHe will not come back before noon.\u201d\n"
    )
    wrong = _wrong(text)
    print(f"quote dialogue: {wrong}")
    assert not wrong


SPACED = """She looked at the letter for a long time \u2014 longer than she meant to \u2014 and put it down.
The customs of the house were strange \u2014 in the south, I thought, they must be different.
He had a habit of biting his lower lip \u2014 a habit which had made his mother despair.
"""


def test_spaced_dash_is_a_dash_not_a_times_sign() -> None:
    wrong = _wrong(SPACED)
    restored = _run(_destroy(SPACED)).text
    print(f"spaced dashes: {wrong}")
    assert "\u00d7" not in restored
    assert not wrong


def test_dash_after_colon_opens_speech() -> None:
    text = "He lifted the bowl and intoned: \u2014 Come up, all of you! It is late.\n"
    restored = _run(_destroy(text)).text
    print(f"after a colon: {restored!r}")
    assert restored == text


def test_times_sign_kept_between_figures() -> None:
    """Where figures stand around it the multiplication sign is what the books write."""
    damaged = "The room was 4 \ufffd 5 yards, and the window 2 \ufffd 3 feet.\n"
    restored = _run(damaged).text
    print(f"figures: {restored!r}")
    assert "\u00d7" in restored


def test_no_superscript_for_an_opening_quote() -> None:
    """¹ is in the fitting books only in fractions; before a word in prose it is never right."""
    text = (
        "I remember the whole beginning as a succession of flights and drops.\n"
        "\u201cHe is a gentleman,\u201d she said to me, and then she went on with it.\n"
    )
    restored = _run(_destroy(text)).text
    print(f"opening quote: {restored!r}")
    assert not any(c in restored for c in "\u00b9\u00b2\u00b3\u00d7")


def test_short_quote_opened_mid_sentence_closes_with_a_quote() -> None:
    """A quote opened mid-sentence and ended a few words on is a closing mark, not an ellipsis,
    and the dialogue opened after it is not taken for a nested single quote."""
    text = (
        "He asked many questions after \u201cpoor Isabella\u201d and her children, and was answered "
        "most satisfactorily. Then the old man observed, \u201cIt is very kind of you to come out at "
        "this late hour. You must have had a shocking walk.\u201d\n"
    )
    wrong = _wrong(text)
    print(f"short quote: {wrong}")
    assert not wrong


def test_lone_letter_takes_the_apostrophe() -> None:
    """After a lone letter that is no word the books write ’ (s’I, m’m), not a dash between words."""
    text = (
        "\u201cDon\u2019t tell me, s\u2019I; there wuz help, s\u2019I; and a plenty of it, s\u2019I.\u201d\n"
        "\u201cYes, m\u2019m,\u201d said the girl, and went out.\n"
    )
    wrong = _wrong(text)
    print(f"lone letter: {wrong}")
    assert not wrong


def test_truncated_word_keeps_its_apostrophe() -> None:
    """After a word that is a common word less its last letters (ha’ for had, giv’ for give) the
    books write ’, not the trailing-off ellipsis they write after other words."""
    text = "\u201cYou might ha\u2019 done worse, and she giv\u2019 him up,\u201d said Joe.\n"
    wrong = _wrong(text)
    print(f"truncated words: {wrong}")
    assert not wrong
