"""Time `ficpress convert` on the sample against calibre's `ebook-convert`, in the same run.

    .venv/bin/python bench/convert.py [--runs 5] [--input examples/breaking-alone.txt]

The peer is what a new user would try (issue 2):
`ebook-convert seed.txt out.epub --enable-heuristics --smarten-punctuation`
(Debian's calibre: `apt-get install calibre`). Each command runs as a fresh
process, `--runs` times, alternating, and the median wall time is reported with
the peak resident memory of the process tree (from `wait4`). Then both EPUBs are
opened to count what each found: table-of-contents entries, the title, and the
U+FFFD left in the text. One `SCORE name value` line per figure.

Bytecode: an installed ficpress (pip install) is byte-compiled at install time, and
so is Debian's calibre. An editable checkout run with PYTHONDONTWRITEBYTECODE=1
instead compiles every ficpress module from source on every run (~50 ms). The
timed ficpress runs therefore use a bytecode cache of their own
(PYTHONPYCACHEPREFIX in the bench's temporary folder, filled by one untimed run),
and one more row shows the EPUB conversion without it, for comparison.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "breaking-alone.txt"
TARGET_RATIO = 5.0


def ficpress_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("ficpress")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ficpress.cli"]


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, int, float]:
    """Wall seconds, peak RSS in KiB (the largest process of the tree), exit status, CPU seconds.

    CPU seconds (user + system) are printed beside the wall time because they move far
    less than wall time when other work shares the machine."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 and proc.stderr is not None:
        sys.stderr.write(proc.stderr.read().decode("utf-8", "replace")[-2000:])
    if proc.stderr is not None:
        proc.stderr.close()
    return wall, usage.ru_maxrss, proc.returncode, usage.ru_utime + usage.ru_stime


# What `ficpress convert` loads before it starts (the parser and the convert command with the stages),
# then each stage in turn; the EPUB alone first, then the other four formats from the same work.
_STAGES = r"""
import sys, time
t0 = time.perf_counter()
import ficpress.cli
ficpress.cli.app
import ficpress.commands.convert
from ficpress import ingest, restore, structure, publish
t1 = time.perf_counter()
src = ingest.read(sys.argv[1]); t2 = time.perf_counter()
res = restore.restore(src); t3 = time.perf_counter()
work = structure.build(src, res); t4 = time.perf_counter()
publish.render_many(work, ["epub"]); t5 = time.perf_counter()
publish.render_many(work, [f for f in publish.FORMATS if f != "epub"]); t6 = time.perf_counter()
import json
print(json.dumps({"import": t1 - t0, "ingest": t2 - t1, "restore": t3 - t2, "structure": t4 - t3,
                  "publish EPUB": t5 - t4, "publish other 4 formats": t6 - t5}))
"""


def bytecode_envs(work: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(installed: bytecode cached as after pip install, uncached: every ficpress module compiled per run)."""
    cached = dict(os.environ, PYTHONPYCACHEPREFIX=str(work / "pycache"))
    cached.pop("PYTHONDONTWRITEBYTECODE", None)
    uncached = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    uncached.pop("PYTHONPYCACHEPREFIX", None)
    return cached, uncached


def stage_times(seed: Path, runs: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median seconds per stage in a fresh process, so the team sees where a conversion goes."""
    import json

    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _STAGES, str(seed)], capture_output=True, text=True, check=True, env=env
        )
        for k, v in json.loads(out.stdout).items():
            samples.setdefault(k, []).append(v)
    return {k: statistics.median(v) for k, v in samples.items()}


def epub_facts(path: Path) -> dict[str, object]:
    """What a reader of this EPUB gets: its TOC entries, title, leftover U+FFFD, chapter files."""
    data = path.read_bytes()
    facts: dict[str, object] = {"toc": [], "title": "", "fffd": 0, "bytes": len(data)}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        text = 0
        for n in names:
            if n.endswith((".html", ".xhtml", ".htm", ".ncx", ".opf")):
                text += z.read(n).decode("utf-8", "replace").count("\ufffd")
        facts["fffd"] = text
        nav = [n for n in names if n.endswith(".xhtml") and b'epub:type="toc"' in z.read(n)]
        ncx = [n for n in names if n.endswith(".ncx")]
        if nav:
            doc = etree.fromstring(z.read(nav[0]))
            toc = doc.xpath(
                "//x:nav[@epub:type='toc']//x:a",
                namespaces={"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"},
            )
            facts["toc"] = [" ".join("".join(a.itertext()).split()) for a in toc]
        elif ncx:
            doc = etree.fromstring(z.read(ncx[0]))
            ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
            facts["toc"] = [
                " ".join(t.split()) for t in doc.xpath("//n:navPoint/n:navLabel/n:text/text()", namespaces=ns)
            ]
        opf = [n for n in names if n.endswith(".opf")]
        if opf:
            doc = etree.fromstring(z.read(opf[0]))
            facts["title"] = doc.findtext(".//{http://purl.org/dc/elements/1.1/}title") or ""
    return facts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--input", type=Path, default=SAMPLE)
    args = ap.parse_args()

    calibre = shutil.which("ebook-convert")
    work = Path(tempfile.mkdtemp(prefix="ficpress-bench-"))
    try:
        seed = work / "seed.txt"
        shutil.copyfile(args.input, seed)
        size = seed.stat().st_size
        fp = ficpress_cmd()
        cached, uncached = bytecode_envs(work)
        cases: dict[str, list[str]] = {
            "ficpress convert (all 5 formats)": [*fp, "convert", "seed.txt", "-o", "fp-all"],
            "ficpress convert --to epub": [*fp, "convert", "seed.txt", "-o", "fp-epub", "--to", "epub"],
            "  same, no bytecode cache": [*fp, "convert", "seed.txt", "-o", "fp-cold", "--to", "epub"],
        }
        envs: dict[str, dict[str, str] | None] = dict.fromkeys(cases, cached)
        envs["  same, no bytecode cache"] = uncached
        if calibre:
            envs["calibre ebook-convert (EPUB)"] = None
            cases["calibre ebook-convert (EPUB)"] = [
                calibre,
                "seed.txt",
                "calibre.epub",
                "--enable-heuristics",
                "--smarten-punctuation",
            ]
        else:
            print(
                "NOTE: calibre's ebook-convert is not installed (apt-get install calibre): "
                "timing ficpress alone, no ratio can be given.",
                file=sys.stderr,
            )
        run(cases["ficpress convert (all 5 formats)"], work, cached)  # untimed: fills the bytecode cache
        times: dict[str, list[float]] = {k: [] for k in cases}
        peaks: dict[str, int] = dict.fromkeys(cases, 0)
        cpus: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.runs):  # interleaved, so drift in machine load hits both sides alike
            for name, cmd in cases.items():
                wall, rss, rc, cpu = run(cmd, work, envs[name])
                if rc != 0:
                    print(f"{name}: exit status {rc}", file=sys.stderr)
                    return 1
                times[name].append(wall)
                cpus[name].append(cpu)
                peaks[name] = max(peaks[name], rss)

        print(f"input: {args.input.name} ({size:,} bytes), {args.runs} runs each, same machine, same run")
        print()
        print(f"{'command':<36} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>6} {'peak MiB':>9}")
        print("-" * 72)
        med = {k: statistics.median(v) for k, v in times.items()}
        for name in cases:
            t = times[name]
            cpu = statistics.median(cpus[name])
            print(
                f"{name:<36} {med[name]:>9.3f} {min(t):>7.3f} {max(t):>7.3f} {cpu:>6.3f} {peaks[name] / 1024:>9.1f}"
            )
        print()

        stages = stage_times(seed, args.runs, cached)
        total = sum(stages.values())
        print(f"{'where ficpress spends its time':<36} {'median s':>9} {'share':>7}")
        print("-" * 72)
        for k, v in stages.items():
            print(f"{k:<36} {v:>9.3f} {v / total:>7.0%}")
        print()

        ours = epub_facts(work / "fp-all" / "seed.epub")
        rows = [("ficpress", ours)]
        if calibre:
            rows.append(("calibre", epub_facts(work / "calibre.epub")))
        print(f"{'EPUB by':<10} {'toc entries':>11} {'U+FFFD left':>12} {'title':<20} toc")
        print("-" * 72)
        for who, f in rows:
            toc = f["toc"]
            assert isinstance(toc, list)
            shown = ", ".join(toc[:4]) + (", ..." if len(toc) > 4 else "")
            print(f"{who:<10} {len(toc):>11} {f['fffd']:>12} {str(f['title'])[:20]:<20} {shown}")
        print()

        all_name, epub_name = list(cases)[:2]
        print(f"SCORE convert_all_formats_median_s {med[all_name]:.4f}")
        print(f"SCORE convert_epub_median_s {med[epub_name]:.4f}")
        print(f"SCORE convert_peak_rss_mib {peaks[all_name] / 1024:.1f}")
        print(f"SCORE convert_throughput_mb_s {size / 1e6 / med[all_name]:.3f}")
        for k, v in stages.items():
            print(f"SCORE stage_{k.lower().replace(' ', '_')}_s {v:.4f}")
        print(f"SCORE ficpress_toc_entries {len(ours['toc'])}")  # type: ignore[arg-type]
        print(f"SCORE ficpress_fffd_left {ours['fffd']}")
        if calibre:
            cal_name = list(cases)[3]
            cal = rows[1][1]
            ratio_all = med[cal_name] / med[all_name]
            ratio_epub = med[cal_name] / med[epub_name]
            ratio_cold = med[cal_name] / med["  same, no bytecode cache"]
            print(f"SCORE calibre_median_s {med[cal_name]:.4f}")
            print(f"SCORE calibre_peak_rss_mib {peaks[cal_name] / 1024:.1f}")
            print(f"SCORE calibre_toc_entries {len(cal['toc'])}")  # type: ignore[arg-type]
            print(f"SCORE calibre_fffd_left {cal['fffd']}")
            print(f"SCORE speedup_vs_calibre_all_formats {ratio_all:.2f}")
            print(f"SCORE speedup_vs_calibre_epub {ratio_epub:.2f}")
            print(f"SCORE speedup_vs_calibre_epub_no_bytecode_cache {ratio_cold:.2f}")
            cpu_ratio = statistics.median(cpus[cal_name]) / statistics.median(cpus[epub_name])
            print(f"SCORE cpu_speedup_vs_calibre_epub {cpu_ratio:.2f}")
            print()
            verdict = "meets" if ratio_epub >= TARGET_RATIO else "MISSES"
            print(
                f"ratio: ficpress is {ratio_epub:.2f}x faster than calibre for the EPUB alone and "
                f"{ratio_all:.2f}x while writing all five formats ({ratio_cold:.2f}x for the EPUB without a "
                f"bytecode cache); {verdict} the {TARGET_RATIO:.0f}x target "
                f"(peak memory {peaks[epub_name] / 1024:.0f} MiB vs {peaks[cal_name] / 1024:.0f} MiB)"
            )
        else:
            print("SCORE calibre_median_s nan  # calibre missing")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
