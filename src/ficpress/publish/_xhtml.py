"""XHTML fragments shared by the EPUB and the single-file HTML writers.

Both speak the same vocabulary, so a thought is `<span class="thought">` and a
scene break is `<hr class="scene-break">` everywhere; only the wrappers differ
(an EPUB note carries `epub:type`, an HTML note can be collapsed with `<details>`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ficpress.publish._doc import Document, Inline, Item, Line, meta_rows

_TAGS = {
    "emphasis": ("em", ""),
    "strong": ("strong", ""),
    "strikethrough": ("s", ""),
    "thought": ("span", "thought"),
    "telepathy": ("span", "telepathy"),
    "underline": ("span", "underline"),
    "smallcaps": ("span", "smallcaps"),
    "flashback": ("span", "flashback"),
    "review": ("span", "review"),
}


def css() -> str:
    # beside this module, as installed (importlib.resources cost a one-shot run 4 ms of imports)
    return Path(__file__).with_name("style.css").read_text(encoding="utf-8")


def esc(text: str) -> str:
    """For attribute values."""
    return escape(text, quote=True)


def txt(text: str) -> str:
    """For element content: apostrophes and quotes stay as they are."""
    return escape(text, quote=False)


def inline(nodes: Line, epub: bool = False) -> str:
    out = []
    for n in nodes:
        if isinstance(n, str):
            out.append(escape(n, quote=False))
        else:
            out.append(_element(n, epub))
    return "".join(out)


def _element(n: Inline, epub: bool) -> str:
    if n.kind == "review" and epub:
        return inline(n.children, epub)  # review marks are for the HTML reader only
    tag, cls = _TAGS.get(n.kind, ("span", n.kind))
    attrs = f' class="{cls}"' if cls else ""
    if n.kind == "review" and n.attrs.get("title"):
        attrs += f' title="{esc(str(n.attrs["title"]))}"'
    return f"<{tag}{attrs}>{inline(n.children, epub)}</{tag}>"


def _cls(classes: list[str]) -> str:
    return f' class="{" ".join(classes)}"' if classes else ""


def _paras(item: Item, classes: list[str] | None = None, epub: bool = False, parts: bool = False) -> str:
    """One <p> per stanza; with `parts`, each paragraph also carries its letter part (salutation, ...)."""
    out = []
    for i, stanza in enumerate(item.stanzas):
        c = list(classes or [])
        if parts and i < len(item.parts) and item.parts[i]:
            c.append(item.parts[i])
        if i == 0 and "after-break" in item.classes:
            c.append("after-break")
        if "flashback" in item.classes:
            c.append("flashback")
        out.append(f"<p{_cls(c)}>" + "<br/>".join(inline(line, epub) for line in stanza) + "</p>")
    return "\n".join(out)


def item(it: Item, *, epub: bool) -> str:
    """One reading item as XHTML; `epub` picks the EPUB spelling of notes."""
    if it.kind == "scene_break":
        glyph = f' data-glyph="{esc(it.glyph)}"' if it.glyph else ""
        return f'<hr class="scene-break"{glyph}/>'
    if it.kind == "verse":
        extra = [c for c in it.classes if c in ("after-break", "flashback")]
        body = "\n".join(
            "<p>" + "<br/>".join(inline(line, epub) for line in stanza) + "</p>" for stanza in it.stanzas
        )
        return f"<div{_cls(['verse', *extra])}>\n{body}\n</div>"
    if it.kind == "note":
        return note(it, epub=epub)
    if it.kind == "letter":
        return f'<blockquote class="letter">\n{_paras(it, epub=epub, parts=True)}\n</blockquote>'
    if it.kind == "message":
        return f'<div class="message">\n{_paras(it, epub=epub, parts=True)}\n</div>'
    if it.kind == "subheading":
        return "<h3>" + " ".join(inline(line, epub) for stanza in it.stanzas for line in stanza) + "</h3>"
    if it.kind == "front_matter":
        return _paras(it, ["front-matter"], epub)
    return _paras(it, epub=epub)


def note(it: Item, *, epub: bool, label: str | None = None) -> str:
    role = it.role or "inline"
    label = label or it.label
    body = "\n".join(
        "<p>" + "<br/>".join(inline(line, epub) for line in stanza) + "</p>" for stanza in it.stanzas
    )
    if epub:
        etype = ' epub:type="notice"' if role == "disclaimer" else ""
        shown = "" if it.self_labelled and label == it.label else f'<p class="note-label">{txt(label)}</p>\n'
        return (
            f'<aside class="note note-{esc(role)}" role="note"{etype} aria-label="{esc(label)}">\n'
            f"{shown}{body}\n</aside>"
        )
    return (
        f'<aside class="note note-{esc(role)}" role="note" aria-label="{esc(label)}">'
        f"<details open><summary>{txt(label)}</summary>\n{body}\n</details></aside>"
    )


def text_note(text: str, *, epub: bool, label: str = "Author's note") -> str:
    """A work-level note (from the metadata, not the text) in the same shape as a note item."""
    role = "disclaimer" if label == "Disclaimer" else "work"
    body = "\n".join(f"<p>{escape(p.strip(), quote=False)}</p>" for p in text.split("\n\n") if p.strip())
    if epub:
        return (
            f'<aside class="note note-{role}" role="note" aria-label="{esc(label)}">\n'
            f'<p class="note-label">{txt(label)}</p>\n{body}\n</aside>'
        )
    return (
        f'<aside class="note note-{role}" role="note" aria-label="{esc(label)}">'
        f"<details open><summary>{txt(label)}</summary>\n{body}\n</details></aside>"
    )


def chapter_summary(text: str) -> str:
    """A chapter's summary (archives give one per chapter) under its heading: not a note, always shown."""
    paras = "\n".join(f"<p>{txt(p.strip())}</p>" for p in text.split("\n") if p.strip())
    return (
        f'<div class="summary chapter-summary">\n<p class="note-label">Summary</p>\n{paras}\n</div>'
        if paras
        else ""
    )


def titlepage(doc: Document, *, epub: bool, heading: str = "h1") -> str:
    """Title, byline, metadata list, summary, front matter and (shown) work notes."""
    parts = [f"<{heading}>{txt(doc.title)}</{heading}>"]
    if doc.authors:
        parts.append(f'<p class="byline">by {txt(", ".join(doc.authors))}</p>')
    rows = meta_rows(doc)
    if rows:
        dl = ["<dl>"]
        for label, values in rows:
            if label.startswith("Author"):
                continue
            dl.append(f"<dt>{txt(label)}</dt>")
            dl.extend(f"<dd>{txt(v)}</dd>" for v in values)
        dl.append("</dl>")
        if len(dl) > 2:
            parts.append("\n".join(dl))
    summary = doc.summary
    if summary:
        paras = "\n".join(f"<p>{txt(p.strip())}</p>" for p in summary.split("\n") if p.strip())
        parts.append(f'<div class="summary">\n<p class="note-label">Summary</p>\n{paras}\n</div>')
    for it in doc.front:
        parts.append(item(it, epub=epub))
    if doc.notes_mode == "show":
        for n in doc.work_notes:
            parts.append(text_note(n.text, epub=epub, label=n.label))
    return "\n".join(parts)
