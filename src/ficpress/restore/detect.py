"""Find the damage that is not U+FFFD: mojibake, HTML entities, `?` substitution, typed ASCII typography.

Why each is decided from the text itself: a file does not say how it was
damaged, and files mix damage (a story pasted from two sources). Each finder
is cheap on clean text: one regular expression, and nothing else runs when it
finds nothing.
"""

from __future__ import annotations

import html
import html.entities
import itertools
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ficpress.restore.core import Site

# Characters that bytes 0x80-0xFF become when UTF-8 is read as Windows-1252 (and U+FFFD for
# the five bytes Python leaves undefined there).
_CP1252_HIGH = "".join(sorted({bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0x100)}))
_MOJIBAKE = re.compile("[" + re.escape(_CP1252_HIGH) + "]{2,}")
_LEADS = re.compile("[\u00c2-\u00f4]")

_UNDEFINED = (0x9D, 0x90, 0x81, 0x8D, 0x8F)  # bytes Python's cp1252 leaves undefined, likeliest first
# Preference among readings of a lost byte: a closing quote (E2 80 9D) is what real text holds.
_PREFER = {"\u201d": 0.97, "\u2010": 0.02}


@lru_cache(maxsize=1)
def ftfy_config() -> Any:
    """ftfy as a library, configured explicitly: only encoding repair, nothing cosmetic,
    because every other change would alter characters that were not damaged.

    Imported on first need: most files hold no mojibake, and importing ftfy costs
    a one-shot run more than restoring a story does.
    """
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=False,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


@lru_cache(maxsize=10_000)
def _fix_run(run: str) -> str:
    """ftfy on one run of suspect characters; the same few runs recur all through a file."""
    import ftfy

    return ftfy.fix_text(run, ftfy_config())


def mojibake_sites(text: str) -> list[Site]:
    """Reversible mojibake (`â€™`, `Ã©`, `Ã¢â‚¬â„¢`), fixed by ftfy run by run."""
    if text.isascii():  # every character mojibake is made of lies above ASCII
        return []
    sites = []
    for m in _MOJIBAKE.finditer(text):
        run = m.group()
        if not _LEADS.search(run):
            continue
        fixed = _fix_run(run)
        if fixed == run:
            continue
        if "\ufffd" in fixed:
            sites.extend(_lossy(run, m.start()))
            continue
        sites.append(Site.fixed(m.start(), m.end(), "mojibake", "ftfy:fix_encoding", [(fixed, 0.995)]))
    return sites


def _lossy(run: str, offset: int) -> list[Site]:
    """Undo mojibake whose undefined bytes Python replaced by U+FFFD, level by level.

    Each U+FFFD stood for one of the five undefined bytes; every reading that
    decodes as valid UTF-8 is kept, and the likeliest (a closing quote) wins.
    """
    cands = _lossy_readings(run)
    if not cands:
        return []
    return [Site.fixed(offset, offset + len(run), "mojibake", "rule:lossy-cp1252", cands)]


@lru_cache(maxsize=10_000)
def _lossy_readings(run: str) -> list[tuple[str, float]]:
    readings = {run}
    for _ in range(3):
        nxt: set[str] = set()
        for r in readings:
            nxt.update(_undo_once(r))
        if not nxt:
            break
        readings = nxt
    readings.discard(run)
    if not readings:
        return []
    ranked = sorted(readings, key=lambda r: -sum(_PREFER.get(c, 0.001) for c in r) / max(1, len(r)))
    weights = [max(sum(_PREFER.get(c, 0.001) for c in r), 1e-3) for r in ranked]
    z = sum(weights)
    cands = [(r, min(0.995, w / z)) for r, w in zip(ranked, weights, strict=True)][:4]
    return [] if "\ufffd" in cands[0][0] else cands


def _undo_once(text: str) -> list[str]:
    holes = [i for i, c in enumerate(text) if c == "\ufffd"]
    if len(holes) > 3:
        return []
    try:
        parts = [c.encode("cp1252") if c != "\ufffd" else b"" for c in text]
    except UnicodeEncodeError:
        return []
    out = []
    for combo in itertools.product(_UNDEFINED, repeat=len(holes)):
        for i, b in zip(holes, combo, strict=True):
            parts[i] = bytes([b])
        try:
            out.append(b"".join(parts).decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return out


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def entity_sites(text: str) -> list[Site]:
    """Well-formed HTML entities and numeric references, with html.unescape's meaning."""
    if "&" not in text:
        return []
    sites = []
    for m in _ENTITY.finditer(text):
        g = m.group()
        if g[1] != "#" and g[1:] not in html.entities.html5:
            continue  # html.unescape would take a known prefix (&notanentity; -> ¬anentity;)
        rep = html.unescape(g)
        if rep == m.group() or not rep or "\ufffd" in rep:
            continue
        sites.append(Site.fixed(m.start(), m.end(), "entity", "rule:html-entity", [(rep, 0.995)]))
    return sites


# `?` inside a word (don?t) or opening a line (?Hello) is never a real question mark.
_Q_STRONG = re.compile(r"[A-Za-z]\?[A-Za-z]|^\?[A-Za-z]|\?\?[A-Za-z]", re.M)


def substitutes_question_marks(text: str) -> bool:
    """Whether this document writes `?` for characters it could not encode."""
    n = text.count("?")
    if n == 0:
        return False
    strong = 0
    for _ in _strong_matches(text):
        strong += 1
        if strong >= 3:
            return True
    return strong >= 1 and strong >= 0.05 * n


def _strong_matches(text: str) -> Iterator[re.Match[str]]:
    """`_Q_STRONG.finditer(text)`, tried only where a match can start (at a `?` or just before one).

    Why: the pattern has no literal prefix, so scanning a whole story position by position
    cost milliseconds; every match starts at a `?` or at the letter before one.
    """
    end = 0
    q = text.find("?")
    while q != -1:
        for p in (q - 1, q):
            if p >= end:
                m = _Q_STRONG.match(text, p)
                if m is not None:
                    end = m.end()
                    yield m
        q = text.find("?", q + 1)


def question_sites(text: str) -> list[Site]:
    if not substitutes_question_marks(text):
        return []
    return [
        Site(m.start(), m.end(), "question", "question", reason="model:question")
        for m in re.finditer(r"\?", text)
    ]


_TYPED = re.compile(r"(?<!-)---?(?!-)|[\"']")


def typography_sites(text: str) -> list[Site]:
    """Straight quotes and `--` the author typed; only under --typography."""
    sites = []
    for m in _TYPED.finditer(text):
        g = m.group()
        if g == '"':
            sites.append(Site(m.start(), m.end(), "typography", "dq", reason="model:typography"))
        elif g == "'":
            sites.append(Site(m.start(), m.end(), "typography", "sq", reason="model:typography"))
        else:
            sites.append(
                Site.fixed(m.start(), m.end(), "typography", "rule:double-hyphen", [("\u2014", 0.99)])
            )
    return sites
