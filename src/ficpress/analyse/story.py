"""The story as a whole: point of view per scene, interaction network, dialogue share, arc, counts.

Why one function over the people side's output: POV, network and share all
read the same characters, mentions and attributed quotations, so computing them
here, in one pass per scene, keeps the whole analysis linear in the text and
keeps the contract with the people side to four plain lists (see the analysis
object described in `ficpress.analyse`).
"""

from __future__ import annotations

import bisect
from typing import Any

from ficpress.analyse import arc, network, pov
from ficpress.model import STORY_KINDS, Work
from ficpress.words import count_words

# A conservative silent-reading rate (Brysbaert, 2019, measured about 238 wpm for English non-fiction
# and 260 for fiction); 230 keeps estimates on the safe side for informal, dialogue-heavy text.
READING_WPM = 230

# Co-presence is counted per passage of about this many words, not per scene. A work with no scene
# breaks, or a chapter-long scene, would otherwise pair everyone it ever names: one such book (1.1M
# tokens, one scene, 1,900 names) gave 1.77 million "shared scene" pairs. Scenes in fan fiction
# rarely run past it (the sample's longest is 1,884 words), so for them a passage is the scene.
PASSAGE_WORDS = 5000


def scene_ranges(work: Work) -> list[tuple[int, int, int]]:
    """`(start, end, chapter index)` of every scene, falling back to chapters, then the whole text."""
    if work.scenes:
        return [(s.start, s.end, s.chapter) for s in work.scenes]
    if work.chapters:
        return [(c.start, c.end, i) for i, c in enumerate(work.chapters)]
    return [(0, len(work.text), 0)]


def _sentence_initial(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] in " \t*_\"'\u201c\u2018(":
        j -= 1
    return j < 0 or text[j] in ".!?\u2026\n\u201d\u2019"


def _prose_blocks(work: Work) -> list[tuple[int, int]]:
    """The stretches that are story text: headings, end markers and notes are not read as prose."""
    blocks = [(b.start, b.end) for b in work.blocks if b.kind in STORY_KINDS]
    if not blocks and not work.blocks:
        blocks = [(0, len(work.text))]
    return sorted(blocks)


def summarise(
    work: Work,
    characters: list[dict[str, Any]],
    quotes: list[dict[str, Any]],
    mentions: list[dict[str, Any]],
) -> dict[str, Any]:
    """Scenes (with POV, cast and sentiment), interactions, dialogue share, arc and counts.

    Also writes each scene's POV into `work.scenes` so that outputs reading the
    model (the HTML report, EPUB) can show it without the analysis object.
    """
    text = work.text
    ranges = scene_ranges(work)
    thoughts = [(s.start, s.end) for s in work.spans if s.kind == "thought"]
    scorer = pov.PovScorer(text, characters, mentions, quotes, thoughts)
    povs = pov.scene_povs(scorer, ranges)
    named = scorer.mentions  # named mentions, sorted (supplied or found from the cast)
    m_starts = scorer.m_starts
    q_sorted = sorted(quotes, key=lambda q: q["start"])
    q_starts = [q["start"] for q in q_sorted]
    blocks = _prose_blocks(work)
    b_starts = [b[0] for b in blocks]

    scenes_out: list[dict[str, Any]] = []
    casts: list[set[str]] = []  # one per passage

    def cast_of(lo: int, hi: int, pov_id: str | None) -> set[str]:
        """On stage: whoever speaks or is spoken to, the POV character, and whoever the narration
        names twice or opens a sentence with. Names inside speech are only talked about."""
        cast: set[str] = set()
        qi = bisect.bisect_left(q_starts, lo)
        spoken_in: list[tuple[int, int]] = []
        while qi < len(q_sorted) and q_starts[qi] < hi:
            q = q_sorted[qi]
            spoken_in.append((q["start"], q["end"]))
            if q.get("speaker"):
                cast.add(q["speaker"])
            cast.update(a for a in q.get("addressees") or [] if a)
            qi += 1
        mi = bisect.bisect_left(m_starts, lo)
        k = 0
        seen: dict[str, int] = {}
        while mi < len(named) and m_starts[mi] < hi:
            ms = m_starts[mi]
            while k < len(spoken_in) and spoken_in[k][1] <= ms:
                k += 1
            if not (k < len(spoken_in) and spoken_in[k][0] <= ms):
                cid = named[mi]["character"]
                seen[cid] = seen.get(cid, 0) + (2 if _sentence_initial(text, ms) else 1)
            mi += 1
        cast.update(cid for cid, n in seen.items() if n >= 2)
        if pov_id:
            cast.add(pov_id)
        return cast

    chapter_tallies: dict[int, arc.Tally] = {}
    chapter_words: dict[int, int] = {}
    total_words = 0
    for index, ((start, end, chapter), p) in enumerate(zip(ranges, povs, strict=True)):
        tally = arc.Tally()
        words = 0
        cuts = [start]  # passage bounds for co-presence, at block ends
        since_cut = 0
        bi = max(0, bisect.bisect_right(b_starts, start) - 1)
        while bi < len(blocks) and blocks[bi][0] < end:
            bs, be = max(blocks[bi][0], start), min(blocks[bi][1], end)
            if bs < be:
                tally.merge(arc.score_range(text, bs, be))
                n = count_words(text, bs, be)
                words += n
                since_cut += n
                if since_cut >= PASSAGE_WORDS and be < end:
                    cuts.append(be)
                    since_cut = 0
            bi += 1
        cuts.append(end)
        chapter_tallies.setdefault(chapter, arc.Tally()).merge(tally)
        chapter_words[chapter] = chapter_words.get(chapter, 0) + words
        total_words += words

        cast = cast_of(start, end, p.pov)
        if len(cuts) == 2:
            casts.append(cast)
        else:
            casts.extend(cast_of(a, b, p.pov) for a, b in zip(cuts, cuts[1:], strict=False))
        sentiment = tally.mean()
        scenes_out.append(
            {
                "index": index,
                "chapter": chapter,
                "start": start,
                "end": end,
                "pov": p.pov,
                "pov_confidence": p.confidence,
                "pov_evidence": dict(list(p.scores.items())[:3]),
                "pov_carried": p.carried,
                "characters": sorted(cast),
                "words": words,
                "sentiment": sentiment,
            }
        )
        if index < len(work.scenes):
            work.scenes[index].pov = p.pov
            work.scenes[index].pov_confidence = p.confidence

    order = {c["id"]: i for i, c in enumerate(characters)}
    spoken = network.dialogue_words(text, quotes)
    dialogue_total = sum(spoken.values())
    chapters_meta = [(i, c.number, c.title) for i, c in enumerate(work.chapters)] or [(0, 1, work.meta.title)]
    arc_chapters = []
    count_chapters = []
    for i, number, title in chapters_meta:
        m = chapter_tallies.get(i, arc.Tally()).mean()
        arc_chapters.append(
            {"number": number, "title": title, "compound": m["compound"], "pos": m["pos"], "neg": m["neg"]}
        )
        w = chapter_words.get(i, 0)
        count_chapters.append(
            {"number": number, "title": title, "words": w, "reading_minutes": round(w / READING_WPM, 1)}
        )
    return {
        "scenes": scenes_out,
        "interactions": network.interactions(quotes, casts, order),
        "dialogue_share": network.dialogue_share(spoken),
        "arc": {
            "scenes": [{"index": s["index"], "compound": s["sentiment"]["compound"]} for s in scenes_out],
            "chapters": arc_chapters,
            "lexicon": arc.LEXICON,
        },
        "counts": {
            "words": total_words,
            "dialogue_words": dialogue_total,
            "dialogue_fraction": round(dialogue_total / total_words, 4) if total_words else 0.0,
            "reading_minutes": round(total_words / READING_WPM, 1),
            "reading_wpm": READING_WPM,
            "chapters": count_chapters,
        },
    }
