"""Bytes -> text without ever hiding damage.

Why not `bytes.decode(..., errors="replace")`: a reader deserves to know which
characters were lost and where. Every undecodable byte range becomes one
U+FFFD *and* a `Damage("undecodable")`; every U+FFFD that was already in the
file becomes `Damage("fffd")`; a file that switches from UTF-8 to a single-byte
code page half-way is decoded piece by piece and the switch is recorded as
`Damage("mixed-encoding")`.

Offsets in the result refer to the text *after* CRLF/CR were normalised to LF;
nothing else is stripped or changed.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
import threading
from dataclasses import dataclass, field

from ficpress.model import Damage, LineIndex

__all__ = ["Decoded", "decode_bytes", "find_fffd", "looks_binary", "sniff_wide"]

# A run of pre-existing U+FFFD longer than this is recorded as one Damage
# covering the run (detail says how many), so a file made only of U+FFFD
# cannot make millions of objects; shorter runs get one Damage per character.
FFFD_RUN_SPLIT = 16

_BOMS: list[tuple[bytes, str]] = [
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]

# One well-formed multi-byte UTF-8 sequence (RFC 3629 table); used to tell a
# UTF-8 line with a stray bad byte from a line written in a single-byte code page.
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)

# Code pages charset-normalizer often ranks level with windows-1252 on English
# text (they agree on the typographic bytes); fan fiction written on Windows is
# overwhelmingly windows-1252, so it wins ties.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")

_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"

_FFFD_RUN = re.compile("\ufffd+")

_CONTROL = bytes(range(0, 9)) + bytes(range(14, 27)) + bytes(range(28, 32))


@dataclass
class Decoded:
    text: str
    encoding: str
    confidence: float
    damage: list[Damage] = field(default_factory=list)
    newlines: str = "LF"  # "LF" | "CRLF" | "CR" | "mixed" | "none"
    bom: bool = False
    detail: dict[str, object] = field(default_factory=dict)


# --------------------------------------------------------------------------- error recording

_tls = threading.local()


def _record(exc: UnicodeError) -> tuple[str, int]:
    """Collect bad byte ranges; adjacent ranges merge, so one bad run is one U+FFFD."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    errors = _tls.errors
    if errors and errors[-1][1] == exc.start:
        errors[-1] = (errors[-1][0], exc.end)
        return "", exc.end
    errors.append((exc.start, exc.end))
    return "\ufffd", exc.end


codecs.register_error("ficpress.record", _record)


def _decode_recording(data: bytes, codec: str, base: int = 0) -> tuple[str, list[tuple[int, int, str]]]:
    """Decode, returning the text and (char_offset, byte_offset, hex) per undecodable range.

    The first pass only finds the bad byte ranges; the valid pieces between them
    are then decoded on their own so each U+FFFD we insert has a known offset
    (the file may hold U+FFFD of its own, so we cannot search for them after).
    """
    _tls.errors = []
    text = data.decode(codec, "ficpress.record")
    errors = _tls.errors
    if not errors:
        return text, []
    parts: list[str] = []
    found: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    n = len(data)
    for start, end in [*errors, (n, n)]:  # the sentinel decodes the piece after the last bad range
        if start > pos:
            raw = data[pos:start]
            _tls.errors = []
            piece = raw.decode(codec, "ficpress.record")
            for s, e in _tls.errors:  # a stateful codec may still object inside a piece
                found.append(
                    (length + _char_index(piece, raw, s), base + pos + s, _hex(data, pos + s, pos + e))
                )
            parts.append(piece)
            length += len(piece)
        if start == n:
            break
        found.append((length, base + start, _hex(data, start, end)))
        parts.append("\ufffd")
        length += 1
        pos = end
    found.sort()
    return "".join(parts), found


def _hex(data: bytes, start: int, end: int) -> str:
    raw = data[start : min(end, start + 12)]
    return raw.hex(" ") + (" ..." if end - start > 12 else "")


def _char_index(piece: str, raw: bytes, byte_offset: int) -> int:
    # Rare path (errors inside a piece): an approximation by proportion is enough
    # to place the damage on the right line.
    if not raw:
        return 0
    return min(len(piece), round(byte_offset * len(piece) / len(raw)))


# --------------------------------------------------------------------------- sniffing


def sniff_wide(head: bytes) -> str | None:
    """UTF-16/32 without a BOM, told by where the NUL bytes fall in ASCII-heavy text."""
    sample = head[:4096]
    n = len(sample) - len(sample) % 4
    if n < 8:
        return None
    sample = sample[:n]
    quads = n // 4
    z = [sum(1 for i in range(k, n, 4) if sample[i] == 0) for k in range(4)]
    if z[1] > 0.8 * quads and z[2] > 0.8 * quads and z[3] > 0.8 * quads and z[0] < 0.2 * quads:
        return "utf-32-le"
    if z[0] > 0.8 * quads and z[1] > 0.8 * quads and z[2] > 0.8 * quads and z[3] < 0.2 * quads:
        return "utf-32-be"
    even = z[0] + z[2]
    odd = z[1] + z[3]
    half = n // 2
    if odd > 0.6 * half and even < 0.1 * half:
        return "utf-16-le"
    if even > 0.6 * half and odd < 0.1 * half:
        return "utf-16-be"
    return None


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters in the first block: not a text file."""
    sample = head[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > max(8, len(sample) // 50)


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes) -> Decoded:
    """Decode a whole file, recording every damaged position; see the module docstring."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text, errs = _decode_recording(data[len(bom) :], codec, base=len(bom))
            out = Decoded(text, codec, 1.0, bom=True)
            return _finish(out, errs, [])
    wide = sniff_wide(data)
    if wide:
        text, errs = _decode_recording(data, wide)
        conf = 0.9 if not errs else 0.6
        return _finish(Decoded(text, wide, conf), errs, [])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _finish(Decoded(text, "utf-8", 1.0), [], [])
    if not _UTF8_MULTI.search(data):
        codec, conf = _guess_single_byte(data)
        text, errs = _decode_recording(data, codec)
        return _finish(Decoded(text, codec, conf), errs, [])
    return _decode_mixed(data)


def _guess_single_byte(data: bytes) -> tuple[str, float]:
    """Pick a single-byte code page for the non-ASCII part of the file (bounded sample).

    charset-normalizer proposes candidates; each candidate's decoding is then read
    as words: a right guess turns the non-ASCII bytes into words a dictionary knows
    ("café", "naïve", "привет"), a wrong one into letters glued to words
    ("ìHelloî"). Measured on CC0 novels re-encoded as windows-1252, charset-normalizer
    alone picked mac_latin2 or cp1250 for 5 of 13; typographic quotes and no-break
    spaces fool its mess detector.
    """
    import charset_normalizer

    sample = _non_ascii_sample(data)
    # A few bytes windows-1252 leaves undefined (a corrupted quote, a stray control)
    # must not push the guess to some other code page where they happen to be
    # letters; they are reported as undecodable instead.
    clean = sample.translate(None, _CP1252_UNDEFINED)
    high = sum(1 for b in sample if b >= 0x80)
    if clean != sample and len(sample) - len(clean) <= max(4, high // 100):
        sample = clean
    results = charset_normalizer.from_bytes(sample, cp_exclusion=["utf_8", "utf_16", "utf_32"])
    candidates = [m for m in results if m.encoding not in ("utf_8", "ascii")][:6]
    names = [m.encoding for m in candidates]
    langs = {"en"} | {_LANG_CODES[m.language] for m in candidates if m.language in _LANG_CODES}
    if "cp1252" not in names and _decodes(sample, "cp1252"):
        names.append("cp1252")
    if not names:
        return "cp1252", 0.3
    scores = {n: _word_score(sample, n, frozenset(langs)) for n in names}
    best = max(names, key=lambda n: (scores[n][0], n in _PREFERRED, -names.index(n)))
    known, unknown = scores[best][1], scores[best][2]
    if known + unknown == 0:  # nothing but punctuation outside ASCII: trust the ranking
        top = candidates[0] if candidates else None
        conf = max(0.05, 1.0 - top.chaos) * 0.8 if top is not None else 0.5
        return best, round(conf, 3)
    return best, round(min(0.99, 0.5 + 0.5 * known / (known + unknown)), 3)


_LANG_CODES = {
    "English": "en",
    "French": "fr",
    "German": "de",
    "Spanish": "es",
    "Italian": "it",
    "Portuguese": "pt",
    "Dutch": "nl",
    "Polish": "pl",
    "Czech": "cs",
    "Russian": "ru",
    "Ukrainian": "uk",
    "Greek": "el",
    "Turkish": "tr",
    "Swedish": "sv",
    "Finnish": "fi",
    "Danish": "da",
    "Norwegian": "nb",
    "Hungarian": "hu",
    "Romanian": "ro",
    "Bulgarian": "bg",
    "Hebrew": "he",
    "Arabic": "ar",
    "Vietnamese": "vi",
}
_WORD = re.compile(r"\w+")


def _decodes(sample: bytes, codec: str) -> bool:
    try:
        sample.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


# Non-ASCII characters that are not letters but belong in ordinary prose; anything else
# outside ASCII that is not a letter (combining marks out of context, box drawing,
# daggers standing where a no-break space was) counts against a decoding.
_PROSE_MARKS = frozenset(
    "\u201c\u201d\u2018\u2019\u201a\u201e\u2013\u2014\u2026\u00ab\u00bb\u2039\u203a\u2022\u00b7"
    "\u00a1\u00bf\u00a9\u00ae\u2122\u00b0\u00a3\u20ac\u00a5\u00a2\u00a7\u00b6\u00a0\u00ad"
    "\u00d7\u00f7\u00b1\u00b2\u00b3\u00b9\u00bc\u00bd\u00be\u00b5\u00ba\u00aa\u00b4"
)


def _word_score(sample: bytes, codec: str, langs: frozenset[str]) -> tuple[int, int, int]:
    """(score, known, unknown) of a decoding: distinct non-ASCII words a dictionary knows,
    minus those it does not, minus odd non-letter characters."""
    try:
        text = sample.decode(codec, "replace")
    except LookupError:
        return (-(10**9), 0, 0)
    words = {w.lower() for w in _WORD.findall(text) if not w.isascii()}
    known = sum(1 for w in words if _known(w, langs))
    odd = {c for c in text if c > "\x7f" and not c.isalpha() and c not in _PROSE_MARKS}
    unknown = len(words) - known
    return known - unknown - 2 * len(odd), known, unknown


@functools.lru_cache(maxsize=65536)
def _known(word: str, langs: frozenset[str]) -> bool:
    from wordfreq import zipf_frequency

    # a lone letter ("à", "é") must be a common word, or any stray accented letter would pass
    need = 3.0 if len(word) == 1 else 0.5
    return any(zipf_frequency(word, lang) > need for lang in langs)


def _non_ascii_sample(data: bytes, limit: int = 256 * 1024) -> bytes:
    if len(data) <= limit:
        return data
    lines = [ln for ln in data.split(b"\n") if not ln.isascii()]
    out = bytearray()
    for ln in lines:
        out += ln + b"\n"
        if len(out) > limit:
            break
    return bytes(out) or data[:limit]


def _decode_mixed(data: bytes) -> Decoded:
    """UTF-8 with lines in another code page: decode line by line, record each switch."""
    lines = data.split(b"\n")
    kinds: list[str] = []  # "a" ascii, "u" utf-8, "b" utf-8 with bad bytes, "f" fallback code page
    fallback_lines: list[bytes] = []
    for ln in lines:
        if ln.isascii():
            kinds.append("a")
            continue
        try:
            ln.decode("utf-8")
        except UnicodeDecodeError:
            if _UTF8_MULTI.search(ln):
                kinds.append("b")
            else:
                kinds.append("f")
                fallback_lines.append(ln)
        else:
            kinds.append("u")
    fb_codec, fb_conf = _guess_single_byte(b"\n".join(fallback_lines)) if fallback_lines else ("cp1252", 1.0)
    parts: list[str] = []
    errs: list[tuple[int, int, str]] = []
    mixed: list[tuple[int, int, int, int]] = []  # char start, char end, first line, last line
    length = 0
    byte_pos = 0
    run: list[int] | None = None
    for i, (ln, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind == "f":
            piece, e = _decode_recording(ln, fb_codec, base=byte_pos)
            if run is None:
                run = [length, length + len(piece), i + 1, i + 1]
            else:
                run[1], run[3] = length + len(piece), i + 1
        else:
            piece, e = _decode_recording(ln, "utf-8", base=byte_pos) if kind == "b" else (ln.decode(), [])
            if kind == "u" and run is not None:
                mixed.append((run[0], run[1], run[2], run[3]))
                run = None
        errs.extend((length + c, bs, hx) for c, bs, hx in e)
        parts.append(piece)
        length += len(piece)
        if i < len(lines) - 1:
            parts.append("\n")
            length += 1
        byte_pos += len(ln) + 1
    if run is not None:
        mixed.append((run[0], run[1], run[2], run[3]))
    text = "".join(parts)
    n_u = kinds.count("u") + kinds.count("b")
    n_f = kinds.count("f")
    if n_f:
        encoding = f"utf-8+{fb_codec}"
        conf = round(min(fb_conf, 0.9) * (n_u + n_f) / (n_u + n_f + 1), 3)
    else:
        encoding, conf = "utf-8", 0.9
    out = Decoded(text, encoding, conf)
    out.detail = {"utf8_lines": n_u, "fallback_lines": n_f, "fallback_encoding": fb_codec if n_f else ""}
    return _finish(
        out, errs, [(s, e, f"lines {a}-{b} decoded as {fb_codec}; the rest is UTF-8") for s, e, a, b in mixed]
    )


def _finish(out: Decoded, errs: list[tuple[int, int, str]], mixed: list[tuple[int, int, str]]) -> Decoded:
    """Normalise newlines (moving recorded offsets with them) and build the Damage list."""
    text = out.text
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    present = [name for name, n in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if n]
    out.newlines = present[0] if len(present) == 1 else ("none" if not present else "mixed")
    if crlf or cr:
        # Each removed "\r" of a CRLF pair shifts later offsets left by one.
        removed = [m.start() for m in re.finditer("\r\n", text)] if crlf else []

        def shift(off: int) -> int:
            return off - bisect.bisect_left(removed, off) if removed else off

        errs = [(shift(c), bs, hx) for c, bs, hx in errs]
        mixed = [(shift(s), shift(e), d) for s, e, d in mixed]
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        out.text = text
    idx = LineIndex(text)
    damage: list[Damage] = []
    for s, e, detail in mixed:
        line, col = idx.line_col(s)
        damage.append(Damage("mixed-encoding", s, e, line, col, detail))
    err_starts = {c for c, _, _ in errs}
    for c, bs, hx in errs:
        line, col = idx.line_col(c)
        damage.append(Damage("undecodable", c, c + 1, line, col, f"bytes {hx} at byte {bs} ({out.encoding})"))
    if damage:
        damage.extend(find_fffd(text, idx, skip=err_starts))
        damage.sort(key=lambda d: (d.source_start, d.kind))
    else:
        damage = find_fffd(text, idx)  # already in text order
    out.damage = damage
    return out


def find_fffd(
    text: str, idx: LineIndex | None = None, skip: set[int] | frozenset[int] = frozenset()
) -> list[Damage]:
    """Every U+FFFD already in the text, one Damage per character (long runs as one).

    One pass over the matches with a moving line pointer: a damaged file can
    hold hundreds of thousands of these, so no per-match search.
    """
    if "\ufffd" not in text:
        return []
    idx = idx or LineIndex(text)
    starts = idx.starts
    nlines = len(starts)
    line = 0
    out: list[Damage] = []
    append = out.append
    for m in _FFFD_RUN.finditer(text):
        s, e = m.span()
        while line + 1 < nlines and starts[line + 1] <= s:
            line += 1
        base = starts[line]
        if e - s == 1:
            if not skip or s not in skip:
                append(Damage("fffd", s, e, line + 1, s - base + 1))
            continue
        if e - s > FFFD_RUN_SPLIT and not (skip and any(q in skip for q in range(s, e))):
            append(Damage("fffd", s, e, line + 1, s - base + 1, f"run of {e - s} U+FFFD"))
            continue
        for q in range(s, e):
            if not skip or q not in skip:
                append(Damage("fffd", q, q + 1, line + 1, q - base + 1))
    return out
