"""A broken pathway file is refused with one sentence per problem naming the file and element."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from gepnet_desktop.bundled import resource_path
from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import PathwayError, build_pathway, evaluate, load_pathway
from tests.conftest import load_vignettes

DOC = json.loads(resource_path("pathways", "kr-gepnet-2021.json").read_text(encoding="utf-8"))


def problems(mutate) -> list[str]:
    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(PathwayError) as info:
        build_pathway(doc, "broken.json")
    assert all(p.startswith("broken.json: ") for p in info.value.problems)
    return info.value.problems


def node(doc: dict, nid: str) -> dict:
    return next(n for n in doc["nodes"] if n["id"] == nid)


def edge(doc: dict, a: str, b: str) -> dict:
    return next(e for e in doc["edges"] if e["from"] == a and e["to"] == b)


def test_the_bundled_file_loads_with_every_contract_node() -> None:
    pathway = load_pathway(resource_path("pathways", "kr-gepnet-2021.json"))
    assert pathway.id == "kr-gepnet-2021" and pathway.version
    assert len(pathway.nodes) == 26
    assert "verify against the published figure" in pathway.notice["en"]
    for n in pathway.nodes.values():
        assert n.label["en"] and n.label["ko"] and n.provenance in pathway.provenance_kinds


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: node(d, "grade").update(colour="red"), "node 'grade': unknown key 'colour'"),
    (lambda d: d.update(extra=1), "unknown top-level key 'extra'"),
    (lambda d: d["nodes"].append(copy.deepcopy(node(d, "nec"))), "node 'nec': duplicate node id"),
    (lambda d: edge(d, "grade", "net_g3").update(to="nowhere"),
     "edge grade->nowhere: refers to unknown node 'nowhere'"),
    (lambda d: d["edges"].remove(edge(d, "differentiation", "nec")),
     "node 'nec': unreachable from the start node"),
    (lambda d: edge(d, "grade", "net_g3").update(when={"field": "ki68", "op": "eq", "value": 1}),
     "edge grade->net_g3: condition names unknown case field 'ki68'"),
    (lambda d: edge(d, "sstr_status", "sstr_positive").update(
        when={"field": "sstr_status", "op": "eq", "value": "positiv"}),
     "edge sstr_status->sstr_positive: value 'positiv' does not fit eq on sstr_status"),
    (lambda d: edge(d, "grade", "net_g3").update(when={"field": "ki67_percent", "op": "lt",
                                                          "value": "10"}),
     "does not fit lt on ki67_percent"),
    (lambda d: edge(d, "grade", "net_g3").update(when={"field": "pace", "op": "eval",
                                                          "value": "x"}),
     "unknown operator 'eval'"),
    (lambda d: node(d, "ssa_first_line")["options"].append({"id": "aspirin"}),
     "node 'ssa_first_line': option 'aspirin' is not in the options section"),
    (lambda d: node(d, "ssa_first_line").update(citations=["nobody2020"]),
     "node 'ssa_first_line': citation 'nobody2020' is not in references"),
    (lambda d: node(d, "grade").update(kind="oval"), "node 'grade': kind 'oval'"),
    (lambda d: d["options"]["everolimus"]["cautions"].append({"code": "pregnancy"}),
     "option 'everolimus': caution"),
    (lambda d: d.update(schema=1), "schema 1 is not supported"),
])
def test_each_problem_is_one_sentence_naming_the_element(mutate, expected: str) -> None:
    found = problems(mutate)
    assert any(expected in p for p in found), found


def test_unreadable_and_invalid_json_files(tmp_path: Path) -> None:
    with pytest.raises(PathwayError, match="cannot be read"):
        load_pathway(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{nodes: ", encoding="utf-8")
    with pytest.raises(PathwayError, match=r"bad\.json: is not valid JSON"):
        load_pathway(bad)


def test_a_loop_is_refused_naming_the_edge_that_closes_it() -> None:
    found = problems(lambda d: d["edges"].append(
        {"from": "behaviour", "to": "sstr_positive", "provenance": "inferred"}))
    assert any("edge behaviour->sstr_positive: closes a loop (sstr_positive -> behaviour -> "
               "sstr_positive)" in p for p in found), found


def test_dead_ends_and_misplaced_exhausted_edges_are_refused() -> None:
    found = problems(lambda d: node(d, "obtain_sstr_imaging").pop("stop_when_missing"))
    assert any("node 'obtain_sstr_imaging': has no edge out" in p for p in found), found
    found = problems(lambda d: edge(d, "grade", "net_g3").update(trigger="exhausted"))
    assert any("edge grade->net_g3: only a treatment node" in p for p in found), found


def test_a_gap_in_a_decision_is_one_sentence_at_evaluation(tmp_path: Path, capsys) -> None:
    from gepnet_desktop.cli import main

    doc = copy.deepcopy(DOC)
    doc["edges"].remove(edge(doc, "site_sstr_negative", "ginet_sstr_negative"))
    doc["nodes"].remove(node(doc, "ginet_sstr_negative"))
    doc["edges"] = [e for e in doc["edges"] if e["from"] != "ginet_sstr_negative"]
    pw = tmp_path / "gap.json"
    pw.write_text(json.dumps(doc), encoding="utf-8")
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"differentiation": "well", "ki67_percent": 5,
                                "sstr_status": "negative", "primary_site": "rectum"}), "utf-8")
    assert main(["evaluate", str(case), "--pathway", str(pw)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == (f"{pw}: node 'site_sstr_negative' has no edge that fits "
                                         "this case")


def test_a_section_of_the_wrong_type_is_one_sentence() -> None:
    found = problems(lambda d: d.update(nodes="x"))
    assert found == ["broken.json: nodes must be a list"]


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: edge(d, "behaviour", "ssa_first_line").update(
        when={"field": "ki67_percent", "op": "lt", "value": {"threshold": "ki67_low"}}),
     "edge behaviour->ssa_first_line: names unknown threshold 'ki67_low'"),
    (lambda d: node(d, "behaviour")["label"].update(en="Indolent? (Ki-67 <10%)"),
     "node 'behaviour': writes 10 as a literal; write {ki67_active}"),
    (lambda d: node(d, "behaviour")["label"].update(en="Indolent? (Ki-67 <{ki67_lo}%)"),
     "node 'behaviour': text names unknown threshold {ki67_lo}"),
    (lambda d: d["thresholds"].update(spare={**d["thresholds"]["ki67_active"]}),
     "threshold 'spare': no condition uses it"),
    (lambda d: d["conditions"].update(midgut={"ref": "gut"}, gut={"ref": "midgut"}),
     "condition 'midgut': refers back to itself"),
    (lambda d: edge(d, "sstr_positive", "behaviour").update(when={"ref": "indolent"}),
     "edge sstr_positive->behaviour: names unknown condition 'indolent'"),
    (lambda d: d["conditions"].update(on_ssa={"field": "regimen", "op": "in",
                                              "value": {"group": "ssa"}}),
     "condition 'on_ssa': condition names unknown case field 'regimen'"),
    (lambda d: d["conditions"].update(ssa_naive={"any_line": {
        "field": "regimen", "op": "in", "value": {"group": "analogues"}}}),
     "condition 'ssa_naive': names unknown group 'analogues'"),
    (lambda d: d["conditions"].update(prior_prrt={
        "days": ["end_date", "progression_date"], "op": "ge", "value": 365}),
     "condition 'prior_prrt': 'days' compares a line's dates"),
    (lambda d: d["conditions"].update(prior_prrt={"any_line": {
        "days": ["end_date", "notes"], "op": "ge", "value": 365}}),
     "condition 'prior_prrt': 'days' needs two line dates"),
    (lambda d: d["lines"]["progression_outcomes"].append("relapse"),
     "lines progression_outcomes: 'relapse' is not a line outcome"),
    (lambda d: d["lines"]["judged_by_condition"].update(prrt_lu177="prrt_gone"),
     "lines judged_by_condition 'prrt_lu177': names unknown condition 'prrt_gone'"),
    (lambda d: d["options"]["prrt_lu177"]["access_rules"][0].update(status="covered"),
     "option 'prrt_lu177' access rule 1: needs a status"),
    (lambda d: d["options"]["prrt_lu177"]["access_rules"][1]["text"].update(
        en="Line {line_no}"), "text names unknown threshold {line_no}"),
    (lambda d: d["final_rules"][0].update(put_first="rest"), "final_rules:"),
    (lambda d: d["record_warnings"][0].update(code="odd_record"), "record_warnings:"),
    (lambda d: d["newer_evidence"][0].pop("applies_when"),
     "newer_evidence 'netter2': needs applies_when"),
    (lambda d: d["access_statuses"].pop("self_paid"), "access_statuses: needs en and ko"),
])
def test_rule_sections_are_checked_when_the_file_loads(mutate, expected: str) -> None:
    found = problems(mutate)
    assert any(expected in p for p in found), found


def test_a_threshold_is_written_once_and_shown_where_it_is_used() -> None:
    doc = copy.deepcopy(DOC)
    doc["thresholds"]["ki67_active"]["value"] = 12
    pathway = build_pathway(doc, "moved.json")
    assert "Ki-67 <12%" in pathway.nodes["behaviour"].label["en"]
    assert "Ki-67 12% 미만" in pathway.nodes["behaviour"].question["ko"]
    v01 = next(v["case"] for v in load_vignettes() if v["id"] == "V01")
    case = validate_case({**v01, "ki67_percent": 11}).case
    assert evaluate(case).recommendation_node == "ginet_active_first_line"
    assert evaluate(case, pathway).recommendation_node == "ssa_first_line"
