"""The document model round-trips through JSON and maps offsets both ways."""

from __future__ import annotations

from ficpress.model import Block, Chapter, OffsetMap, Relationship, Repair, Span, Work, WorkMeta


def test_json_round_trip() -> None:
    work = Work(
        meta=WorkMeta(title="T", authors=["A"], relationships=[Relationship("A/B", "romantic", ["A", "B"])]),
        text="He said “hi”.",
        blocks=[Block("paragraph", 0, 13)],
        chapters=[Chapter(1, "One", 0, 13)],
        spans=[Span("quote", 8, 12)],
    )
    again = Work.from_json(work.to_json())
    assert again == work
    assert again.to_dict()["schema"] == "ficpress/1"


def test_offset_map_shifts_around_repairs() -> None:
    # source "ab���cd" (3 chars of damage) became "ab’cd"
    rep = Repair(2, 3, 2, 5, "\ufffd" * 3, "\u2019", 0.99, False, "test")
    m = OffsetMap([rep])
    assert [m.to_text(i) for i in range(8)] == [0, 1, 2, 2, 2, 3, 4, 5]
    assert [m.to_source(i) for i in range(6)] == [0, 1, 2, 5, 6, 7]
