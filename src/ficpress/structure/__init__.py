"""Structure: `Source` + `Restoration` -> `Work` (chapters, blocks, scenes, spans).

Public API: `build(source, restoration) -> Work`.
"""

from __future__ import annotations

from ficpress.model import Block, Chapter, Restoration, Scene, Source, Work

__all__ = ["build"]


def build(source: Source, restoration: Restoration) -> Work:
    """Placeholder: one chapter, one paragraph per non-empty line."""
    text = restoration.text
    blocks: list[Block] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append(Block("paragraph", pos, pos + len(line)))
        pos += len(line) + 1
    meta = source.meta
    if not meta.title:
        meta.title = source.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    chapters = [Chapter(1, meta.title, 0, len(text), implicit=True)]
    return Work(
        meta=meta,
        text=text,
        repairs=restoration.repairs,
        damage=source.damage,
        blocks=blocks,
        chapters=chapters,
        scenes=[Scene(0, len(text), 0)],
    )
