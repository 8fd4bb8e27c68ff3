"""Publish never crashes and always writes well-formed XML, whatever a stage hands it.

Blocks and spans here overlap, cross, run past the text, come in any order and
carry odd attributes; the text holds control characters, markup characters and
lone surrogates. The reading view must clip, skip or escape, never fail.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from ficpress import publish
from ficpress.model import Block, Chapter, Repair, Span, Work, WorkMeta

BLOCK_KINDS = [
    "paragraph",
    "verse",
    "heading",
    "scene_break",
    "note",
    "end_marker",
    "marker",
    "front_matter",
    "letter",
    "message",
    "mystery",
]
SPAN_KINDS = ["quote", "thought", "emphasis", "strong", "flashback", "telepathy", "underline", "unknown"]
ALPHABET = st.sampled_from(list("ab *_\n\n<>&\"'#~\x0b\x00\ufffd\u2019é") + ["\ud800"])


@st.composite
def works(draw) -> Work:
    text = draw(st.text(alphabet=ALPHABET, max_size=200))
    n = len(text)
    pos = st.integers(min_value=-3, max_value=n + 3)
    attrs = st.fixed_dictionaries(
        {},
        optional={
            "role": st.sampled_from(["head", "end", "disclaimer", "inline", "summary", "", None]),
            "glyph": st.one_of(st.none(), st.text(max_size=4)),
            "lines": st.lists(st.lists(pos, min_size=0, max_size=3), max_size=4),
            "soft_breaks": st.booleans(),
            "marker": st.sampled_from(["*", "_", "", "**"]),
            "open": st.lists(pos, min_size=2, max_size=2),
            "close": st.lists(pos, min_size=2, max_size=2),
        },
    )
    blocks = draw(st.lists(st.builds(Block, st.sampled_from(BLOCK_KINDS), pos, pos, attrs=attrs), max_size=8))
    spans = draw(st.lists(st.builds(Span, st.sampled_from(SPAN_KINDS), pos, pos, attrs=attrs), max_size=8))
    chapters = draw(
        st.lists(
            st.builds(
                Chapter,
                st.integers(0, 9),
                st.text(alphabet=ALPHABET, max_size=8),
                pos,
                pos,
                heading_start=st.one_of(st.none(), pos),
                heading_end=st.one_of(st.none(), pos),
            ),
            max_size=4,
        )
    )
    repairs = draw(
        st.lists(
            st.builds(
                Repair,
                pos,
                pos,
                pos,
                pos,
                st.just("\ufffd"),
                st.text(max_size=2),
                st.floats(0, 1),
                st.booleans(),
                st.just("fuzz"),
            ),
            max_size=4,
        )
    )
    meta = WorkMeta(
        title=draw(st.text(alphabet=ALPHABET, max_size=10)),
        authors=draw(st.lists(st.text(alphabet=ALPHABET, max_size=5), max_size=2)),
        summary=draw(st.text(alphabet=ALPHABET, max_size=20)),
        language=draw(st.sampled_from(["en", "English", "", "xx-??", "日本語"])),
        disclaimer=draw(st.text(alphabet=ALPHABET, max_size=10)),
        notes=draw(st.lists(st.text(alphabet=ALPHABET, max_size=10), max_size=2)),
    )
    return Work(meta=meta, text=text, blocks=blocks, spans=spans, chapters=chapters, repairs=repairs)


@settings(
    max_examples=int(os.environ.get("FICPRESS_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(works(), st.sampled_from(["show", "end", "omit"]))
def test_any_work_renders_to_well_formed_outputs(work: Work, notes: str) -> None:
    out = publish.render_many(work, publish.FORMATS, notes=notes)
    with zipfile.ZipFile(io.BytesIO(out["epub"])) as z:
        assert z.namelist()[0] == "mimetype"
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                etree.fromstring(z.read(name))  # raises on malformed XML
    html.fromstring(out["html"])
    out["md"].decode("utf-8")
    out["txt"].decode("utf-8")
    json.loads(out["json"])
