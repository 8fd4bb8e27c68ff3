"""The damage models, written exactly as real decoders behave.

Why here and not only in the bench: the restorer uses the same functions as a
*channel*: a candidate restoration is accepted for a damaged site only if
damaging it again reproduces what the file shows. Fitting and benchmarking
corrupt clean text with the very same functions, so what we measure is what
real files contain.
"""

from __future__ import annotations

import unicodedata

FFFD = "\ufffd"

# Standard Ebooks typesetting that no word processor produces, and characters
# outside Windows-1252 that a writer would have typed some other way.
_PREPARE = str.maketrans(
    {
        "\u2060": None,  # word joiner
        "\u200a": None,  # hair space
        "\u00a0": " ",
        "\u2e3a": "\u2014\u2014",  # two-em dash
        "\u2e3b": "\u2014\u2014\u2014",
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "\u2013",
        "\u2212": "-",
        "\u2044": "/",
    }
)


def prepare_clean(text: str) -> str:
    """Make a Standard Ebooks text look like what a word processor would have saved.

    Characters that still cannot be written in Windows-1252 (a few subscripts) are
    decomposed where possible and dropped otherwise, so every remaining non-ASCII
    character is one a real Windows-1252 file could hold.
    """
    text = text.translate(_PREPARE)
    if all(_in_cp1252(c) for c in set(text)):
        return text
    out = []
    for c in text:
        if _in_cp1252(c):
            out.append(c)
        else:
            d = unicodedata.normalize("NFKD", c)
            out.append(d if all(_in_cp1252(x) for x in d) else "")
    return "".join(out)


def _in_cp1252(c: str) -> bool:
    try:
        c.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


# --------------------------------------------------------------------------- the corruptions


def cp1252_as_utf8(clean: str) -> str:
    """Model 1: a Windows-1252 file read as UTF-8 with replacement."""
    return clean.encode("cp1252", errors="replace").decode("utf-8", errors="replace")


def utf8_as_ascii(clean: str) -> str:
    """Model 2: a UTF-8 file read as ASCII with replacement (one U+FFFD per byte)."""
    return clean.encode("utf-8").decode("ascii", errors="replace")


def question_marks(clean: str) -> str:
    """Model 3: every character outside ASCII written as `?` (one per code point)."""
    return clean.encode("ascii", errors="replace").decode("ascii")


def mojibake(clean: str, times: int = 1) -> str:
    """Model 4: UTF-8 read as Windows-1252, once or twice (reversible where bytes are defined).

    Python leaves 0x81 0x8D 0x8F 0x90 0x9D undefined, so `”` (E2 80 9D) becomes
    `â€` + U+FFFD while `’` becomes the reversible `â€™`.
    """
    text = clean
    for _ in range(times):
        text = text.encode("utf-8").decode("cp1252", errors="replace")
    return text


CORRUPTIONS = {
    "fffd-cp1252": cp1252_as_utf8,
    "fffd-ascii": utf8_as_ascii,
    "question": question_marks,
}


# --------------------------------------------------------------------------- channel checks


def utf8_len(s: str) -> int:
    return len(s.encode("utf-8"))


def collapses_to_one(chars: str) -> bool:
    """True when these Windows-1252 characters, followed by ASCII, decode as UTF-8 to one U+FFFD."""
    try:
        raw = chars.encode("cp1252") + b" "
    except UnicodeEncodeError:
        return False
    return raw.decode("utf-8", errors="replace") == FFFD + " "


def undo_model1_char(ch: str) -> str | None:
    """The Windows-1252 characters that a valid multibyte decode `ch` came from, if any.

    In a file read as UTF-8 that was really Windows-1252, a lead letter followed by
    punctuation can form a valid sequence: `é“”` is E9 93 94, which decodes to `铔`.
    The mapping back is exact whenever all bytes are defined in Windows-1252.
    """
    raw = ch.encode("utf-8")
    if len(raw) < 2:
        return None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
