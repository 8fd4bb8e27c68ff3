"""Markdown stories: CommonMark via markdown-it-py, then the HTML builder; YAML-style front matter as metadata.

Headings that repeat at one level are chapters; `***`/`---` are scene
breaks; `*em*`/`_em_` and `**strong**` become spans. Front matter is read as
simple `key: value` lines (lists as `[a, b]` or `- item`), mapped with the
same labels as a text header block.
"""

from __future__ import annotations

import re
from pathlib import Path

from ficpress.ingest.decode import Decoded
from ficpress.ingest.html import parse_html_text, split_by_headings
from ficpress.ingest.markup import assemble, collect_items, file_level
from ficpress.ingest.text import HEADER_LABELS, apply_header, decoding_raw, source_info
from ficpress.model import Source, WorkMeta

__all__ = ["read_markdown", "front_matter"]

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def front_matter(text: str) -> tuple[list[tuple[str, str]], int]:
    """(key, value) pairs of a leading front-matter block, and where the body begins."""
    m = _FRONT.match(text)
    if not m:
        return [], 0
    pairs: list[tuple[str, str]] = []
    for ln in m.group(1).split("\n"):
        item = re.match(r"^\s+-\s+(.*)$", ln)
        if item and pairs:
            k, v = pairs[-1]
            pairs[-1] = (k, (v + ", " if v else "") + item.group(1).strip().strip("\"'"))
            continue
        kv = re.match(r"^([A-Za-z][\w /'-]*):\s*(.*)$", ln)
        if kv:
            v = kv.group(2).strip()
            if v.startswith("[") and v.endswith("]"):
                v = ", ".join(x.strip().strip("\"'") for x in v[1:-1].split(","))
            pairs.append((kv.group(1).strip(), v.strip("\"'")))
    return pairs, m.end()


def read_markdown(path: Path, decoded: Decoded) -> Source:
    from markdown_it import MarkdownIt

    text = decoded.text
    pairs, body_start = front_matter(text)
    meta = WorkMeta(source=source_info(path, decoded, "markdown"))
    meta.raw.update(decoding_raw(decoded))
    if pairs:
        meta.raw["front_matter"] = [[k, v] for k, v in pairs]
        typed = []
        for k, v in pairs:
            fld = HEADER_LABELS.get(k.lower().replace("_", " "))
            if fld:
                typed.append((k, fld, v))
        apply_header(meta, typed)
    md = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")
    html = md.render(text[body_start:])
    root = parse_html_text(path, f"<html><body>{html}</body></html>")
    items = collect_items(root.find(".//body"))
    parts = split_by_headings(items, meta)
    if not meta.title:
        meta.title = path.stem
        meta.title_confidence = 0.2
    return assemble(parts, str(path), file_level(decoded.damage))
