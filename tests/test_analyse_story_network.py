"""The interaction network against its definition, pair by pair, on random casts and quotations.

`network.interactions` counts each character's partners from the scenes it is in and orders the
entries without sorting them (a long single scene with a big cast has millions of pairs); this
checks that the counts, the source of each pair and the order are exactly what the definition says.
"""

from __future__ import annotations

import json
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from ficpress.analyse import network

IDS = ["c1", "c2", "c3", "c10", "c11", "x", "b", "a"]


def _by_definition(quotes, casts, order):
    def key(a, b):
        big = 1 << 30
        return (a, b) if (order.get(a, big), a) <= (order.get(b, big), b) else (b, a)

    spoken: dict[tuple[str, str], int] = {}
    for q in quotes:
        s = q.get("speaker")
        for a in q.get("addressees") or []:
            if s and a and a != s:
                spoken[(s, a)] = spoken.get((s, a), 0) + 1
    shared: dict[tuple[str, str], int] = {}
    for cast in casts:
        for a, b in combinations(sorted(cast), 2):
            shared[key(a, b)] = shared.get(key(a, b), 0) + 1
    out = []
    for src, tgt in set(shared) | {key(s, a) for s, a in spoken}:
        fwd, back, scenes = spoken.get((src, tgt), 0), spoken.get((tgt, src), 0), shared.get((src, tgt), 0)
        out.append(
            {
                "source": src,
                "target": tgt,
                "quotes": fwd + back,
                "quotes_by_source": fwd,
                "quotes_by_target": back,
                "scenes": scenes,
                "weight": round(fwd + back + network.SCENE_WEIGHT * scenes, 2),
            }
        )
    out.sort(key=lambda e: (-e["weight"], e["source"], e["target"]))
    return out


_quote = st.fixed_dictionaries(
    {
        "speaker": st.one_of(st.none(), st.sampled_from(IDS)),
        "addressees": st.lists(st.one_of(st.none(), st.sampled_from(IDS)), max_size=3),
    }
)


@settings(max_examples=300, deadline=None)
@given(
    quotes=st.lists(_quote, max_size=25),
    casts=st.lists(st.sets(st.sampled_from(IDS), max_size=6), max_size=8),
    ranked=st.lists(st.sampled_from(IDS), unique=True),
)
def test_interactions_match_the_pairwise_definition(quotes, casts, ranked) -> None:
    order = {c: i for i, c in enumerate(ranked)}
    got = network.interactions(quotes, casts, order)
    assert got == _by_definition(quotes, casts, order)
    # Same keys in the same order as a plain dict, so the saved JSON reads the same.
    assert json.dumps(got) == json.dumps(_by_definition(quotes, casts, order))


def test_one_scene_with_a_big_cast_gives_every_pair_once_in_weight_order() -> None:
    cast = {f"c{i}" for i in range(300)}
    quotes = [{"speaker": "c5", "addressees": ["c7"]}, {"speaker": "c7", "addressees": ["c5", "c9"]}]
    got = network.interactions(quotes, [cast, {"c5", "c7"}], {f"c{i}": i for i in range(300)})
    assert len(got) == 300 * 299 // 2
    assert len({(e["source"], e["target"]) for e in got}) == len(got)
    assert [(e["source"], e["target"], e["weight"]) for e in got[:2]] == [
        ("c5", "c7", 3.0),
        ("c7", "c9", 1.5),
    ]
    assert all(a["weight"] >= b["weight"] for a, b in zip(got, got[1:], strict=False))
    assert got == _by_definition(quotes, [cast, {"c5", "c7"}], {f"c{i}": i for i in range(300)})
