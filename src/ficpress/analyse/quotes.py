"""Direct speech: which stretches of the restored text are someone talking.

Why glyph pairing per paragraph, with context rules on top: fan fiction mixes
curly and straight quotes, forgets closing marks, runs one speech over several
paragraphs (no closing mark, the next paragraph opens with a quote), and uses
the same marks for scare quotes, titles and remembered words. Pairing marks
inside one paragraph keeps a lost closing mark from swallowing the rest of the
chapter; the context rules then drop short quoted phrases that sit inside a
sentence with nothing around them that says someone spoke.

Tags are read where a tag stands (right after the closing mark, or right before
the opening one), not anywhere near, so a noun or a later sentence does not pass
for one. A restored text may carry the repair's guesses of single for double
marks: a line in single marks at the top level, or a double quotation closed by a
single mark, is still a line. A writer who runs lines on from their beats with no
punctuation between is recognised from the text itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ficpress.analyse.lexicon import SPEECH_VERBS

OPEN_D = "\u201c\u201e\u00ab"
CLOSE_D = "\u201d\u00bb"
OPEN_S = "\u2018"
CLOSE_S = "\u2019"

_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*")
# Words that, right before a short quoted phrase, say it is a term or a title, not speech.
_MENTION_CUES = {
    "called",
    "named",
    "word",
    "words",
    "term",
    "phrase",
    "titled",
    "entitled",
    "so-called",
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "my",
    "your",
    "our",
    "its",
    "as",
    "of",
    "like",
    "dubbed",
    "nicknamed",
    "sign",
    "label",
}


# "said to herself" reports a thought; a line muttered or murmured to oneself is still heard aloud
_TO_SELF = re.compile(
    r"[^\"\u201c\u201d.!?]{0,30}\b(?:said|says|whispered)\s+(?:to\s+)?(?:him|her|them)sel(?:f|ves)\b"
)
_THINK = {"thought", "thinks", "think", "thinking", "pondered"}
_FIRST_SECOND = re.compile(r"\b(?:I|me|my|mine|we|us|our|you|your|yours)\b", re.I)
_THIRD = re.compile(r"\b(?:he|she|they|him|her|his|their|them)\b", re.I)


def _stray(text: str, start: int, end: int) -> bool:
    """An opening mark before plain third-person narration that never closes: damage, not speech."""
    body = text[start:end]
    return len(body) > 100 and not _FIRST_SECOND.search(body) and len(_THIRD.findall(body)) >= 3


@dataclass
class Quote:
    """One stretch of direct speech; offsets include the quote marks."""

    start: int
    end: int
    paragraph: int  # index into the paragraph list the detector was given
    last_paragraph: int
    content_start: int
    content_end: int
    closed: bool = True
    kind: str = "speech"  # speech | thought | mention
    attrs: dict = field(default_factory=dict)


def paragraphs_of(text: str, blocks: list | None = None) -> list[tuple[int, int]]:
    """Paragraph ranges from structure's blocks, or from lines when there are none."""
    skip = {"heading", "scene_break", "end_marker", "front_matter", "note", "marker", "verse", "letter"}
    if blocks:
        out = [(b.start, b.end) for b in blocks if b.kind not in skip and b.end > b.start]
        if out:
            return out
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def quote_style(text: str) -> str:
    """'double' unless the text plainly uses single marks for speech (British style)."""
    doubles = text.count('"') + sum(text.count(c) for c in OPEN_D + CLOSE_D)
    singles = len(re.findall(r"(?:^|[\s(\[\u2014])[\u2018'](?=[A-Za-z])", text, flags=re.M))
    # `doubles` counts both marks of a pair, `singles` only openings: a stray title or two in double
    # marks does not outvote a book's single-quoted dialogue
    return "single" if singles >= 2 and singles > doubles + (3 if doubles else 0) else "double"


def _marks(p: str, style: str) -> list[tuple[int, str]]:
    """Quote marks in one paragraph as (index, 'o'|'c'|'a') — opening, closing, ambiguous."""
    out = _glyph_marks(p, style)
    if style == "double" and (CLOSE_S in p or OPEN_S in p):
        extra = _single_speech(p, out)
        if extra:
            out = sorted(out + extra)
    return out


# a curly single mark opening a line at the top level of a double-quoted text: after a space, a dash,
# a bracket or at the paragraph's start, before a letter or an elision ('\u2009’Tis'), perhaps after a
# hair space (the typesetter's gap between a double and a single mark)
_SINGLE_OPEN = re.compile(
    r"(?:^|(?<=[\s(\u2014\u2013-]))\u2018(?=[\u200a\u2009]?[A-Za-z\u00c0-\u024f\u2019])"
)
# its closing mark ends a sentence or clause: punctuation before it (so not "the boys’ room")
_SINGLE_CLOSE = re.compile(r"(?<=[,.!?\u2026\u2014-])\u2019(?=\s|$|[,.;:!?)\u2014-])")
# a double quotation left open, closed by a single mark where a line plainly ends: after punctuation
# before a space or the paragraph's end ('“Th⁠‘thank you,’ faltered Tuppence.'), or before a dash and
# the next line ('“... If not, I’ -- ‘I have the weed,’ I replied.')
_SINGLE_ENDS_DOUBLE = re.compile(
    r"(?<=[,.!?\u2026\u2014-])\u2019(?=\s|$)|(?<=[\w,.!?\u2026\u2014-])\u2019(?=\s*(?:--|\u2014)\s*[\u2018\u201c])"
)

# the same, but where the double quotation's own closing mark comes later: the single mark ends it
# only before a dash and the next line's opening mark
_SINGLE_BREAKS_DOUBLE = re.compile(r"(?<=[\w,.!?\u2026\u2014-])\u2019(?=\s*(?:--|\u2014)\s*[\u2018\u201c])")

# a single mark that may end what a single mark opened (an apostrophe inside a word does not)
_SINGLE_SHUT = re.compile(r"\u2018|\u2019(?![A-Za-z\u00c0-\u024f])")


def _single_speech(p: str, dmarks: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines in single marks inside a text that quotes with double ones.

    Why: a repair that has to guess each lost quote mark sometimes picks the single glyph ("observed,
    ‘It is very kind of you ...’"), and some writers switch marks mid-story. Only a pair at the top
    level (outside every double quotation) that ends on punctuation counts, so a nested quotation, a
    title in single marks and an apostrophe stay what they are; a double quotation that never closes
    may close on a single mark where a line plainly ends, and one that runs into the next line closes
    on a single mark before a dash and that line's opening mark ('“... If not, I’ -- ‘I have the
    weed,’ I replied. ‘What then?”'). A single opening mark at the top level whose next mark is a
    double closing one that closes nothing ('-- ‘over there, short river, sweet water.”') opens the
    line that mark closes: one of the pair was guessed wrong, and the two still say where it runs.
    """
    out: list[tuple[int, str]] = []
    spans = []  # the stretches inside double quotations, paired as detect pairs them
    lone = set()  # double closing marks with nothing open
    start = None
    for i, kind in dmarks:
        if start is None and kind != "c":
            start = i
        elif start is not None and kind != "o":
            c = _SINGLE_BREAKS_DOUBLE.search(p, start + 1, i)
            # not where a nested quotation closes ('“‘Darling Alfred’—‘dearest Alfred’—...”')
            if c is not None and OPEN_S not in p[start + 1 : c.start()]:
                out.append((c.start(), "c"))
                spans.append((start, c.start()))
                if kind == "c":
                    lone.add(i)
            else:
                spans.append((start, i))
                # '“... simpatico… -- then after an interlude -- ‘but my mood is dissimilar.”': a
                # single mark opening a line that only the double one closes starts the next line
                # (the first one's closing mark was lost), where a nested quotation would close first
                last = None
                for m in _SINGLE_OPEN.finditer(p, start + 1, i):
                    last = m.start()
                if (
                    last is not None
                    and kind == "c"
                    and re.search(r"(?:--|\u2014) ?$", p[:last])  # after a dash, as a line taken up
                    and not any(start < d < i for d, _k in dmarks)  # no double quotation nested
                    and p[i - 1] in ",.!?\u2026\u2014-"
                    and not _SINGLE_SHUT.search(p, last + 1, i)
                    and not _SINGLE_SHUT.search(p, start + 1, last)
                ):
                    out.append((last, "o"))
            start = None
        elif start is None:
            lone.add(i)
    if start is not None:
        c = _SINGLE_ENDS_DOUBLE.search(p, start + 1)
        # not where a nested quotation's own closing mark stands
        if c is not None and not _SINGLE_OPEN.search(p, start + 1, c.start()):
            out.append((c.start(), "c"))
            spans.append((start, c.start()))
        else:
            spans.append((start, len(p)))
    dpos = [i for i, _k in dmarks]
    last_end = -1
    for m in _SINGLE_OPEN.finditer(p):
        i = m.start()
        if i <= last_end or any(a < i < b for a, b in spans):
            continue
        c = _SINGLE_CLOSE.search(p, i + 1)
        k = bisect.bisect_right(dpos, i)
        nxt = dpos[k] if k < len(dpos) else None
        if nxt is not None and (c is None or nxt < c.start()):
            # '‘over there, short river, sweet water.”': a lone double mark after punctuation closes it
            # and no single mark between that could close it ('‘Cora with the lips of coral’ and ...”')
            # not where a line before it in the paragraph quotes someone in single marks: there the
            # single marks are nested quotations ('“... ‘Yes, yes, all right.’ ‘You’re a good creetur,’
            # he says, ‘don’t leave me ...’”' with two of its marks guessed double)
            if (
                nxt in lone
                and p[nxt - 1] in ",.!?\u2026\u2014-"
                and not _SINGLE_SHUT.search(p, i + 1, nxt)
                and not any(OPEN_S in p[a:b] for a, b in spans if b < i)
            ):
                out.append((i, "o"))
                last_end = nxt
            continue
        if c is None or _SINGLE_OPEN.search(p, i + 1, c.start()):
            continue
        out += [(i, "o"), (c.start(), "c")]
        last_end = c.start()
    return out


def _glyph_marks(p: str, style: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    n = len(p)
    for i, ch in enumerate(p):
        if style == "double":
            if ch in OPEN_D or ch in CLOSE_D:
                glyph = "o" if ch in OPEN_D else "c"
                # a curly mark turned the wrong way (a repair's guess) is read by where it stands
                o = _orient(p, i, n)
                out.append((i, o if o != "a" and o != glyph and _clear_side(p, i, n) else glyph))
            elif ch == '"':
                out.append((i, _orient(p, i, n)))
        else:
            if ch == OPEN_S:
                out.append((i, "o"))
            elif ch in (CLOSE_S, "'"):
                left = p[i - 1] if i else " "
                right = p[i + 1] if i + 1 < n else " "
                if left.isalnum() and right.isalnum():
                    continue  # an apostrophe inside a word
                if ch == "'" or not left.isalnum() and right.isalnum():
                    o = _orient(p, i, n)
                    # ’tis, ’em: an elision, not an opening mark
                    if (
                        ch == CLOSE_S
                        and o == "o"
                        and re.match(r"(?i)(tis|twas|em|cause|til|bout|round)\b", p[i + 1 : i + 6])
                    ):
                        continue
                    out.append((i, o))
                else:
                    out.append((i, "c"))
    return out


def _clear_side(p: str, i: int, n: int) -> bool:
    """Space on exactly one side of the mark, a letter or sentence mark on the other."""
    left = p[i - 1] if i else " "
    right = p[i + 1] if i + 1 < n else " "
    return (left.isspace() and right.isalnum()) or (right.isspace() and (left.isalnum() or left in ",.!?"))


def _orient(p: str, i: int, n: int) -> str:
    left = p[i - 1] if i else " "
    right = p[i + 1] if i + 1 < n else " "
    lsp = left.isspace() or left in "([{\u2014\u2013-/"
    rsp = right.isspace() or right in ",.;:!?)]}\u2014\u2013-\u2026"
    if i == 0 or (lsp and not rsp):
        return "o"
    if i == n - 1 or (rsp and not lsp):
        return "c"
    if left in ",.!?\u2026" and right.isalpha():
        return "c"  # "Yes."He said — missing space after a closing mark
    return "a"


def detect(text: str, paragraphs: list[tuple[int, int]], style: str | None = None) -> list[Quote]:
    """All quoted stretches, classified as speech, thought or mention."""
    style = style or quote_style(text)
    dashed = _dash_style(text, paragraphs)
    raw: list[Quote] = []
    open_q: Quote | None = None
    np = len(paragraphs)
    for pi, (ps, pe) in enumerate(paragraphs):
        p = text[ps:pe]
        if dashed and open_q is None and _DASH_LINE.search(p) and not any(c in p for c in '"\u201c\u201d'):
            raw.extend(_dash_quotes(text, ps, pe, pi))
            continue
        marks = _marks(p, style)
        state_open = open_q is not None
        for i, kind in marks:
            pos = ps + i
            if not state_open:
                if kind in ("o", "a"):
                    open_q = Quote(pos, pos, pi, pi, pos + 1, pos + 1)
                    state_open = True
                elif p[i] in CLOSE_D + '"' and _tag_follows(_WORD.findall(p[i + 1 : i + 60])[:4]):
                    _orphan_line(text, ps, i, pi, raw)
                # any other closing mark with nothing open: an apostrophe or damage, ignored
            else:
                assert open_q is not None
                if kind == "o" and pos > open_q.start and open_q.paragraph == pi and i > 0:
                    # an opening mark while one is open: the closing mark was lost
                    _finish(open_q, text, _rstrip_pos(text, open_q.content_start, pos), pi, closed=False)
                    raw.append(open_q)
                    open_q = Quote(pos, pos, pi, pi, pos + 1, pos + 1)
                elif kind == "o" and open_q.paragraph != pi and i == _first_nonspace(p):
                    pass  # the opening mark of a continued paragraph
                else:
                    _finish(open_q, text, pos, pi, closed=True)
                    raw.append(open_q)
                    open_q = None
                    state_open = False
        if open_q is not None:
            nxt = paragraphs[pi + 1] if pi + 1 < np else None
            cont = False
            if nxt is not None:
                q = text[nxt[0] : nxt[1]].lstrip()
                cont = bool(q) and (q[0] in (OPEN_D + '"' if style == "double" else OPEN_S + "'"))
                # a continued speech is one that reads as speech already, not a stray mark
                cont = cont and (pe - open_q.content_start) > 20
            if _stray(text, open_q.content_start, pe) and (open_q.start == ps + _first_nonspace(p)):
                open_q = None  # a stray mark: drop it
                continue
            if not cont:
                _finish(open_q, text, _rstrip_pos(text, open_q.content_start, pe), pi, closed=False)
                raw.append(open_q)
                open_q = None
    kept = []
    for q in raw:
        body = text[q.content_start : q.content_end]
        if q.content_end <= q.content_start or not body.strip():
            continue
        if not any(c.isalnum() for c in body) and any(c in OPEN_D + OPEN_S + CLOSE_D + CLOSE_S for c in body):
            continue  # nothing but other quote marks ('“ ‘ “ ‘'): a typesetter's stack of marks, not a line
        kept.append(q)
    kept = _split_stage_directions(text, kept)
    kept = _split_lost_closings(text, kept)
    habit = _runs_beats_into_lines(text, kept, paragraphs)
    for q in kept:
        q.kind = _classify(text, q, paragraphs, habit)
        if q.kind == "speech" and _epigraph(text, q, paragraphs):
            q.kind = "mention"
    if "_" in text:
        italic = _italic_utterances(text, paragraphs, kept)
        if italic:
            kept = sorted(kept + italic, key=lambda q: q.start)
    return kept


# a stage direction inside a line: '"Lizzy! Georgy! (calling to his sisters) Joan is not here ..."'
_STAGE = re.compile(r"(?<=[.!?,;\u2014-]) \((?:[a-z]+ing|aside)\b([^()\"\u201c\u201d]{0,60})\) (?=\S)")


def _split_stage_directions(text: str, quotes: list[Quote]) -> list[Quote]:
    """A line broken by a narrator's parenthesis ('(calling to his sisters)', '(aside)') is two
    stretches of speech with narration between, as a tag between them would make it.

    Why a participle or 'aside' and a third person inside: a speaker's own aside in brackets ('(for
    many years an only child)', '(by the by, ...)') is part of the line; the narrator's direction
    speaks of the speaker from outside.
    """
    out: list[Quote] = []
    for q in quotes:
        m = _STAGE.search(text, q.content_start, q.content_end)
        if m is None or not (m.group(0).startswith(" (aside") or _THIRD.search(m.group(1))):
            out.append(q)
            continue
        first = Quote(q.start, m.start(), q.paragraph, q.paragraph, q.content_start, m.start(), closed=False)
        out.append(first)
        rest = Quote(m.end(), q.end, q.paragraph, q.last_paragraph, m.end(), q.content_end, closed=q.closed)
        out.extend(_split_stage_directions(text, [rest]))
    return out


# an inverted tag right after a line's ! or ? inside what reads as one quotation: the closing mark was
# lost ('“A-huh! ejaculated Anson, dubiously. Then he turned abruptly. Moze, you go wait outside.”')
_LOST_CLOSE = re.compile(
    r"(?<=[!?]) +([a-z]+) +(?:he|she|the [a-z]+|[A-Z][a-z]+(?: [A-Z][a-z]+)?) *(?:[.!?]|,[^.!?]*[.!?]) *"
)


def _split_lost_closings(text: str, quotes: list[Quote]) -> list[Quote]:
    """A line whose closing mark was lost before its tag ('“A-huh! ejaculated Anson, dubiously.'):
    the line ends at its ! or ?, the tag's sentence is narration, and the quotation's closing mark
    belongs to a later line, which starts after any narration that follows the tag ('Then he turned
    abruptly.': the third person and no I or you).

    Why only the inverted order after ! or ?: 'said Alice,' there is a tag and nothing else, where
    'I say,', 'he said,' or 'Mary said you would' after a comma are often part of the line itself.
    """
    out: list[Quote] = []
    for q in quotes:
        m = _LOST_CLOSE.search(text, q.content_start, q.content_end)
        body = text[q.content_start : m.start()] if m else ""
        if (
            m is None
            or q.attrs.get("dash")
            or not (m.group(1) in SPEECH_VERBS or m.group(1).endswith("ed"))
            or any(c in body for c in OPEN_D + CLOSE_D + OPEN_S + CLOSE_S + "\"'")
        ):
            out.append(q)
            continue
        out.append(
            Quote(q.start, m.start(), q.paragraph, q.paragraph, q.content_start, m.start(), closed=False)
        )
        rest = m.end()
        for sm in re.finditer(r"[^.!?]+[.!?]+\s*", text[rest : q.content_end]):
            sentence = sm.group()
            if _FIRST_SECOND.search(sentence) or not _THIRD.search(sentence):
                break
            rest += len(sentence)
        if rest < q.content_end and any(c.isalpha() for c in text[rest : q.content_end]):
            tail = Quote(rest, q.end, q.paragraph, q.last_paragraph, rest, q.content_end, closed=q.closed)
            out.extend(_split_lost_closings(text, [tail]))
    return out


# an italic run in plain text's underscore convention ('_Hekinah degul_', '_ Tolgo phonac _')
_ITALIC = re.compile(r"(?<!\w)_ ?([A-Z\u00c0-\u00de][^_\n]{0,80}?) ?_(?!\w)")


def _italic_utterances(text: str, paragraphs: list[tuple[int, int]], quotes: list[Quote]) -> list[Quote]:
    """Words in italics, not quote marks, that a speech verb introduces: '...cried out in a shrill
    but distinct voice, _Hekinah degul_:', 'cry aloud _Tolgo phonac_;', 'a universal shout of
    _Hekinah degul_.' Plain text marks italics with underscores, and a narrator gives a foreign
    tongue's words in italics where an English line would stand in quote marks.

    Only right after the verb's clause (a comma, or the verb with 'aloud'/'out', or 'a shout of')
    and only where the italics end the clause: emphasis ('she sat down and _cried_'), ships and
    book titles ('reading in _The Times_') are no utterance.
    """
    out: list[Quote] = []
    starts = [q.start for q in quotes]  # detect's quotations come in text order
    ends = [q.end for q in quotes]
    for pi, (ps, pe) in enumerate(paragraphs):
        p = text[ps:pe]
        if "_" not in p:
            continue
        for m in _ITALIC.finditer(p):
            s, e = ps + m.start(), ps + m.end()
            k = bisect.bisect_right(starts, s) - 1
            if (k >= 0 and s < ends[k]) or not re.match(r"\s*(?:$|[,.;:!?(])", p[m.end() :]):
                continue
            words_in = _WORD.findall(m.group(1))
            if not 1 <= len(words_in) <= 8:
                continue
            clause = re.split(r"[.;:!?()\"\u201c\u201d\u2018\u2019_]", p[: m.start()])[-1]
            if _says_right_before(_WORD.findall(clause), clause.rstrip().endswith(",")):
                out.append(
                    Quote(s, e, pi, pi, s + 1, e - 1, closed=True, kind="speech", attrs={"italic": True})
                )
    return out


def _says_right_before(words: list[str], comma: bool) -> bool:
    """A saying verb ends the clause, perhaps with 'aloud'/'out' after it, or a comma after a few words
    of manner ('cried out three times,'); or a sound made with the voice and 'of' ('a shout of')."""
    low = [w.lower() for w in words]
    for i in range(len(low) - 1, max(-1, len(low) - 9), -1):
        w = low[i]
        if _saying_verb(w) and w not in _NAMING:
            if i > 0 and low[i - 1] in _NOT_SAID:
                return False
            tail = low[i + 1 :]
            if tail == ["of"]:
                return bool(_UTTERANCE.fullmatch(w))
            return comma or all(t in _AFTER_VERB for t in tail)
    return False


# where a line whose opening mark was lost may begin: after a bracket, a dash, a colon or a sentence
_LINE_START = re.compile(r"(?:[(\[:]|\u2014|--|[.!?](?=\s))\s*")


def _orphan_line(text: str, ps: int, i: int, pi: int, raw: list[Quote]) -> None:
    """A closing double mark with nothing open, followed by a speech tag ('[\u2014which certainly was
    not here before,\u201d said Alice,)'): a line whose opening mark the damage or a repair took.

    Why: the tag says a line ends here. If the paragraph before ended inside a line, a paragraph break
    fell inside that line and it goes on to here; otherwise the line starts after the nearest bracket,
    dash, colon or sentence end before the mark, or at the paragraph's start.
    """
    pos = ps + i
    prev = raw[-1] if raw else None
    if (
        prev is not None
        and prev.last_paragraph == pi - 1
        and not prev.closed
        and not any(c in text[ps:pos] for c in OPEN_D + CLOSE_D + '"')
    ):
        _finish(prev, text, pos, pi, closed=True)
        return
    # a paragraph with other quotation marks before this one nests quotations ('\u2018\u200a\u201cYes,\u201d
    # they say'): the mark belongs to them, not to a lost line
    if re.search(r"[\"\u201c\u201d\u2018]|(?<!\w)\u2019|\u2019(?!\w)", text[ps:pos]):
        return
    start = ps
    floor = ps
    for m in _LINE_START.finditer(text, floor, pos):
        start = m.end()
    start = max(start, floor)
    while start < pos and text[start].isspace():
        start += 1
    if pos - start < 2 or pos - start > 400 or not any(c.isalpha() for c in text[start:pos]):
        return
    raw.append(Quote(start, pos + 1, pi, pi, start, pos, closed=True))


def _epigraph(text: str, q: Quote, paragraphs: list[tuple[int, int]]) -> bool:
    """A quotation that fills its paragraph, followed by a short line giving its source after a dash
    ('-- The Maid's Tragedy: BEAUMONT AND FLETCHER.'): a chapter's epigraph."""
    ps, pe = paragraphs[q.last_paragraph]
    if text[q.start] not in _QUOTE_OPENERS:
        return False  # a dash line's next line is the next speaker, not a source
    if text[paragraphs[q.paragraph][0] : q.start].strip() or text[q.end : pe].strip(" .\"'\u201d\u2019"):
        return False
    if q.last_paragraph + 1 >= len(paragraphs):
        return False
    ns, ne = paragraphs[q.last_paragraph + 1]
    nxt = re.split(r"(?<=[.!?])\s", text[ns:ne].strip(), maxsplit=1)[0]  # its first sentence
    return (
        bool(re.match(r"(?:--|\u2014|\u2013)\s*[A-Z]", nxt))
        and len(_WORD.findall(nxt)) <= 10
        and not any(c in nxt for c in '"\u201c\u201d\u2018')
        and not _FIRST_SECOND.search(nxt)  # '-- We shall be always meeting!': the line goes on
        and not nxt.endswith(("!", "?"))
    )


def _glued_word(text: str, q: Quote, paragraphs: list[tuple[int, int]]) -> str | None:
    """The word a quotation follows with only a space between (no comma, colon or stop), or None."""
    ps = paragraphs[q.paragraph][0]
    before = text[max(ps, q.start - 40) : q.start]
    m = re.search(r"([A-Za-z\u00c0-\u024f]+)[ \t]$", before)
    return m.group(1) if m else None


def _runs_beats_into_lines(text: str, quotes: list[Quote], paragraphs: list[tuple[int, int]]) -> bool:
    """Whether the writer runs a line straight on from its beat or tag with no punctuation between
    ('Spike sighed "Fine."', 'She cried "I do need you, please."'), line after line.

    Why: in such a text 'Buffy looked up "Hey Spike."' and 'Dawn slumped "you know that one?"' are
    lines too, where in edited prose a quotation glued to the word before it is a title or a term.
    Counted from quotations that follow a speech verb with only a space between: 52 of 1,050 in the
    sample story, at most 17 of 1,578 (Huckleberry Finn) in the Standard Ebooks novels.
    """
    n = 0
    for q in quotes:
        w = _glued_word(text, q, paragraphs)
        if w and w.lower() in SPEECH_VERBS and w.lower() not in _NAMING:
            n += 1
    return n >= 5 and n >= 0.025 * len(quotes)


_DASH_LINE = re.compile(r"(?:^|:\s)(?:\u2014|\u2015|--)\s?(?=[A-Z\u00c0-\u00de\"'\u201c\u2018])", re.M)
_DASH_TAG = re.compile(
    r"(?:,|[!?]|\s\u2014)\s+(?:he|she|they|I|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s+(?:[a-z]+ly\s+)?([a-z]+)\b[^.!?:]*([.!?:,]|$)"
)
# the inverted order: '-- That fellow I was with last night, said Buck Mulligan, says you have ...'
_DASH_TAG_INV = re.compile(
    r"(?:,|[!?]|\s\u2014)\s+([a-z]+)\s+(?:he|she|they|I|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b[^.!?:]*([.!?:,]|$)"
)
# narration taking up after a tag: '-- Our mighty mother! Buck Mulligan said. He turned abruptly ...'
_NARRATION = re.compile(
    r"(?:He|She|They|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s+(?:[a-z]+ly\s+)?"
    r"(?:[a-z]{2,}ed|bent|stood|sat|took|came|went|held|saw|felt|ran|gave|got|drew|began|stole|shook|rose)\b"
    r"[^.!?]*[.!?]"
)
_QUOTE_OPENERS = OPEN_D + OPEN_S + "\"'"
# on its own line or before a note's mark; not a stammer ('\u2014 I \u2014 I don't know, he said.')
_DASHED_NUMBER = re.compile(r"[IVXLC]+\.?\s*(?:\u2014|\u2015|--)\s*(?:$|\[)")
_COLON_LINE = re.compile(r"(?<=\w):\s(?=[A-Z\u00c0-\u00de])")


def _dash_style(text: str, paragraphs: list[tuple[int, int]]) -> bool:
    """Speech set off by a leading dash (Joyce, French and Russian translations), not quote marks."""
    n = sum(1 for s, e in paragraphs if _DASH_LINE.match(text[s:e].lstrip()))
    after_colon = len(re.findall(r":\s(?:\u2014|\u2015|--)\s?\S", text))
    # a book whose lines open with quote marks uses dashes for broken-off sentences ('"Poor Miss
    # Taylor! -- I wish she were here again."'), not for turns of speech
    quoted = sum(1 for s, e in paragraphs if text[s:e].lstrip()[:1] in _QUOTE_OPENERS)
    if quoted >= max(n, after_colon):
        return False
    return (n >= 3 and n >= 0.05 * len(paragraphs)) or after_colon >= 3


def _dash_quotes(text: str, ps: int, pe: int, pi: int) -> list[Quote]:
    """'— Back to barracks! he said sternly. That will do.' -> the speech before and after the tag.

    Several dashes in one paragraph ('His mother said: -- O, Stephen will apologize. Dante said:
    -- O, if not ...') each open a speech that ends where the sentence introducing the next begins.
    """
    p = text[ps:pe]
    markers = list(_DASH_LINE.finditer(p))
    # 'Stephen had answered: Stephen Dedalus.': a colon after a saying verb opens a line, dash or not
    for c in _COLON_LINE.finditer(p):
        low = [w.lower() for w in _WORD.findall(p[max(0, c.start() - 30) : c.start()])[-2:]]
        if any(_saying_verb(w) and w not in _NAMING for w in low):
            markers.append(c)
    markers.sort(key=lambda m: m.start())
    # '\u2014 I \u2014 [1] Stately, plump Buck Mulligan ...': a part's number between dashes is a heading
    markers = [m for m in markers if not _DASHED_NUMBER.match(p, m.end())]
    out = []
    for mi, m in enumerate(markers):
        limit = len(p)
        if mi + 1 < len(markers):
            nxt = markers[mi + 1].start()
            cut = max((b.end() for b in re.finditer(r"[.!?]\s", p[m.end() : nxt])), default=None)
            limit = m.end() + cut if cut is not None else nxt
        out.extend(_dash_segment(text, ps, p, m, limit, pi))
    for q in out:
        q.attrs["dash"] = True
    return out


def _dash_segment(text: str, ps: int, p: str, m: re.Match, limit: int, pi: int) -> list[Quote]:
    start = ps + m.start() + (2 if p[m.start()] == ":" else 0)
    cstart = ps + m.end()
    out = []
    pos = cstart - ps
    while pos < limit:
        t = None
        for rx in (_DASH_TAG, _DASH_TAG_INV):
            for tm in rx.finditer(p, pos, limit):
                if tm.group(1) in SPEECH_VERBS:
                    if t is None or tm.start() < t.start():
                        t = tm
                    break
        end = ps + (t.start() + (1 if p[t.start()] in ",!?" else 0) if t else limit)
        end = _rstrip_pos(text, cstart, end)
        if end > cstart:
            out.append(Quote(start, end, pi, pi, cstart, end, closed=True, kind="speech"))
        if t is None or t.end() >= limit - 1 or t.group(2) in ("", ","):
            break
        rest = t.end()
        while rest < limit and p[rest].isspace():
            rest += 1
        nar = _NARRATION.match(p, rest, limit) if t.group(2) == "." else None
        if nar and not _FIRST_SECOND.search(nar.group()):
            break  # a third-person sentence after the tag: the narration goes on, not the speech
        start = cstart = ps + rest
        pos = rest
    return out


def _first_nonspace(p: str) -> int:
    return len(p) - len(p.lstrip())


def _rstrip_pos(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _finish(q: Quote, text: str, close_pos: int, pi: int, closed: bool) -> None:
    q.last_paragraph = pi
    q.closed = closed
    if closed:
        q.content_end = close_pos
        q.end = close_pos + 1
    else:
        q.content_end = close_pos
        q.end = close_pos


# the short words a title leaves in lower case ("Wife of the Above"); "That is Dorian Gray." is a line
_TITLE_SMALL = {"of", "the", "and", "a", "an", "to", "in", "on", "for", "at", "by", "with", "or"}
_CLOSED = re.compile(r"[,.!?\u2014\u2026-][\"\u201d\u2019']")
_GESTURE = re.compile(
    r"\b(?:as (?:much as|if|though) to say|seem(?:ed|s|ing)? to say|clearly indicating)[,:]?\s*$", re.I
)
_UNVOICED = re.compile(r"[^\w.;:!?]*(?:[\w\u2019']+\s+){1,3}(?:mentally|inwardly|silently)\b")
_ILLUSTRATION = re.compile(r"\[Illustration:[^\]]*$")
_INSCRIBED = re.compile(
    r"\s*(?:was|were|is|are)\s+(?:\w+ly\s+)?"
    r"(?:engraved|written|printed|inscribed|painted|carved|stamped|lettered|scrawled)\b"
)
_SUBJ = {"he", "she", "i", "they", "we", "you", "it"}
# a reference in brackets with a year right after the quotation: where and when a title appeared
_CITATION = re.compile(r"\s*\([^()\n]{0,60}\b1[5-9]\d\d\)")
_DET = ("the", "a", "an", "his", "her", "my", "their")
# what may stand between a speech verb and the quotation it introduces: 'said he, "', 'cried out: "'
_AFTER_VERB = {"again", "aloud", "out", "back", "up", "then", "once", "and"}
_OBJ = {"him", "her", "them", "me", "us", "you", "it"}
# before a speech verb: words not said ('didn't say "perhaps never,"', 'pleased to say "good-by,"')
_NOT_SAID = {
    "to",
    "not",
    "never",
    "didn't",
    "didn\u2019t",
    "don't",
    "don\u2019t",
    "can",
    "could",
    "would",
    "will",
    "shall",
    "should",
    "might",
    "may",
    "must",
    "can't",
    "can\u2019t",
    "couldn't",
    "couldn\u2019t",
}
# verbs whose object, glued on with no comma, is a piece's title: sing "See-Saw.", played "Dixie"
_PERFORM = {
    "sing",
    "sang",
    "sung",
    "sings",
    "singing",
    "hum",
    "hummed",
    "humming",
    "play",
    "played",
    "playing",
}
_NAMING = {"called", "call", "calls", "calling", "named", "name", "names", "dubbed", "nicknamed"}
# nouns of a sound made with the voice: 'a cry of "Fire!"', 'shouts of "Hear, hear!"'
_UTTERANCE = re.compile(r"(?:cr(?:y|ies)|shouts?|shrieks?|calls?|yells?|screams?|roars?|whispers?|murmurs?)")
# verbs whose object is the very words said ('jumped and said "ouch!"'), unlike 'read', 'smiled' or 'add'
_SAYS = re.compile(
    r"(?:say|said|tell|told|ask|answer|repl|cr(?:y|ie)|shout|yell|scream|whisper|mutter|murmur|exclaim"
    r"|added|repeat|declar|remark)"
)


def _saying_verb(w: str) -> bool:
    """A speech verb whose object is the very words said (said, cried, whispered), not a beat (smiled)."""
    return w in SPEECH_VERBS and bool(_SAYS.match(w))


def _tag_follows(words: list[str], verbs: frozenset[str] | set[str] = SPEECH_VERBS) -> bool:
    """'said he', 'she said', 'Willow said', 'Emma McChesney said', 'the man said', 'she quietly said'
    right after a quote."""
    if not words:
        return False
    low = [w.lower() for w in words]
    if low[0] in verbs:
        # 'said he', 'cried Alice', 'replied the man', 'cried out', 'thought old Tom': not a noun
        # ('"only if not noisy," reply paid')
        if len(low) == 1 or _subject_like(words[1]):
            return True
        return len(low) > 2 and words[2][:1].isupper() and low[1] not in _TITLE_SMALL and low[1] != "from"
    if len(low) > 1 and low[1] in verbs and (low[0] in _SUBJ or words[0][:1].isupper()):
        return True
    if len(low) > 2 and low[2] in verbs:
        names = words[0][:1].isupper() and words[1][:1].isupper()
        return names or low[0] in _DET or low[0] in _SUBJ or low[1].endswith("ly")
    return False


def _subject_like(word: str) -> bool:
    low = word.lower()
    return (
        word[:1].isupper()
        or low in _SUBJ
        or low in _DET
        or low in _AFTER_VERB
        or low in ("to", "at", "in", "with", "after")
        or low.endswith("ly")
    )


def _said_before(words: list[str]) -> bool:
    """A saying verb in the tag's place before a quotation, not negated or an infinitive: 'jumped and
    said "ouch!"', 'told her "no,"', 'said to him "go"' but not 'didn't say "perhaps never,"',
    'pleased to say "good-by,"'."""
    if not _tag_precedes(words, True):
        return False
    low = [w.lower() for w in words]
    for i in (len(low) - 1, len(low) - 2, len(low) - 3):
        if i >= 0 and _saying_verb(low[i]):
            return not (i > 0 and low[i - 1] in _NOT_SAID)
    return False


def _thought_follows(words: list[str], sentence_ended: bool, after: str = "") -> bool:
    """'thought Alice', 'he thought', 'Newland Archer thought' in the tag's place right after a quote.

    Why the tag's place and not anywhere near: "'Oh dear!' (when she thought it over afterwards" and
    "'...my dear --' Though she thought of her body" are spoken lines; and after a quotation closed
    by a full stop a capitalised word starts a new sentence ('"Fine." She thought about it.'), a beat.
    """
    if not _tag_follows(words, _THINK) or _tag_follows(words):
        return False
    if sentence_ended and words[0][:1].isupper() and words[0].lower() not in _THINK:
        return bool(re.match(r"\W*\w+\s+\w+\s*[.!?,;]", after))  # '"..." He thought.' is all tag
    return True


def _tag_precedes(words: list[str], punct: bool) -> bool:
    """'she said, "', 'said he: "', 'cried Alice, "', 'told her "', 'said, smiling, "', 'said to him, "',
    'said the man, "', 'cries of "' right before a quote; not a verb further back ('for some
    mysterious reason as "Tuppence."'). `punct`: a comma, colon or dash stands before the quote, which
    the three-word forms need ('a song that had always called to her "Living my life..."' is not).
    """
    if not words:
        return False
    low = [w.lower() for w in words]
    if low[-1] in SPEECH_VERBS:
        return True
    if len(low) > 1 and low[-2] in SPEECH_VERBS:
        last = low[-1]
        if low[-2] in _NAMING and (last in _OBJ or words[-1][:1].isupper()):
            return False  # always called him "Your Majesty,", calling Drummle "old boy,": a name given, not a line
        if last == "of":
            return bool(_UTTERANCE.fullmatch(low[-2]))  # loud cries of "Hear, hear!", a cry of "Fire!"
        return (
            last in _SUBJ
            or last in _OBJ
            or words[-1][:1].isupper()
            or last.endswith(("ly", "ing", "ed"))
            or last in _AFTER_VERB
        )
    if len(low) > 2 and low[-3] in SPEECH_VERBS and punct:
        whom = low[-1] in _OBJ or words[-1][:1].isupper()
        return low[-2] in _DET or (low[-2] in ("to", "at") and whom)
    if len(low) > 3 and low[-4] in SPEECH_VERBS and punct:
        return low[-3] in ("to", "at") and low[-2] in _DET  # whisper to the other, "..."
    return False


# 'to say' after a judgement ('all very well to say', 'easy to say', 'the same as to say') or 'can say'
# offers words as a saying; after a verb ('made bold to say', 'used to say', 'and to say') it tells a line
_SAYING = re.compile(
    r"\b(?:(?:well|easy|hard|difficult|impossible|enough|fair|safe|right|wrong|is|was|as|be)\s+to|can|could)"
    r"\s+say\s*,?\s*$",
    re.I,
)


def _saying_not_said(before: str) -> bool:
    """Words offered as what one might say ('It was all very well to say 'Drink me,'', 'as soon as you
    can say "Gee!"', 'all you've got to do is to say "Yes."'): a saying, not a line spoken."""
    return bool(_SAYING.search(before))


_SENTENCE_END = re.compile(r"(\w+)[.!?]\s+[A-Z]")
_ABBREV = {"Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Col", "Capt", "Gen", "Rev", "Prof", "Mme", "Messrs"}


def _resumes_line(before: str, inner: str) -> bool:
    """Whether a lower-case quotation goes on with a line quoted earlier in its paragraph.

    Within the sentence of that earlier quotation it does ('"Now," he pursued, "you remember ..."').
    After the narration has moved on to a new sentence, only a line that asks or exclaims ('...
    making her more comfortable; "that's sadly true!"') or follows a speech verb in its own sentence
    ('And then repeated, with her former pleasant change, "shall we walk ...?"') goes on; a phrase
    that ends the narration's sentence is the narrator's ('... He ought now to have been at school; but
    his mama had taken him home, "on account of his delicate health."').
    """
    marks = [m.end() for m in _CLOSED.finditer(before)] + [
        m.end() for m in re.finditer(r"[\"\u201d]", before)
    ]
    if not marks:
        return False
    marks.sort()
    sentence_start = -1
    for m in _SENTENCE_END.finditer(before, marks[-1]):
        w = m.group(1)
        if w not in _ABBREV and len(w) > 1:
            sentence_start = m.end() - 1
    if sentence_start < 0 or re.search(r"[!?]\W*$", inner):
        return True
    return any(_saying_verb(w.lower()) for w in _WORD.findall(before[sentence_start:]))


def glued_lower(before: str, inner: str) -> bool:
    """A quotation opening in lower case right after a word, inside a sentence: a phrase, not a line."""
    b = before.rstrip()
    return bool(b) and b[-1].isalnum() and before.endswith((" ", "\t")) and inner[:1].islower()


_PREPOSITIONS = {"of", "to", "in", "on", "for", "at", "by", "with", "from", "about", "into", "like", "as"}
_BEAT_AFTER = re.compile(r"\s*(?:$|[A-Z\u00c0-\u00de\"\u201c\u2018]|(?:he|she|they|I|we|it)\s+[a-z]+)")


def _line_after_beat(tag_before: list[str], inner: str, after: str) -> bool:
    """A quotation run on from a beat reads as a line: it ends like one (or a beat follows it), the word
    before it is not one that takes a name or a term ('the', 'of', 'called'), and what follows starts
    a new sentence or a beat ('"You ok?" she dropped her bag')."""
    if not tag_before or tag_before[-1] in _PREPOSITIONS:
        return False
    asked = bool(re.search(r"[!?]\W*$", inner)) and inner[:1].isupper()
    if tag_before[-1] in _MENTION_CUES and not (tag_before[-1] in _OBJ and asked):
        return False  # the "Red Flag," her "ball-dress," -- but: shook her "Got it?"
    if any(w in _NAMING for w in tag_before[-3:]):
        return False
    if not _BEAT_AFTER.match(after):
        return False
    return bool(re.search(r"[.!?\u2026\u2014-]\W*$", inner)) or bool(
        re.match(r"\s*(?:he|she|they|I)\s", after)
    )


# every sentence of it asks or exclaims: 'me-yow! me-yow!', 'Bless that girl, what a torment she is!'
_CRIES = re.compile(r"(?:[^.!?\u2026]+[!?]+[\s\W]*)+")
_TALK = {"talk", "talks", "talked", "talking", "speak", "speaks", "spoke", "speaking"}


def _cry_named(tag_before: list[str], inner: str) -> bool:
    """A cry or a question the narration names as a sound made ('could just barely hear a "me-yow!
    me-yow!"', 'a "Bless that girl, what a torment she is!" and a clutch at his hair') or as what
    people talked of ('the co-eds talked of "What shall we do when we finish college?"'): words said.

    Why only what asks or exclaims: after 'a' or 'talked of' a term or a title ('a "Brown coupe"',
    'talked of "the season"') is a mention; a cry is heard.
    """
    if not tag_before or not _CRIES.fullmatch(inner):
        return False
    if tag_before[-1] in ("a", "an"):
        return True
    return (
        len(tag_before) > 1
        and tag_before[-1] in ("of", "about")
        and tag_before[-2] in _TALK
        and inner[:1].isupper()
    )


_PASSIVE = {"is", "was", "were", "are", "be", "been", "being"}
# words pledged: 'the assurance ... that "he would remember it ..."', 'promised her that "..."'
_PLEDGES = {
    "assurance",
    "assurances",
    "assured",
    "assuring",
    "promise",
    "promised",
    "promising",
    "vowed",
    "swore",
}


# a quotation that opens with an interjection is a voice, not a term or a title ('a demure "Yes" or
# "No,"', '"oh, some time soon now"'), unless the narration names it ('the song was "Oh, Rachel."')
_INTERJECTION = re.compile(r"(?i)(?:oh|ah|yes|no|hush|alas|pooh|hurrah)(?:[,!;.?]|\W*$)")
_NAMED_AS = {"word", "name", "named", "called", "title", "titled", "entitled", "song", "tune"} | _PERFORM


def _reported_words(before: str, inner: str, after: str) -> bool:
    """Words quoted at the end of a sentence that reports what someone said ('Mary said they were
    "full of lace."', 'Our guide told us that boats could go there -- but "long way -- all day."'):
    the speaker's own words, quoted inside the report.

    Why a phrase of three words or more that ends the sentence: a single quoted word in a report
    ('they said he was at Geneva "studying."', 'which they said was "mamaliga,"') is the narrator
    holding up a term; a saying verb that names ('he said it was called "paprika hendl,"') is
    left to the naming rules. The verb must open a clause of what was said ('said they were', 'told
    us that'), and not be passive: 'It was said of him that he might have "done extremely well."' is
    the narrator's report of talk, and 'She said nothing of her plan' reports none.
    """
    sentence = re.split(r"(?:(?<=[.!?;])|(?<=[.!?;][\u201d\u2019\"]))\s+", before)[-1]
    if any(c in sentence for c in OPEN_D + CLOSE_D + OPEN_S + '"'):
        return False
    if re.search(r"[.!?]\s+[A-Z]", inner):
        return False  # sentences of their own, not a phrase finishing the report's
    if len(_WORD.findall(inner)) < 3 or not (
        re.search(r"[.!?;]\W*$", inner) or re.match(r"\W{0,2}(?:$|[.!?;\n])", after)
    ):
        return False
    low = [w.lower() for w in _WORD.findall(sentence)]
    for i, w in enumerate(low[:-1]):
        if (
            not (_saying_verb(w) or w in _PLEDGES)
            or w in _NAMING
            or (i > 0 and low[i - 1] in _NOT_SAID | _PASSIVE)
        ):
            continue
        # the verb opens a clause of what was said: 'said they were', 'told the cats that she was', or the
        # quotation is that clause ('the assurance, so consolatory to the urchin, that "he would ..."')
        if low[-1] == "that" or any(n == "that" or n in _SUBJ for n in low[i + 1 : i + 5]):
            return not any(n in _NAMING for n in low[i + 1 :])
    return False


def _classify(text: str, q: Quote, paragraphs: list[tuple[int, int]], beats_run_on: bool = False) -> str:
    """speech, thought (tagged with a thinking verb) or mention (scare quote, title, term).

    `beats_run_on`: the writer runs lines on from their beats with no punctuation between (see
    `_runs_beats_into_lines`), so a quotation glued to a beat that reads as a line is speech.
    """
    ps, pe = paragraphs[q.paragraph]
    inner = text[q.content_start : q.content_end].strip()
    after = text[q.end : paragraphs[q.last_paragraph][1]][:60]
    before = text[ps : q.start]
    raw_after = _WORD.findall(after)[:4]
    raw_before = _WORD.findall(before)[-4:]
    tag_before = [w.lower() for w in raw_before]
    if _thought_follows(raw_after, bool(re.search(r"\.\W*$", inner)), after):
        return "thought"
    if any(w in _THINK for w in tag_before[-4:]) and re.search(r"[,:]\s*$", before):
        return "thought"  # he would think, "What a nice house!"
    if _TO_SELF.match(after):
        return "thought"  # said to herself: words not spoken to anyone
    if _GESTURE.search(before):
        return "thought"  # looked around as much as to say, "Are you all like this?": meant, not said
    if _tag_follows(raw_after) and _UNVOICED.match(after):
        return "thought"  # said he mentally
    if _ILLUSTRATION.search(before) or _INSCRIBED.match(after):
        return "mention"  # a picture's caption; "To James Mortimer ..." was engraved upon it
    if _CITATION.match(after):
        return "mention"  # 'Do We Progress?' (Journal of Psychology, March, 1883): a paper's title
    if q.last_paragraph != q.paragraph or q.attrs.get("dash"):
        return "speech"
    words = _WORD.findall(inner)
    terminal = bool(re.search(r"[,.!?\u2026\u2014\u2013-]\W*$", inner))
    starts_par = not before.strip() or before.rstrip()[-1:] in ".!?:\u2026\u2014-\"\u201d\u2019'*)"
    speech_near = _tag_follows(raw_after) or _tag_precedes(
        raw_before, bool(re.search(r"[,:;\u2014-]\s*$", before))
    )
    # '"Yes," he said, taking a bite, "go."': a closing mark (after punctuation: not an apostrophe)
    # earlier on, and a speech verb between it and this quotation
    closings = [m.end() for m in _CLOSED.finditer(before)]
    quoted_before = bool(closings) or bool(re.search(r"[\"\u201d]", before))
    resumed = bool(closings) and any(
        w.lower() in SPEECH_VERBS for w in _WORD.findall(before[closings[-1] :])[:12]
    )
    said_before = _said_before(raw_before)
    glued = bool(before.strip()) and (before.rstrip()[-1:].isalnum()) and before.endswith((" ", "\t"))
    if beats_run_on and glued and not starts_par and _line_after_beat(tag_before, inner, after):
        return "speech"  # Buffy looked up "Hey Spike." / Dawn slumped "you know that one?"
    if beats_run_on and not before.strip() and re.match(r"\s*(?:he|she|they|I)\s+[a-z]+", after):
        return "speech"  # "Shh" she stroked the back of his head
    if glued and _cry_named(tag_before, inner):
        # could just barely hear a "me-yow! me-yow!"; the co-eds talked of "What shall we do?"
        return "speech"
    reported = q.closed and _reported_words(before, inner, after)
    if (
        glued_lower(before, inner)
        and not _tag_follows(raw_after)
        and not resumed
        and not said_before
        and not reported
    ):
        # She didn't say "perhaps never," / generally "very particular," / pleased to say 'good-by,'
        # but: she jumped and said "ouch!"
        return "mention"
    if (
        tag_before
        and tag_before[-1] in ("called", "call", "calls", "named", "titled", "entitled")
        and before.rstrip()[-1:].isalnum()
        and len(words) < 10
    ):
        return "mention"  # the book was called "The Vampyr Codex"
    if (
        glued
        and not starts_par
        and tag_before[-1:]
        and tag_before[-1] in _PERFORM
        and 0 < len(words) <= 4
        and all(w[:1].isupper() or w in _TITLE_SMALL for w in words)
    ):
        return "mention"  # hear Fay Templeton sing "See-Saw.": a song's title, not words sung to anyone
    if _saying_not_said(before):
        return "mention"  # all very well to say 'Drink me,'; as soon as you can say "Gee!"
    if before.rstrip().endswith(":") or speech_near or said_before:
        return "speech"
    if _INTERJECTION.match(inner) and not any(w in _NAMED_AS for w in tag_before):
        # "oh, some time soon now"; a demure "Yes" or "No,"; the father whose grave "No, no," ...
        return "speech"
    if (
        text[q.start] == OPEN_S
        and len(words) >= 3
        and all(w[:1].isupper() or w in _TITLE_SMALL for w in words)
    ):
        return "mention"  # a title in single marks: 'Do We Progress?' (Journal of Psychology, 1883)
    if not before.strip() and re.match(r"\s*(?:--|\u2014)[^\"\u201c\u2018]{0,40}[\"\u201c\u2018]", after):
        return "speech"  # "I will" -- and "I will!" cried the ladies: a line broken off by the next
    long_words = [w for w in words if len(w) > 3]
    capitalised = all(w[:1].isupper() for w in long_words)
    if glued and not starts_par:
        prev = tag_before[-1] if tag_before else ""
        if prev in _MENTION_CUES and len(words) < 10:
            return "mention"  # known as "Tuppence.", the word "Service."
        if inner[:1].islower() and not reported:
            return "mention"  # call "life."
        if len(words) <= 8 and capitalised and len(words) > 1:
            return "mention"  # a title: "Ingoldsby Legends.", the overture to "The Poet and the Peasant."
    if (
        not starts_par
        and not quoted_before
        and len(words) <= 8
        and len(long_words) > 1
        and capitalised
        and all(w in _TITLE_SMALL for w in words if len(w) <= 3 and w.islower())
        and not re.search(r"[!?]\W*$", inner)
    ):
        return "mention"  # the inscription, "Also Georgiana Wife of the Above," I drew ...
    if (
        not starts_par
        and inner[:1].islower()
        and not said_before
        and not reported
        and not _resumes_line(before, inner)
    ):
        # taken him home for a month or two, "on account of his delicate health." (but after a
        # quotation earlier in the paragraph: '"Now," he pursued, "you remember ..."')
        return "mention"
    if terminal and (starts_par or len(words) > 2):
        return "speech"
    if re.search(r"[.!?\u2026]\W*$", inner) and inner[:1].isupper():
        return "speech"  # a whole sentence in quotes, even after narration with no comma
    if len(words) >= 8:
        return "speech"
    prev = tag_before[-1] if tag_before else ""
    if prev in _MENTION_CUES:
        return "mention"
    if not starts_par and not terminal:
        return "mention"
    if starts_par and (terminal or len(words) >= 3 or not after.strip() or q.end >= pe - 1):
        return "speech"
    return "mention" if len(words) <= 4 else "speech"
