"""The shipped JSON Schema ("ficpress/1") accepts what we write and refuses what breaks the contract."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from ficpress import pipeline, publish
from publish_helpers import rich_work


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    text = resources.files("ficpress").joinpath("schema/ficpress-1.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def sample_json(sample_path: Path) -> dict:
    return json.loads(publish.render(pipeline.load(sample_path), "json"))


def test_the_samples_json_is_valid(validator: jsonschema.Draft202012Validator, sample_json: dict) -> None:
    errors = list(validator.iter_errors(sample_json))
    print(
        f"sample JSON: {len(sample_json['repairs'])} repairs, {len(sample_json['chapters'])} chapters, "
        f"{len(sample_json['blocks'])} blocks, {len(sample_json['spans'])} spans; {len(errors)} schema errors"
    )
    assert not errors, [e.message for e in errors[:5]]
    assert sample_json["schema"] == "ficpress/1"


def test_a_rich_work_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    data = json.loads(publish.render(rich_work(), "json"))
    validator.validate(data)


def test_analysis_is_checked_when_present(
    validator: jsonschema.Draft202012Validator, sample_json: dict
) -> None:
    data = copy.deepcopy(sample_json)
    data["analysis"] = {
        "version": 1,
        "characters": [
            {"id": "c1", "name": "Willow", "aliases": [{"name": "Red", "count": 3}], "mentions": 9}
        ],
        "quotes": [
            {"start": 0, "end": 5, "speaker": "c1", "addressees": [], "confidence": 0.8, "method": "x"}
        ],
        "scenes": [],
    }
    validator.validate(data)
    data["analysis"]["quotes"][0]["speaker"] = None  # an unattributed quote is fine
    validator.validate(data)
    data["analysis"]["quotes"][0]["speaker"] = 7
    assert not validator.is_valid(data)


def test_extra_keys_are_allowed(validator: jsonschema.Draft202012Validator, sample_json: dict) -> None:
    data = copy.deepcopy(sample_json)
    data["lint"] = [{"code": "X001"}]
    data["meta"]["kudos"] = 12
    data["repairs"][0]["model"] = "v2"
    validator.validate(data)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.pop("text"),
        lambda d: d["meta"].pop("title"),
        lambda d: d["meta"].__setitem__("authors", "Jane"),
        lambda d: d["repairs"][0].pop("confidence"),
        lambda d: d["repairs"][0].__setitem__("confidence", 1.5),
        lambda d: d["repairs"][0].pop("needs_review"),
        lambda d: d["chapters"][0].pop("title"),
        lambda d: d["blocks"][0].pop("kind"),
        lambda d: d["blocks"][0].__setitem__("start", -1),
        lambda d: d["spans"].append({"kind": "quote", "start": 1}),
        lambda d: d.__setitem__("schema", "ficpress/2"),
        lambda d: d.__setitem__("analysis", {"characters": [{"id": "c1"}]}),
    ],
)
def test_broken_documents_are_refused(
    validator: jsonschema.Draft202012Validator, sample_json: dict, breakage
) -> None:
    data = copy.deepcopy(sample_json)
    if not data["spans"]:
        data["spans"].append({"kind": "thought", "start": 0, "end": 1})
    breakage(data)
    assert not validator.is_valid(data)


def test_offset_map_is_reused_and_follows_the_repairs(sample_path: Path) -> None:
    """Callers map offsets one at a time; the map must not be rebuilt per call, nor go stale."""
    work = pipeline.load(sample_path)
    first = work.offsets
    assert work.offsets is first
    r = work.repairs[0]
    assert first.to_source(r.start) == r.source_start
    work.repairs = work.repairs[1:]  # a new list: a new map
    assert work.offsets is not first
    assert "_offset_map" not in work.to_dict()
