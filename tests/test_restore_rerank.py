"""The re-ranker: it must earn its place on books it was not fitted on, and change nothing it should not."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ficpress.model import Source
from ficpress.restore import rerank, restore
from ficpress.restore.channel import CORRUPTIONS, prepare_clean
from ficpress.restore.context import load
from ficpress.restore.fit import HELD_OUT
from ficpress.restore.measure import score


def _restore(text: str, weights: dict[str, float] | None):
    rerank.OVERRIDE = weights
    try:
        return restore(Source(path="t.txt", text=text))
    finally:
        rerank.OVERRIDE = None


def test_shipped_weights_are_small_and_finite() -> None:
    weights = load("fffd").rerank
    print(f"re-ranker weights: {len(weights)}")
    assert 0 < len(weights) <= 5000
    assert all(math.isfinite(w) for w in weights.values())
    assert weights.get("logp", 1.0) == 1.0  # the settled share keeps its scale; calibration maps it


def test_score_without_weights_is_the_identity() -> None:
    cands = [("\u2019", 0.6), ("\u201d", 0.3), ("\u2026", 0.08), ("\u2014", 0.02)]
    out = score_of({}, ["La", "Rl"], cands)
    assert [c for c, _ in out] == [c for c, _ in cands]
    assert all(abs(p - q) < 1e-12 for (_, p), (_, q) in zip(out, cands, strict=True))
    # a weight on the closing quote's group under a feature moves the share to it
    out = score_of({"D:Rl": 2.0}, ["La", "Rl"], cands)
    assert out[0][0] == "\u201d"
    assert abs(sum(p for _, p in out) - 1.0) < 1e-9


def score_of(weights: dict[str, float], feats: list[str], cands: list[tuple[str, float]]):
    return rerank.score(weights, feats, cands)


@pytest.mark.parametrize("model", ["fffd-cp1252", "fffd-ascii"])
def test_rerank_gains_on_held_out_books(corpus_dir: Path, model: str) -> None:
    """Restored with and without the re-ranker, every held-out book whole (slices of a few thousand
    damaged characters differ by a handful either way): with it, more damaged characters are right
    in all, and calibration of the sure repairs holds."""
    with_r = without = total = hi = hi_right = 0
    for name in HELD_OUT:
        path = corpus_dir / "standardebooks" / f"{name}.txt"
        if not path.is_file():
            pytest.skip(f"held-out book missing: {path}")
        clean = prepare_clean(path.read_text(encoding="utf-8"))
        damaged = CORRUPTIONS[model](clean)
        on = _restore(damaged, None)
        off = _restore(damaged, {})
        s_on = score(clean, on.text, on.repairs)
        s_off = score(clean, off.text, off.repairs)
        with_r += s_on.right
        without += s_off.right
        total += s_on.total
        hi += s_on.repairs_hi
        hi_right += s_on.repairs_hi_right
        assert s_on.changed_clean <= s_off.changed_clean  # alignment noise (a combo like é”) aside
    print(
        f"{model}: with re-ranker {with_r}/{total} ({100 * with_r / total:.2f}%), "
        f"without {without}/{total} ({100 * without / total:.2f}%); "
        f"conf>=0.95 right {100 * hi_right / max(1, hi):.2f}% of {hi}"
    )
    assert with_r > without
    assert hi_right >= 0.995 * hi


def test_rerank_question_damage_on_held_out_books(corpus_dir: Path) -> None:
    """`?` damage: where a substitute already leads, re-ranking among the substitutes puts more back
    and keeps every genuine `?` the question model kept."""
    on_right = off_right = on_kept = off_kept = total = genuine = 0
    for name in HELD_OUT:
        path = corpus_dir / "standardebooks" / f"{name}.txt"
        if not path.is_file():
            pytest.skip(f"held-out book missing: {path}")
        clean = prepare_clean(path.read_text(encoding="utf-8"))
        damaged = CORRUPTIONS["question"](clean)
        on = _restore(damaged, None)
        off = _restore(damaged, {})
        s_on = score(clean, on.text, on.repairs, questions=True)
        s_off = score(clean, off.text, off.repairs, questions=True)
        on_right += s_on.right
        off_right += s_off.right
        on_kept += s_on.genuine_q_kept
        off_kept += s_off.genuine_q_kept
        total += s_on.total
        genuine += s_on.genuine_q
    print(
        f"question: substitutes right with re-ranker {on_right}/{total}, without {off_right}; "
        f"genuine ? kept {on_kept}/{genuine}, without {off_kept}"
    )
    assert on_right > off_right
    assert on_kept >= off_kept
