"""Scene breaks from blank lines, and the scenes of every chapter.

Whether a blank line is a scene break depends on the document's habit: where
paragraphs follow each other on single newlines (the sample), a blank line
between two paragraphs is the author's scene break; where paragraphs are
separated by blank lines, only a longer run of blank lines is. A blank line
next to a heading, an end marker, a note, verse, a letter or a message is layout,
not a break.
"""

from __future__ import annotations

from collections import Counter

from ficpress.model import Scene
from ficpress.structure.lines import QUOTES, Line, Unit, ends_sentence

PROSE = {"paragraph", "marker", "letter", "message"}
WRITTEN = {"letter", "message"}
SCENE_CONTENT = {"paragraph", "verse", "marker", "letter", "message", "note"}


def single_newline_habit(lines: list[Line], lo: int) -> tuple[bool, float]:
    """(True when paragraphs are separated by single newlines, confidence) from the body's line gaps."""
    adjacent = separated = 0
    prev_blank = None
    seen = False
    long_lines = open_ended = 0
    for ln in lines[lo:]:
        if not ln.blank and ln.hi - ln.lo >= 40:
            long_lines += 1
            if not _ends_paragraph(ln.stripped):
                open_ended += 1
        if ln.blank:
            prev_blank = True if seen else None
            continue
        if seen:
            if prev_blank:
                separated += 1
            else:
                adjacent += 1
        seen = True
        prev_blank = False
    total = adjacent + separated
    if total == 0:
        return True, 0.5
    # Hard-wrapped text: most long lines stop mid-sentence; its paragraphs are blank-line separated.
    if separated and long_lines >= 5 and open_ended / long_lines > 0.6:
        return False, round(open_ended / long_lines, 3)
    share = adjacent / total
    return share >= 0.5, round(abs(share - 0.5) + 0.5, 3)


def _ends_paragraph(s: str) -> bool:
    return ends_sentence(s) or s[-1:] in QUOTES + "\u2019'-\u2014\u2013:*~)"


def blank_breaks(units: list[Unit], single: bool, first: int) -> list[tuple[int, float]]:
    """Indices of units preceded by a blank-line scene break, with a confidence."""
    out: list[tuple[int, float]] = []
    if single:
        for i in range(first + 1, len(units)):
            u, p = units[i], units[i - 1]
            if u.gap_before >= 1 and u.kind in PROSE and p.kind in PROSE:
                if u.gap_before == 1 and (u.kind in WRITTEN or p.kind in WRITTEN):
                    continue  # one blank line setting a letter or message off the prose is layout
                conf = 0.85 if u.gap_before == 1 else 0.92
                out.append((i, conf))
        return out
    gaps = Counter(units[i].gap_before for i in range(first + 1, len(units)) if units[i].kind in PROSE)
    if not gaps:
        return out
    normal = max(gaps.items(), key=lambda kv: kv[1])[0]
    wide = [
        i
        for i in range(first + 1, len(units))
        if units[i].gap_before > normal and units[i].kind in PROSE and units[i - 1].kind in PROSE
    ]
    n = sum(gaps.values())
    if wide and len(wide) <= 0.3 * n:
        out = [(i, 0.75) for i in wide]
    return out


def build_scenes(units: list[Unit], n_chapters: int) -> list[Scene]:
    """Every scene of every chapter: stretches of story between scene breaks."""
    scenes: list[Scene] = []
    buckets: list[list[Unit]] = [[] for _ in range(n_chapters)]
    for u in units:
        if 0 <= u.chapter < n_chapters:
            buckets[u.chapter].append(u)
    for ci in range(n_chapters):
        members = buckets[ci]
        cur: list[Unit] = []
        made = 0

        def flush(cur: list[Unit], ci: int = ci) -> int:
            story = [u for u in cur if u.kind in SCENE_CONTENT and not _edge_note(u)]
            if not story:
                return 0
            scenes.append(Scene(story[0].lo, story[-1].hi, ci))
            return 1

        for u in members:
            if u.kind == "scene_break":
                made += flush(cur)
                cur = []
            else:
                cur.append(u)
        made += flush(cur)
        if not made and members:
            pos = members[0].hi
            scenes.append(Scene(pos, pos, ci))
    return scenes


def _edge_note(u: Unit) -> bool:
    return u.kind == "note" and u.attrs.get("role") in ("head", "end", "disclaimer", "summary")
