"""Markdown (CommonMark, with a YAML metadata block that Pandoc reads).

Thoughts are `_..._` and emphasis `*...*`, so both stay italic yet remain
distinguishable in the source; verse lines end in a backslash (a hard break).
"""

from __future__ import annotations

import json
import re

from ficpress.model import Work
from ficpress.publish._doc import Document, Inline, Item, Line, build, clean, hug, meta_rows, subjects

_MARK = {
    "emphasis": ("*", "*"),
    "strong": ("**", "**"),
    "thought": ("_", "_"),
    "telepathy": ("_", "_"),
    "strikethrough": ("~~", "~~"),
    "flashback": ("_", "_"),
}
_ESCAPE = re.compile(r"([\\`*_\[\]<>|~])")
_LEADING = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])(?=\s|$)")


def _text(s: str) -> str:
    return _ESCAPE.sub(r"\\\1", s)


def _inline(nodes: Line, marks: frozenset[str] = frozenset()) -> str:
    out = []
    for n in nodes:
        if isinstance(n, str):
            out.append(_text(n))
        else:
            out.append(_element(n, marks))
    return "".join(out)


def _element(n: Inline, marks: frozenset[str]) -> str:
    a, b = _MARK.get(n.kind, ("", ""))
    # A marker already open is not repeated inside itself: `_a _b_ c_` would not parse as meant.
    inner = _inline(n.children, marks | {a} if a else marks)
    if not a or a in marks or not inner.strip():
        return inner
    return hug(inner, a, b)


def _line(nodes: Line) -> str:
    s = _inline(nodes)
    return _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), s)


def _item(it: Item) -> str:
    if it.kind == "scene_break":
        return "* * *"
    if it.kind == "verse":
        return "\n\n".join("\\\n".join(_line(ln) for ln in stanza) for stanza in it.stanzas)
    if it.kind == "note":
        return _quote(it, "" if it.self_labelled else f"**{it.label}:**")
    if it.kind in ("letter", "message"):
        return _quote(it, "")
    if it.kind == "subheading":
        return "### " + " ".join(_inline(ln) for st in it.stanzas for ln in st)
    return "\n\n".join("\\\n".join(_line(ln) for ln in stanza) for stanza in it.stanzas)


def _quote(it: Item, label: str) -> str:
    paras = ["\\\n".join(_line(ln) for ln in stanza) for stanza in it.stanzas]
    if label:
        paras[0] = f"{label} {paras[0]}"
    text = "\n\n".join(paras)
    return "\n".join("> " + ln if ln else ">" for ln in text.split("\n"))


def _yaml(doc: Document) -> str:
    m = doc.work.meta
    lines = ["---", f"title: {json.dumps(doc.title, ensure_ascii=False)}"]
    if doc.authors:
        lines.append("author:")
        lines.extend(f"  - {json.dumps(a, ensure_ascii=False)}" for a in doc.authors)
    lines.append(f"lang: {json.dumps(doc.language)}")
    subj = subjects(doc)
    if subj:
        lines.append("keywords:")
        lines.extend(f"  - {json.dumps(s, ensure_ascii=False)}" for s in subj)
    if m.summary.strip():
        lines.append(f"abstract: {json.dumps(' '.join(m.summary.split()), ensure_ascii=False)}")
    if m.published:
        lines.append(f"date: {json.dumps(m.published)}")
    lines.append("---")
    return "\n".join(lines)


def render(work: Work, *, notes: str = "show") -> bytes:
    return render_doc(build(work, notes=notes))


def render_doc(doc: Document) -> bytes:
    out = [_yaml(doc), "", f"# {_text(doc.title)}", ""]
    if doc.authors:
        out += [f"by {_text(', '.join(doc.authors))}", ""]
    for label, values in meta_rows(doc):
        if not label.startswith("Author"):
            out.append(f"- **{label}:** {_text(', '.join(values))}")
    out.append("")
    if doc.summary:
        out += ["> **Summary:** " + _text(" ".join(doc.summary.split())), ""]
    for it in doc.front:
        out += [_item(it), ""]
    if doc.notes_mode == "show":
        for n in doc.work_notes:
            out += [f"> **{n.label}:** " + _text(" ".join(n.text.split())), ""]
    for ch in doc.chapters:
        out += [f"## {_text(ch.title)}", ""]
        if ch.summary.strip():
            out += ["> **Summary:** " + _text(" ".join(ch.summary.split())), ""]
        for it in ch.items:
            out += [_item(it), ""]
    if doc.notes_mode == "end" and (doc.end_notes or doc.work_notes):
        out += ["## Notes", ""]
        for n in doc.work_notes:
            out += [f"> **{n.label}:** " + _text(" ".join(n.text.split())), ""]
        for en in doc.end_notes:
            out += [_quote(en.item, f"**{en.item.label} ({_text(en.where)}):**"), ""]
    return (clean("\n".join(out)).rstrip() + "\n").encode("utf-8")
