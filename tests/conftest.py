"""Shared fixtures: where the sample and the corpora live, and a clear skip when they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "breaking-alone.txt"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """The real damaged story; the copy in examples/ is byte-identical to ../shared/samples/."""
    return EXAMPLE


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus missing: {CORPUS} (clone beside ../shared/ to run corpus tests)")
    return CORPUS
