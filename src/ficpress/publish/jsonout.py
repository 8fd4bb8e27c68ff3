"""JSON: the whole model (`Work.to_json()`), notes always kept, schema "ficpress/1".

A repair's `original` is the damaged text, often U+FFFD itself; it is written as
the escape `\\ufffd` so the file never shows a replacement character to someone
reading it raw, while every JSON parser reads back the same string.
"""

from __future__ import annotations

from ficpress.model import Work


def render(work: Work) -> bytes:
    # A lone surrogate cannot be UTF-8; backslashreplace spells it as the JSON escape `\udXXX`.
    return work.to_json().replace("\ufffd", "\\ufffd").encode("utf-8", "backslashreplace")
