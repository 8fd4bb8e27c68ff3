"""Benchmark of the story analysis: POV accuracy, and speed of the summary and the report.

Usage: .venv/bin/python bench/story.py [--quick]

Accuracy: POV of every annotated scene of the sample story against the hand annotation
(tests/fixtures/analysis/breaking-alone.annotation.json), on the annotated scene ranges
and end to end on the pipeline's own scenes.

Speed, on one core, for the sample and the longest Standard Ebooks book in
../shared/corpus (CC0): `story.summarise` (POV, network, share, arc, counts) and
`report.render_report`, in tokens per second (tokens = words and punctuation), and the
peak resident memory of the process. Peer, measured in the same run on the same text:
VADER (MIT) scoring each sentence alone, the floor any per-sentence arc must pay; the
ratio says how much the rest of the summary costs on top of it.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

SHARED = ROOT.parent / "shared"
SE = SHARED / "corpus" / "standardebooks"
SAMPLE = ROOT / "examples" / "breaking-alone.txt"
_TOKENS = re.compile(r"\w+|[^\w\s]")


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


def _child(path: str, queue: mp.Queue) -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from ficpress import pipeline
    from ficpress.analyse import arc
    from ficpress.analyse.report import render_report
    from ficpress.analyse.story import summarise

    work = pipeline.load(path, analyse=True)
    a = work.analysis
    tokens = len(_TOKENS.findall(work.text))
    t0 = time.perf_counter()
    summarise(work, a["characters"], a["quotes"], a["mentions"])
    t_sum = time.perf_counter() - t0
    t0 = time.perf_counter()
    page = render_report(work)
    t_rep = time.perf_counter() - t0
    sia = arc.analyzer()
    t0 = time.perf_counter()
    for s in arc.sentences(work.text, 0, len(work.text)):
        sia.polarity_scores(s)
    t_vader = time.perf_counter() - t0
    queue.put(
        {
            "tokens": tokens,
            "summarise_s": t_sum,
            "report_s": t_rep,
            "vader_s": t_vader,
            "report_kib": len(page.encode()) / 1024,
            "scenes": len(a["scenes"]),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def speed(quick: bool) -> None:
    texts = [("sample (breaking-alone.txt)", SAMPLE, "sample")]
    if SE.is_dir() and not quick:
        longest = max(SE.glob("*.txt"), key=lambda p: p.stat().st_size)
        texts.append((f"longest corpus book ({longest.name})", longest, "longest"))
    print("\nSpeed (one core; tokens = words and punctuation; peak = resident memory of the whole process)")
    print(
        f"  {'text':44s} {'tokens':>9s} {'scenes':>6s} {'summary tok/s':>14s} {'report tok/s':>13s}"
        f" {'VADER tok/s':>12s} {'summary/VADER':>14s} {'peak MB':>8s}"
    )
    ctx = mp.get_context("spawn")
    for label, path, key in texts:
        q = ctx.Queue()
        p = ctx.Process(target=_child, args=(str(path), q))
        p.start()
        r = q.get()
        p.join()
        s_tps = r["tokens"] / r["summarise_s"]
        r_tps = r["tokens"] / r["report_s"]
        v_tps = r["tokens"] / r["vader_s"]
        ratio = r["summarise_s"] / r["vader_s"]
        print(
            f"  {label[:44]:44s} {r['tokens']:9d} {r['scenes']:6d} {s_tps:14.0f} {r_tps:13.0f}"
            f" {v_tps:12.0f} {ratio:13.2f}x {r['peak_mb']:8.0f}"
        )
        score(f"{key}_summarise_tokens_per_s", s_tps)
        score(f"{key}_report_tokens_per_s", r_tps)
        score(f"{key}_summarise_over_vader", ratio)
        score(f"{key}_peak_mb", r["peak_mb"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="sample only")
    args = ap.parse_args()
    pov_accuracy()
    speed(args.quick)


if __name__ == "__main__":
    main()
