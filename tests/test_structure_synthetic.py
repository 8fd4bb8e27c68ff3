"""Structure on small texts made for each convention: heading forms, end markers, dividers, notes, inline marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficpress import ingest, restore, structure
from ficpress.model import Block, Chapter, Repair, Restoration, Source, Span, Work

PROSE = (
    "She walked into the room and looked around for her friend.\n"
    "Nobody was there, and the lamp on the desk was still warm.\n"
    '"Hello?" she called, and waited for an answer that never came.\n'
)


def build(text: str) -> Work:
    """Structure a text as plain-text ingest would hand it over (no damage, no repairs)."""
    work = structure.build(Source(path="story.txt", text=text), Restoration(text))
    assert work.text == text
    return work


def kinds(work: Work, kind: str) -> list[str]:
    return [work.slice(b) for b in work.blocks if b.kind == kind]


def paragraphs(work: Work) -> list[str]:
    return kinds(work, "paragraph")


# --------------------------------------------------------------------------- headings


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Chapter 3", "Chapter 3"),
        ("Chapter Three: The Long Night", "Chapter Three: The Long Night"),
        ("CHAPTER 3", "Chapter 3"),
        ("Part 5.", "Part 5"),
        ("Part2", "Part 2"),
        ("Part IV", "Part IV"),
        ("Chapter XII - Storm", "Chapter XII: Storm"),
        ("~Chapter 7~", "Chapter 7"),
        ("Chapter twenty-one", "Chapter Twenty-One"),
        ("(2/5)", "Chapter 2"),
        ("Chapter 2 (2/5)", "Chapter 2"),
        ("Prologue", "Prologue"),
        ("Epilogue", "Epilogue"),
        ("Epilogue: Ten Years Later", "Epilogue: Ten Years Later"),
    ],
)
def test_heading_forms(heading: str, title: str) -> None:
    text = f"Chapter 1\n{PROSE}\n{heading}\n{PROSE}"
    work = build(text)
    assert [c.title for c in work.chapters] == ["Chapter 1", title]
    ch = work.chapters[1]
    assert work.text[ch.heading_start : ch.heading_end] == heading  # the block keeps the original
    assert kinds(work, "heading")[-1] == heading
    assert heading not in paragraphs(work)


@pytest.mark.parametrize(
    "line",
    [
        "Part of her wanted to stay, but she knew better.",
        "Chapter 1 was the best thing she had ever read, she said.",
        "Prologues bore me.",
        "Book me a table for two.",
        "Act 2 of the play went badly and everyone knew it by the interval.",
    ],
)
def test_sentences_are_not_headings(line: str) -> None:
    work = build(f"{PROSE}{line}\n{PROSE}")
    assert len(work.chapters) == 1
    assert line in paragraphs(work)


def test_implicit_first_chapter_follows_later_numbering() -> None:
    work = build(f"{PROSE}\nChapter 2\n{PROSE}\nChapter 3\n{PROSE}")
    assert [c.title for c in work.chapters] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    assert work.chapters[0].implicit and work.chapters[0].start == 0


def test_fraction_headings_set_expected_count() -> None:
    work = build(f"(1/5)\n{PROSE}\n(2/5)\n{PROSE}")
    assert [c.title for c in work.chapters] == ["Chapter 1", "Chapter 2"]
    assert work.meta.chapters_expected == 5


def test_prologue_and_epilogue_chapters() -> None:
    work = build(f"Prologue\n{PROSE}\nChapter 1\n{PROSE}\nChapter 2\n{PROSE}\nEpilogue\n{PROSE}")
    assert [c.title for c in work.chapters] == ["Prologue", "Chapter 1", "Chapter 2", "Epilogue"]


def test_bare_numbers_are_headings_only_in_sequence() -> None:
    work = build(f"1\n{PROSE}\n2\n{PROSE}\n3\n{PROSE}")
    assert [c.title for c in work.chapters] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    lone = build(f"{PROSE}\n7\n{PROSE}")
    assert len(lone.chapters) == 1


def test_no_heading_is_one_chapter_named_after_the_title() -> None:
    work = build(f"A Quiet Night\n\n{PROSE}{PROSE}")
    assert work.meta.title == "A Quiet Night"
    assert [c.title for c in work.chapters] == ["A Quiet Night"]
    assert kinds(work, "front_matter") == ["A Quiet Night"]


def test_title_with_author() -> None:
    work = build(f"The Long Road by Jane Doe\n\n{PROSE}")
    assert work.meta.title == "The Long Road" and work.meta.authors == ["Jane Doe"]


def test_first_line_that_is_story_is_not_a_title() -> None:
    work = build(f"{PROSE}{PROSE}")
    assert work.meta.title == "story" and work.meta.title_confidence < 0.5
    assert not kinds(work, "front_matter")


# --------------------------------------------------------------------------- end markers


@pytest.mark.parametrize(
    "marker",
    [
        "End Part 1",
        "End Part1",
        "End part 1",
        "End Part 1.",
        "TBC",
        "To be continued...",
        "The End",
        "Fin",
        "~Fin~",
    ],
)
def test_end_markers_close_a_chapter(marker: str) -> None:
    work = build(f"Part 1\n{PROSE}\n{marker}\n\nPart 2\n{PROSE}")
    assert kinds(work, "end_marker") == [marker]
    assert marker not in paragraphs(work)
    end = next(b for b in work.blocks if b.kind == "end_marker")
    assert end.attrs["closes"] == 0
    assert work.chapters[0].start <= end.start < work.chapters[0].end
    assert [c.title for c in work.chapters] == ["Part 1", "Part 2"]


def test_end_marker_names_the_unlabelled_first_part() -> None:
    work = build(f"{PROSE}\nEnd Part 1.\n\nPart 2\n{PROSE}")
    assert work.chapters[0].title == "Part 1" and work.chapters[0].implicit


def test_story_after_an_end_marker_without_heading_opens_a_chapter() -> None:
    work = build(f"Chapter 1\n{PROSE}\nTBC\n\n{PROSE}")
    assert [c.title for c in work.chapters] == ["Chapter 1", "Chapter 2"]
    assert work.chapters[1].implicit


@pytest.mark.parametrize("line", ["End of the day, she thought.", "Fine.", "Endless rain fell."])
def test_words_like_end_markers_are_prose(line: str) -> None:
    work = build(f"{PROSE}{line}\n{PROSE}")
    assert line in paragraphs(work)
    assert not kinds(work, "end_marker")


# --------------------------------------------------------------------------- scene breaks


@pytest.mark.parametrize(
    "glyph", ["***", "* * *", "~*~", "-=-=-", "#", "xXx", "oOo", "-o0o-", "~LB~", "~~~~"]
)
def test_divider_lines_are_scene_breaks(glyph: str) -> None:
    for sep in ("\n", "\n\n"):
        work = build(f"{PROSE}{sep}{glyph}{sep}{PROSE}")
        breaks = [b for b in work.blocks if b.kind == "scene_break"]
        assert [b.attrs["glyph"] for b in breaks] == [glyph]
        assert len(work.scenes) == 2
        assert glyph not in paragraphs(work)


def test_blank_line_is_a_scene_break_when_paragraphs_use_single_newlines() -> None:
    work = build(f"{PROSE}{PROSE}\n{PROSE}")
    breaks = [b for b in work.blocks if b.kind == "scene_break"]
    assert len(breaks) == 1 and breaks[0].attrs["glyph"] == ""
    assert work.text[breaks[0].start : breaks[0].end].strip() == ""
    assert len(work.scenes) == 2
    assert work.meta.raw["structure"]["paragraph_habit"] == "single-newline"


def test_blank_line_is_not_a_scene_break_when_paragraphs_use_blank_lines() -> None:
    paras = PROSE.replace("\n", "\n\n")
    work = build(paras * 3)
    assert not [b for b in work.blocks if b.kind == "scene_break"]
    assert len(paragraphs(work)) == 9
    assert work.meta.raw["structure"]["paragraph_habit"] == "blank-line"
    # A wider gap is the break there.
    work = build(paras * 2 + "\n\n" + paras * 2)
    assert len([b for b in work.blocks if b.kind == "scene_break"]) == 1


def test_hard_wrapped_paragraphs_join_and_are_not_verse() -> None:
    para = (
        "The rain had not stopped for three days, and the river was\n"
        "rising faster than anyone in the village could remember. The\n"
        "old men stood on the bridge and argued about the last flood.\n"
    )
    work = build((para + "\n") * 6)
    assert len(paragraphs(work)) == 6 and not kinds(work, "verse")
    assert paragraphs(work)[0] == para.strip()


def test_pov_header_is_a_scene_break() -> None:
    work = build(f"{PROSE}\nSpike's POV\n{PROSE}")
    br = [b for b in work.blocks if b.kind == "scene_break"]
    assert br[-1].attrs["pov"] == "Spike" and br[-1].attrs["glyph"] == "Spike's POV"


# --------------------------------------------------------------------------- verse


SONG = "Hold me close and hold me fast\nThe magic spell you cast\nThis is la vie en rose\n"


def test_unquoted_song_between_prose_is_verse() -> None:
    work = build(f"{PROSE}\n{SONG}\n{SONG}\n{PROSE}")
    verse = [b for b in work.blocks if b.kind == "verse"]
    assert len(verse) == 2 and all(len(b.attrs["lines"]) == 3 for b in verse)
    assert not [b for b in work.blocks if b.kind == "scene_break"]  # stanza breaks are not scene breaks


def test_quoted_song_with_narration_between_stanzas() -> None:
    text = (
        f"{PROSE}"
        '"Hold me close and hold me fast\n'
        "The magic spell you cast\n"
        'This is la vie en rose" she sang into the spoon.\n'
        "He stood in the doorway and smiled at her\n"
        '"When you kiss me heaven sighs\n'
        "And though I close my eyes\n"
        'I see la vie en rose"\n'
        f"{PROSE}"
    )
    work = build(text)
    verse = [b for b in work.blocks if b.kind == "verse"]
    assert len(verse) == 2
    assert "He stood in the doorway and smiled at her" in paragraphs(work)


def test_poem_in_blank_line_text() -> None:
    paras = PROSE.replace("\n", "\n\n")
    work = build(f"{paras}{SONG}\n{paras}")
    assert len(kinds(work, "verse")) == 1


def test_short_dialogue_lines_are_not_verse() -> None:
    text = (
        PROSE
        + '"Spike." She looked at him\n"Talk to me?" he begged\n"No." she said.\n"Fine." he said.\n'
        + PROSE
    )
    work = build(text)
    assert not kinds(work, "verse")


# --------------------------------------------------------------------------- flashbacks


def test_flashback_marked_at_both_ends() -> None:
    work = build(f"{PROSE}#Flashback#\n{PROSE}#End Flashback#\n{PROSE}")
    fb = [s for s in work.spans if s.kind == "flashback"]
    assert len(fb) == 1 and work.slice(fb[0]) == PROSE.strip()
    assert kinds(work, "marker") == ["#Flashback#", "#End Flashback#"]


def test_flashback_with_only_its_start_marked_ends_with_the_scene() -> None:
    work = build(f"{PROSE}\n~Flashback~\n{PROSE}\n***\n{PROSE}")
    fb = [s for s in work.spans if s.kind == "flashback"]
    assert len(fb) == 1 and work.slice(fb[0]) == PROSE.strip() and fb[0].attrs["inferred"] == "end"


# --------------------------------------------------------------------------- inline marks


def test_underscore_emphasis_and_asterisk_thought() -> None:
    work = build("She was _very_ sure of it. *I can do this, I know I can.* She went in.\n" + PROSE)
    em = [(s.kind, work.slice(s), s.attrs["marker"]) for s in work.spans]
    assert ("emphasis", "very", "_") in em
    assert ("thought", "I can do this, I know I can.", "*") in em


def test_slashes_and_colons() -> None:
    work = build(
        "He said /I hate this place/ and/or that it was 24/7. :Can you hear me?: she sent.\n" + PROSE
    )
    got = {(work.slice(s), s.attrs["marker"]) for s in work.spans}
    assert ("I hate this place", "/") in got
    assert ("Can you hear me?", ":") in got
    assert all("24" not in t for t, _ in got)


def test_markers_in_dividers_are_not_spans() -> None:
    work = build(f"{PROSE}\n* * *\n\n{PROSE}")
    assert not work.spans


# --------------------------------------------------------------------------- notes


def test_author_notes_and_disclaimer() -> None:
    text = (
        "Disclaimer: I don't own Buffy.\n"
        "A/N: This is my first fic, be nice!\n\n"
        f"Chapter 1\n{PROSE}"
        "A/N: I hope you liked it, please review!\n\n"
        f"Chapter 2\n{PROSE}"
        "Author's note: more soon.\n"
    )
    work = build(text)
    notes = [(work.slice(b), b.attrs["role"]) for b in work.blocks if b.kind == "note"]
    assert notes == [
        ("Disclaimer: I don't own Buffy.", "disclaimer"),
        ("A/N: This is my first fic, be nice!", "head"),
        ("A/N: I hope you liked it, please review!", "end"),
        ("Author's note: more soon.", "end"),
    ]
    assert work.meta.disclaimer == "Disclaimer: I don't own Buffy."
    assert work.chapters[0].start == 0  # head notes belong to the first chapter
    assert [c.title for c in work.chapters] == ["Chapter 1", "Chapter 2"]


def test_unlabelled_last_line_to_readers_is_an_end_note() -> None:
    work = build(f"{PROSE}{PROSE}\nThanks for reading! Sorry this fic took so long, please review.\n")
    assert work.blocks[-1].kind == "note" and work.blocks[-1].attrs["role"] == "end"
    story = build(f"{PROSE}{PROSE}\nShe closed the door behind her and never looked back.\n")
    assert story.blocks[-1].kind == "paragraph"


# --------------------------------------------------------------------------- offsets, header, structured sources


def test_header_block_is_front_matter(tmp_path: Path) -> None:
    p = tmp_path / "fic.txt"
    p.write_text(f"Title: Night Watch\nAuthor: Someone\nRating: T\n\n{PROSE}\n{PROSE}", encoding="utf-8")
    source = ingest.read(p)
    work = structure.build(source, restore.restore(source))
    assert work.meta.title == "Night Watch"
    fm = kinds(work, "front_matter")
    assert fm[:2] == ["Title: Night Watch", "Author: Someone"]
    assert all(b.start >= work.chapters[0].start for b in work.blocks if b.kind != "front_matter")


def test_structured_source_is_mapped_through_repairs() -> None:
    # Source "A\ufffdb" -> text "A...b": every later offset shifts by 2.
    src = "Chapter 1\nA\ufffdb *I know it.*\n***\nEnd.\n"
    text = "Chapter 1\nA\u2026b *I know it.*\n***\nEnd.\n"
    text = text.replace("\u2026", "...")
    rep = Repair(11, 14, 11, 12, "\ufffd", "...", 0.9, False, "test")
    blocks = []
    pos = 0
    for i, line in enumerate(src.split("\n")[:-1]):
        blocks.append(Block("heading" if i == 0 else "paragraph", pos, pos + len(line)))
        pos += len(line) + 1
    source = Source(
        path="x.html",
        text=src,
        blocks=blocks,
        chapters=[Chapter(1, "Chapter 1", 0, len(src), heading_start=0, heading_end=9)],
        spans=[Span("emphasis", 10, 11)],
        structured=True,
    )
    work = structure.build(source, Restoration(text, [rep]))
    assert [work.slice(b) for b in work.blocks] == ["Chapter 1", "A...b *I know it.*", "***", "End."]
    assert [b.kind for b in work.blocks] == ["heading", "paragraph", "scene_break", "paragraph"]
    assert work.chapters[0].end == len(text)
    th = [s for s in work.spans if s.kind == "thought"]
    assert [work.slice(s) for s in th] == ["I know it."]
    assert len(work.scenes) == 2


def test_offsets_map_to_source_lines_on_damaged_text() -> None:
    src = "Part 1\nShe said \ufffdno\ufffd and left.\n\nShe came back.\nPart 2\nMore.\n"
    source = Source(path="s.txt", text=src)
    work = structure.build(source, restore.restore(source))
    assert [c.title for c in work.chapters] == ["Part 1", "Part 2"]
    for b in work.blocks:
        assert work.text[b.start : b.end] == work.text[b.start : b.end].strip() or b.kind == "scene_break"


def test_title_line_under_a_heading_names_the_chapter() -> None:
    work = build(f"Chapter 1\nThe Beginning\n\n{PROSE}\nChapter 2\n{PROSE}")
    assert [c.title for c in work.chapters] == ["Chapter 1: The Beginning", "Chapter 2"]
    ch = work.chapters[0]
    assert work.text[ch.heading_start : ch.heading_end] == "Chapter 1\nThe Beginning"
    assert "The Beginning" not in paragraphs(work)
    # A story line under the heading stays story.
    work = build(f"Chapter 1\nShe ran.\n\n{PROSE}\nChapter 2\n{PROSE}")
    assert work.chapters[0].title == "Chapter 1" and "She ran." in paragraphs(work)


@pytest.mark.parametrize(
    ("line", "inner", "kind"),
    [
        ("It *is* right, isn't it?", "is", "emphasis"),
        ("You are not *her* and never will be.", "her", "emphasis"),
        ("*yeah* But she could not say it.", "yeah", "thought"),
        ('"Are you well?" *ponce* he called himself.', "ponce", "thought"),
        ("Buffy frowned. *Am I that bad a friend?* She smiled.", "Am I that bad a friend?", "thought"),
        ("She nodded *of course Buffy would remember that part* and laughed.", None, "thought"),
    ],
)
def test_thought_or_emphasis_by_length_and_context(line: str, inner: str | None, kind: str) -> None:
    work = build(line + "\n" + PROSE)
    (span,) = [s for s in work.spans if s.kind in ("thought", "emphasis")]
    assert span.kind == kind
    if inner is not None:
        assert work.slice(span) == inner


def test_unlabelled_chapter_end_note_and_story_that_mentions_chapters() -> None:
    paras = PROSE.replace("\n", "\n\n")
    text = (
        f"Chapter 1\n\n{paras}Please review! Chapter 2 will be up soon, I promise.\n\n"
        f"Chapter 2\n\n{paras}She read the story again, chapter by chapter, until the candle died.\n"
    )
    work = build(text)
    notes = [(work.slice(b), b.attrs["role"]) for b in work.blocks if b.kind == "note"]
    assert notes == [("Please review! Chapter 2 will be up soon, I promise.", "end")]
    assert work.blocks[-1].kind == "paragraph"


@pytest.mark.parametrize(
    "lines",
    [
        '"Hey"\n"Hi"\n"What\'s up"\n"Nothing much"\n',
        "Buffy: hey where are you\nWillow: at the library\nBuffy: ok see you soon\n",
        "Yes\nNo\nMaybe\n",
    ],
)
def test_clipped_dialogue_and_chat_are_not_verse(lines: str) -> None:
    work = build(PROSE + lines + PROSE)
    assert not kinds(work, "verse")


def test_punctuated_poem_is_verse() -> None:
    poem = "Roses are red, my love,\nViolets are blue,\nSugar is sweet, they say,\nAnd so are you.\n"
    work = build(f"{PROSE}\n{poem}\n{PROSE}")
    assert len(kinds(work, "verse")) == 1


def test_html_through_the_pipeline(tmp_path: Path) -> None:
    p = tmp_path / "story.html"
    p.write_text(
        "<html><head><title>Night Watch</title></head><body><h1>Night Watch</h1>"
        "<h2>Chapter 1</h2><p>She walked in. *I can do this.* She sat.</p><p>~*~</p>"
        "<p>He waited by the door, as he always did.</p>"
        "<h2>Chapter 2</h2><p>The next morning was grey.</p><p>#End Flashback#</p><p>Later she went home.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    from ficpress import pipeline

    work = pipeline.load(p)
    assert [c.title for c in work.chapters] == ["Chapter 1", "Chapter 2"]
    assert [work.slice(s) for s in work.spans if s.kind == "thought"] == ["I can do this."]
    assert any(b.kind == "scene_break" for b in work.blocks)
    assert kinds(work, "marker") == ["#End Flashback#"]
    fb = [s for s in work.spans if s.kind == "flashback"]
    assert [work.slice(s) for s in fb] == ["The next morning was grey."]
    assert len([s for s in work.scenes if s.chapter == 0]) == 2


@pytest.mark.parametrize(
    ("second", "first"), [("Part II", "Part I"), ("Chapter Two", "Chapter One"), ("Part2", "Part 1")]
)
def test_implicit_first_chapter_is_numbered_like_the_next(second: str, first: str) -> None:
    work = build(f"{PROSE}\n{second}\n{PROSE}")
    assert work.chapters[0].title == first and work.chapters[0].implicit


HEADER_WITH_NOTES = (
    "Title: Night Watch\n"
    "Author: Someone\n"
    "Disclaimer: The characters belong to Joss Whedon.\n"
    "No money is being made.\n"
    "Rating: T\n"
    "A/N: Written for a challenge.\n"
    "Summary: Willow keeps watch.\n"
    "\n"
)


def test_header_disclaimer_and_author_note_are_notes(tmp_path: Path) -> None:
    p = tmp_path / "fic.txt"
    p.write_text(HEADER_WITH_NOTES + f"{PROSE}\n{PROSE}", encoding="utf-8")
    source = ingest.read(p)
    work = structure.build(source, restore.restore(source))
    notes = [(work.slice(b), b.attrs["role"]) for b in work.blocks if b.kind == "note"]
    assert notes == [
        ("Disclaimer: The characters belong to Joss Whedon.\nNo money is being made.", "disclaimer"),
        ("A/N: Written for a challenge.", "head"),
    ]
    assert kinds(work, "front_matter") == [
        "Title: Night Watch",
        "Author: Someone",
        "Rating: T",
        "Summary: Willow keeps watch.",
    ]
    # The header (its notes included) is the work's front matter: the story starts the first chapter.
    assert work.text[work.chapters[0].start :].startswith(PROSE[:20])
    assert work.meta.disclaimer.startswith("The characters belong")


@pytest.mark.parametrize(("mode", "times"), [("show", 1), ("end", 1), ("omit", 0)])
def test_header_notes_are_published_once(tmp_path: Path, mode: str, times: int) -> None:
    from ficpress import pipeline, publish

    p = tmp_path / "fic.txt"
    p.write_text(HEADER_WITH_NOTES + f"{PROSE}\n{PROSE}", encoding="utf-8")
    work = pipeline.load(p)
    for fmt in ("txt", "md", "html"):
        out = publish.render(work, fmt, notes=mode).decode()
        assert out.count("belong to Joss Whedon") == times, (fmt, mode)
        assert out.count("Written for a challenge") == times, (fmt, mode)


# --------------------------------------------------------------------------- letters and messages


def written(work: Work) -> list[tuple[str, str, str]]:
    """(kind, form, text) of every letter and message block."""
    return [(b.kind, b.attrs["form"], work.slice(b)) for b in work.blocks if b.kind in ("letter", "message")]


def test_letter_with_salutation_valediction_and_signature() -> None:
    letter = (
        "Dear Willow,\n"
        "I know you will not want to hear from me, and I do not blame you for it.\n"
        "But I had to tell you that I am sorry, and that I will wait for as long as it takes.\n"
        "Love,\n"
        "Spike"
    )
    work = build(f"{PROSE}She opened the envelope and read.\n\n{letter}\n\n{PROSE}")
    (b,) = [b for b in work.blocks if b.kind == "letter"]
    assert work.slice(b) == letter
    assert b.attrs["form"] == "letter" and b.attrs["recipient"] == "Willow" and b.attrs["sender"] == "Spike"
    assert len(b.attrs["lines"]) == 5 and b.confidence >= 0.9
    assert not [
        x for x in work.blocks if x.kind == "scene_break"
    ]  # blank lines setting a letter off are layout
    assert "Love," not in paragraphs(work)


def test_letter_read_aloud_in_quotes_with_postscript() -> None:
    letter = (
        "\u201cMy dear Lizzy,\n"
        "\u201cI wish you joy. If you love him half as well as I do my dear Wickham, you must be very happy.\n"
        "\u201cYours, etc.\n"
        "\u201cLydia.\u201d\n"
        "\u201cP.S. Do write soon.\u201d"
    )
    work = build(f"{PROSE}Jane took the letter from her pocket and read it aloud.\n{letter}\n{PROSE}")
    assert written(work) == [("letter", "letter", letter)]
    b = next(b for b in work.blocks if b.kind == "letter")
    assert b.attrs["sender"] == "Lydia" and b.attrs["recipient"] == "Lizzy"


def test_letter_broken_off_keeps_its_first_paragraph() -> None:
    text = (
        f"{PROSE}He read the letter out loud.\n"
        "\u201cDear Miss Rosenberg,\n"
        "Having reviewed your case, we are thrilled to offer you a placement beginning in September. Enclosed\n"
        "He broke off and stared at Anya \u201cOxford?\u201d\n"
        f"{PROSE}"
    )
    work = build(text)
    ((kind, form, body),) = written(work)
    assert kind == "letter" and body.startswith("\u201cDear Miss Rosenberg,") and body.endswith("Enclosed")
    assert "He broke off and stared at Anya \u201cOxford?\u201d" in paragraphs(work)


def test_note_on_the_fridge() -> None:
    work = build(f"{PROSE}There was a note on the fridge.\nGone to the Magic Box. Back by five. -B\n{PROSE}")
    assert written(work) == [("letter", "note", "Gone to the Magic Box. Back by five. -B")]
    assert next(b for b in work.blocks if b.kind == "letter").attrs["sender"] == "B"
    short = build(f"{PROSE}\nWillow,\nDon't wait up, I'm patrolling with Spike.\n-Buffy\n\n{PROSE}")
    assert [f for _, f, _ in written(short)] == ["note"]


def test_diary_entry() -> None:
    entry = (
        "Dear Diary,\n"
        "Today was the worst day of my life. Buffy forgot my birthday and Spike laughed at me.\n"
        "I hate Sunnydale."
    )
    work = build(f"{PROSE}\n{entry}\n\n{PROSE}")
    ((kind, form, body),) = written(work)
    assert (kind, form, body) == ("letter", "diary", entry)


def test_email_with_headers() -> None:
    mail = (
        "From: willow@sunnydale.edu\n"
        "To: giles@magicbox.com\n"
        "Subject: the prophecy\n"
        "\n"
        "I found it. Meet me at the library at nine."
    )
    work = build(f"{PROSE}\n{mail}\n\n{PROSE}")
    ((kind, form, body),) = written(work)
    assert (kind, form, body) == ("message", "email", mail)
    b = next(b for b in work.blocks if b.kind == "message")
    assert b.attrs["sender"] == "willow@sunnydale.edu" and b.attrs["recipient"] == "giles@magicbox.com"


def test_text_messages() -> None:
    work = build(f"{PROSE}Her phone buzzed.\nText from Buffy: where r u??\n{PROSE}")
    assert written(work) == [("message", "sms", "Text from Buffy: where r u??")]
    assert next(b for b in work.blocks if b.kind == "message").attrs["sender"] == "Buffy"
    sms = "To: Spike\nFrom: Dawn\ncome home now its important"
    work = build(f"{PROSE}\n{sms}\n\n{PROSE}")
    assert written(work) == [("message", "sms", sms)]


@pytest.mark.parametrize(
    "log",
    [
        "Buffy: where r u\nWillow: library lol\nBuffy: ok omw",
        "<WiccaGrrl> hi\n<Slayer1> hey will\n<WiccaGrrl> did u find it?",
        "[10:42] Xander: anyone up\n[10:43] Willow: me\n[10:45] Xander: donuts?",
    ],
)
def test_chat_logs(log: str) -> None:
    work = build(f"{PROSE}\n{log}\n\n{PROSE}")
    ((kind, form, body),) = written(work)
    assert (kind, form, body) == ("message", "chat", log)
    b = next(b for b in work.blocks if b.kind == "message")
    assert len(b.attrs["speakers"]) == 2 and len(b.attrs["lines"]) == 3
    assert not kinds(work, "verse")


@pytest.mark.parametrize(
    "lines",
    [
        # a play script: speakers with full sentences, not typed chat
        "Senior Partner: Do they give us another order?\nJunior Partner: Yes! The longest they have ever made.\n",
        # dialogue that greets someone by name
        "\u201cDear me,\u201d said Giles. \u201cWhat now?\u201d\n\u201cMy dear Watcher, it is nothing.\u201d\n",
        "\u201cMy dear Lucia\u2014\u201d\nShe stopped and looked away.\n",
        # lines that only look like closings
        "Love, murder and revenge were the plot of every book she read.\nYours was the only house with a light.\n",
        # an address line before narration, and a one-word line
        "Tunbridge Wells,\nSeptember was wet that year.\nSilence.\n",
        # a prayer
        "Dear Goddess,\nplease let her wake up, she thought, and pressed her hand.\n",
    ],
)
def test_prose_and_dialogue_are_not_letters(lines: str) -> None:
    work = build(PROSE + lines + PROSE)
    assert not written(work)


def test_letter_in_blank_line_text() -> None:
    paras = PROSE.replace("\n", "\n\n")
    letter = "Dear Willow,\n\nI know you will not want to hear from me.\n\nBut I am sorry.\n\nLove,\nSpike"
    work = build(f"{paras}She opened the envelope.\n\n{letter}\n\n{paras}")
    assert work.meta.raw["structure"]["paragraph_habit"] == "blank-line"
    assert written(work) == [("letter", "letter", letter)]
    assert len(paragraphs(work)) == 7


def test_dated_diary_entries() -> None:
    text = (
        f"{PROSE}Dawn pulled the diary from under her mattress and turned to the last page.\n\n"
        "March 3rd, 2003\n"
        "Spike taught me to play poker. Buffy would kill him if she knew.\n\n"
        "Entry 12\n"
        "Nobody remembered. Again.\n\n"
        f"{PROSE}"
    )
    work = build(text)
    assert written(work) == [
        (
            "letter",
            "diary",
            "March 3rd, 2003\nSpike taught me to play poker. Buffy would kill him if she knew.",
        ),
        ("letter", "diary", "Entry 12\nNobody remembered. Again."),
    ]
    # A date alone with no diary in sight heads a scene, not an entry.
    work = build(f"{PROSE}\nMarch 3rd, 2003\n{PROSE}")
    assert not written(work)


def test_text_message_body_does_not_swallow_the_story() -> None:
    story = "".join(
        f"She read it again and again, line {i} of a story that went on without a break.\n" for i in range(12)
    )
    work = build(f"{PROSE}\nFrom: Buffy\nTo: Willow\nwhere r u\n{story}")
    assert written(work) == [("message", "sms", "From: Buffy\nTo: Willow\nwhere r u")]
    assert len(paragraphs(work)) == 3 + 12


def test_a_long_play_script_is_neither_chat_nor_verse() -> None:
    script = "".join(
        f"Hungry Henry: Madam, I am the agent for suspender number {i}.\nMrs. Lonestreet: There is no man here.\n"
        for i in range(300)
    )
    work = build(PROSE + script + PROSE)
    assert not written(work) and not kinds(work, "verse")
