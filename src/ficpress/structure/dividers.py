"""Lines that separate scenes or mark a flashback: symbol lines, letter dividers, POV headers.

Authors separate scenes with whatever their keyboard offers: `***`, `~*~`,
`-=-=-`, `#`, letters drawn as ornaments (`xXx`, `oOo`, `-o0o-`) or a spelled
label (`~LB~`, "line break"). The original glyph is kept so output can show it
or replace it by a thematic break.
"""

from __future__ import annotations

import re

# Only symbols (no letters or digits): ***, * * *, ~*~, -=-=-, #, ~~~, ____, §, •••
_SYMBOLS = re.compile(r"^[^\w\s]+(?:\s*[^\w\s]+)*$|^_{3,}$")
# Letters drawn as ornaments: xXx, XxX, oOo, -o0o-, o0o, x-x-x, ~xox~, and 3+ repeats of x/o.
_LETTERS = re.compile(r"^[\W_]*(?:[xo0]+[\W_]*){1,12}$", re.IGNORECASE)
# Spelled labels: ~LB~, LB, line break, scene break, page break, break.
_LABEL = re.compile(
    r"^[\W_]*(?:lb|line\s*-?\s*break|scene\s*-?\s*break|page\s*-?\s*break|break)[\W_]*$", re.I
)
# A point-of-view header: "Spike's POV", "~Willow POV~", "POV: Buffy".
_POV = re.compile(
    r"^[\W_]*(?:(?P<a>[A-Z][\w.'\u2019 -]{0,40}?)(?:['\u2019]s)?\s+(?:POV|P\.O\.V\.?|point of view)"
    r"|(?:POV|P\.O\.V\.?)\s*[:\-]\s*(?P<b>[A-Z][\w.'\u2019 -]{0,40}?))[\W_]*$"
)
_FLASHBACK_START = re.compile(
    r"^[\W_]*(?:begin(?:ning)?\s+(?:of\s+)?|start(?:\s+of)?\s+)?flash\s*-?\s*backs?(?:\s+(?:begins?|starts?))?"
    r"(?:\s*[:\-\u2013\u2014]\s*(?P<title>[^\n]{0,60}?))?[\W_]*$",
    re.IGNORECASE,
)
_FLASHBACK_END = re.compile(
    r"^[\W_]*(?:(?:end(?:s|ing)?|/|close)(?:\s+of)?(?:\s+the)?\s*flash\s*-?\s*backs?"
    r"|flash\s*-?\s*backs?\s+(?:ends?|over|ended|finished))[\W_]*$",
    re.IGNORECASE,
)


def divider_glyph(stripped: str) -> tuple[str, float] | None:
    """The line as a scene-break glyph with a confidence, or None when it is not a divider."""
    s = stripped
    if not s or len(s) > 200:
        return None
    if _SYMBOLS.match(s):
        # A lone quote or bracket is damaged dialogue, not a divider.
        if len(set(s) - set(" ")) == 1 and s[0] in "\"'\u201c\u201d\u2018\u2019()[]{}.,;:!?":
            return None
        if s in ("...", "\u2026", "?", "!", "?!", "!?"):
            return None
        return s, 0.97
    if len(s) > 40:
        return None
    if _LETTERS.match(s):
        core = re.sub(r"[\W_]", "", s)
        decorated = core != s
        alternating = (
            len(core) >= 3
            and core[0].isupper() == core[-1].isupper()
            and any(c.isupper() != core[0].isupper() for c in core[1:-1])
        )
        mixed = alternating or len(set(core.lower())) >= 2 or any(c.isdigit() for c in core)
        if (len(core) >= 3 and (decorated or mixed)) or (len(core) >= 2 and decorated and mixed):
            # "Ooo" and "xxx" alone may be words (a sound, kisses): less sure.
            return s, 0.9 if mixed else 0.7
        return None
    if _LABEL.match(s):
        return s, 0.9
    return None


def pov_header(stripped: str) -> str | None:
    """The character named by a POV header line ("Spike's POV"), or None."""
    if len(stripped) > 50:
        return None
    m = _POV.match(stripped)
    if not m:
        return None
    return (m.group("a") or m.group("b") or "").strip()


def flashback_marker(stripped: str) -> str | None:
    """ "start" or "end" when the line marks a flashback's edge, else None."""
    if len(stripped) > 80:
        return None
    if _FLASHBACK_END.match(stripped):
        return "end"
    if _FLASHBACK_START.match(stripped):
        return "start"
    return None
