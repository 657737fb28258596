"""The pathway format's JSON Schema (resources/pathways/pathway.schema.json): a valid draft
2020-12 schema an editor can use, the program's compiled copy judging as the file does, and its
errors said as one sentence naming the element."""

from __future__ import annotations

import copy
import json
import random
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gepnet_desktop.bundled import resource_path
from gepnet_desktop.pathway import build_pathway
from gepnet_desktop.pathway.schema import check_document
from gepnet_desktop.pathway.structure import (
    check_structure,
    compile_schema,
    compiled,
    conforms,
    schema_document,
    validator,
)

DOC = json.loads(resource_path("pathways", "kr-gepnet-2021.json").read_text(encoding="utf-8"))
SCHEMA = schema_document()
Mutation = Callable[[dict[str, Any]], Any]


def fresh() -> None:
    """Forget the compiled schema and validator (made once per process)."""
    validator.cache_clear()
    compiled.cache_clear()


def node(doc: dict[str, Any], nid: str) -> dict[str, Any]:
    return next(n for n in doc["nodes"] if n["id"] == nid)


def mutated(mutate: Mutation) -> dict[str, Any]:
    doc = copy.deepcopy(DOC)
    mutate(doc)
    return doc


def test_the_schema_is_a_valid_2020_12_schema_and_described() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)  # the meta-schema ships with jsonschema
    for key, sub in SCHEMA["properties"].items():
        assert sub.get("description"), f"top-level {key} needs a description"
    for name, sub in SCHEMA["$defs"].items():
        assert sub.get("description"), f"$defs {name} needs a description"


def test_the_data_file_names_its_schema_and_passes_it() -> None:
    assert DOC["$schema"] == "./pathway.schema.json"
    assert (resource_path("pathways") / DOC["$schema"]).is_file()
    assert list(Draft202012Validator(SCHEMA).iter_errors(DOC)) == []
    assert check_structure(DOC) == []


STRUCTURAL: list[tuple[Mutation, str]] = [
    (lambda d: d.pop("title"), "missing top-level key 'title'"),
    (lambda d: d.update(id=""), "id must be a non-empty text"),
    (lambda d: d.update(version=3), "version must be a non-empty text"),
    (lambda d: d.update(edges={}), "edges must be a list"),
    (lambda d: node(d, "grade")["label"].pop("ko"), "node 'grade': label needs texts in en and ko"),
    (lambda d: node(d, "grade")["layout"].update(x="1"),
     "node 'grade': layout needs numbers x and y (and optionally w, h)"),
    (lambda d: node(d, "grade").pop("kind"), "node 'grade': needs kind"),
    (lambda d: d["nodes"].append("x"), "node #27 must be a JSON object"),
    (lambda d: node(d, "ssa_first_line").pop("options"),
     "node 'ssa_first_line': a treatment node needs a non-empty options list"),
    (lambda d: node(d, "grade").update(options=[{"id": "captem"}]),
     "node 'grade': only treatment nodes list options"),
    (lambda d: node(d, "grade")["stop_when_missing"].append(3),
     "node 'grade': stop_when_missing 2 must be a case field's name"),
    (lambda d: d["edges"][0].update(trigger="done"),
     "edge entry->differentiation: trigger 'done' is not 'exhausted'"),
    (lambda d: d["edges"][0].pop("provenance"), "edge entry->differentiation: needs provenance"),
    (lambda d: d["edges"][1].update(when="ki67<3"),
     "edge differentiation->nec: when must be a JSON object"),
    (lambda d: d["options"]["captem"].update(price=1), "option 'captem': unknown key 'price'"),
    (lambda d: d["options"]["captem"].update(dose="x"),
     "option 'captem': dose needs texts in en and ko, or null"),
    (lambda d: d["options"]["captem"]["access_kr"].pop("as_of"),
     "option 'captem': access_kr needs as_of"),
    (lambda d: d["options"]["captem"]["access_kr"].update(status="free"),
     "option 'captem': access_kr status 'free' is not one of reimbursed, self_paid, "
     "not_approved, unverified"),
    (lambda d: d["cautions"]["uncontrolled_diabetes"].update(x=1),
     "caution 'uncontrolled_diabetes': unknown key 'x'"),
    (lambda d: d["thresholds"]["ki67_active"].update(value="10"),
     "threshold 'ki67_active': needs value (a number)"),
    (lambda d: d["lines"].pop("drugs"), "lines: needs drugs"),
    (lambda d: d["warnings"].update(x="y"), "warnings 'x': needs texts in en and ko"),
    (lambda d: d["final_rules"][0].pop("warning"), "final rule 1: needs warning"),
    (lambda d: d["common_cautions"][0].pop("when"), "common caution 1: needs when"),
    (lambda d: d["newer_evidence"][1].update(extra=1),
     "newer_evidence 'compete': unknown key 'extra'"),
]


@pytest.mark.parametrize(("mutate", "expected"), STRUCTURAL)
def test_a_structural_problem_is_one_sentence(mutate: Mutation, expected: str) -> None:
    found = check_document(mutated(mutate), "broken.json")
    assert len(found) == 1 and found[0].startswith(f"broken.json: {expected}"), found


@pytest.mark.parametrize(("mutate", "expected"), STRUCTURAL)
def test_the_compiled_copy_judges_as_the_schema_file(mutate: Mutation, expected: str) -> None:
    doc = mutated(mutate)
    assert validator().is_valid(doc) == Draft202012Validator(SCHEMA).is_valid(doc) is False


def _random_mutation(rng: random.Random) -> dict[str, Any]:
    """The data file with one random change somewhere: a key removed or added, or a value
    replaced by one of another type."""
    doc = copy.deepcopy(DOC)
    parent: Any = doc
    for _ in range(rng.randint(1, 7)):
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        if not keys:
            break
        key = rng.choice(keys)
        if not isinstance(parent[key], (dict, list)) or rng.random() < 0.25:
            break
        parent = parent[key]
    keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
    change = rng.choice(["drop", "add", "replace"])
    if change == "add" or not keys:
        if isinstance(parent, dict):
            parent["zz_extra"] = 1
        else:
            parent.append(rng.choice([1, "x", None, {}, []]))
    elif change == "drop":
        del parent[rng.choice(keys)]
    else:
        parent[rng.choice(keys)] = rng.choice([1, 2.5, "x", "", None, True, {}, [], ["x"]])
    return doc


def test_the_quick_walk_and_jsonschema_give_the_same_verdict() -> None:
    """`conforms` passes exactly what jsonschema passes (on the same compiled schema)."""
    schema = compiled()
    strict = Draft202012Validator(schema)
    rng = random.Random(2021)
    verdicts = []
    for _ in range(400):
        doc = _random_mutation(rng)
        verdicts.append(strict.is_valid(doc))
        assert conforms(schema, doc) == verdicts[-1], json.dumps(doc)[:200]
    assert 50 < verdicts.count(False) < 400  # the mutations did break the structure, mostly
    for mutate, _ in STRUCTURAL:
        assert not conforms(schema, mutated(mutate))
    assert conforms(schema, DOC)


def test_a_condition_is_checked_in_depth_by_the_code() -> None:
    """The compiled copy stops at a condition's first level; condition_check says the rest."""
    compiled = compile_schema(SCHEMA)
    assert "$defs" not in compiled and "$ref" not in json.dumps(compiled)
    doc = mutated(lambda d: d["edges"][1].update(when={"all": ["x"]}))
    assert check_document(doc, "f.json") == [
        "f.json: edge differentiation->nec: a condition must be an object"]


def test_the_check_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pathway check opened a connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh()
    try:
        assert build_pathway(copy.deepcopy(DOC), "ok.json").id == DOC["id"]
        assert check_structure(mutated(lambda d: d.update(extra=1))) == [
            "unknown top-level key 'extra'"]
    finally:
        fresh()


def test_a_missing_schema_file_is_one_sentence(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    import gepnet_desktop.pathway.structure as structure

    monkeypatch.setattr(structure, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    fresh()
    try:
        [sentence] = check_document(copy.deepcopy(DOC), "kr.json")
    finally:
        fresh()
    assert sentence.startswith("kr.json: cannot be checked: the program's ")
    assert "pathway.schema.json cannot be read" in sentence and "reinstall" in sentence
