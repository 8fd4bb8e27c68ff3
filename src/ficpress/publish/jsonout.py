"""JSON: the whole model, notes always kept, schema "ficpress/1".

The document is `Work.to_dict()` exactly, laid out one record per line (each
repair, block, span on its own line) so it can be read, diffed and grepped,
and encoded by the C JSON encoder: pretty-printing with `indent` falls back to
the pure-Python encoder, which costs more than every other format together.

A repair's `original` is the damaged text, often U+FFFD itself; it is written as
the escape `\\ufffd` so the file never shows a replacement character to someone
reading it raw, while every JSON parser reads back the same string.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ficpress.model import Work

_ENC = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
try:  # the C encoder `_ENC.encode` builds afresh on every call, built once: thousands of records per book
    from json.encoder import c_make_encoder, encode_basestring

    _C_ENC: Any = (
        c_make_encoder(None, _ENC.default, encode_basestring, None, ": ", ", ", False, False, True)
        if c_make_encoder is not None
        else None
    )
except ImportError:  # pragma: no cover - CPython always has it
    _C_ENC = None


def _encode_record(obj: dict[str, Any]) -> str:
    """`_ENC.encode(obj)` for a dict, without the per-call set-up."""
    if _C_ENC is None:
        return _ENC.encode(obj)
    return "".join(_C_ENC(obj, 0))


_RECORD_LISTS = ("repairs", "damage", "blocks", "chapters", "scenes", "spans")


def schema() -> dict[str, Any]:
    """The JSON Schema this output follows (shipped in the package)."""
    from importlib import resources  # here: importing it costs a conversion several milliseconds

    text = resources.files("ficpress").joinpath("schema/ficpress-1.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def as_dict(work: Work) -> dict[str, Any]:
    """`work.to_dict()`, built without `dataclasses.asdict`'s deep copy of every record."""
    out: dict[str, Any] = {"schema": work.schema}
    for f in dataclasses.fields(work):
        if f.name == "schema":
            continue
        value = getattr(work, f.name)
        if f.name in _RECORD_LISTS:
            out[f.name] = [_record(v) for v in value]
        elif dataclasses.is_dataclass(value):
            out[f.name] = dataclasses.asdict(value)
        else:
            out[f.name] = value
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}


def _record(obj: Any) -> dict[str, Any]:
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))
    d = getattr(obj, "__dict__", None)
    if d is not None and len(d) == len(names):
        # the dataclass __init__ set exactly its fields, in field order: the same mapping, copied in C
        return dict(d)
    return {n: getattr(obj, n) for n in names}


def dumps(work: Work) -> str:
    try:
        d = as_dict(work)
        parts = ["{"]
        keys = list(d)
        for i, key in enumerate(keys):
            comma = "," if i < len(keys) - 1 else ""
            value = d[key]
            if key in _RECORD_LISTS and value:
                parts.append(f" {_ENC.encode(key)}: [")
                parts.append(",\n".join("  " + _encode_record(v) for v in value))
                parts.append(f" ]{comma}")
            else:
                parts.append(f" {_ENC.encode(key)}: {_ENC.encode(value)}{comma}")
        parts.append("}")
        return "\n".join(parts) + "\n"
    except (TypeError, ValueError):
        # something in an attrs dict that only the model's own conversion understands
        return work.to_json()


def render(work: Work) -> bytes:
    # A lone surrogate cannot be UTF-8; backslashreplace spells it as the JSON escape `\udXXX`.
    return dumps(work).replace("\ufffd", "\\ufffd").encode("utf-8", "backslashreplace")
