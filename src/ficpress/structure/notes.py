"""Author's notes and disclaimers: typed so output can show, collapse or drop them, never lost.

Labelled notes ("A/N:", "Author's note", "Disclaimer:", "I don't own ...")
are recognised by their label. An unlabelled first or last paragraph is a note
when it speaks to readers about the story rather than telling it ("No this isnt
a fic that will get finished- Sorry but if you want to finish it- go ahead!").
"""

from __future__ import annotations

import re

_AN = re.compile(
    r"^[\W_]*(?:a\s*/\s*n|a\.\s*n\.?|an|author'?s?'?\s*notes?|author\u2019s?\s*notes?|notes?|n\s*/\s*a"
    r"|ps|p\.s\.?)\s*(?:\d+\s*)?[:\-\u2013\u2014)]",
    re.IGNORECASE,
)
_AN_WORD = re.compile(r"^[\W_]*(?:a/n|author'?s?\u2019?\s*notes?)\b", re.IGNORECASE)
_DISCLAIMER = re.compile(
    r"^[\W_]*(?:disclaimer\b|i\s+(?:do\s+not|don't|don\u2019t|dont)\s+own\b"
    r"|(?:all\s+)?characters\s+(?:belong|are\s+(?:the\s+)?property)\b|nothing\s+is\s+mine\b)",
    re.IGNORECASE,
)

# Words by which an author talks to readers about the story, not within it.
_CUES = re.compile(
    r"\b(?:fics?|fanfic(?:tion)?|story|stories|chapters?|update[sd]?|updating|reviews?|reviewers?|r&r"
    r"|readers?|reading|thanks|thank\s+you|sorry|hope\s+you|enjoy(?:ed)?|let\s+me\s+know|finish(?:ed)?"
    r"|sequel|author|comments?|kudos|feedback|go\s+ahead|posted?|writing|wrote|beta|plot|flames?"
    r"|oneshot|one-shot|wip|hiatus|abandoned|dedicated|inspired)\b",
    re.IGNORECASE,
)


def labelled_note(stripped: str) -> tuple[str, float] | None:
    """("disclaimer" | "note", confidence) for a line starting with a note label."""
    if _DISCLAIMER.match(stripped):
        return "disclaimer", 0.95
    m = _AN.match(stripped)
    if m:
        # "An: ..." is rare as prose; "Note:" is a little more common in stories (a written note).
        word = re.sub(r"[\W_]", "", m.group(0)).lower()
        if word in ("note", "notes", "ps"):
            return "note", 0.75
        return "note", 0.95
    if _AN_WORD.match(stripped):
        return "note", 0.9
    return None


def reader_address_score(text: str) -> int:
    """How many reader-address cues a paragraph holds (0 = reads as story)."""
    return len({m.lower() for m in _CUES.findall(text)})


def unlabelled_note_confidence(text: str, *, last: bool) -> float:
    """Confidence that an unlabelled first/last paragraph is a note to readers (0 = it is story)."""
    n = reader_address_score(text)
    if len(text) > 600:
        return 0.0
    strong = len(_STRONG.findall(text))
    need = 2 if last else 3
    if n < need or (strong == 0 and n < 4):
        return 0.0
    return min(0.9, 0.55 + 0.1 * n)


# Words that only an author talking about the work uses; story text rarely does.
_STRONG = re.compile(
    r"\b(?:fics?|fanfic(?:tion)?|reviews?|reviewers?|reviewing|r&r|updates?|updated|updating|readers"
    r"|kudos|comments?|feedback|beta(?:ed|'d)?|sequel|hiatus|oneshot|one-shot|wip|next\s+(?:chapter|part)"
    r"|up\s+soon|thanks\s+for\s+reading|posted|flames?|disclaimer|a/n)\b",
    re.IGNORECASE,
)


def chapter_edge_note_confidence(text: str) -> float:
    """Confidence that the first or last paragraph of a chapter is a note to readers (0 = story).

    Inside a work the bar is higher than for its very last line: at least one
    word only an author uses about the work ("review", "update", "fic").
    """
    if len(text) > 600:
        return 0.0
    strong = len(_STRONG.findall(text))
    n = reader_address_score(text)
    if strong < 1 or n < 2:
        return 0.0
    return min(0.85, 0.55 + 0.1 * n)
