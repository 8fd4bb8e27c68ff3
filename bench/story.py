"""Benchmark of the story analysis: POV accuracy, and speed of the summary and the report.

Usage: .venv/bin/python bench/story.py [--quick]

Accuracy: POV of every annotated scene of the sample story against the hand annotation
(tests/fixtures/analysis/breaking-alone.annotation.json), on the annotated scene ranges;
then, as a check on text the rules were not written on, POV of 20 hand-annotated chapters
and passages of five Standard Ebooks novels (tests/fixtures/analysis/pov_corpus.json).

Speed and memory, on one core, for the sample, the longest Standard Ebooks book in
../shared/corpus (CC0) and a synthetic 500,000-word work (the sample's chapters repeated,
written to a temporary file and loaded with `ficpress.pipeline.load`): the whole stage
(`ficpress.analyse.analyse`: people, then the story summary), `story.summarise` alone and
`report.render_report`, in tokens per second (tokens = words and punctuation). Memory is
the peak resident size while the stage runs (Linux VmHWM, reset before each step), and
what the summary and the report add above what is already resident. Peer, measured in
the same run on the same text: VADER (MIT) scoring each sentence alone, the floor any
per-sentence arc must pay; the ratio says how much the rest of the summary costs on top.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing as mp
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

SHARED = ROOT.parent / "shared"
SE = SHARED / "corpus" / "standardebooks"
SAMPLE = ROOT / "examples" / "breaking-alone.txt"
_TOKENS = re.compile(r"\w+|[^\w\s]")
_WORDS = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*")


def score(name: str, value: float) -> None:
    print(f"SCORE {name} {value:.4f}")


def pov_accuracy() -> None:
    import test_analyse_story as t
    from ficpress.analyse.pov import PovScorer, scene_povs

    work = t.sample_work()
    a = work.analysis
    mapping = t.map_characters(a["characters"])
    thoughts = [(s.start, s.end) for s in work.spans if s.kind == "thought"]
    results = scene_povs(
        PovScorer(work.text, a["characters"], a["mentions"], a["quotes"], thoughts),
        t.scene_ranges(work, SAMPLE),
    )
    gold = t.annotation()["scenes"]
    per: dict[str, list[int]] = {}
    for s, r in zip(gold, results, strict=True):
        if s["pov"] is None:
            continue
        ok = mapping.get(r.pov or "", r.pov) == s["pov"]
        per.setdefault(s["pov"], [0, 0])
        per[s["pov"]][0] += ok
        per[s["pov"]][1] += 1
    print("POV on the sample's annotated scenes (gold POV: correct / scenes)")
    for name, (ok, n) in sorted(per.items(), key=lambda kv: -kv[1][1]):
        print(f"  {name:10s} {ok:3d} / {n:3d}  {ok / n:6.1%}")
    ok = sum(v[0] for v in per.values())
    n = sum(v[1] for v in per.values())
    print(f"  {'all':10s} {ok:3d} / {n:3d}  {ok / n:6.1%}")
    score("sample_pov_accuracy", ok / n)


def pov_corpus_accuracy() -> None:
    """POV on 20 hand-annotated passages of five novels the rules were not written on."""
    import test_analyse_story_pov_corpus as tc

    if not all((SE / b).is_file() for b in tc.pov_corpus()["books"]):
        print(f"\nPOV on novel passages: skipped, Standard Ebooks novels missing under {SE}")
        return
    tmp = Path(tempfile.mkdtemp(prefix="ficpress-pov-"))
    try:
        ok, n, rows = tc.accuracy_table(SE, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        "\nPOV on novel passages the rules were not tuned on (tests/fixtures/analysis/pov_corpus.json;"
        " each passage analysed as its own work)"
    )
    print("\n".join(rows))
    print(f"  all {ok} / {n}  {ok / n:6.1%}")
    score("novels_pov_accuracy", ok / n)


def _hwm_mb() -> float:
    """Peak resident memory of this process since the last reset (Linux VmHWM)."""
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) / 1024


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def _reset_hwm() -> None:
    """Start a new peak: writing 5 to clear_refs resets VmHWM to the current resident size."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _child(path: str, queue: mp.Queue) -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from ficpress import analyse, pipeline
    from ficpress.analyse import arc
    from ficpress.analyse.report import render_report
    from ficpress.analyse.story import summarise

    work = pipeline.load(path)
    tokens = len(_TOKENS.findall(work.text))
    words = len(_WORDS.findall(work.text))
    gc.collect()
    r: dict[str, float] = {"tokens": tokens, "words": words, "before_mb": _rss_mb()}
    # The whole stage (people, then the story summary), as `ficpress analyse` runs it.
    _reset_hwm()
    t0 = time.perf_counter()
    a = analyse.analyse(work)
    r["analyse_s"] = time.perf_counter() - t0
    r["analyse_peak_mb"] = _hwm_mb()
    r["scenes"] = len(a["scenes"])
    # The story summary alone, on the same inputs: what it adds above what is already resident.
    gc.collect()
    _reset_hwm()
    base = _rss_mb()
    t0 = time.perf_counter()
    summarise(work, a["characters"], a["quotes"], a["mentions"])
    r["summarise_s"] = time.perf_counter() - t0
    r["summarise_extra_mb"] = _hwm_mb() - base
    gc.collect()
    _reset_hwm()
    base = _rss_mb()
    t0 = time.perf_counter()
    page = render_report(work)
    r["report_s"] = time.perf_counter() - t0
    r["report_extra_mb"] = _hwm_mb() - base
    r["report_kib"] = len(page.encode()) / 1024
    del page
    sia = arc.analyzer()
    t0 = time.perf_counter()
    for sentence in arc.sentences(work.text, 0, len(work.text)):
        sia.polarity_scores(sentence)
    r["vader_s"] = time.perf_counter() - t0
    r["process_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(r)


def _synthetic(words: int, folder: Path) -> Path:
    """A long work made of the sample's chapters repeated under new chapter headings.

    Why the sample: it is the kind of text the project is for (informal, dialogue-heavy,
    nicknames), so a long work built from it stresses the same paths a long fan work does.
    """
    from ficpress import pipeline

    work = pipeline.load(SAMPLE)
    body = work.text[work.chapters[0].start :] if work.chapters else work.text
    per_copy = max(1, len(_WORDS.findall(body)))
    parts = []
    for i in range(-(-words // per_copy)):
        parts.append(f"Chapter {i + 1}\n\n{body.strip()}\n")
    path = folder / f"synthetic-{words}.txt"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def speed(quick: bool) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="ficpress-bench-"))
    texts = [("sample (breaking-alone.txt)", SAMPLE, "sample")]
    if not quick:
        if SE.is_dir():
            longest = max(SE.glob("*.txt"), key=lambda p: p.stat().st_size)
            texts.append((f"longest corpus book ({longest.name})", longest, "longest"))
        texts.append(("synthetic 500,000-word work (sample x16)", _synthetic(500_000, tmp), "synthetic500k"))
    print(
        "\nSpeed and memory (one core; tokens = words and punctuation). 'stage peak' is the peak resident"
        "\nmemory of the process while ficpress.analyse.analyse runs (the work already loaded);"
        "\n'+summary'/'+report' are the peaks of story.summarise / render_report above what was resident."
    )
    print(
        f"  {'text':42s} {'words':>8s} {'tokens':>8s} {'scenes':>6s} {'stage tok/s':>11s} {'summary tok/s':>13s}"
        f" {'report tok/s':>12s} {'VADER tok/s':>11s} {'sum/VADER':>9s} {'stage peak':>10s}"
        f" {'+summary':>8s} {'+report':>8s}"
    )
    ctx = mp.get_context("spawn")
    try:
        for label, path, key in texts:
            q = ctx.Queue()
            p = ctx.Process(target=_child, args=(str(path), q))
            p.start()
            r = q.get()
            p.join()
            a_tps = r["tokens"] / r["analyse_s"]
            s_tps = r["tokens"] / r["summarise_s"]
            r_tps = r["tokens"] / r["report_s"]
            v_tps = r["tokens"] / r["vader_s"]
            ratio = r["summarise_s"] / r["vader_s"]
            print(
                f"  {label[:42]:42s} {r['words']:8d} {r['tokens']:8d} {r['scenes']:6d} {a_tps:11.0f} {s_tps:13.0f}"
                f" {r_tps:12.0f} {v_tps:11.0f} {ratio:8.2f}x {r['analyse_peak_mb']:8.0f}MB"
                f" {r['summarise_extra_mb']:6.0f}MB {r['report_extra_mb']:6.0f}MB"
            )
            score(f"{key}_analyse_tokens_per_s", a_tps)
            score(f"{key}_summarise_tokens_per_s", s_tps)
            score(f"{key}_report_tokens_per_s", r_tps)
            score(f"{key}_summarise_over_vader", ratio)
            score(f"{key}_analyse_peak_mb", r["analyse_peak_mb"])
            score(f"{key}_summarise_extra_mb", r["summarise_extra_mb"])
            score(f"{key}_process_peak_mb", r["process_peak_mb"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="sample only")
    args = ap.parse_args()
    pov_accuracy()
    pov_corpus_accuracy()
    speed(args.quick)


if __name__ == "__main__":
    main()
