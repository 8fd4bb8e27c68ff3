"""Output writing that can never leave a half-written book or clobber an input."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ficpress.errors import FicpressError


def atomic_write(path: str | Path, data: bytes | str, *, protect: tuple[str | Path, ...] = ()) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it.

    A crash or Ctrl-C at any moment leaves either the old file or the new one,
    never a truncated mix. `protect` lists inputs that must never be the target.
    """
    target = Path(path)
    for p in protect:
        try:
            if target.exists() and Path(p).exists() and os.path.samefile(target, p):
                raise FicpressError(target, "refusing to overwrite an input file")
        except OSError:
            continue
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; outputs should look like any other file
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
