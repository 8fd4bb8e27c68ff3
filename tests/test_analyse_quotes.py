"""Quotation detection: which quoted stretches are someone speaking, on correct and restored text.

Measured on all LitBank excerpts (CC BY 4.0) as they are and after every typographic glyph is
destroyed into U+FFFD and restored, on the sample story against its hand annotation, on slices of
Standard Ebooks novels (restored against their own correct typography), and on small texts
written here for one rule each. Figures are printed (pytest -s).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ficpress import ingest, pipeline, restore
from ficpress.analyse import evaluate as ev
from ficpress.analyse import quotes as qt
from ficpress.model import Source, Work
from ficpress.restore.channel import prepare_clean

ANNOTATION = Path(__file__).parent / "fixtures" / "analysis" / "breaking-alone.annotation.json"


def _kinds(text: str) -> list[tuple[str, str]]:
    """(quoted stretch, speech | thought | mention) for a text with one paragraph a line."""
    return [(text[q.start : q.end], q.kind) for q in qt.detect(text, qt.paragraphs_of(text))]


def _speech(text: str) -> list[str]:
    return [s for s, k in _kinds(text) if k == "speech"]


def _as_result(found: list[qt.Quote]) -> dict:
    """Detected speech in the shape the scorers read (no speakers: detection alone is scored)."""
    quotes = [
        {"start": q.start, "end": q.end, "speaker": None, "addressees": [], "method": "", "type": ""}
        for q in found
        if q.kind == "speech"
    ]
    return {"quotes": quotes, "mentions": [], "characters": []}


# --------------------------------------------------------------------------- LitBank, all excerpts


@pytest.fixture(scope="module")
def litbank(corpus_dir: Path) -> list[ev.LitBankDoc]:
    return ev.load_litbank(corpus_dir / "litbank", editions=corpus_dir / "standardebooks")


def test_litbank_quotes_original_typography(litbank: list[ev.LitBankDoc]) -> None:
    total = ev.LitBankScore()
    for doc in litbank:
        total.add(ev.score_litbank(doc, _as_result(qt.detect(doc.text, doc.paragraphs))))
    print(
        f"\nLitBank {len(litbank)} excerpts, quote detection: precision {total.precision:.3f} "
        f"recall {total.recall:.3f} (gold {total.gold}, found {total.found}, matched {total.matched})"
    )
    assert total.gold > 1700
    assert total.recall >= 0.99
    assert total.precision >= 0.975


def test_litbank_quotes_after_glyph_damage_and_restore(litbank: list[ev.LitBankDoc]) -> None:
    total = ev.LitBankScore()
    for doc in litbank:
        broken = "".join("\ufffd" if c in ev.TYPOGRAPHY else c for c in doc.text)
        rest = restore.restore(Source(path=f"{doc.name}.txt", text=broken))
        found = qt.detect(rest.text, qt.paragraphs_of(rest.text))
        total.add(ev.score_litbank(doc, _as_result(found), offset_map=rest.offsets.to_source))
    print(
        f"\nLitBank {len(litbank)} excerpts damaged and restored, quote detection: precision "
        f"{total.precision:.3f} recall {total.recall:.3f} (gold {total.gold}, found {total.found})"
    )
    assert total.recall >= 0.99
    assert total.precision >= 0.97


# --------------------------------------------------------------------------- the sample


def test_sample_quotes_against_annotation(sample_path: Path) -> None:
    work = pipeline.load(sample_path)
    found = qt.detect(work.text, qt.paragraphs_of(work.text, work.blocks))
    work.analysis = _as_result(found)
    sc = ev.score_sample(work, ingest.read(sample_path).text, ev.load_annotation(ANNOTATION))
    print(
        f"\nsample Parts 1-3, quote detection: precision {sc.precision:.3f} recall {sc.recall:.3f} "
        f"({sc.matched}/{sc.gold_quotes}, found {sc.found_quotes})"
    )
    assert sc.recall == 1.0, sc.missed
    assert sc.precision == 1.0, sc.spurious


# --------------------------------------------------------------------------- Standard Ebooks


@pytest.mark.parametrize("book", ["jane-austen_pride-and-prejudice", "agatha-christie_the-secret-adversary"])
def test_restored_novel_agrees_with_its_correct_typography(corpus_dir: Path, book: str) -> None:
    """A slice of a novel with correct typography, destroyed and restored: the speech found in the
    restored text is the speech found in the original (no quotes lost or invented by the repair's
    guesses of single for double marks)."""
    # as a word processor would have saved it: no word joiners or hair spaces (see bench/analyse.py)
    lines = prepare_clean((corpus_dir / "standardebooks" / f"{book}.txt").read_text("utf-8")).split("\n")
    text = "\n".join(lines[len(lines) // 3 : len(lines) // 3 + 500])
    n, ref, got = ev.restored_quote_agreement(text, book)
    print(f"\n{book} (500 paragraphs) restored vs correct: precision {n / got:.3f} recall {n / ref:.3f}")
    assert ref > 300
    assert n / ref >= 0.99
    assert n / got >= 0.99


# --------------------------------------------------------------------------- one rule each


def test_a_thinking_verb_counts_only_in_the_tags_place() -> None:
    text = "\n".join(
        [
            "It was odd to hear the Rabbit say to itself, \u2018Oh dear! Oh dear! I shall be late!\u2019"
            " (when she thought it over afterwards, it seemed natural)",
            "\u201cThe darling!\u201d thought Newland Archer.",
            "\u201cWe\u2019ll read Faust together,\u201d he thought.",
            "\u201cFine.\u201d She thought about it for a while.",
            "\u201cI\u2019m the same kind of brute at bottom.\u201d He thought. Then he rose.",
            "\u201cI\u2019ll take a little trot around town,\u201d thought old Tom.",
            "Joe gave a reproachful cough, as much as to say, \u201cWell, I told you so.\u201d",
            "The portrait looked down upon them, seeming to say, \u201cBe happy. I am here.\u201d",
        ]
    )
    kinds = [k for _s, k in _kinds(text)]
    assert kinds == ["speech", "thought", "thought", "speech", "thought", "thought", "thought", "thought"]


def test_a_speech_verb_before_a_quote_counts_only_where_a_tag_stands() -> None:
    text = (
        "Prudence Cowley, known to her friends for some mysterious reason as \u201cTuppence.\u201d"
        " She pounced at once.\n"
        "\u201cFellars, he ain\u2019t here yet,\u201d he called. \u201cPut the hosses under the shed.\u201d\n"
        "He knelt and always called him \u201cYour Majesty,\u201d and waited on him.\n"
        "I explained, trembling; \u201cand\u2014and it was dark.\u201d\n"
        "He heard one of them whisper to the other, \u201cThat is Dorian Gray.\u201d"
    )
    assert _kinds(text) == [
        ("\u201cTuppence.\u201d", "mention"),
        ("\u201cFellars, he ain\u2019t here yet,\u201d", "speech"),
        ("\u201cPut the hosses under the shed.\u201d", "speech"),
        ("\u201cYour Majesty,\u201d", "mention"),
        ("\u201cand\u2014and it was dark.\u201d", "speech"),
        ("\u201cThat is Dorian Gray.\u201d", "speech"),
    ]


def test_words_not_said_and_words_said() -> None:
    """An apostrophe is not a closing mark: "didn't say" is not a tag resumed after a quotation."""
    text = (
        "She didn\u2019t say \u201cperhaps never,\u201d but each silently added it.\n"
        "If a door banged, Aunt Sally she jumped and said \u201couch!\u201d and went on.\n"
        "She was pleased to say \u2018good-by,\u2019 than anything else.\n"
        "I said to him \u201cgo away now\u201d and left.\n"
        "I was going to say \u201cno\u201d but stopped."
    )
    assert [k for _s, k in _kinds(text)] == ["mention", "speech", "mention", "speech", "mention"]


def test_tags_after_a_quote() -> None:
    text = (
        "And, \u201cJock dear,\u201d Emma McChesney said, \u201cyou\u2019ve still to learn.\u201d\n"
        "A telegram bespeaking a room \u201conly if not noisy,\u201d reply paid, was produced.\n"
        "\u201c\u2018Tis emblematic,\u201d said he mentally, and went on painting."
    )
    assert [k for _s, k in _kinds(text)] == ["speech", "speech", "mention", "thought"]


def test_captions_inscriptions_titles_and_phrases_are_not_speech() -> None:
    text = (
        "[Illustration: \u201cYou\u2019re a jealous blond,\u201d he said]\n"
        "\u201cTo James Mortimer, from his friends of the C.C.H.,\u201d was engraved upon it.\n"
        "From the turn of the inscription, \u201cAlso Georgiana Wife of the Above,\u201d I drew a"
        " conclusion.\n"
        "His mama had taken him home for a month or two, \u201con account of his delicate health.\u201d"
    )
    assert [k for _s, k in _kinds(text)] == ["mention"] * 4


def test_a_quote_after_an_earlier_one_in_its_paragraph_is_a_split_line() -> None:
    text = (
        "\u201cNow then,\u201d said Tommy, taking a large bite of bun, \u201clet\u2019s get up-to-date.\u201d\n"
        "\u201cAw,\u201d fleered Happy Jack, \u201che ain\u2019t any native son.\u201d\n"
        "\u201cBetsy\u201d (this was the cook), \u201cyou fly around and get him something to eat.\u201d"
    )
    second = [(s, k) for s, k in _kinds(text) if s[1:2].islower()]
    assert [k for _s, k in second] == ["speech"] * 3


def test_a_line_broken_off_by_a_dash() -> None:
    text = "\u201cEverybody will stay!\u201d\n\u201cI will\u201d \u2014 and \u201cI will!\u201d cried the ladies."
    assert [k for _s, k in _kinds(text)] == ["speech", "speech", "speech"]


def test_dashes_in_a_book_that_quotes_with_marks_are_not_dialogue() -> None:
    text = "\n".join(
        [
            "\u201cPoor Miss Taylor! I wish she were here again.\u201d",
            "-- Miss Taylor married. It was Miss Taylor\u2019s loss which first brought grief.",
            "\u201cA house of her own! This is three times as large.\u201d",
            "-- But where is the advantage of a house of her own? She could not tell.",
            "\u201cHow often we shall be going to see them!\u201d",
            "-- It was true that her friend was going only half a mile from them.",
        ]
    )
    assert all(s.startswith("\u201c") for s in _speech(text))


def test_dash_dialogue_inverted_tags_and_narration_after_a_tag() -> None:
    text = "\n".join(
        [
            "Stephen stood at the parapet.",
            "\u2014 That fellow I was with last night, said Buck Mulligan, says you are mad.",
            "\u2014 Our mighty mother! Buck Mulligan said. He turned abruptly his grey eyes to the sea.",
            "\u2014 They fit well enough, Stephen answered. Where is his guncase?",
            "Mulligan laughed.",
        ]
    )
    speech = _speech(text)
    assert speech[0] == "\u2014 That fellow I was with last night,"
    assert not any("turned abruptly" in s for s in speech)
    assert "Where is his guncase?" in speech


def test_single_quoted_dialogue_outvotes_a_stray_pair_of_double_marks() -> None:
    text = "\n".join(
        [
            "\u2018Morning, Mrs Gildea, a heavy mail for you!\u2019",
            "\u2018From Biddy at last!\u2019 she exclaimed.",
            "\u2018Business first.\u2019",
            "She read the \u201cBulletin\u201d through.",
            "\u2018H\u2019m!\u2019 she said.",
            "\u2018Well, Biddy, what now?\u2019 she asked. \u2018More proofs?\u2019",
            "\u2018Never mind,\u2019 she said at last.",
        ]
    )
    assert qt.quote_style(text) == "single"
    assert len(_speech(text)) == 7


def test_single_marks_for_lines_in_a_double_quoted_text() -> None:
    """What a repair's guesses leave: single marks for a line, a double line closed by a single mark;
    a nested quotation and an apostrophe are not lines of their own."""
    text = "\n".join(
        [
            "\u201cYes,\u201d said Mr. Woodhouse, \u201cthat is so.\u201d",
            "When this was over, Mr. Woodhouse observed, \u2018It is very kind of you to come.\u2019",
            "\u201cRalph,\u201d he said, \u201chave you any tobacco? If not, I\u2019 -- \u2018I have the weed,\u2019"
            " I replied. \u2018What then?\u2019",
            "\u201cTh\u2060\u2018thank you,\u2019 faltered Tuppence.",
            "\u201cHe told me, \u2018Go home.\u2019 And so I went,\u201d she said.",
            "The boys\u2019 room was empty, and the girls\u2019 too.",
        ]
    )
    assert _speech(text) == [
        "\u201cYes,\u201d",
        "\u201cthat is so.\u201d",
        "\u2018It is very kind of you to come.\u2019",
        "\u201cRalph,\u201d",
        "\u201chave you any tobacco? If not, I\u2019",
        "\u2018I have the weed,\u2019",
        "\u2018What then?\u2019",
        "\u201cTh\u2060\u2018thank you,\u2019",
        "\u201cHe told me, \u2018Go home.\u2019 And so I went,\u201d",
    ]


def test_a_line_whose_marks_the_repair_guessed_one_single_one_double() -> None:
    """A repair may guess a single mark for one end of a line and a double for the other: the
    line still runs from one to the other, and a double line that runs into the next line before a
    dash ends on its single mark there. A nested quotation at the start of a line stays nested, and a
    single mark that may close the single one keeps it a quotation inside the narration."""
    text = "\n".join(
        [
            "\u201cRalph,\u201d he said, \u201chave you ever an hundred and twenty pounds of tobacco in hand?"
            " If not, I\u2019 -- \u2018I have the weed,\u2019 I replied. \u2018What then?\u201d",
            "He told me that there was another river -- \u2018over there, short river, sweet water, red and"
            " blue.\u201d",
            "\u201c\u2018Darling Alfred\u2019\u2014\u2018dearest Alfred\u2019\u2014\u2018wicked lies\u2019"
            "\u2014to accuse her \u2018dear husband\u2019! So I\u2019m off.\u201d",
            "that I was the author of \u2018Cora with the lips of coral\u2019 and all the rest of them.\u201d",
        ]
    )
    assert _speech(text) == [
        "\u201cRalph,\u201d",
        "\u201chave you ever an hundred and twenty pounds of tobacco in hand? If not, I\u2019",
        "\u2018I have the weed,\u2019",
        "\u2018What then?\u201d",
        "\u2018over there, short river, sweet water, red and blue.\u201d",
        "\u201c\u2018Darling Alfred\u2019\u2014\u2018dearest Alfred\u2019\u2014\u2018wicked lies\u2019"
        "\u2014to accuse her \u2018dear husband\u2019! So I\u2019m off.\u201d",
    ]


def test_multi_paragraph_speech_still_runs_on() -> None:
    text = "\u201cI went down to the river,\n\u201cand there was nobody there at all.\u201d\nHe sat down."
    found = [q for q in qt.detect(text, qt.paragraphs_of(text)) if q.kind == "speech"]
    assert len(found) == 1 and found[0].last_paragraph == 1


def test_detection_on_an_empty_work() -> None:
    assert qt.detect("", []) == []
    work = Work(text="No quotes here at all.\n", blocks=[])
    assert qt.detect(work.text, qt.paragraphs_of(work.text)) == []


def test_a_writer_who_runs_lines_on_from_their_beats() -> None:
    """Fan fiction often drops the comma or stop between a beat and the line ('Spike sighed "Fine."');
    where a text does so line after line, a quotation glued to any beat that reads as a line is speech.
    The same glued quotation in edited prose stays a title or a term."""
    habit = [
        "Spike sighed \u201cFine.\u201d",
        "She cried \u201cI do need you, please.\u201d",
        "Willow whispered \u201cNo.\u201d",
        "Dawn yelled \u201cWait for me!\u201d",
        "Xander muttered \u201cGreat, just great.\u201d",
        "Anya said \u201cMoney is good.\u201d",
    ]
    lines = [
        "Buffy looked up \u201cHey Spike.\u201d",
        "\u201cYeah.\u201d Dawn slumped \u201cyou know that one?\u201d",
        "He grabbed her arm and shook her \u201cGot it?\u201d",
        "\u201cShh\u201d she stroked the back of his head.",
    ]
    terms = [
        "They were looking for a demon that had them all \u201cflummoxed\u201d as Giles put it.",
        "She remembered a song that had always called to her \u201cLiving my life in a slow hell.\u201d",
        "The crowd was singing the \u201cRed Flag,\u201d as they marched.",
    ]
    text = "\n".join(habit + lines + terms)
    kinds = dict(_kinds(text))
    assert [
        kinds[s]
        for s in (
            "\u201cHey Spike.\u201d",
            "\u201cyou know that one?\u201d",
            "\u201cGot it?\u201d",
            "\u201cShh\u201d",
        )
    ] == ["speech"] * 4
    assert [
        kinds[s]
        for s in (
            "\u201cflummoxed\u201d",
            "\u201cLiving my life in a slow hell.\u201d",
            "\u201cRed Flag,\u201d",
        )
    ] == ["mention"] * 3
    glued_title = "They came in the humbler but more convenient \u201cBrown Coupe.\u201d"
    edited = "\n".join(["\u201cHello,\u201d she said.", glued_title])
    assert dict(_kinds(edited))["\u201cBrown Coupe.\u201d"] == "mention"


def test_epigraph_with_its_source_is_not_speech() -> None:
    text = (
        "CHAPTER I.\n"
        '"Since I can do no good because a woman, Reach constantly at something that is near it.\n'
        "-- The Maid's Tragedy: BEAUMONT AND FLETCHER.\n"
        '"Come in," said Dorothea.\n'
        '"How often we shall be going to see them!\n'
        "-- We shall be always meeting!\n"
    )
    assert _speech(text) == ['"Come in,"', '"How often we shall be going to see them!']


def test_a_song_sung_is_a_title() -> None:
    text = (
        'He wished he had gone down to hear Fay Templeton sing "See-Saw."\nShe sang, "Hush now, my dear."\n'
    )
    assert _speech(text) == ['"Hush now, my dear."']


def _sentences(*lines: str) -> list[list[str]]:
    """LitBank's layout: one sentence a line, tokens between spaces."""
    return [line.split(" ") for line in lines]


def test_litbank_rebuild_turns_straight_marks_the_way_the_text_reads() -> None:
    sents = _sentences(
        '" Thrushcross Grange is my own , sir , " he interrupted , wincing . "',
        'I should not allow any one to inconvenience me -- walk in ! "',
        'The " walk in " expressed the sentiment , " Go to the Deuce : " even the gate moved not .',
        'He called , -- " Joseph , take Mr. Lockwood \'s horse . "',
    )
    text, _spans, _st, paras = ev._detok(sents)
    assert 'wincing. "I should not allow any one to inconvenience me -- walk in!"' in text
    assert '"Go to the Deuce:" even the gate' in text
    assert '-- "Joseph, take Mr. Lockwood\'s horse."' in text
    # the line after 'wincing.' stays in the paragraph; the narration after it starts the next one
    assert len(paras) == 2
    assert text[paras[0][0] : paras[0][1]].endswith('walk in!"')


def test_litbank_rebuild_sets_a_heading_on_its_own_line() -> None:
    sents = _sentences(
        'CHAPTER ONE PLAYING PILGRIMS " Christmas wo n\'t be Christmas without any presents , " grumbled Jo .'
    )
    text, _spans, _st, paras = ev._detok(sents)
    assert text.split("\n") == [
        "CHAPTER ONE PLAYING PILGRIMS",
        '"Christmas won\'t be Christmas without any presents," grumbled Jo.',
    ]
    assert len(paras) == 2


def test_italic_words_a_speech_verb_introduces_are_speech() -> None:
    """Gulliver's Travels as plain text marks italics with underscores: the Lilliputians' words."""
    text = (
        "One of them, who ventured so far as to get a full sight of my face, cried out in a shrill"
        " but distinct voice, _Hekinah degul_: the others repeated the same words several times.\n"
        "I heard one of them cry aloud _Tolgo phonac_; when in an instant I felt above a hundred arrows.\n"
        "When they saw the vessels in the air, there was a universal shout of _ Hekinah degul _.\n"
        "Some fell asleep, and she sat down and _cried_ when I told her. We read it in _The Times_.\n"
        "I heard a general shout, with frequent repetitions of the words _Peplom selan_; and I felt relief.\n"
        "The _hurgo_ (for so they call a great lord) withdrew."
    )
    assert _speech(text) == ["_Hekinah degul_", "_Tolgo phonac_", "_ Hekinah degul _"]


def test_a_stage_direction_in_brackets_splits_a_line() -> None:
    """Jane Eyre: the narrator's '(calling to his sisters)' is not John Reed's words; a speaker's own
    bracketed aside stays in the line."""
    text = (
        '"Lizzy! Georgy! (calling to his sisters) Joan is not here: tell mama she is run out into the'
        ' rain -- bad animal!"\n'
        '"Lydia was Colonel Forster\'s choice, (for many years an only child) and so it was," said she.'
    )
    assert _speech(text) == [
        '"Lizzy! Georgy!',
        'Joan is not here: tell mama she is run out into the rain -- bad animal!"',
        '"Lydia was Colonel Forster\'s choice, (for many years an only child) and so it was,"',
    ]


def test_a_colon_after_a_saying_verb_opens_a_line_in_dash_dialogue() -> None:
    """A Portrait of the Artist: 'Stephen had answered: Stephen Dedalus.' carries no dash."""
    text = (
        "He called the Friday pudding dog-in-the-blanket. And one day he had asked: -- What is your name?"
        " Stephen had answered: Stephen Dedalus. Then Nasty Roche had said: -- What kind of a name is"
        " that? And when Stephen had not been able to answer Nasty Roche had asked: -- What is your father?\n"
        "-- Goodbye, Stephen, goodbye!\n-- Goodbye, Stephen, goodbye!\n-- Goodbye, Stephen, goodbye!\n"
        "He had read: Dante knew a lot of things."
    )
    speech = _speech(text)
    assert speech[:4] == [
        "-- What is your name?",
        "Stephen Dedalus.",
        "-- What kind of a name is that?",
        "-- What is your father?",
    ]
    assert not any("Dante" in s for s in speech)


def test_words_introduced_as_a_saying_are_not_a_line() -> None:
    """Alice, Silas Marner, A Room with a View, Saki: 'all very well to say', 'can say', 'easy to say',
    'is to say' offer a saying; Great Expectations' 'made bold to say', Little Women's 'used to say' and
    Huckleberry Finn's 'would say' tell lines."""
    text = (
        "It was all very well to say \u2018Drink me,\u2019 but the wise little Alice was not going to do THAT.\n"
        'And then walk off as soon as you can say "Gee!"\n'
        "It was quite easy to say, \u201cBecause George Emerson has been bothering me.\u201d\n"
        "All you\u2019ve got to do is to say \u201cYes.\u201d\n"
        "I made bold to say, \u201cI am glad you enjoy it.\u201d\n"
        "Hannah used to say, \u201cI\u2019d know which each of them gardings belonged to.\u201d\n"
        "Miss Watson would say, \u201cDon't put your feet up there, Huckleberry;\u201d and I sat still."
    )
    assert _speech(text) == [
        "\u201cI am glad you enjoy it.\u201d",
        "\u201cI\u2019d know which each of them gardings belonged to.\u201d",
        "\u201cDon't put your feet up there, Huckleberry;\u201d",
    ]


def test_a_title_with_its_place_and_year_in_brackets_is_not_speech() -> None:
    """The Hound of the Baskervilles as restored: the repair gave Mortimer's paper double marks."""
    text = (
        "Author of \u201cSome Freaks of Atavism\u201d (Lancet 1882).\n"
        "\u201cDo We Progress?\u201d (Journal of Psychology, March, 1883). Medical Officer for Grimpen.\n"
        "\u201cDo we progress?\u201d (he was smiling) \u201cI doubt it.\u201d"
    )
    assert _speech(text) == ["\u201cDo we progress?\u201d", "\u201cI doubt it.\u201d"]


def test_a_line_resumed_after_narration_in_its_paragraph_is_speech() -> None:
    """Great Expectations: Biddy's words go on after a sentence of narration, in lower case; Oliver
    Twist: after a tag. Jane Eyre (LitBank's rebuild joins the paragraphs): a phrase that ends the
    narrator's own sentence is no line, though a line stands earlier in the paragraph."""
    text = (
        "\u201cAh, poor thing!\u201d replied Biddy. It was like her self-forgetfulness to transfer the remark"
        " to my sister, and to get up and be busy about her; \u201cthat\u2019s sadly true!\u201d\n"
        "\u201cAh!\u201d said Biddy, quite in a whisper, as she looked away at the ships. And then repeated,"
        " with her former pleasant change, \u201cshall we walk a little farther, or go home?\u201d\n"
        '"I want you to come here;" and seating himself in an arm-chair, he intimated by a gesture that'
        " I was to approach. He ought now to have been at school; but his mama had taken him home for a"
        ' month or two, "on account of his delicate health."'
    )
    speech = _speech(text)
    assert len(speech) == 5
    assert '"on account of his delicate health."' not in speech
    oliver = (
        "'Where did she come from?'\n'She was brought here last night,' replied the old woman, 'by the"
        " overseer's order. She was found lying in the street.'"
    )
    assert len(_speech(oliver)) == 3


def test_a_closing_mark_and_a_tag_with_no_opening_mark_end_a_line() -> None:
    """Alice as restored (its opening mark came back as a dash) and Dorian Gray with a paragraph
    break inside a line: a closing double mark followed by a tag ends a line all the same."""
    text = (
        "This time she found a little bottle on it, [\u2014which certainly was not here before,\u201d said"
        " Alice,) and round the neck of the bottle was a paper label.\n"
        'we shall all suffer for what the gods have given us, suffer terribly." "Dorian Gray?\n'
        'Is that his name?" asked Lord Henry, walking across the studio.\n'
        "He looked at the boys\u201d room and said nothing."
    )
    assert _speech(text) == [
        "which certainly was not here before,\u201d",
        '"Dorian Gray?\nIs that his name?"',
    ]


def test_a_line_tagged_mused_is_said_aloud() -> None:
    """'mused' tags lines spoken in a conversation far more often than silent thoughts (To Have and
    to Hold; The Mysterious Affair at Styles), unlike 'thought'."""
    text = (
        "He raised his quiet face to the evening star.\n"
        "\u201cBrave and wise and gentle,\u201d he mused.\n"
        "\u201cA coco-nut,\u201d mused Poirot. \u201cIt can neither be explained nor ignored.\u201d\n"
        "\u201cThe darling!\u201d thought Newland Archer."
    )
    assert [k for _s, k in _kinds(text)] == ["speech", "speech", "speech", "thought"]


def test_a_part_number_between_dashes_is_a_heading_not_a_line() -> None:
    """Ulysses opens with its part number between dashes; a stammered 'I' between dashes is a line."""
    text = (
        "\u2014 I \u2014 [1] Stately, plump Buck Mulligan came from the stairhead, bearing a bowl of lather.\n"
        "\u2014 I \u2014 I don\u2019t know, Stephen said. Where is the key?\n"
        "\u2014 Introibo ad altare Dei, he intoned.\n"
        "\u2014 II \u2014\n"
        "\u2014 You, Cochrane, what city sent for him?\n"
    )
    speech = _speech(text)
    assert not any("Stately" in s or s.startswith("\u2014 II") for s in speech)
    assert any(s.startswith("\u2014 I \u2014 I don\u2019t know,") for s in speech)
    assert "\u2014 You, Cochrane, what city sent for him?" in speech


def test_a_cry_named_as_a_sound_heard_is_speech() -> None:
    """A cry or a question the narration names ('hear a "me-yow!"', 'talked of "What ...?"') is words
    said; a term or a title in the same place stays a mention."""
    text = "\n".join(
        [
            "Directly I could just barely hear a \u201cme-yow! me-yow!\u201d down there.",
            "He had to give her up with a \u201cBless that girl, what a torment she is!\u201d and a clutch at"
            " his hair.",
            "Daily, on the library steps, the co-eds talked of \u201cWhat shall we do when we finish"
            " college?\u201d",
            "She went to a \u201cparty\u201d at the Hall and talked of \u201cthe season.\u201d",
        ]
    )
    assert _speech(text) == [
        "\u201cme-yow! me-yow!\u201d",
        "\u201cBless that girl, what a torment she is!\u201d",
        "\u201cWhat shall we do when we finish college?\u201d",
    ]


def test_a_line_whose_closing_mark_was_lost_before_an_inverted_tag() -> None:
    """'“A-huh! ejaculated Anson, dubiously.': the line ends at its exclamation, the tag and the
    narration after it are not speech, and the later closing mark ends the next line. Words of the
    line that read like a tag after a comma ('I say,', 'he said,') stay inside it."""
    text = "\n".join(
        [
            "\u201cA-huh! ejaculated Anson, dubiously. Then he turned abruptly. Moze, you an\u2019 Shady go"
            " wait outside.\u201d",
            "\u201cFire! yelled the man. He ran to the door.",
            "\u201cIt had happened some years then, he said, and you brought it into his mind.\u201d",
            "\u201cBarnes! I say, Barnes! Jacob Barnes!\u201d",
        ]
    )
    assert _speech(text) == [
        "\u201cA-huh!",
        "Moze, you an\u2019 Shady go wait outside.\u201d",
        "\u201cFire!",
        "\u201cIt had happened some years then, he said, and you brought it into his mind.\u201d",
        "\u201cBarnes! I say, Barnes! Jacob Barnes!\u201d",
    ]


def test_words_quoted_at_the_end_of_a_report_of_speech_are_speech() -> None:
    """'Mary said they were "full of lace."': the reported speaker's own words. A single word held
    up in a report, a passive report of talk, a verb that names, and a sentence that reports no
    speech keep the quotation a mention."""
    text = "\n".join(
        [
            "All her clothes were thin and floating, and Mary said they were \u201cfull of lace.\u201d",
            "Our guide told us that boats could go from there to our camp -- but \u201clong way -- all"
            " day.\u201d",
            "When his friends spoke of him, they usually said that he was at Geneva \u201cstudying.\u201d",
            "It was said of him that had he come later he might have \u201cdone extremely well.\u201d",
            "I asked the waiter, and he said it was called \u201cpaprika hendl with rice.\u201d",
            "She said nothing of her plan, to the disquiet of her mother, who looked anxious when"
            " \u201cgenius took to burning.\u201d",
        ]
    )
    assert _speech(text) == ["\u201cfull of lace.\u201d", "\u201clong way -- all day.\u201d"]


def test_a_single_mark_after_a_dash_that_only_the_double_one_closes_starts_the_next_line() -> None:
    """What a repair left of '“... simpatico” -- then after an interlude filled by the clergyman --
    “but my mood -- is -- oddly dissimilar.”': the first line's closing mark lost (here to an
    ellipsis) and the second's opening guessed single. The single mark opens the second line; a
    nested quotation closed by its own mark stays inside its line."""
    text = "\n".join(
        [
            "\u201cAh, Bishop Wiston,\u201d she would declare, \u201cI can imagine the women fluttering at"
            " your doors, beseeching you to be simpatico\u2026 -- then after an interlude filled by the"
            " clergyman -- \u2018but my mood -- is -- oddly dissimilar.\u201d",
            "\u201cShe wrote -- \u2018I planned to ask Jo,\u2019 and that was all.\u201d",
        ]
    )
    assert _speech(text) == [
        "\u201cAh, Bishop Wiston,\u201d",
        "\u201cI can imagine the women fluttering at your doors, beseeching you to be simpatico\u2026 --"
        " then after an interlude filled by the clergyman --",
        "\u2018but my mood -- is -- oddly dissimilar.\u201d",
        "\u201cShe wrote -- \u2018I planned to ask Jo,\u2019 and that was all.\u201d",
    ]


def test_a_quotation_opening_with_an_interjection_is_a_voice() -> None:
    """'"oh, some time soon now"', 'a demure "Yes" or "No,"': an interjection is said, not a term;
    a song or a title named as such stays a mention."""
    text = "\n".join(
        [
            'He kept promising Anthony hunting trips and excursions to Atlantic City, "oh, some time soon'
            ' now"; but none of them ever materialized.',
            "Each and all were answered by a smile, a bow, and a demure \u201cYes\u201d or \u201cNo,\u201d with"
            " the chill on.",
            "The orchestra on the stage is playing \u201cOh, Rachel.\u201d",
            "The song was called \u201cOh, Susanna\u201d and everyone knew it.",
        ]
    )
    assert _speech(text) == ['"oh, some time soon now"', "\u201cYes\u201d", "\u201cNo,\u201d"]


def test_words_pledged_and_quoted_in_the_clause_that_reports_them_are_speech() -> None:
    """'the assurance, so consolatory to the smarting urchin, that "he would remember it ..."': the
    pledge is the speaker's own words, even after a quoted phrase earlier in the paragraph."""
    text = (
        "All this he called \u201cdoing his duty by their parents;\u201d and he never inflicted a chastisement"
        " without following it by the assurance, so consolatory to the smarting urchin, that \u201che would"
        " remember it and thank him for it the longest day he had to live.\u201d"
    )
    assert _kinds(text) == [
        ("\u201cdoing his duty by their parents;\u201d", "mention"),
        (
            "\u201che would remember it and thank him for it the longest day he had to live.\u201d",
            "speech",
        ),
    ]


def test_guessed_marks_inside_a_line_that_quotes_others_stay_nested() -> None:
    """A line that quotes someone in single marks, two of whose marks a repair guessed double: the
    single marks after it are nested quotations, not a line of their own; and an unclosed quotation
    that runs on for sentences is no phrase finishing a report of speech."""
    text = "\n".join(
        [
            "\u201cHe says, \u2018Yes, yes, all right.\u2019 \u2018You\u2019re a good creetur,\u201d he says,"
            " \u2018don\u2019t leave me, whatever you do, and thank you!\u201d",
            "That there Mrs. Smithers told me this mornin\u2019 she was taking \u2019ome the \u201cebdomadal"
            " washing. Just because \u2019er \u2019usband took in the Century Dictionary there\u2019s no"
            " \u2019olding with her.",
        ]
    )
    assert _speech(text) == [
        "\u201cHe says, \u2018Yes, yes, all right.\u2019 \u2018You\u2019re a good creetur,\u201d",
    ]
