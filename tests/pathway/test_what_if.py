"""What would change the recommendation: each unknown field on the path with its values, and
a value near a threshold across it, each found by walking the case again."""

from __future__ import annotations

from gepnet_desktop.case import Case, validate_case
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.pathway.what_if import what_if


def case(**fields) -> Case:
    base = {"case_code": "W-1", "primary_site": "jejunum_ileum", "differentiation": "well",
            "ki67_percent": 4, "sstr_status": "positive", "hepatic_burden": "le25",
            "bulk_symptoms": False, "pace": "stable", "functional_syndrome": "none",
            "mitoses_per_2mm2": 1}
    result = validate_case({k: v for k, v in {**base, **fields}.items()})
    assert result.case is not None, result.errors
    return result.case


def test_ki67_near_the_active_threshold_is_tried_across_it() -> None:
    c = case(ki67_percent=9)
    assert evaluate(c).recommendation_node == "ssa_first_line"
    found = [w for w in what_if(c) if w.kind == "near_threshold"]
    assert [w.to_json() for w in found] == [
        {"field": "ki67_percent", "value": 10, "recommendation_node": "ginet_active_first_line"}]
    assert found[0].threshold == "ki67_active"
    assert c.ki67_percent == 9  # the case itself is never changed


def test_far_from_a_threshold_nothing_is_reported() -> None:
    assert what_if(case(ki67_percent=4)) == []


def test_an_unknown_field_on_the_path_is_tried_with_each_value() -> None:
    c = case(sstr_status=None)
    assert evaluate(c).missing == ["sstr_status"]
    found = {w.value: w for w in what_if(c) if w.field == "sstr_status"}
    assert set(found) == {"positive", "negative"}
    assert found["positive"].recommendation_node == "ssa_first_line"
    assert found["negative"].recommendation_node == "ginet_sstr_negative"
    for w in found.values():
        trial = c.copy()
        setattr(trial, w.field, w.value)
        assert evaluate(trial).recommendation_node == w.recommendation_node


def test_an_unknown_ki67_gives_each_result_it_can_lead_to() -> None:
    c = case(ki67_percent=None, mitoses_per_2mm2=None, primary_site="pancreas")
    found = [w for w in what_if(c) if w.field == "ki67_percent"]
    nodes = [w.recommendation_node for w in found]
    assert nodes == ["ssa_first_line", "pnet_active_first_line", "net_g3_first_line"]
    assert [w.value for w in found][1] == default_pathway().thresholds["ki67_active"]["value"]


def test_fields_off_the_path_are_not_tried() -> None:
    c = case(differentiation="poor", ki67_percent=70, sstr_status=None, hepatic_burden=None)
    assert all(w.field not in ("sstr_status", "hepatic_burden") for w in what_if(c))
