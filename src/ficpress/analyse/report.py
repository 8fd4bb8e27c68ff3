"""One static HTML page that shows a story's people, their talk, and its mood.

Why hand-written SVG and one file: the report must open anywhere, offline,
years from now, with nothing fetched (no CDN, no fonts, no scripts). A
Content-Security-Policy of `default-src 'none'` makes the browser refuse any
request the page might make, so an accidental external reference fails closed.
Pictures are small inline SVG drawn here; tooltips use SVG `<title>` and HTML
`title`, which need no script.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
import math
import re
from collections import Counter
from typing import Any

from ficpress.model import Work

# Distinct, colour-blind-aware hues for the first speakers; later ones cycle.
PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f00",
    "#393b79",
    "#637939",
    "#ad494a",
]
UNKNOWN = "#6b6b6b"
# Characters past the palette share one neutral grey rather than reuse a hue that already
# means someone else.
OTHER = "#9b9b9b"
_NONE = '<span class="note">none</span>'
MAX_NODES = 14

_CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --bg: #fbfbf8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 16px/1.5 Georgia, "DejaVu Serif", "Times New Roman", serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 2rem; margin: 0 0 4px; }
h2 { font: 600 1.25rem/1.3 system-ui, "DejaVu Sans", sans-serif; margin: 40px 0 12px;
     border-bottom: 1px solid var(--rule); padding-bottom: 6px; }
h3 { font: 600 1.05rem/1.3 system-ui, "DejaVu Sans", sans-serif; margin: 28px 0 8px; }
.meta, .note, figcaption { color: var(--muted); font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; }
nav { font: 14px system-ui, "DejaVu Sans", sans-serif; margin: 12px 0 0; }
nav a { color: #1a55a6; margin-right: 14px; text-decoration: none; }
table { border-collapse: collapse; width: 100%; font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--rule); }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px;
          vertical-align: -1px; }
.alias { display: inline-block; margin: 0 10px 2px 0; }
.alias b { font-weight: 600; }
details { margin: 2px 0; }
summary { cursor: pointer; color: var(--muted); }
details ul { margin: 4px 0 6px 18px; padding: 0; }
details li { margin: 2px 0; }
code.rule { font-size: 12px; background: #ececf1; padding: 0 4px; border-radius: 3px; }
figure { margin: 0; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; align-items: start; }
@media (max-width: 800px) { .grid { grid-template-columns: 1fr; } }
.story { max-width: 42em; }
.story p { margin: 0 0 0.6em; text-indent: 1.5em; }
.story p.first { text-indent: 0; }
.story hr { border: 0; text-align: center; margin: 1.2em 0; }
.story hr::after { content: "\\2042"; color: var(--muted); }
.story h3 { margin-top: 2em; }
.story .heading, .story .end { text-indent: 0; color: var(--muted); font-style: italic; }
.q { color: var(--c); border-bottom: 2px solid var(--c); }
.q.unknown { color: #444; border-bottom: 2px dashed #aaa; }
.legend { font: 14px system-ui, "DejaVu Sans", sans-serif; }
.legend > span { display: inline-block; margin: 0 14px 6px 0; white-space: nowrap;
                 font: 14px system-ui, "DejaVu Sans", sans-serif; }
.thought { font-style: italic; }
.swatch.hollow { background: #fff; border: 1px solid #333; }
#text .legend { position: sticky; top: 0; z-index: 1; background: var(--bg); padding: 6px 0 2px;
                border-bottom: 1px solid var(--rule); }
.story p.scene-label { text-indent: 0; margin: 0.2em 0 0.4em; color: var(--muted);
                       font: 12px/1.4 system-ui, "DejaVu Sans", sans-serif; }
"""


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _colours(analysis: dict[str, Any], characters: list[dict[str, Any]]) -> dict[str, str]:
    """Colours in order of how much each character speaks, so the main voices get distinct hues."""
    share = analysis.get("dialogue_share") or {}
    ranked = sorted(characters, key=lambda c: (-share.get(c["id"], 0.0), -(c.get("mentions") or 0)))
    return {c["id"]: PALETTE[i] if i < len(PALETTE) else OTHER for i, c in enumerate(ranked)}


def _ensure_story(work: Work) -> dict[str, Any]:
    """The analysis, with the story keys computed here if whoever analysed the work left them out."""
    from ficpress.analyse.story import summarise

    analysis = dict(work.analysis or {})
    if not all(k in analysis for k in ("scenes", "interactions", "dialogue_share", "arc", "counts")):
        analysis.update(
            summarise(
                work,
                analysis.get("characters") or [],
                analysis.get("quotes") or [],
                analysis.get("mentions") or [],
            )
        )
    return analysis


def render_report(work: Work) -> str:
    """The whole report as one HTML document (UTF-8, no external references)."""
    analysis = _ensure_story(work)
    characters = analysis.get("characters") or []
    names = {c["id"]: c.get("name") or c["id"] for c in characters}
    colours = _colours(analysis, characters)
    title = work.meta.title or "Untitled"
    body = [
        _header(work, analysis),
        _characters_section(analysis, characters, colours),
        _network_section(analysis, names, colours),
        _arc_section(work, analysis, names, colours),
        _share_section(analysis, names, colours),
        _scenes_section(work, analysis, names, colours),
        _text_section(work, analysis, names, colours),
        '<p class="note">Sentiment: VADER (Hutto &amp; Gilbert, 2014), MIT licence. '
        "Made by ficpress; this page makes no network requests and runs no scripts.</p>",
        "</main></body></html>",
    ]
    page = "\n".join(body)
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(_CSS, page)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="generator" content="ficpress">',
        f"<title>{_e(title)}: story analysis</title>",
        f"<style>{_CSS}</style></head><body><main>",
    ]
    return "\n".join(head) + "\n" + page


def _csp(css: str, body: str) -> str:
    """A policy that allows this page's own style sheet and colour attributes and nothing else.

    Why hashes: `default-src 'none'` already stops every fetch, but
    `style-src 'unsafe-inline'` would let injected markup restyle the page; naming
    the one style sheet and the few `style` attribute values (one per colour) by
    their SHA-256 keeps even that closed. No script source is allowed at all.
    """
    attrs = sorted(set(re.findall(r'style="([^"]*)"', body)))
    # The style element's text is hashed as written; attribute values as the browser decodes them.
    hashes = " ".join(f"'sha256-{_sha256(v)}'" for v in [css, *(html.unescape(a) for a in attrs)])
    unsafe_hashes = " 'unsafe-hashes'" if attrs else ""
    return (
        f"default-src 'none'; style-src {hashes}{unsafe_hashes}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _sha256(s: str) -> str:
    return base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()


# --------------------------------------------------------------------------- sections


def _header(work: Work, analysis: dict[str, Any]) -> str:
    counts = analysis.get("counts") or {}
    meta = work.meta
    bits = []
    if meta.authors:
        bits.append("by " + ", ".join(_e(a) for a in meta.authors))
    if meta.fandoms:
        bits.append(", ".join(_e(f) for f in meta.fandoms))
    words = counts.get("words", 0)
    bits.append(f"{words:,} words")
    bits.append(f"{len(work.chapters) or 1} chapter{'s' if len(work.chapters) != 1 else ''}")
    minutes = counts.get("reading_minutes", 0)
    bits.append(f"about {_minutes(minutes)} to read")
    if words:
        bits.append(f"{100 * counts.get('dialogue_words', 0) / words:.0f}% dialogue")
    bits.append(f"{len(analysis.get('quotes') or [])} quotations")
    nav = "".join(
        f'<a href="#{a}">{t}</a>'
        for a, t in [
            ("characters", "Characters"),
            ("network", "Network"),
            ("arc", "Emotional arc"),
            ("share", "Dialogue share"),
            ("scenes", "Scenes"),
            ("text", "Text"),
        ]
    )
    return f'<header><h1>{_e(meta.title or "Untitled")}</h1><p class="meta">{" · ".join(bits)}</p><nav>{nav}</nav></header>'


def _minutes(m: float) -> str:
    if m < 60:
        return f"{max(1, round(m))} min"
    return f"{int(m // 60)} h {round(m % 60)} min"


def _characters_section(
    analysis: dict[str, Any], characters: list[dict[str, Any]], colours: dict[str, str]
) -> str:
    if not characters:
        return '<section id="characters"><h2>Characters</h2><p class="note">No characters were found.</p></section>'
    share = analysis.get("dialogue_share") or {}
    lines: Counter[str] = Counter(q.get("speaker") for q in analysis.get("quotes") or [] if q.get("speaker"))
    povs: Counter[str] = Counter(s.get("pov") for s in analysis.get("scenes") or [] if s.get("pov"))
    rows = []
    ranked = sorted(characters, key=lambda c: (-(c.get("mentions") or 0), -share.get(c["id"], 0.0)))
    main = [c for c in ranked if _is_major(c, lines, povs)]
    minor = [c for c in ranked if not _is_major(c, lines, povs)]
    for c in main:
        cid = c["id"]
        aliases = []
        for a in c.get("aliases") or []:
            ev = a.get("evidence") or []
            label = f'<b>{_e(a.get("name", ""))}</b> <span class="note">×{a.get("count", 0)}</span>'
            if ev:
                items = "".join(
                    f'<li><code class="rule">{_e(x.get("rule", ""))}</code> {_e(x.get("text", ""))}</li>'
                    for x in ev[:5]
                )
                aliases.append(f'<details class="alias"><summary>{label}</summary><ul>{items}</ul></details>')
            else:
                aliases.append(f'<span class="alias">{label}</span>')
        rows.append(
            "<tr>"
            f'<td><span class="swatch" style="background:{colours.get(cid, UNKNOWN)}"></span>'
            f"<b>{_e(c.get('name') or cid)}</b></td>"
            f"<td>{_e(c.get('gender') or '')}</td>"
            f'<td class="num">{c.get("mentions") or 0}</td>'
            f'<td class="num">{lines.get(cid, 0)}</td>'
            f'<td class="num">{100 * share.get(cid, 0.0):.1f}%</td>'
            f'<td class="num">{povs.get(cid, 0)}</td>'
            f"<td>{''.join(aliases) or _NONE}</td>"
            "</tr>"
        )
    head = (
        "<tr><th>Character</th><th>Gender</th><th class=num>Mentions</th><th class=num>Lines</th>"
        "<th class=num>Dialogue</th><th class=num>POV scenes</th><th>Aliases (open for evidence)</th></tr>"
    )
    more = ""
    if minor:
        names = ", ".join(
            f'{_e(c.get("name") or c["id"])} <span class="note">×{c.get("mentions") or 0}</span>'
            for c in minor
        )
        more = (
            f"<details><summary>{len(minor)} more names, each mentioned only a few times and never "
            f'speaking</summary><p class="meta">{names}</p></details>'
        )
    return f'<section id="characters"><h2>Characters</h2><table>{head}{"".join(rows)}</table>{more}</section>'


def _is_major(c: dict[str, Any], lines: Counter[str], povs: Counter[str]) -> bool:
    """Whoever speaks, holds a scene's POV or is named often enough to matter to a reader."""
    return lines.get(c["id"], 0) > 0 or povs.get(c["id"], 0) > 0 or (c.get("mentions") or 0) >= 10


def _network_section(analysis: dict[str, Any], names: dict[str, str], colours: dict[str, str]) -> str:
    edges = analysis.get("interactions") or []
    strength: Counter[str] = Counter()
    talk: Counter[str] = Counter()
    for e in edges:
        strength[e["source"]] += e["weight"]
        strength[e["target"]] += e["weight"]
        talk[e["source"]] += e["quotes"]
        talk[e["target"]] += e["quotes"]
    # Characters who talk come first; names that only share scenes fill the rest.
    ranked = sorted(strength, key=lambda c: (-talk[c], -strength[c], c))
    nodes = [c for c in ranked if talk[c] > 0][:MAX_NODES]
    if len(nodes) < 2:
        nodes = ranked[:MAX_NODES]
    if len(nodes) < 2:
        return '<section id="network"><h2>Interaction network</h2><p class="note">Too few interacting characters to draw.</p></section>'
    # Pairs who never speak to each other and share a single scene are noise in a picture of
    # who interacts; the table and the tooltips still count them.
    drawn = [
        e
        for e in edges
        if e["source"] in nodes and e["target"] in nodes and (e["quotes"] > 0 or e["scenes"] >= 2)
    ]
    svg = network_svg(nodes, drawn, names, colours, strength)
    rows = "".join(
        f"<tr><td>{_e(names.get(e['source'], e['source']))} — {_e(names.get(e['target'], e['target']))}</td>"
        f'<td class="num">{e["quotes_by_source"]}</td><td class="num">{e["quotes_by_target"]}</td>'
        f'<td class="num">{e["scenes"]}</td></tr>'
        for e in edges[:12]
    )
    table = (
        "<table><tr><th>Pair (A — B)</th><th class=num>Lines A → B</th><th class=num>Lines B → A</th>"
        f"<th class=num>Shared scenes</th></tr>{rows}</table>"
    )
    return (
        '<section id="network"><h2>Interaction network</h2><div class="grid"><figure>'
        f"{svg}<figcaption>Solid line: the two speak to each other; its width counts their lines "
        "(both ways) plus half the scenes they share. Dashed line: they only share two or more scenes. "
        "Circle size: all of a character's interactions. Hover a line or circle for the counts."
        "</figcaption></figure>"
        f"<div>{table}</div></div></section>"
    )


def network_svg(
    nodes: list[str],
    edges: list[dict[str, Any]],
    names: dict[str, str],
    colours: dict[str, str],
    strength: Counter[str],
) -> str:
    """Characters on a circle, strongest at the top, lines as wide as the interaction."""
    w, h = 560, 480
    cx, cy, r = w / 2, h / 2, min(w, h) / 2 - 80
    pos = {}
    n = len(nodes)
    for i, cid in enumerate(nodes):
        a = -math.pi / 2 + 2 * math.pi * i / n
        pos[cid] = (cx + r * math.cos(a), cy + r * math.sin(a))
    wmax = max((e["weight"] for e in edges), default=1.0) or 1.0
    smax = max(strength[c] for c in nodes) or 1.0
    out = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Interaction network">'
    ]
    for e in sorted(edges, key=lambda e: e["weight"]):
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        sw = 0.8 + 9 * e["weight"] / wmax
        op = 0.25 + 0.6 * e["weight"] / wmax
        dash = "" if e["quotes"] else ' stroke-dasharray="3 4"'
        if not e["quotes"]:
            sw, op = 1.0, 0.35
        tip = (
            f"{names.get(e['source'], e['source'])} → {names.get(e['target'], e['target'])}: "
            f"{e['quotes_by_source']} lines; back: {e['quotes_by_target']}; shared scenes: {e['scenes']}"
        )
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#556" '
            f'stroke-opacity="{op:.2f}" stroke-width="{sw:.1f}" stroke-linecap="round"{dash}>'
            f"<title>{_e(tip)}</title></line>"
        )
    for cid in nodes:
        x, y = pos[cid]
        rad = 7 + 16 * math.sqrt(strength[cid] / smax)
        label = names.get(cid, cid)
        # Labels sit outside the circle, along the ray from the centre, so they never cover a node.
        dx, dy = (x - cx) / r, (y - cy) / r
        lx, ly = x + dx * (rad + 8), y + dy * (rad + 8) + 5
        anchor = "middle" if abs(dx) < 0.3 else ("start" if dx > 0 else "end")
        if abs(dx) < 0.3:
            ly += 8 * dy
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{rad:.1f}" fill="{colours.get(cid, UNKNOWN)}" '
            f'stroke="#fff" stroke-width="2"><title>{_e(label)}</title></circle>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="14" fill="#222">{_e(label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _arc_section(work: Work, analysis: dict[str, Any], names: dict[str, str], colours: dict[str, str]) -> str:
    scenes = analysis.get("scenes") or []
    arc = analysis.get("arc") or {}
    chapters = arc.get("chapters") or []
    if not scenes:
        return '<section id="arc"><h2>Emotional arc</h2><p class="note">No scenes.</p></section>'
    return (
        '<section id="arc"><h2>Emotional arc</h2>'
        f"<figure>{arc_svg(scenes, work, names, colours)}{_pov_legend(scenes, names, colours)}"
        "<figcaption>One dot per scene, placed at its middle in words read so far: the mean VADER "
        "compound score of its sentences (−1 most negative, +1 most positive). Dots are coloured by the "
        "scene's point of view; dashed lines mark where each chapter starts.</figcaption></figure>"
        f"<h3>By chapter</h3><figure>{chapter_bars_svg(chapters)}</figure></section>"
    )


def arc_svg(scenes: list[dict[str, Any]], work: Work, names: dict[str, str], colours: dict[str, str]) -> str:
    """Mood per scene against the words read so far, so long scenes and chapters take their room."""
    w, h = 1000, 330
    left, right, top, bottom = 64, 16, 18, 78
    pw, ph = w - left - right, h - top - bottom
    vals = [s["sentiment"]["compound"] for s in scenes]
    lim = max(0.25, max(abs(v) for v in vals))
    lim = math.ceil(lim * 4) / 4
    lengths = [max(int(s.get("words") or 0), 1) for s in scenes]
    total = sum(lengths)
    starts = [0] * len(scenes)
    for i in range(1, len(scenes)):
        starts[i] = starts[i - 1] + lengths[i - 1]

    def xw(words: float) -> float:
        return left + pw * words / total

    def y(v: float) -> float:
        return top + ph * (lim - v) / (2 * lim)

    xs = [xw(starts[i] + lengths[i] / 2) for i in range(len(scenes))]
    out = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Emotional arc by scene">'
    ]
    for t in (-lim, -lim / 2, 0, lim / 2, lim):
        out.append(
            f'<line x1="{left}" x2="{w - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
            f'stroke="{"#999" if t == 0 else "#e3e3e8"}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="11" fill="#666">{t:+.2f}</text>'
        )
    out.append(
        f'<text x="14" y="{top + ph / 2:.1f}" transform="rotate(-90 14 {top + ph / 2:.1f})" '
        'text-anchor="middle" font-size="12" fill="#444">mood (VADER compound)</text>'
        f'<text x="{left + 4}" y="{top + 12}" font-size="11" fill="#2e8b57">more positive</text>'
        f'<text x="{left + 4}" y="{top + ph - 5}" font-size="11" fill="#c0392b">more negative</text>'
    )
    # Chapter boundaries: a dashed line where each chapter starts, its label on the first
    # of three rows below the plot where it does not run into the previous label.
    row_end = [-1e9, -1e9, -1e9]
    last_ch = None
    for i, s in enumerate(scenes):
        if s["chapter"] == last_ch:
            continue
        last_ch = s["chapter"]
        xx = xw(starts[i])
        ch = work.chapters[s["chapter"]] if s["chapter"] < len(work.chapters) else None
        label = _short(
            ch.title if ch and ch.title else f"Chapter {ch.number if ch else s['chapter'] + 1}", 18
        )
        width = 6.2 * len(label) + 8
        row = next((r for r in range(3) if row_end[r] < xx), min(range(3), key=lambda r: row_end[r]))
        row_end[row] = xx + width
        ly = top + ph + 14 + 13 * row
        out.append(
            f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{top}" y2="{ly - 10:.1f}" stroke="#999" '
            'stroke-dasharray="3 3"/>'
            f'<text x="{xx + 3:.1f}" y="{ly:.1f}" font-size="11" fill="#555">{_e(label)}</text>'
        )
    pts = " ".join(f"{xs[i]:.1f},{y(v):.1f}" for i, v in enumerate(vals))
    out.append(
        f'<polyline points="{pts}" fill="none" stroke="#333" stroke-width="1.6" stroke-linejoin="round"/>'
    )
    for i, s in enumerate(scenes):
        p = s.get("pov")
        tip = (
            f"Scene {i + 1} ({lengths[i]:,} words): mood {s['sentiment']['compound']:+.3f}; "
            f"POV {names.get(p, p) if p else 'unknown'}"
        )
        out.append(
            f'<circle cx="{xs[i]:.1f}" cy="{y(vals[i]):.1f}" r="4" fill="{colours.get(p, UNKNOWN) if p else "#fff"}" '
            f'stroke="#333" stroke-width="1"><title>{_e(tip)}</title></circle>'
        )
    step = _nice_step(total / 8)
    tick = step
    while tick < total:
        out.append(
            f'<text x="{xw(tick):.1f}" y="{top + ph + 54}" text-anchor="middle" font-size="10" fill="#888">'
            f"{tick:,}</text>"
        )
        tick += step
    out.append(
        f'<text x="{left + pw / 2:.1f}" y="{h - 4}" text-anchor="middle" font-size="12" fill="#444">'
        "words into the story</text></svg>"
    )
    return "".join(out)


def _nice_step(x: float) -> int:
    """1, 2 or 5 times a power of ten, at least x: round tick marks for any length."""
    p = 10 ** max(0, math.floor(math.log10(max(x, 1))))
    for m in (1, 2, 5, 10):
        if m * p >= x:
            return int(m * p)
    return int(10 * p)


def _pov_legend(scenes: list[dict[str, Any]], names: dict[str, str], colours: dict[str, str]) -> str:
    """Which colour is whose point of view in the arc, with the number of scenes each holds."""
    povs = Counter(s.get("pov") for s in scenes)
    items = [
        f'<span><span class="swatch" style="background:{colours.get(p, UNKNOWN)}"></span>'
        f"{_e(names.get(p, p))} <span class='note'>({n})</span></span>"
        for p, n in povs.most_common()
        if p
    ]
    if povs.get(None):
        items.append(
            f'<span><span class="swatch hollow"></span>unknown <span class="note">({povs[None]})</span></span>'
        )
    return f'<p class="legend">Point of view (scenes): {"".join(items)}</p>'


def chapter_bars_svg(chapters: list[dict[str, Any]]) -> str:
    if not chapters:
        return '<p class="note">No chapters.</p>'
    w = 1000
    row = 22
    left, right = 200, 60
    h = row * len(chapters) + 30
    mid = left + (w - left - right) / 2
    half = (w - left - right) / 2
    lim = max(0.1, max(abs(c["compound"]) for c in chapters))
    out = [f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Mood by chapter">']
    out.append(f'<line x1="{mid:.1f}" x2="{mid:.1f}" y1="4" y2="{h - 20}" stroke="#999"/>')
    for i, c in enumerate(chapters):
        yy = 6 + i * row
        v = c["compound"]
        bw = half * abs(v) / lim
        x0 = mid if v >= 0 else mid - bw
        colour = "#2e8b57" if v >= 0 else "#c0392b"
        label = c.get("title") or f"Chapter {c['number']}"
        out.append(
            f'<text x="{left - 8}" y="{yy + 14}" text-anchor="end" font-size="12" fill="#333">{_e(_short(label, 28))}</text>'
            f'<rect x="{x0:.1f}" y="{yy + 3}" width="{max(bw, 1):.1f}" height="{row - 7}" fill="{colour}" rx="2">'
            f"<title>{_e(label)}: compound {v:+.3f}, positive {c.get('pos', 0):.3f}, negative {c.get('neg', 0):.3f}</title></rect>"
            f'<text x="{(x0 + bw + 4) if v >= 0 else (x0 - 4):.1f}" y="{yy + 14}" font-size="11" fill="#555" '
            f'text-anchor="{"start" if v >= 0 else "end"}">{v:+.3f}</text>'
        )
    out.append(
        f'<text x="{mid - 6:.1f}" y="{h - 6}" text-anchor="end" font-size="11" fill="#666">← more negative</text>'
        f'<text x="{mid + 6:.1f}" y="{h - 6}" font-size="11" fill="#666">more positive →</text></svg>'
    )
    return "".join(out)


def _share_section(analysis: dict[str, Any], names: dict[str, str], colours: dict[str, str]) -> str:
    share = analysis.get("dialogue_share") or {}
    if not share:
        return '<section id="share"><h2>Dialogue share</h2><p class="note">No quotation was attributed to a speaker.</p></section>'
    items = list(share.items())[:16]
    lines: Counter[str] = Counter(q.get("speaker") for q in analysis.get("quotes") or [] if q.get("speaker"))
    w, row, left = 1000, 26, 170
    h = row * len(items) + 8
    top_v = max(v for _, v in items) or 1.0
    out = [f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Dialogue share">']
    for i, (cid, v) in enumerate(items):
        yy = 4 + i * row
        bw = (w - left - 80) * v / top_v
        out.append(
            f'<text x="{left - 8}" y="{yy + 16}" text-anchor="end" font-size="13" fill="#222">{_e(names.get(cid, cid))}</text>'
            f'<rect x="{left}" y="{yy + 3}" width="{max(bw, 1):.1f}" height="{row - 8}" rx="3" fill="{colours.get(cid, UNKNOWN)}">'
            f"<title>{_e(names.get(cid, cid))}: {100 * v:.1f}% of attributed dialogue words</title></rect>"
            f'<text x="{left + bw + 6:.1f}" y="{yy + 16}" font-size="12" fill="#444">{_percent(v)}'
            f'<tspan fill="#888"> · {lines.get(cid, 0)} line{"s" if lines.get(cid, 0) != 1 else ""}</tspan></text>'
        )
    out.append("</svg>")
    counts = analysis.get("counts") or {}
    quotes = analysis.get("quotes") or []
    unattributed = sum(1 for q in quotes if not q.get("speaker"))
    return (
        f'<section id="share"><h2>Dialogue share</h2><figure>{"".join(out)}<figcaption>Share of the '
        f"{counts.get('dialogue_words', 0):,} words inside quotations, among those attributed to a speaker"
        f"{f'; {unattributed} quotations have no speaker' if unattributed else ''}"
        f"{f'; {len(share) - len(items)} more speakers not shown' if len(share) > len(items) else ''}. "
        "Bars are scaled to the largest share.</figcaption></figure></section>"
    )


def _scenes_section(
    work: Work, analysis: dict[str, Any], names: dict[str, str], colours: dict[str, str]
) -> str:
    scenes = analysis.get("scenes") or []
    rows = []
    for s in scenes:
        p = s.get("pov")
        ch = work.chapters[s["chapter"]] if s["chapter"] < len(work.chapters) else None
        opening = _short(" ".join(work.text[s["start"] : s["start"] + 120].split()), 70)
        pov = (
            f'<span class="swatch" style="background:{colours.get(p, UNKNOWN)}"></span>{_e(names.get(p, p))}'
            if p
            else '<span class="note">unknown</span>'
        )
        conf = f"{s.get('pov_confidence', 0):.2f}" + (" (carried)" if s.get("pov_carried") else "")
        cast = ", ".join(_e(names.get(c, c)) for c in s.get("characters") or [])
        rows.append(
            f'<tr><td class="num">{s["index"] + 1}</td><td>{_e(ch.number if ch else s["chapter"] + 1)}</td>'
            f'<td>{pov}</td><td class="num">{conf}</td><td>{cast}</td><td class="num">{s.get("words", 0):,}</td>'
            f'<td class="num">{s["sentiment"]["compound"]:+.2f}</td><td class="note">{_e(opening)}</td></tr>'
        )
    head = (
        "<tr><th class=num>#</th><th>Ch.</th><th>Point of view</th><th class=num>POV confidence</th><th>On stage</th>"
        "<th class=num>Words</th><th class=num>Mood</th><th>Opens with</th></tr>"
    )
    note = (
        '<p class="note">Point of view: whose thoughts and perceptions the scene follows, from the '
        "narration (who thinks, feels, notices), never from what is said aloud. Confidence runs from 0 "
        "to 1; <i>carried</i> means the scene had too little narration of its own and keeps the previous "
        "scene's. On stage: who speaks, is spoken to, or is named in the narration. Mood: mean VADER "
        "compound score.</p>"
    )
    return f'<section id="scenes"><h2>Scenes</h2>{note}<table>{head}{"".join(rows)}</table></section>'


def _text_section(
    work: Work, analysis: dict[str, Any], names: dict[str, str], colours: dict[str, str]
) -> str:
    text = work.text
    quotes = sorted(analysis.get("quotes") or [], key=lambda q: q["start"])
    thoughts = sorted((s.start, s.end) for s in work.spans if s.kind == "thought")
    speakers = Counter(q.get("speaker") for q in quotes if q.get("speaker"))
    own = [c for c, _ in speakers.most_common() if colours.get(c, UNKNOWN) != OTHER]
    others = [c for c in speakers if colours.get(c, UNKNOWN) == OTHER]
    legend = "".join(
        f'<span><span class="swatch" style="background:{colours.get(c, UNKNOWN)}"></span>{_e(names.get(c, c))}</span>'
        for c in own
    )
    if others:
        legend += (
            f'<span title="{_e(", ".join(names.get(c, c) for c in others))}"><span class="swatch" '
            f'style="background:{OTHER}"></span>{len(others)} other speakers (hover a line for its speaker)</span>'
        )
    legend += '<span><span class="swatch" style="background:#aaa"></span>no speaker found</span>'
    if quotes:
        legend += '<span class="note">Hover a quotation for its speaker, addressees and the rule used.</span>'

    blocks = work.blocks or [_WholeText(len(text))]
    chapters = sorted(work.chapters, key=lambda c: c.start)
    scene_starts = sorted(sc.start for sc in work.scenes)
    out = [
        '<section id="text"><h2>Text, dialogue coloured by speaker</h2>'
        f'<p class="legend">{legend}</p><div class="story">'
    ]
    a_scenes = sorted(analysis.get("scenes") or [], key=lambda sc: sc["start"])
    qi = ti = ci = si = ai = 0
    first = True
    for b in blocks:
        while ci < len(chapters) and chapters[ci].start <= b.start:
            ch = chapters[ci]
            if ch.heading_start is None and b.kind != "heading":
                out.append(f'<h3 class="implicit">{_e(ch.title or ch.number)}</h3>')
            first = True
            ci += 1
        new_scene = False
        while si < len(scene_starts) and scene_starts[si] <= b.start:
            new_scene = si > 0
            si += 1
        if b.kind == "scene_break" or (new_scene and not first):
            out.append("<hr>")
            first = True
            if b.kind == "scene_break":
                continue
        while qi < len(quotes) and quotes[qi]["end"] <= b.start:
            qi += 1
        while ti < len(thoughts) and thoughts[ti][1] <= b.start:
            ti += 1
        inner = _render_block(text, b.start, b.end, quotes, qi, thoughts, ti, names, colours)
        if b.kind not in ("heading", "end_marker", "note", "front_matter"):
            label = None
            while ai < len(a_scenes) and a_scenes[ai]["start"] < b.end:
                label = _scene_label(a_scenes[ai], names, colours)
                ai += 1
            if label:
                out.append(label)
        if b.kind == "heading":
            out.append(f"<h3>{inner}</h3>")
            first = True
        elif b.kind in ("end_marker", "note", "front_matter"):
            out.append(f'<p class="end">{inner}</p>')
        else:
            out.append(f'<p class="{"first" if first else ""}">{inner}</p>')
            first = False
    out.append("</div></section>")
    return "".join(out)


def _scene_label(scene: dict[str, Any], names: dict[str, str], colours: dict[str, str]) -> str:
    """A quiet line above each scene: whose eyes, how sure, and the mood."""
    p = scene.get("pov")
    who = (
        f'<span class="swatch" style="background:{colours.get(p, UNKNOWN)}"></span>{_e(names.get(p, p))}'
        if p
        else "unknown"
    )
    return (
        f'<p class="scene-label">Scene {scene["index"] + 1} · point of view {who} '
        f"({scene.get('pov_confidence', 0):.2f}) · mood {scene['sentiment']['compound']:+.2f}</p>"
    )


class _WholeText:
    kind = "paragraph"
    start = 0

    def __init__(self, end: int) -> None:
        self.end = end


def _render_block(
    text: str,
    start: int,
    end: int,
    quotes: list[dict[str, Any]],
    qi: int,
    thoughts: list[tuple[int, int]],
    ti: int,
    names: dict[str, str],
    colours: dict[str, str],
) -> str:
    """One paragraph with its quotations (clipped to it) wrapped in coloured spans."""
    marks: list[tuple[int, int, str, str]] = []  # (start, end, open tag, close tag)
    while qi < len(quotes) and quotes[qi]["start"] < end:
        q = quotes[qi]
        s, e = max(q["start"], start), min(q["end"], end)
        if s < e:
            spk = q.get("speaker")
            adr = ", ".join(names.get(a, a) for a in q.get("addressees") or [])
            tip = f"{names.get(spk, spk) if spk else 'unknown speaker'}"
            if adr:
                tip += f" → {adr}"
            if q.get("method") or q.get("confidence") is not None:
                tip += f" ({q.get('method', '')} {q.get('confidence', 0):.2f})"
            if spk:
                tag = f'<span class="q" style="--c:{colours.get(spk, UNKNOWN)}" title="{_e(tip)}">'
            else:
                tag = f'<span class="q unknown" title="{_e(tip)}">'
            marks.append((s, e, tag, "</span>"))
        qi += 1
    while ti < len(thoughts) and thoughts[ti][0] < end:
        s, e = max(thoughts[ti][0], start), min(thoughts[ti][1], end)
        if s < e:
            marks.append((s, e, '<span class="thought">', "</span>"))
        ti += 1
    return _nest(text, start, end, marks)


def _nest(text: str, start: int, end: int, marks: list[tuple[int, int, str, str]]) -> str:
    """Wrap `[start, end)` of `text` in the marks, nesting those that sit inside others.

    Why not drop overlaps: a quotation inside a marked thought ('she thought they
    were all like "Help me Willow"') is still a quotation and must keep its colour.
    A mark that crosses the end of the one it opened in is closed there and reopened
    after it, so the HTML stays well formed and no mark is lost.
    """
    heap = [(s, -e, i, o, c) for i, (s, e, o, c) in enumerate(marks) if s < e]
    heapq.heapify(heap)
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (end, close tag), innermost last
    pos = start
    while heap:
        s, neg_e, i, open_tag, close_tag = heapq.heappop(heap)
        e = -neg_e
        while stack and stack[-1][0] <= s:
            stop, close = stack.pop()
            out.append(_e(text[pos:stop]) + close)
            pos = stop
        out.append(_e(text[pos:s]))
        pos = s
        if stack and e > stack[-1][0]:
            heapq.heappush(heap, (stack[-1][0], -e, i, open_tag, close_tag))
            e = stack[-1][0]
        if s < e:
            out.append(open_tag)
            stack.append((e, close_tag))
    while stack:
        stop, close = stack.pop()
        out.append(_e(text[pos:stop]) + close)
        pos = stop
    out.append(_e(text[pos:end]))
    return "".join(out)


def _percent(v: float) -> str:
    """A share as a reader reads it: a speaker with a few words is not '0.0%'."""
    if 0 < v < 0.001:
        return "&lt;0.1%"
    return f"{100 * v:.1f}%"


def _short(s: str, n: int) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"
