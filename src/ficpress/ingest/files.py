"""Opening an input safely: refuse what is not a story before spending memory on it.

Every refusal is a `FicpressError` naming the file, with one line saying what
to do instead. Nothing here ever writes to the input.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ficpress.errors import FicpressError

__all__ = [
    "HTML_MAX",
    "TEXT_MAX",
    "ARCHIVE_MAX",
    "open_input",
    "read_all",
    "refuse_by_magic",
]

MB = 1024 * 1024
TEXT_MAX = 256 * MB  # plain text is decoded whole; beyond this the file is not a story
HTML_MAX = 64 * MB  # a parsed HTML tree costs ~10x its size; the longest works are far below this
ARCHIVE_MAX = 512 * MB  # an EPUB file on disk

_EBOOK_HINT = "download the EPUB or HTML version of the work instead (AO3 and FanFicFare offer both)"

# (offset, magic, what it is, hint)
_MAGIC: list[tuple[int, bytes, str, str]] = [
    (0, b"%PDF", "a PDF", _EBOOK_HINT),
    (60, b"BOOKMOBI", "a MOBI/AZW3 Kindle book", _EBOOK_HINT),
    (60, b"TEXtREAd", "a PalmDOC book", _EBOOK_HINT),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image", "give ficpress the story file itself"),
    (0, b"\xff\xd8\xff", "a JPEG image", "give ficpress the story file itself"),
    (0, b"GIF87a", "a GIF image", "give ficpress the story file itself"),
    (0, b"GIF89a", "a GIF image", "give ficpress the story file itself"),
    (0, b"\x1f\x8b", "gzip-compressed", "decompress it first"),
    (0, b"\xfd7zXZ\x00", "xz-compressed", "decompress it first"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract the story first"),
    (0, b"Rar!", "a RAR archive", "extract the story first"),
    (0, b"\xd0\xcf\x11\xe0", "a legacy Word/Office document", "save it as HTML or plain text"),
    (0, b"{\\rtf", "an RTF document", "save it as HTML or plain text"),
    (0, b"\x7fELF", "a program, not a story", "give ficpress the story file itself"),
]

_EXT_HINTS = {
    ".mobi": "a MOBI Kindle book",
    ".azw": "a Kindle book",
    ".azw3": "an AZW3 Kindle book",
    ".kfx": "a KFX Kindle book",
    ".pdf": "a PDF",
}


def open_input(path: str | Path) -> tuple[Path, int, bytes]:
    """Check the path and return (path, size, the first 64 KiB)."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise FicpressError(p, "no such file") from None
    except OSError as exc:
        raise FicpressError(p, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise FicpressError(p, "is a directory, not a story file (give the files inside it)")
    if not stat.S_ISREG(st.st_mode):
        raise FicpressError(p, "is not a regular file")
    if st.st_size == 0:
        raise FicpressError(p, "is empty (0 bytes): there is no story to read")
    try:
        with p.open("rb") as fh:
            head = fh.read(64 * 1024)
    except PermissionError:
        raise FicpressError(p, "cannot read: permission denied") from None
    except OSError as exc:
        raise FicpressError(p, f"cannot read: {exc.strerror or exc}") from None
    if not head:
        raise FicpressError(p, "is empty (0 bytes): there is no story to read")
    return p, st.st_size, head


def read_all(p: Path, size: int, limit: int, what: str) -> bytes:
    """Read the whole file, refusing before allocation when it is beyond `limit`."""
    if size > limit:
        raise FicpressError(
            p, f"{what} is too large ({size / MB:.0f} MB; ficpress reads up to {limit // MB} MB of {what})"
        )
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise FicpressError(p, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:  # grew while we looked
        raise FicpressError(p, f"{what} is too large (more than {limit // MB} MB)")
    return data


def refuse_by_magic(p: Path, head: bytes) -> None:
    """Formats we cannot read get a message that says what to use instead."""
    for offset, magic, what, hint in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            raise FicpressError(p, f"is {what}; ficpress cannot read it: {hint}")
    ext = os.path.splitext(p.name)[1].lower()
    if ext in _EXT_HINTS and not head.lstrip()[:1] == b"<":
        raise FicpressError(p, f"is {_EXT_HINTS[ext]}; ficpress cannot read it: {_EBOOK_HINT}")
