"""Fuzz every reader over mutated fixtures: the only exception allowed out of ingest is FicpressError.

CI runs FUZZ_EXAMPLES cases (500 by default); `bench/ingest.py` runs 10,000.
Mutations are both byte-level (flips, cuts, splices, junk) and structure-aware
(an EPUB's members mutated and zipped again, markup tags dropped or doubled),
so the readers behind the zip and the parser are reached too.
"""

from __future__ import annotations

import atexit
import io
import os
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from ficpress import ingest
from ficpress.errors import FicpressError

ING = FIXTURES / "ingest"
SEEDS = sorted(
    p for p in ING.iterdir() if p.is_file() and p.suffix in (".html", ".htm", ".epub", ".txt", ".md")
) + [FIXTURES.parent.parent / "examples" / "breaking-alone.txt"]
SEED_BYTES = {p.name: p.read_bytes()[:200_000] for p in SEEDS}
JUNK = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\x81",
    b"<",
    b">",
    b"</p>",
    b"<p>",
    b"&",
    b"&nbsp;",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"<hr/>",
    b"<br>",
    b"\r",
    b"\n\n\n",
    b"\t",
    b"PK\x03\x04",
    b"Posted originally on the Archive of Our Own",
    b"<dl class='tags'><dt>Stats:</dt><dd>Chapters: 9/?</dd></dl>",
    b"Title: x\nAuthor: y\n",
    b"\xe2\x80",
    b"\xef\xbf\xbd" * 20,
    b"<h2>Chapter 1</h2>",
    b"<div id='storytext'>",
]
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))


def mutate_bytes(data: bytes, rnd: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.randint(1, 6)):
        op = rnd.randrange(7)
        if not b:
            b += rnd.choice(JUNK)
            continue
        i = rnd.randrange(len(b))
        if op == 0:
            b[i] ^= 1 << rnd.randrange(8)
        elif op == 1:
            del b[i : i + rnd.randint(1, 2000)]
        elif op == 2:
            b[i:i] = rnd.choice(JUNK)
        elif op == 3:
            j = rnd.randrange(len(b))
            b[i:i] = b[j : j + rnd.randint(1, 500)]
        elif op == 4:
            del b[i:]
        elif op == 5:
            b[i : i + 1] = bytes([rnd.randrange(256)]) * rnd.randint(1, 50)
        else:
            b[i:i] = os.urandom(rnd.randint(1, 30))
    return bytes(b)


def mutate_epub(data: bytes, rnd: random.Random) -> bytes:
    """Mutate members inside the zip and zip them again, so the XML readers see the damage."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        return mutate_bytes(data, rnd)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members:
            roll = rnd.random()
            if roll < 0.08 and name != "mimetype":
                continue  # a member goes missing
            if roll < 0.45 and name != "mimetype":
                content = mutate_bytes(content, rnd)
            zf.writestr(name, content)
    return out.getvalue()


def mutate(name: str, rnd: random.Random) -> bytes:
    data = SEED_BYTES[name]
    if name.endswith(".epub") and rnd.random() < 0.7:
        return mutate_epub(data, rnd)
    return mutate_bytes(data, rnd)


def run_case(name: str, seed: int, workdir: Path) -> str:
    """Read one mutated file; return 'ok' or 'refused'. Any other exception propagates."""
    rnd = random.Random(seed)
    data = mutate(name, rnd)
    suffix = Path(name).suffix if rnd.random() < 0.8 else rnd.choice([".txt", ".html", ".epub", ""])
    p = workdir / f"case{suffix}"
    p.write_bytes(data)
    try:
        src = ingest.read(p)
    except FicpressError as exc:
        assert "\n" not in str(exc)
        return "refused"
    n = len(src.text)
    for b in src.blocks:
        assert 0 <= b.start <= b.end <= n
    for s in src.spans:
        assert 0 <= s.start <= s.end <= n
    for d in src.damage:
        assert 0 <= d.source_start <= d.source_end <= n and d.line >= 1 and d.col >= 1
    return "ok"


_WORK = Path(tempfile.mkdtemp(prefix="ficpress-fuzz-"))
atexit.register(shutil.rmtree, _WORK, True)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(name=st.sampled_from(sorted(SEED_BYTES)), seed=st.integers(0, 2**32 - 1))
def test_mutated_fixtures_raise_only_ficpress_errors(name: str, seed: int) -> None:
    run_case(name, seed, _WORK)
