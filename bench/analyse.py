"""Benchmark of the people analysis: quotations, characters, speakers; speed and memory.

Usage: .venv/bin/python bench/analyse.py [--quick] [--no-speed]

Accuracy on LitBank (Bamman et al.; CC BY 4.0; github dbamman/litbank), read from
../shared/corpus/litbank: the tokenised excerpts are joined back into running text, the
detector and attribution run on that text, and the result is scored against LitBank's
quotation, speaker and coreference layers. LitBank keeps sentences, not paragraphs: where the
excerpt's book is in the Standard Ebooks corpus its paragraphs are taken from that edition, elsewhere
they are guessed (a quotation mark opening a sentence, narration after a closed quotation), and the
attribution is told so (`people(..., guessed=True)`: turns are cut after a tagged question and joined
after a short tag, as published paragraphs are). Then the same after every typographic glyph
(curly quotes, apostrophes, dashes, ellipses) is destroyed into U+FFFD and put back by
`ficpress.restore.restore`, on LitBank and on the Standard Ebooks texts (scored against the speech
found in their correct typography). Then the hand annotation of the sample story
(tests/fixtures/analysis). Then tokens per second and peak memory on one core for the
sample, the longest Standard Ebooks novel in the corpus and a 500,000-word work.

Speakers come from ordered sieves, then a learned ranker and a sequence decoder over each exchange,
trained on LitBank and the sample's annotation (bench/train_speaker_ranker.py): the speaker figures
to quote are those with the books held out (5 folds by book, the sample one more book), printed
beside the sieves alone and the in-sample figure.

Peer: BookNLP (Bamman et al.) cannot run here (it downloads its models at first run), so
its published figures are printed beside ours, with the corpus each was measured on.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ficpress.analyse import evaluate as ev  # noqa: E402
from ficpress.analyse import people  # noqa: E402
from ficpress.restore.channel import prepare_clean  # noqa: E402

SHARED = ROOT.parent / "shared"
LITBANK = SHARED / "corpus" / "litbank"
SE = SHARED / "corpus" / "standardebooks"
SAMPLE = ROOT / "examples" / "breaking-alone.txt"
ANNOTATION = ROOT / "tests" / "fixtures" / "analysis" / "breaking-alone.annotation.json"

# BookNLP's published figures (issue 5; PDNC scoring of BookNLP, and its README's speed note).
BOOKNLP = {
    "speaker_accuracy_pdnc": 0.544,
    "explicit": 0.85,
    "anaphoric": 0.44,
    "implicit": 0.34,
    "alias_merge": 0.30,
    "tokens_per_s_small_cpu": 460.0,
}
_TOKENS = re.compile(r"\w+|[^\w\s]")


def score(name: str, value: float) -> None:
    print(f"SCORE {name} {value:.4f}")


def litbank(damage: bool, limit: int | None, split: dict | None = None) -> ev.LitBankScore:
    """LitBank scored whole; `split` receives the excerpts whose paragraphs come from a published
    edition (Standard Ebooks) apart from those whose paragraphs are guessed from the sentences."""
    total = ev.LitBankScore()
    for doc in ev.load_litbank(LITBANK, limit=limit, editions=SE if SE.is_dir() else None):
        if not damage:
            result = people(doc.text, paragraphs=doc.paragraphs, guessed=doc.edition is None)
            sc = ev.score_litbank(doc, result)
        else:
            result, to_source = ev.run_damaged(doc)
            sc = ev.score_litbank(doc, result, offset_map=to_source)
        total.add(sc)
        if split is not None:
            split.setdefault("edition" if doc.edition else "guessed", ev.LitBankScore()).add(sc)
    return total


def report_litbank(label: str, sc: ev.LitBankScore) -> None:
    print(f"\n{label}")
    print(f"  quotes: gold {sc.gold}, found {sc.found}, matched {sc.matched}")
    print(f"  quote precision {sc.precision:.3f}  recall {sc.recall:.3f}")
    print(f"  speaker accuracy {sc.speaker_accuracy:.3f} ({sc.correct}/{sc.attributed})")
    for t in ("explicit", "anaphoric", "implicit"):
        ok, n = sc.by_type.get(t, [0, 0])
        peer = BOOKNLP[t]
        print(f"    {t:10s} {ok / n if n else 0:.3f} ({ok}/{n})   BookNLP on PDNC {peer:.2f}")
    print(
        f"  character recall {sc.char_recall:.3f} ({sc.chars_found}/{sc.chars_gold}), cluster purity {sc.purity:.3f}"
    )


def restored_novels(quick: bool) -> None:
    """Speech found in the Standard Ebooks texts after their glyphs are destroyed and restored, against
    the speech found in their correct typography: the repair's effect apart from LitBank's conventions
    (the three shortest books with --quick).

    Each text is first made what a word processor would have saved, as bench/restore.py does: Standard
    Ebooks' word joiners and hair spaces sit beside dashes and ellipses, no real damaged file has them,
    and left in they steer the repair wrong (all thirteen books: precision 0.976 with them, 0.997
    without; recall 0.991 and 0.995)."""
    books = sorted(SE.glob("*.txt"), key=lambda p: p.stat().st_size) if SE.is_dir() else []
    if not books:
        return
    print("\n  Standard Ebooks texts destroyed and restored, against their correct typography:")
    n = ref = got = 0
    for book in books[:3] if quick else books:
        m, r, g = ev.restored_quote_agreement(prepare_clean(book.read_text("utf-8")), book.stem)
        n, ref, got = n + m, ref + r, got + g
        print(
            f"    {book.stem[:48]:48s} speech {r:5d}, restored {g:5d}: precision {m / g:.3f} recall {m / r:.3f}"
        )
    print(f"    {'all':48s} speech {ref:5d}, restored {got:5d}: precision {n / got:.3f} recall {n / ref:.3f}")
    score("novels_restored_quote_precision", n / got)
    score("novels_restored_quote_recall", n / ref)


def sample() -> ev.SampleScore | None:
    if not ANNOTATION.exists():
        print("\nsample annotation missing:", ANNOTATION)
        return None
    from ficpress import ingest, pipeline
    from ficpress.analyse import analyse

    work = pipeline.load(SAMPLE)
    analyse(work)
    ann = ev.load_annotation(ANNOTATION)
    sc = ev.score_sample(work, ingest.read(SAMPLE).text, ann)
    a = work.analysis
    print("\nSample story (Parts 1-3 hand annotation)")
    print(f"  quotes: gold {sc.gold_quotes}, found {sc.found_quotes}, matched {sc.matched}")
    print(f"  quote precision {sc.precision:.3f}  recall {sc.recall:.3f}")
    print(f"  speaker accuracy {sc.speaker_accuracy:.3f} ({sc.correct}/{sc.attributed})")
    for t in ("explicit", "anaphoric", "implicit"):
        ok, n = sc.by_type.get(t, [0, 0])
        print(f"    {t:10s} {ok / n if n else 0:.3f} ({ok}/{n})")
    print(f"  addressee accuracy {sc.addressee_correct / max(sc.addressee_total, 1):.3f}")
    groups = [["Willow", "Red", "Wills"], ["Dawn", "Dawnie", "Nibblet", "Little Bit"]]
    merged = 0
    for g in groups:
        ids = [ev.which(a, n) for n in g]
        one = all(len(i) == 1 for i in ids) and len(set.union(*ids)) == 1
        merged += one
        print(f"  one character for {', '.join(g)}: {'yes' if one else 'no'} {ids}")
    mains = ["Buffy", "Willow", "Spike", "Xander", "Anya", "Giles", "Dawn"]
    owners = [frozenset(ev.which(a, n)) for n in mains]
    distinct = len({o for o in owners if o}) == len(mains)
    print(f"  main characters kept apart: {'yes' if distinct else 'no'}")
    # alias recall: of the annotation's aliases used as names (capitalised), how many land on the right one
    cmap = ev.character_map(a, ann["characters"])
    inv: dict[str, set[str]] = {}
    for ours, gold in cmap.items():
        inv.setdefault(gold, set()).add(ours)
    hit = tot = 0
    multi = multi_hit = 0
    for g in ann["characters"]:
        names = [al["name"] for al in g["aliases"] if al["name"][:1].isupper() and al["name"] != g["name"]]
        for n in names:
            tot += 1
            ok = bool(ev.which(a, n) & inv.get(g["id"], set()))
            hit += ok
        if len(names) >= 2:
            multi += 1
            owners_g = [ev.which(a, n) for n in [g["id"], *names]]
            multi_hit += all(o and o <= inv.get(g["id"], set()) for o in owners_g)
    print(f"  capitalised aliases on the right character: {hit}/{tot}")
    print(f"  characters with several names merged into one: {multi_hit}/{multi} (BookNLP 30% on PDNC)")
    score("sample_quote_precision", sc.precision)
    score("sample_quote_recall", sc.recall)
    score("sample_speaker_accuracy", sc.speaker_accuracy)
    score("sample_alias_groups_merged", merged / len(groups))
    score("sample_main_characters_distinct", float(distinct))
    return sc


# --------------------------------------------------------------------------- speed


def _work_from_text(text: str):
    from ficpress.analyse.quotes import paragraphs_of
    from ficpress.model import Block, Work

    return Work(text=text, blocks=[Block("paragraph", s, e) for s, e in paragraphs_of(text)])


def _reset_peak() -> None:
    """Linux keeps a process's peak memory across exec, so a child started after the LitBank runs
    would report the parent's peak; writing 5 to clear_refs starts the count afresh."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_kb() -> int:
    """Peak resident memory of this process in KiB (VmHWM, which _reset_peak resets)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _timed(label: str, path: str | None, text_spec: str, q: mp.Queue) -> None:
    """Child process: one core, load the text, time the analysis, report peak RSS."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from ficpress import pipeline
    from ficpress.analyse import analyse

    if text_spec == "sample":
        work = pipeline.load(path)
    else:
        if text_spec == "file":
            text = Path(path).read_text("utf-8")
        else:  # synthetic: Standard Ebooks novels end to end up to 500,000 words
            parts, words = [], 0
            for f in sorted(SE.glob("*.txt"), key=lambda p: -p.stat().st_size):
                t = f.read_text("utf-8")
                parts.append(t)
                words += len(t.split())
                if words >= 500_000:
                    break
            text = "\n".join(parts)
            cut = 0
            for count, m in enumerate(re.finditer(r"\S+", text), start=1):
                if count == 500_000:
                    cut = m.end()
                    break
            text = text[: cut or len(text)]
        work = _work_from_text(text)
    _reset_peak()
    base = _peak_kb()
    t0 = time.perf_counter()
    people(work.text, work.blocks)
    t1 = time.perf_counter()
    people_peak = _peak_kb()
    analyse(work)
    t2 = time.perf_counter()
    peak = _peak_kb()
    toks = len(_TOKENS.findall(work.text))
    words = len(work.text.split())
    q.put(
        {
            "label": label,
            "tokens": toks,
            "words": words,
            "people_s": t1 - t0,
            "analyse_s": t2 - t1,
            "peak_mb": peak / 1024,
            "people_peak_mb": people_peak / 1024,
            "base_mb": base / 1024,
        }
    )


def speed() -> None:
    books = sorted(SE.glob("*.txt"), key=lambda p: -p.stat().st_size) if SE.is_dir() else []
    jobs = [("sample", str(SAMPLE), "sample")]
    if books:
        jobs.append((f"longest corpus book ({books[0].name})", str(books[0]), "file"))
        jobs.append(("synthetic 500,000 words", None, "synthetic"))
    ctx = mp.get_context("spawn")
    print(
        "\nSpeed (one core; tokens = words and punctuation; MB = peak resident memory of the process after\n"
        "  the people analysis alone, then after the whole stage: people, then the story summary)"
    )
    print(
        f"  {'text':44s} {'tokens':>9s} {'people tok/s':>13s} {'people MB':>10s} {'analyse tok/s':>14s} {'peak MB':>8s}"
    )
    for label, path, spec in jobs:
        q = ctx.Queue()
        p = ctx.Process(target=_timed, args=(label, path, spec, q))
        p.start()
        r = q.get()
        p.join()
        people_tps = r["tokens"] / r["people_s"]
        all_tps = r["tokens"] / r["analyse_s"]  # the whole stage: people, then the story summary
        print(
            f"  {label[:44]:44s} {r['tokens']:9d} {people_tps:13.0f} {r['people_peak_mb']:10.0f}"
            f" {all_tps:14.0f} {r['peak_mb']:8.0f}"
        )
        key = "sample" if spec == "sample" else ("longest_book" if spec == "file" else "synthetic_500k")
        score(f"{key}_people_tokens_per_s", people_tps)
        score(f"{key}_tokens_per_s", all_tps)
        score(f"{key}_people_peak_mb", r["people_peak_mb"])
        score(f"{key}_peak_mb", r["peak_mb"])
        if spec == "synthetic":
            ratio = all_tps / BOOKNLP["tokens_per_s_small_cpu"]
            print(f"  vs BookNLP small model on a laptop CPU (published ~460 tokens/s): {ratio:.0f}x")
            score("speed_ratio_vs_booknlp_published", ratio)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="20 LitBank excerpts only")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    limit = 20 if args.quick else None
    print("Data: LitBank (Bamman et al., CC BY 4.0), Standard Ebooks (CC0), the sample story.")
    if LITBANK.is_dir():
        parts: dict[str, ev.LitBankScore] = {}
        clean = litbank(False, limit, parts)
        report_litbank("LitBank, original typography (sieves + the shipped speaker ranker)", clean)
        for key, label in (
            ("edition", "paragraphs from a published edition"),
            ("guessed", "paragraphs guessed"),
        ):
            p = parts.get(key)
            if p is not None:
                print(
                    f"    excerpts with {label}: speaker accuracy {p.speaker_accuracy:.3f}"
                    f" ({p.correct}/{p.attributed}), quote P/R {p.precision:.3f}/{p.recall:.3f}"
                )
        score("litbank_quote_precision", clean.precision)
        score("litbank_quote_recall", clean.recall)
        # the ranker is trained on LitBank: its honest figure holds each book out (5 folds by book)
        import train_speaker_ranker as tr

        data = tr.examples(limit)
        cv = tr.cross_validate(data, 5)
        deals = [cv["ranker"], *(tr.cross_validate(data, 5, seed)["ranker"] for seed in range(1, tr.DEALS))]
        cv_mean = sum(deals) / len(deals)
        print(
            f"  speaker accuracy, sieves alone: {cv['sieves']:.3f}; sieves + ranker, cross-validated with"
            f" 5 folds by book: {cv['ranker']:.3f} (excerpts with an edition's paragraphs {cv['edition']:.3f});"
            f" with the shipped weights (trained on all of these excerpts, so in-sample):"
            f" {clean.speaker_accuracy:.3f}"
        )
        print(
            f"  the same over {len(deals)} deals of the books to folds (the first is the one above): mean"
            f" {cv_mean:.3f} ({', '.join(f'{x:.3f}' for x in deals)})"
        )
        print(
            "  cross-validated, by the type of the sieve that decided the line: "
            + ", ".join(f"{t} {a / b:.3f} ({a}/{b})" for t, (a, b) in cv["by_type"].items())
        )
        if "sample" in cv:
            print(
                f"  the sample story, one more book in those folds, held out: sieves {cv['sample_sieves']:.3f},"
                f" sieves + ranker {cv['sample']:.3f}"
            )
            score("sample_speaker_accuracy_cv", cv["sample"])
        score("litbank_speaker_accuracy", cv["ranker"])
        score(f"litbank_speaker_accuracy_mean_of_{len(deals)}_deals", cv_mean)
        score("litbank_speaker_accuracy_edition_paragraphs_cv", cv["edition"])
        score("litbank_speaker_accuracy_sieves", cv["sieves"])
        score("litbank_speaker_accuracy_in_sample", clean.speaker_accuracy)
        score("litbank_character_recall", clean.char_recall)
        score("litbank_cluster_purity", clean.purity)
        dmg = litbank(True, limit)
        report_litbank("LitBank, typography destroyed into U+FFFD and restored", dmg)
        score("litbank_restored_quote_precision", dmg.precision)
        score("litbank_restored_quote_recall", dmg.recall)
        score("litbank_restored_speaker_accuracy", dmg.speaker_accuracy)
        restored_novels(args.quick)
        print(
            f"\n  peer: BookNLP speaker accuracy {BOOKNLP['speaker_accuracy_pdnc']:.3f} on PDNC (published); "
            f"ours {cv['ranker']:.3f} on LitBank (cross-validated): ratio {cv['ranker'] / BOOKNLP['speaker_accuracy_pdnc']:.2f}"
            " (different corpora; BookNLP finds no quotes at all once the glyphs are destroyed)"
        )
    else:
        print("LitBank missing:", LITBANK)
    sample()
    if not args.no_speed:
        speed()
    return 0


if __name__ == "__main__":
    sys.exit(main())
