"""A named condition named inside a line condition is read of one line: its contents are checked
as a line condition when the file loads (through the named conditions it names), so that a file
the walk cannot apply is refused with a sentence, never loaded to fail in a walk."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from gepnet_desktop.bundled import resource_path
from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import (
    PathwayError,
    build_pathway,
    condition_check,
    evaluate,
    load_pathway,
    loader,
)
from gepnet_desktop.pathway.compiler import ConditionError, compile_condition
from tests.conftest import load_vignettes

DOC = json.loads(resource_path("pathways", "kr-gepnet-2021.json").read_text(encoding="utf-8"))
ALLOWED = ("may name only a line's facts (regimen, start_date, end_date, outcome, "
           "progression_date, best_response, anti_tumour) and 'days'")


def problems(mutate) -> list[str]:
    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(PathwayError) as info:
        build_pathway(doc, "broken.json")
    assert all(p.startswith("broken.json: ") for p in info.value.problems)
    return info.value.problems


def edge(doc: dict, a: str, b: str) -> dict:
    return next(e for e in doc["edges"] if e["from"] == a and e["to"] == b)


def when(doc: dict, cond: dict) -> None:
    """The edge grade -> net_g3 asks `cond` besides its own condition."""
    e = edge(doc, "grade", "net_g3")
    e["when"] = {"all": [e["when"], cond]}


QUANTIFIER = "a line condition cannot hold another line quantifier; it reads one line and "


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: when(d, {"any_line": {"ref": "prior_prrt"}}),  # prior_prrt holds any_line
     "edge grade->net_g3 (condition 'prior_prrt', inside a line condition): " + QUANTIFIER),
    (lambda d: when(d, {"last_line": {"where": {"field": "anti_tumour", "op": "eq",
                                                "value": True},
                                      "then": {"ref": "prrt_rechallenge"}}}),  # a last_line
     "edge grade->net_g3 (condition 'prrt_rechallenge', inside a line condition): "
     + QUANTIFIER),
    (lambda d: (d["conditions"].update(prrt_via={"not": {"ref": "prior_prrt"}}),
                when(d, {"any_line": {"ref": "prrt_via"}})),
     "edge grade->net_g3 (condition 'prrt_via' -> 'prior_prrt', inside a line condition): "
     + QUANTIFIER),
    (lambda d: when(d, {"any_line": {"all": [{"field": "anti_tumour", "op": "eq", "value": True},
                                             {"ref": "frail"}]}}),  # ecog: a case's fact
     "edge grade->net_g3 (condition 'frail', inside a line condition): names 'ecog', a fact of "
     "the case; a line condition reads one line and " + ALLOWED),
    (lambda d: d["lines"]["current"].insert(0, {"ref": "on_ssa"}),
     "lines current rule 1 (condition 'on_ssa', inside a line condition): " + QUANTIFIER),
    (lambda d: d["conditions"].update(prrt_twice={"any_line": {"ref": "prior_prrt"}}),
     "condition 'prrt_twice' (condition 'prior_prrt', inside a line condition): " + QUANTIFIER),
    (lambda d: d["conditions"].update(odd={"any_line": {"field": "colour", "op": "is_null"}}),
     "condition 'odd': condition names unknown line field 'colour' (a line condition " + ALLOWED),
])
def test_a_named_condition_inside_a_line_condition_is_checked_as_one(mutate, expected) -> None:
    found = problems(mutate)
    assert any(p == f"broken.json: {expected}" or p.startswith(f"broken.json: {expected}")
               for p in found), found


def test_the_reviewed_file_is_refused_at_load_and_the_bundled_one_still_walks(
        tmp_path: Path) -> None:
    doc = copy.deepcopy(DOC)
    when(doc, {"any_line": {"ref": "prior_prrt"}})
    path = tmp_path / "quantified.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PathwayError) as info:
        load_pathway(path)
    assert len(info.value.problems) == 1
    assert "condition 'prior_prrt', inside a line condition" in info.value.problems[0]
    pathway = build_pathway(copy.deepcopy(DOC), "bundled.json")
    for v in load_vignettes():
        case = validate_case(v["case"]).case
        assert case is not None
        assert evaluate(case, pathway).recommendation_node == evaluate(case).recommendation_node


def test_shared_named_conditions_are_checked_once_each(monkeypatch) -> None:
    # 14 levels, each naming the next twice: checked path by path, 2**14 visits of the last.
    def diamond(d: dict) -> None:
        for i in range(14):
            nxt = {"ref": f"c{i + 1}"}
            d["conditions"][f"c{i}"] = {"all": [nxt, {"not": nxt}]}
        d["conditions"]["c14"] = {"any_line": {"field": "regimen", "op": "eq",
                                               "value": "prrt_lu177"}}
        when(d, {"any_line": {"ref": "c0"}})

    calls = []
    check = condition_check.check_condition
    monkeypatch.setattr(condition_check, "check_condition",
                        lambda *a: calls.append(1) or check(*a))
    found = problems(diamond)
    assert [p for p in found if "inside a line condition" in p] == [
        "broken.json: edge grade->net_g3 (condition " + " -> ".join(
            f"'c{i}'" for i in range(15)) + ", inside a line condition): " + QUANTIFIER + ALLOWED]
    assert len(calls) < 5000  # the file holds about 500 conditions and parts


def test_a_line_quantifier_of_one_line_is_never_compiled() -> None:
    nested = {"any_line": {"any_line": {"field": "regimen", "op": "eq", "value": "everolimus"}}}
    with pytest.raises(ConditionError):
        compile_condition(nested, {})
    with pytest.raises(ConditionError):  # a named condition read of a line needs its definition
        compile_condition({"any_line": {"ref": "prior_prrt"}}, {})


def test_past_the_checks_such_a_condition_still_stops_the_load(monkeypatch) -> None:
    doc = copy.deepcopy(DOC)
    when(doc, {"any_line": {"ref": "prior_prrt"}})
    monkeypatch.setattr(loader, "check_document", lambda _doc, _name: [])
    with pytest.raises(PathwayError, match=r"^unchecked\.json: a line condition cannot hold"):
        build_pathway(doc, "unchecked.json")
