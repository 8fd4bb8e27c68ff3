"""Ingest speed against calibre's `ebook-convert` on the AO3 fixtures, and a 10,000-case fuzz run.

    .venv/bin/python bench/ingest.py [--runs 5] [--fuzz 10000]

Speed: for each AO3 file (three HTML template generations, the saved work
pages, a hand-built and a calibre-built EPUB, and a long synthetic download
with its calibre EPUB) the median wall time of a fresh process that reads the
file with `ficpress.ingest.read` is compared with a fresh `ebook-convert FILE
out.txt` (calibre reading the same file and writing its plainest output), in the
same run, alternating. The ratio is calibre / ficpress (above 1: ficpress is
faster). In-process read time is shown too. Without calibre (Debian:
`apt-get install calibre`) the table says so and no ratio is claimed.

Encodings: CC0 novels from ../shared/corpus re-encoded as windows-1252 (whole
and in pieces) and as UTF-8-then-windows-1252 files must decode back exactly.

Fuzz: `--fuzz` mutated fixtures (byte-level and inside the EPUB zips) through
every reader; the only exception allowed out is `FicpressError`.

One `SCORE name value` line per figure.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ING = ROOT / "tests" / "fixtures" / "ingest"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ING))

AO3_FILES = [
    "ao3-download-2015.html",
    "ao3-download-2021.html",
    "ao3-download-2025.html",
    "ao3-page-entire.html",
    "ao3-page-chapter.html",
    "ao3-handbuilt-2013.epub",
    "ao3-calibre.epub",
    "ao3-calibre-real.epub",
]
_READ = "import sys; from ficpress import ingest; ingest.read(sys.argv[1])"


def long_download(work: Path, copies: int = 120) -> Path:
    """The current-template fixture with its chapters repeated: a long multi-chapter download."""
    html = (ING / "ao3-download-2025.html").read_text(encoding="utf-8")
    start = html.index('<div id="chapters" class="userstuff">') + len('<div id="chapters" class="userstuff">')
    end = html.index('<div id="afterword">')
    body = html[start:end].rsplit("</div>", 1)[0]
    chapters = []
    for i in range(copies):
        n = 2 * i
        chapters.append(
            body.replace("Chapter 1: Downstream", f"Chapter {n + 1}: Downstream {i}").replace(
                "Chapter 2: What It Kept", f"Chapter {n + 2}: What It Kept {i}"
            )
        )
    out = html[:start] + "".join(chapters) + "</div>\n" + html[end:]
    out = re.sub(r"Chapters: 2/\?", f"Chapters: {2 * copies}/?", out)
    p = work / "ao3-long.html"
    p.write_text(out, encoding="utf-8")
    return p


def calibre_epub(html: Path, work: Path) -> Path | None:
    """Make an EPUB from an AO3 HTML download the way AO3 does (calibre with AO3's options)."""
    from make_fixtures import ao3_calibre_command

    out = work / (html.stem + ".epub")
    meta = {
        "title": "Long",
        "authors": "Anonymous",
        "summary": "",
        "tags": "Fanworks",
        "updated": "2025-03-01",
    }
    res = subprocess.run(ao3_calibre_command(html, out, meta), capture_output=True)
    return out if res.returncode == 0 else None


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True)
    wall = time.perf_counter() - t
    if res.returncode != 0:
        sys.stderr.write(res.stderr.decode("utf-8", "replace")[-1500:])
        raise SystemExit(f"command failed: {' '.join(cmd[:3])} ...")
    return wall


def in_process(path: Path, runs: int) -> float:
    from ficpress import ingest

    ingest.read(path)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        ingest.read(path)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def speed(runs: int, work: Path) -> list[float]:
    calibre = shutil.which("ebook-convert")
    files = [ING / f for f in AO3_FILES]
    long_html = long_download(work)
    files.append(long_html)
    if calibre:
        made = calibre_epub(long_html, work)
        if made:
            files.append(made)
    else:
        print("calibre's ebook-convert is NOT installed (Debian: apt-get install calibre):")
        print("ficpress times are shown, but no ratio against calibre is measured in this run.\n")
    print(f"{'file':<28} {'KB':>7} {'in-proc ms':>11} {'ficpress ms':>12} {'calibre ms':>11} {'ratio':>7}")
    ratios: list[float] = []
    for f in files:
        inproc = in_process(f, runs)
        ours: list[float] = []
        theirs: list[float] = []
        for i in range(runs):
            ours.append(timed([sys.executable, "-c", _READ, str(f)]))
            if calibre:
                theirs.append(timed([calibre, str(f), str(work / f"out{i}.txt")]))
        o = statistics.median(ours)
        c = statistics.median(theirs) if theirs else float("nan")
        ratio = c / o if theirs else float("nan")
        if theirs:
            ratios.append(ratio)
        name = f.name
        print(
            f"{name:<28} {f.stat().st_size / 1024:>7.1f} {inproc * 1000:>11.1f} {o * 1000:>12.1f} "
            f"{c * 1000:>11.1f} {ratio:>7.2f}"
        )
        key = re.sub(r"\W+", "_", f.stem)
        print(f"SCORE ingest_inprocess_ms_{key} {inproc * 1000:.2f}")
        print(f"SCORE ingest_process_ms_{key} {o * 1000:.1f}")
        if theirs:
            print(f"SCORE calibre_ms_{key} {c * 1000:.1f}")
            print(f"SCORE ingest_vs_calibre_ratio_{key} {ratio:.2f}")
    if ratios:
        print(
            f"\nratio calibre/ficpress (fresh processes, median of {runs}): min {min(ratios):.2f}, "
            f"median {statistics.median(ratios):.2f} over {len(ratios)} files"
        )
        print(f"SCORE ingest_vs_calibre_ratio_min {min(ratios):.2f}")
        print(f"SCORE ingest_vs_calibre_ratio_median {statistics.median(ratios):.2f}")
        print("never slower than calibre:", "yes" if min(ratios) >= 1.0 else "NO")
    else:
        print("SCORE ingest_vs_calibre_ratio_min nan")
    return ratios


def encodings() -> None:
    """Decoding accuracy: CC0 novels re-encoded as windows-1252 (whole and in pieces) and as a file
    whose first half is UTF-8 and second half windows-1252; exact round trips counted."""
    corpus = ROOT.parent / "shared" / "corpus"
    if not (corpus / "standardebooks").is_dir():
        print("\nencoding accuracy: corpus not found beside the clone (../shared/corpus); skipped")
        return
    from ficpress.ingest.decode import decode_bytes
    from test_ingest_text import _cp1252_only, encoding_accuracy

    print(f"\n{'encoding case':<34} {'exact':>9} {'accuracy':>9}")
    acc = encoding_accuracy(corpus, (200, 1000, 5000, 10**9), per_file=8)
    for size, (good, total) in acc.items():
        label = "windows-1252 whole files" if size == 10**9 else f"windows-1252 pieces of {size} chars"
        print(f"{label:<34} {good:>4}/{total:<4} {good / total:>9.3f}")
        print(f"SCORE ingest_cp1252_accuracy_{'whole' if size == 10**9 else size} {good / total:.3f}")
    good = total = 0
    for f in sorted((corpus / "standardebooks").glob("*.txt")):
        text = _cp1252_only(f.read_text(encoding="utf-8"))
        cut = text.rfind("\n", 0, len(text) // 2) + 1
        dec = decode_bytes(text[:cut].encode("utf-8") + text[cut:].encode("cp1252"))
        total += 1
        good += dec.text == text and any(d.kind == "mixed-encoding" for d in dec.damage)
    print(f"{'UTF-8 then windows-1252 (mixed)':<34} {good:>4}/{total:<4} {good / total:>9.3f}")
    print(f"SCORE ingest_mixed_encoding_accuracy {good / total:.3f}")


def fuzz(cases: int, work: Path) -> int:
    import test_ingest_fuzz as fz

    names = sorted(fz.SEED_BYTES)
    rnd = random.Random(20261125)
    counts: Counter[str] = Counter()
    failures: list[str] = []
    t = time.perf_counter()
    for _ in range(cases):
        name = rnd.choice(names)
        seed = rnd.randrange(2**32)
        try:
            counts[fz.run_case(name, seed, work)] += 1
        except Exception:  # noqa: BLE001 - the point is to catch anything that is not FicpressError
            counts["failed"] += 1
            if len(failures) < 10:
                failures.append(f"{name} seed={seed}: {traceback.format_exc(limit=3).splitlines()[-1]}")
    wall = time.perf_counter() - t
    print(
        f"\nfuzz: {cases} mutated files in {wall:.1f} s: {counts['ok']} read, {counts['refused']} refused "
        f"with FicpressError, {counts['failed']} other exceptions"
    )
    for f in failures:
        print("  FAIL", f)
    print(f"SCORE ingest_fuzz_cases {cases}")
    print(f"SCORE ingest_fuzz_failures {counts['failed']}")
    return counts["failed"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--fuzz", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ficpress-bench-ingest-") as tmp:
        work = Path(tmp)
        speed(args.runs, work)
        encodings()
        failed = fuzz(args.fuzz, work) if args.fuzz else 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
