"""Loading: the shipped word list agrees with wordfreq, and a one-shot run imports neither it nor ftfy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ficpress.restore import lexicon

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "breaking-alone.txt"


def test_shipped_word_list_matches_wordfreq() -> None:
    wordfreq = pytest.importorskip("wordfreq")
    words = list(wordfreq.iter_wordlist("en"))[::97][:2500]
    words += [
        "café",
        "fiancé",
        "naïve",
        "don’t",
        "o'clock",
        "l'heure",
        "d'you",
        "ma'am",
        "gov’nor",
        "sister’no",
    ]
    off = [w for w in words if abs(lexicon.zipf(w) - wordfreq.zipf_frequency(w, "en")) > 0.011]
    print(f"word list: {len(words) - len(off)} of {len(words)} frequencies agree with wordfreq")
    assert not off, off[:10]
    for w in [w for w in words if "'" in w or "’" in w]:
        one_token = len(wordfreq.tokenize(w, "en")) == 1
        want = wordfreq.zipf_frequency(w, "en") if one_token else 0.0
        assert abs(lexicon.contraction_zipf(w) - want) <= 0.011, w


def test_one_shot_restore_imports_no_word_list_library() -> None:
    if not SAMPLE.exists():
        pytest.skip("examples/breaking-alone.txt missing")
    code = (
        "import sys, json\n"
        "from ficpress.model import Source\n"
        "from ficpress.restore import restore\n"
        "r = restore(Source(path='s', text=open(sys.argv[1], encoding='utf-8').read()))\n"
        "print(json.dumps({'repairs': len(r.repairs), 'wordfreq': 'wordfreq' in sys.modules,"
        " 'ftfy': 'ftfy' in sys.modules, 'fffd_left': r.text.count(chr(0xFFFD))}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLE)], capture_output=True, text=True, check=True
    )
    got = json.loads(out.stdout)
    print(f"one-shot sample run: {got}")
    assert got["repairs"] >= 3000 and got["fffd_left"] == 0
    assert not got["wordfreq"] and not got["ftfy"]
