"""The bundled example is the real damaged sample, so README's first command shows real damage."""

from __future__ import annotations

import hashlib

import pytest

from conftest import EXAMPLE, SHARED


def test_example_is_the_shared_sample_byte_for_byte() -> None:
    shared = SHARED / "samples" / "000_0ccc7f018ffbd0dd.txt"
    if not shared.is_file():
        pytest.skip(f"sample missing: {shared} (clone beside ../shared/ to compare)")
    assert hashlib.sha256(EXAMPLE.read_bytes()).digest() == hashlib.sha256(shared.read_bytes()).digest()


def test_example_really_is_damaged() -> None:
    # 3,078 U+FFFD is the documented damage of the sample; if this changes, the figures in tests do too.
    assert EXAMPLE.read_text(encoding="utf-8").count("\ufffd") == 3078
