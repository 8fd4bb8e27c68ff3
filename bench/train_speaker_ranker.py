"""Train the speaker ranker on LitBank and report its accuracy with books held out.

Usage: .venv/bin/python bench/train_speaker_ranker.py [--write] [--folds 5]

Each LitBank excerpt (Bamman et al., CC BY 4.0) is analysed with the sieves alone; every quotation
scored by the benchmark gives one example: its candidates (ficpress.analyse.ranker) and which of
them stand for the gold speaker's coreference entity. A conditional logit (softmax over a
quotation's candidates, L2 penalty, plain gradient descent from zero: deterministic) is fitted
with the excerpts split into folds BY BOOK, so no book is ever scored by weights that saw it; the
cross-validated accuracy is the figure to quote. `--write` then fits on every book and writes
src/ficpress/analyse/data/speaker_ranker.json (feature -> weight, with the figures measured here).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ficpress.analyse import evaluate as ev  # noqa: E402
from ficpress.analyse import people  # noqa: E402
from ficpress.analyse import ranker as rk  # noqa: E402

SHARED = ROOT.parent / "shared"
LITBANK = SHARED / "corpus" / "litbank"
SE = SHARED / "corpus" / "standardebooks"
OUT = ROOT / "src" / "ficpress" / "analyse" / "data" / "speaker_ranker.json"
L2 = 0.02
STEPS = 300
RATE = 0.5

Example = tuple[list[list[float]], list[bool], bool]  # candidate cue rows, which are right, sieves right


def examples(limit: int | None = None) -> list[tuple[str, list[Example]]]:
    """(book, examples) for every LitBank excerpt, from the sieves' output."""
    out = []
    for doc in ev.load_litbank(LITBANK, limit=limit, editions=SE if SE.is_dir() else None):
        table: list[dict] = []
        result = people(doc.text, paragraphs=doc.paragraphs, ranker_weights={}, candidates_out=table)
        sc = ev.score_litbank(doc, result)
        by_start = {row["start"]: row["candidates"] for row in table}
        exs: list[Example] = []
        for _label, _spk, _method, ok, start, _ent, gold in sc.details:
            rows = by_start.get(start, [])
            exs.append(([f for _c, f in rows], [sc.char_ent.get(c) == gold for c, _f in rows], bool(ok)))
        out.append((doc.name, exs))
    return out


def fit(train: list[Example]) -> list[float]:
    """Conditional logit: maximise log P(a right candidate) over each quotation's candidates."""
    data = [(rows, right) for rows, right, _ok in train if rows and any(right) and not all(right)]
    n_f = len(rk.FEATURES)
    w = [0.0] * n_f
    n = max(len(data), 1)
    for _step in range(STEPS):
        grad = [L2 * x for x in w]
        for rows, right in data:
            scores = [sum(a * b for a, b in zip(w, f, strict=True)) for f in rows]
            top = max(scores)
            ex = [math.exp(s - top) for s in scores]
            z = sum(ex)
            zr = sum(e for e, r in zip(ex, right, strict=True) if r)
            for f, e, r in zip(rows, ex, right, strict=True):
                coef = e / z - (e / zr if r else 0.0)
                if coef:
                    for k, v in enumerate(f):
                        if v:
                            grad[k] += coef * v / n
        w = [x - RATE * g for x, g in zip(w, grad, strict=True)]
    return w


def accuracy(w: list[float] | None, test: list[Example]) -> tuple[int, int]:
    """Quotations whose chosen candidate is right (None: the sieves' own choice)."""
    ok = 0
    for rows, right, base_ok in test:
        k = None if w is None else rk.choose(w, rows, _method(rows))
        ok += base_ok if k is None else right[k]
    return ok, len(test)


def _method(rows: list[list[float]]) -> str:
    """The sieve that decided the quotation, read back from its chosen candidate's cues."""
    for f in rows:
        for m in rk.SIEVES:
            if f[rk.FEATURES.index(f"sieve:{m}")]:
                return m
    return "none"


def cross_validate(data: list[tuple[str, list[Example]]], folds: int) -> dict:
    books = sorted(name for name, _ in data)
    fold_of = {name: i % folds for i, name in enumerate(books)}
    tot_ok = tot_n = base_ok = 0
    per_fold = []
    for k in range(folds):
        train = [e for name, exs in data if fold_of[name] != k for e in exs]
        test = [e for name, exs in data if fold_of[name] == k for e in exs]
        w = fit(train)
        ok, n = accuracy(w, test)
        b, _ = accuracy(None, test)
        per_fold.append((k, ok, b, n))
        tot_ok += ok
        tot_n += n
        base_ok += b
    return {"ranker": tot_ok / tot_n, "sieves": base_ok / tot_n, "n": tot_n, "folds": per_fold}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    data = examples()
    cv = cross_validate(data, args.folds)
    print(f"LitBank, {len(data)} excerpts, {cv['n']} attributed quotations, {args.folds} folds by book")
    for k, ok, b, n in cv["folds"]:
        print(f"  fold {k}: sieves {b / n:.3f}  ranker {ok / n:.3f}  ({n} quotations)")
    print(f"  cross-validated speaker accuracy: sieves {cv['sieves']:.3f}  ranker {cv['ranker']:.3f}")
    print(f"SCORE litbank_speaker_accuracy_sieves {cv['sieves']:.4f}")
    print(f"SCORE litbank_speaker_accuracy_ranker_cv {cv['ranker']:.4f}")
    if args.write:
        w = fit([e for _name, exs in data for e in exs])
        ok, n = accuracy(w, [e for _name, exs in data for e in exs])
        payload = {
            "model": "conditional logit over a quotation's candidate speakers (ficpress.analyse.ranker)",
            "trained_on": ev.LITBANK_CREDIT,
            "folds_by_book": args.folds,
            "cv_speaker_accuracy": round(cv["ranker"], 4),
            "cv_sieves_accuracy": round(cv["sieves"], 4),
            "training_accuracy": round(ok / n, 4),
            "l2": L2,
            "steps": STEPS,
            "weights": {f: round(x, 4) for f, x in zip(rk.FEATURES, w, strict=True)},
        }
        OUT.write_text(json.dumps(payload, indent=1) + "\n", "utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} (training accuracy {ok / n:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
