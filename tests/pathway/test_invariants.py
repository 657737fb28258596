"""Properties of the walk on any valid case of contract 2 (hypothesis).

The first test is the differential one: the engine (driven by the data file) against the
independent transcription of pathway-spec.md in tests/pathway/reference_walk.py. The others are
properties of the contract that hold whatever the oracle says. The budget is fixed and the runs are
deterministic (derandomize), with no deadline.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gepnet_desktop.bundled import resource_path
from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import default_pathway, evaluate, load_pathway
from tests.pathway.reference_walk import derive, reference_access, reference_evaluate
from tests.strategies import case_field_errors, valid_cases


@functools.cache
def pathway():
    """The bundled data file, loaded once, on first use (not at collection: the oracle's own
    checks run whatever state the engine is in)."""
    return default_pathway()

SETTINGS = settings(max_examples=400, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
IDENTIFICATION = ("case_code", "sex", "birth_year", "diagnosis_date")


def _walk(obj: dict):
    result = validate_case(obj)
    assert result.ok, [str(p) for p in result.errors]
    return evaluate(result.case, pathway())


def _contract(obj: dict) -> dict:
    return _walk(obj).to_contract()


def _access(ev) -> list[str]:
    return [a["status"] for a in ev.to_json(explain=True)["access"]]


@SETTINGS
@given(valid_cases())
def test_generated_cases_are_valid_records(obj: dict) -> None:
    assert case_field_errors(obj) == []
    result = validate_case(copy.deepcopy(obj))
    assert result.ok, [str(p) for p in result.errors]


@SETTINGS
@given(valid_cases())
def test_agrees_with_an_independent_transcription_of_the_contract(obj: dict) -> None:
    ev = _walk(copy.deepcopy(obj))
    expected = reference_evaluate(obj)
    assert ev.to_contract() == expected
    assert _access(ev) == reference_access(obj, expected)


@SETTINGS
@given(valid_cases())
def test_path_starts_at_entry_and_follows_edges_of_the_data_file(obj: dict) -> None:
    path = _contract(obj)["path"]
    assert path[:2] == ["entry", "differentiation"]
    for a, b in itertools.pairwise(path):
        assert pathway().edge(a, b) is not None, f"no edge {a}->{b}"


@SETTINGS
@given(valid_cases())
def test_no_option_is_an_excluded_regimen(obj: dict) -> None:
    res = _contract(obj)
    ids = [o["id"] for o in res["options"]]
    if res["recommendation_node"] == "later_lines":
        # later_lines always offers clinical_trial and best supportive care (frail: BSC first).
        assert sorted(ids) == ["best_supportive_care", "clinical_trial"]
        assert all(o["cautions"] == [] for o in res["options"])
    else:
        # Frailty puts best supportive care first, whatever the lines say about it.
        frail = bool(ids) and ids[0] == "best_supportive_care"
        assert not set(ids[1:] if frail else ids) & derive(obj)["excluded"]
    assert len(ids) == len(set(ids))


@SETTINGS
@given(valid_cases())
def test_needs_data_exactly_when_there_are_no_options(obj: dict) -> None:
    res = _contract(obj)
    assert (res["status"] == "needs_data") == (not res["options"])
    if res["status"] == "needs_data":
        assert res["recommendation_node"] is None and len(res["missing"]) == 1
    else:
        assert res["recommendation_node"] == res["path"][-1] and res["missing"] == []


@SETTINGS
@given(valid_cases())
def test_frailty_puts_best_supportive_care_first_and_warns_last(obj: dict) -> None:
    res = _contract(obj)
    frail = (obj.get("ecog") or 0) >= 3 and res["status"] == "recommendation"
    assert (res["warnings"][-1:] == ["poor_performance_status"]) is frail
    assert res["warnings"].count("poor_performance_status") == int(frail)
    if frail:
        assert res["options"][0] == {"id": "best_supportive_care", "cautions": []}


@SETTINGS
@given(valid_cases())
def test_same_input_same_output(obj: dict) -> None:
    # The same case read back from JSON with its keys in another order, walked through a second
    # load of the data file, in a run after other walks: the same result, explanations included.
    again = json.loads(json.dumps(dict(reversed(list(obj.items())))))
    fresh = load_pathway(resource_path("pathways", "kr-gepnet-2021.json"))
    first = _walk(obj).to_json(explain=True)
    assert evaluate(validate_case(again).case, fresh).to_json(explain=True) == first


@SETTINGS
@given(valid_cases())
def test_recommendation_options_come_from_the_node_in_the_data_file(obj: dict) -> None:
    res = _contract(obj)
    if res["recommendation_node"]:
        node = pathway().nodes[res["recommendation_node"]]
        lists = [[o.id for o in node.options]] + [
            [o.id for o in alt.options] for alt in node.alternatives]
        ids = [o["id"] for o in res["options"]]
        if (obj.get("ecog") or 0) >= 3:  # frailty adds or moves best supportive care
            ids = [o for o in ids if o != "best_supportive_care"]
        # A subset of one of the node's option lists (its own, or an alternative such as
        # Ki-67 >55 at net_g3, insulinoma, midgut), in that list's order.
        assert any(ids == [o for o in listed if o in ids] for listed in lists), (ids, lists)


@SETTINGS
@given(valid_cases(), st.data())
def test_identification_and_symptom_agents_stopped_never_change_the_result(obj: dict,
                                                                           data) -> None:
    # Identification is never used by the pathway; a symptom agent is never an anti-tumour line,
    # so one that is no longer given changes nothing (access included).
    ev = _walk(copy.deepcopy(obj))
    other = copy.deepcopy(obj)
    for key in IDENTIFICATION:
        other[key] = None
    lines = other["lines"]
    lines.insert(data.draw(st.integers(0, len(lines)), label="at"), {
        "regimen": data.draw(st.sampled_from(("telotristat", "diazoxide", "high_dose_ppi"))),
        "outcome": data.draw(st.sampled_from(("progression", "toxicity", "completed", "other")))})
    ev2 = _walk(other)
    assert ev2.to_contract() == ev.to_contract()
    assert _access(ev2) == _access(ev)


@SETTINGS
@given(valid_cases())
def test_symptom_control_depends_on_the_syndrome_alone(obj: dict) -> None:
    res = _contract(obj)
    bare = {"functional_syndrome": obj.get("functional_syndrome"), "lines": []}
    assert res["symptom_control"] == _contract(bare)["symptom_control"]
    assert res["who_grade"] == derive(obj)["who_grade"]
