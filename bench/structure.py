"""Benchmark the structure stage on the sample: accuracy against the hand annotation, speed, scaling.

    .venv/bin/python bench/structure.py [--no-calibre] [--no-big] [--no-corpus] [--show N]

Prints chapter, scene-break and verse scores against
tests/fixtures/structure/sample_annotation.json, the chapters calibre's
`ebook-convert --enable-heuristics` finds in the same file (the peer, run
here), the time of `structure.build` on the sample (median of 5), the wall
and CPU seconds and peak memory on 5 MB and 50 MB texts made from the sample
(each in a fresh process; CPU seconds are the steady figure on a shared
machine) and on long play scripts, to show the cost is linear and the memory
lean, and the letters,
messages and verse found in the Standard Ebooks novels
(../shared/corpus/standardebooks): rates per book and a sample of hits to read. Each figure also appears as a `SCORE name value` line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from ficpress import ingest, restore, structure
from ficpress.model import Restoration, Source

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "breaking-alone.txt"
GOLD = ROOT / "tests" / "fixtures" / "structure" / "sample_annotation.json"
SE = ROOT.parent / "shared" / "corpus" / "standardebooks"
sys.path.insert(0, str(ROOT / "tests"))
from structure_eval import line_of, predicted_breaks, predicted_verse, prf  # noqa: E402


def score(name: str, value: float) -> None:
    print(f"SCORE {name} {value:.4f}")


def calibre_chapters(path: Path) -> tuple[list[str], float] | None:
    exe = shutil.which("ebook-convert")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.epub"
        t = time.perf_counter()
        subprocess.run(
            [exe, str(path), str(out), "--enable-heuristics", "--smarten-punctuation"],
            check=True,
            capture_output=True,
        )
        dt = time.perf_counter() - t
        with zipfile.ZipFile(out) as z:
            ncx = next((n for n in z.namelist() if n.endswith(".ncx")), None)
            if ncx is None:
                return [], dt
            xml = z.read(ncx).decode("utf-8", "replace")
    titles = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<text>(.*?)</text>", xml, re.S)]
    return titles[1:], dt  # the first <text> is the document title


def corpus(show: int) -> None:
    """Letters, messages and verse found in the Standard Ebooks novels: rates per book and a sample to read.

    The books are set one paragraph per line and hold real letters (Pride and
    Prejudice has about ten) and little verse, so a detector that fires on
    ordinary prose, dialogue, play scripts or lists shows up here as a high rate.
    """
    books = sorted(SE.glob("*.txt")) if SE.is_dir() else []
    if not books:
        print(f"corpus: {SE} missing, letters and verse rates not measured")
        return
    print(f"\n{'book':<46}{'lines':>7}{'letters':>8}{'messages':>9}{'verse':>7}{'v.lines':>8}")
    tot = {"letter": 0, "message": 0, "verse": 0, "vlines": 0, "lines": 0}
    samples: list[str] = []
    for path in books:
        text = path.read_text(encoding="utf-8")
        work = structure.build(Source(path=str(path), text=text), Restoration(text))
        n_lines = text.count("\n") + 1
        let = [b for b in work.blocks if b.kind == "letter"]
        msg = [b for b in work.blocks if b.kind == "message"]
        ver = [b for b in work.blocks if b.kind == "verse"]
        vl = sum(len(b.attrs.get("lines", [])) for b in ver)
        print(f"{path.stem[:45]:<46}{n_lines:>7}{len(let):>8}{len(msg):>9}{len(ver):>7}{vl:>8}")
        for k, v in (("letter", len(let)), ("message", len(msg)), ("verse", len(ver)), ("vlines", vl)):
            tot[k] += v
        tot["lines"] += n_lines
        for b in (let + msg)[:show]:
            first = work.text[b.start : b.end].split("\n")
            line = work.text.count("\n", 0, b.start) + 1
            who = f"{b.attrs.get('recipient', '')!s} <- {b.attrs.get('sender', '')!s}"
            samples.append(
                f"  {path.stem[:30]} L{line} {b.kind}/{b.attrs.get('form')} ({b.confidence}) [{who}]"
            )
            samples.extend(
                f"      | {x[:100]}" for x in first[:2] + (["..."] + first[-1:] if len(first) > 2 else [])
            )
    n = len(books)
    print(
        f"{'all':<46}{tot['lines']:>7}{tot['letter']:>8}{tot['message']:>9}{tot['verse']:>7}{tot['vlines']:>8}"
    )
    print(f"\nletters and messages, a sample to read ({show} per book):")
    print("\n".join(samples))
    score("structure_corpus_letters_per_book", (tot["letter"] + tot["message"]) / n)
    score("structure_corpus_messages_per_book", tot["message"] / n)
    score("structure_corpus_verse_blocks_per_book", tot["verse"] / n)
    score("structure_corpus_verse_lines_per_1000_lines", 1000 * tot["vlines"] / max(1, tot["lines"]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-calibre", action="store_true")
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--show", type=int, default=3, help="letters/messages printed per book for eyeballing")
    args = ap.parse_args()
    if args.one:
        one(args.one)
        return

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    source = ingest.read(SAMPLE)
    restoration = restore.restore(source)
    times = []
    for _ in range(5):
        src = ingest.read(SAMPLE)
        t = time.perf_counter()
        work = structure.build(src, restoration)
        times.append(time.perf_counter() - t)
    median = statistics.median(times)

    want = gold["chapters"]
    got = [c.title for c in work.chapters]
    ours_found = sum(1 for w in want if w in got)
    line = line_of(work, source.text)
    bp, br, bf = prf(predicted_breaks(work, line), set(gold["scene_breaks"]))
    vp, vr, vf = prf(predicted_verse(work, line), set(gold["verse_lines"]))

    print(f"{'element':<14}{'precision':>10}{'recall':>8}{'F1':>8}")
    print(f"{'chapters':<14}{ours_found / max(1, len(got)):>10.3f}{ours_found / len(want):>8.3f}{'':>8}")
    print(f"{'scene breaks':<14}{bp:>10.3f}{br:>8.3f}{bf:>8.3f}")
    print(f"{'verse lines':<14}{vp:>10.3f}{vr:>8.3f}{vf:>8.3f}")
    print(f"title: {work.meta.title!r} (expected {gold['title']!r})")
    print(f"structure.build on the sample: median {median * 1000:.1f} ms of 5")
    score("structure_chapters_found", ours_found)
    score("structure_scene_break_f1", bf)
    score("structure_verse_f1", vf)
    score("structure_title_ok", float(work.meta.title == gold["title"]))
    score("structure_sample_seconds", median)

    if not args.no_calibre:
        peer = calibre_chapters(SAMPLE)
        if peer is None:
            print("calibre: ebook-convert not found, peer not measured")
        else:
            titles, dt = peer
            norm = [re.sub(r"[\s.]+", "", t).lower() for t in titles]
            found = sum(1 for w in want if re.sub(r"\s+", "", w).lower() in norm)
            print(
                f"calibre ebook-convert --enable-heuristics: {found}/{len(want)} parts in its TOC ({dt:.2f} s)"
            )
            print(f"  calibre TOC: {titles}")
            print(
                f"ficpress: {ours_found}/{len(want)} parts; ratio ficpress/calibre {ours_found / max(1, found):.2f}"
            )
            score("calibre_chapters_found", found)
            score("structure_chapters_ratio_vs_calibre", ours_found / max(1, found))

    if not args.no_corpus:
        corpus(args.show)

    if not args.no_big:
        per_mb = {}
        for mb in (5, 50):
            # A fresh process per size, so the peak memory is this build's alone.
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(mb)], check=True, capture_output=True, text=True
            ).stdout
            wall, cpu, peak, before = (float(x) for x in out.split())
            per_mb[mb] = cpu / mb
            print(
                f"{mb:>3} MB: {wall:.2f} s wall, {cpu:.2f} s CPU ({cpu / mb:.3f} s/MB); peak memory {peak:.0f} MB,"
                f" {peak - before:.0f} MB above the {before:.0f} MB the text and interpreter take"
            )
            score(f"structure_{mb}mb_seconds", wall)
            score(f"structure_{mb}mb_cpu_seconds", cpu)
            score(f"structure_{mb}mb_peak_mb", peak)
            score(f"structure_{mb}mb_build_mb", peak - before)
        # A long play script ("Name: speech" lines) is read once: each run of speaker lines is judged as a
        # whole, never rescanned from each of its lines (that was quadratic: 45 s for 4,000 lines).
        for n in (4_000, 40_000):
            script = "".join(
                f"Hungry Henry: Madam, I am the state agent for a new kind of suspender, number {i}.\n"
                "Mrs. Lonestreet: No, there ain't no man on the place, and there never will be.\n"
                for i in range(n // 2)
            )
            t = time.process_time()
            structure.build(Source(path="script.txt", text=script), Restoration(script))
            dt = time.process_time() - t
            print(f"play script of {n:,} lines: {dt:.2f} s CPU")
            score(f"structure_script_{n}_lines_cpu_seconds", dt)
        ratio = per_mb[50] / per_mb[5]
        print(f"CPU per MB, 50 MB vs 5 MB: {ratio:.2f} (1.0 = linear; quadratic would be ~10)")
        score("structure_scaling_ratio", ratio)


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc (Linux): VmRSS now, VmHWM the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def one(mb: int) -> None:
    """Build structure for an `mb` MB text made from the sample; print wall s, CPU s, peak and base MB.

    Making the text itself peaks above the build on small sizes, so the peak is
    reset (Linux clear_refs) once the text is made: the peak printed is the build's.
    """
    import resource

    base = SAMPLE.read_text(encoding="utf-8")
    reps = mb * 1_000_000 // len(base) + 1
    text = "".join(base.replace("Part ", f"Part {i}.") for i in range(reps))[: mb * 1_000_000]
    source, restoration = Source(path="big.txt", text=text), Restoration(text)
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    before = _status_mb("VmRSS")
    t, c = time.perf_counter(), time.process_time()
    structure.build(source, restoration)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    peak = _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(wall, cpu, peak, before)


if __name__ == "__main__":
    main()
