"""One self-contained HTML file: inline CSS, no scripts, no external requests.

Why one file: a reader can keep it, mail it or open it offline in any browser.
Notes sit in `<details open>` so they can be folded without JavaScript, and
repairs that need review carry a faint dotted underline whose tooltip says what
was there and how sure the restorer was.
"""

from __future__ import annotations

from html import escape

from ficpress.model import Work
from ficpress.publish import _xhtml as X
from ficpress.publish._doc import Document, build, clean, subjects

_EXTRA_CSS = """
body { max-width: 38em; margin: 0 auto; padding: 0 1em 4em; }
header.titlepage { border-bottom: 1px solid #ccc; padding-bottom: 1em; }
nav#toc { margin: 2em 0; }
nav#toc h2 { font-size: 1.2em; }
section.chapter { margin-top: 3em; }
aside.note details > summary { cursor: pointer; }
.review { text-decoration: underline dotted rgba(128, 128, 128, 0.6); }
footer { margin-top: 4em; font-size: 0.8em; color: #666; text-align: center; }
@media (prefers-color-scheme: dark) {
  body { background: #1b1b1b; color: #ddd; }
  a { color: #9cf; }
  aside.note { border-left-color: #666; }
  footer { color: #999; }
}
@media print { .review { text-decoration: none; } aside.note details > summary { list-style: none; } }
"""


def render(work: Work, *, notes: str = "show", review: bool = True) -> bytes:
    return render_doc(build(work, notes=notes, review=review), review=review)


def render_doc(doc: Document, *, review: bool = True) -> bytes:
    """`review` marks uncertain repairs (present in `doc` only when it was built with review=True)."""
    work = doc.work
    lang = doc.language
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{X.txt(doc.title)}</title>",
    ]
    if doc.authors:
        head.append(f'<meta name="author" content="{escape(", ".join(doc.authors))}">')
    if work.meta.summary.strip():
        head.append(f'<meta name="description" content="{escape(" ".join(work.meta.summary.split()))}">')
    subj = subjects(doc)
    if subj:
        head.append(f'<meta name="keywords" content="{escape(", ".join(subj))}">')
    head.append('<meta name="generator" content="ficpress">')
    head.append(f"<style>\n{X.css()}{_EXTRA_CSS}</style>")
    head.append("</head>")
    body = ["<body>", f'<header class="titlepage">\n{X.titlepage(doc, epub=False)}\n</header>']
    toc_items = [(ch.title, ch.anchor) for ch in doc.chapters]
    has_notes = doc.notes_mode == "end" and (doc.end_notes or doc.work_notes)
    if has_notes:
        toc_items.append(("Notes", "notes"))
    if len(toc_items) > 1:
        lis = "\n".join(f'<li><a href="#{a}">{X.txt(t)}</a></li>' for t, a in toc_items)
        body.append(f'<nav id="toc" aria-label="Contents">\n<h2>Contents</h2>\n<ol>\n{lis}\n</ol>\n</nav>')
    body.append("<main>")
    for ch in doc.chapters:
        body.append(f'<section class="chapter" id="{ch.anchor}" aria-labelledby="{ch.anchor}-title">')
        body.append(f'<h2 id="{ch.anchor}-title">{X.txt(ch.title)}</h2>')
        if ch.summary.strip():
            body.append(X.chapter_summary(ch.summary))
        body.extend(X.item(it, epub=False) for it in ch.items)
        body.append("</section>")
    if has_notes:
        body.append('<section class="notes" id="notes" aria-labelledby="notes-title">')
        body.append('<h2 id="notes-title">Notes</h2>')
        body.extend(X.text_note(n.text, epub=False, label=n.label) for n in doc.work_notes)
        body.extend(
            X.note(en.item, epub=False, label=f"{en.item.label} ({en.where})") for en in doc.end_notes
        )
        body.append("</section>")
    body.append("</main>")
    review_n = sum(r.needs_review for r in work.repairs)
    if review and review_n:
        body.append(
            f"<footer><p>{review_n:,} restored "
            + ("character is" if review_n == 1 else "characters are")
            + " uncertain and faintly underlined; hover over one to see what the file had there.</p></footer>"
        )
    body.append("</body>\n</html>\n")
    return clean("\n".join(head + body)).encode("utf-8")
