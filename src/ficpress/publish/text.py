"""Plain text for reading anywhere: a title block, underlined chapter headings,
`* * *` between scenes, one blank line between paragraphs, notes labelled.

Thoughts and emphasis keep the `*asterisk*` convention readers of plain-text
fan fiction already know; verse is indented so it stands apart from prose.
"""

from __future__ import annotations

from ficpress.model import Work
from ficpress.publish._doc import Document, Inline, Item, Line, build, clean, hug, meta_rows

_CLOSING_INDENT = {"valediction": " " * 16, "signature": " " * 16}
_MARK = {"emphasis": "*", "thought": "*", "telepathy": ":", "strong": "**", "underline": "_"}


def _inline(nodes: Line, marks: frozenset[str] = frozenset()) -> str:
    out = []
    for n in nodes:
        if isinstance(n, str):
            out.append(n)
        else:
            out.append(_element(n, marks))
    return "".join(out)


def _element(n: Inline, marks: frozenset[str]) -> str:
    mark = _MARK.get(n.kind)
    # `*a *b* c*` reads as two runs: a mark already open is not repeated inside itself.
    inner = _inline(n.children, marks | {mark} if mark else marks)
    if not mark or mark in marks or not inner.strip():
        return inner
    return hug(inner, mark, mark)


def _underline(title: str, ch: str) -> str:
    return f"{title}\n{ch * max(3, len(title))}"


def _note(it: Item, label: str) -> str:
    paras = ["\n".join(_inline(ln) for ln in st) for st in it.stanzas]
    if not (it.self_labelled and label == it.label):
        paras[0] = f"[{label}] {paras[0]}"
    return "\n\n".join(paras)


def _item(it: Item) -> str:
    if it.kind == "scene_break":
        return "* * *"
    if it.kind == "verse":
        return "\n\n".join("\n".join("    " + _inline(ln) for ln in st) for st in it.stanzas)
    if it.kind == "note":
        return _note(it, it.label)
    if it.kind in ("letter", "message"):
        # a letter is indented; its valediction and signature stand further right, as on paper
        return "\n\n".join(
            "\n".join(_CLOSING_INDENT.get(part, "  ") + _inline(ln) for ln in st)
            for st, part in zip(it.stanzas, it.parts or [""] * len(it.stanzas), strict=False)
        )
    return "\n\n".join("\n".join(_inline(ln) for ln in st) for st in it.stanzas)


def render(work: Work, *, notes: str = "show") -> bytes:
    return render_doc(build(work, notes=notes))


def render_doc(doc: Document) -> bytes:
    out = [_underline(doc.title, "=")]
    if doc.authors:
        out.append(f"by {', '.join(doc.authors)}")
    rows = [
        f"{label}: {', '.join(values)}" for label, values in meta_rows(doc) if not label.startswith("Author")
    ]
    if rows:
        out.append("\n".join(rows))
    if doc.summary:
        out.append("Summary: " + " ".join(doc.summary.split()))
    out.extend(_item(it) for it in doc.front)
    if doc.notes_mode == "show":
        out.extend(f"[{n.label}] {n.text.strip()}" for n in doc.work_notes)
    for ch in doc.chapters:
        out.append("\n" + _underline(ch.title, "-"))
        if ch.summary.strip():
            out.append("Summary: " + " ".join(ch.summary.split()))
        out.extend(_item(it) for it in ch.items)
    if doc.notes_mode == "end" and (doc.end_notes or doc.work_notes):
        out.append("\n" + _underline("Notes", "-"))
        out.extend(f"[{n.label}] {n.text.strip()}" for n in doc.work_notes)
        out.extend(_note(en.item, f"{en.item.label}, {en.where}") for en in doc.end_notes)
    return (clean("\n\n".join(out)).strip() + "\n").encode("utf-8")
