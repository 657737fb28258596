"""The sentences that say why the walk went each way name the patient's own values."""

from __future__ import annotations

import copy
import json

from gepnet_desktop.bundled import resource_path
from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import build_pathway, evaluate
from gepnet_desktop.pathway.loader import DEFAULT_PATHWAY
from tests.conftest import load_vignettes

BY_ID = {v["id"]: v["case"] for v in load_vignettes()}


def why(vid: str, node: str, lang: str = "en", **changes) -> str:
    ev = evaluate(validate_case({**BY_ID[vid], **changes}).case, lang=lang)
    return next(e.text for e in ev.explanations if e.node == node)


def test_the_grade_names_the_indices_it_came_from() -> None:
    assert why("V07", "grade").startswith("Ki-67 20% and Mitoses 8 /2 mm² give WHO grade G2")
    assert why("S06", "grade").startswith("Mitoses 25 /2 mm² gives WHO grade G3")
    assert "WHO 등급 G3" in why("S06", "grade", "ko")


def test_behaviour_lists_every_reason_for_aggressive_and_the_checks_for_indolent() -> None:
    aggressive = why("V04", "behaviour")
    assert "Ki-67 15% is 10% or more" in aggressive and "Bulk symptoms: yes" in aggressive
    assert aggressive.endswith("→ aggressive")
    indolent = why("V01", "behaviour", pace=None)
    assert "Ki-67 1% is below 10%" in indolent and "Pace of disease is not recorded" in indolent


def test_a_stop_and_a_removed_option_are_explained() -> None:
    assert why("V17", "obtain_sstr_imaging") == "SSTR imaging is not recorded: record it to go on."
    assert why("V22", "pnet_after_progression") == "Left out: Everolimus (progression on it)."
    assert why("V24", "pnet_after_progression").startswith("Left out: ")
    assert "later lines" in [e.text for e in evaluate(validate_case(BY_ID["V24"]).case)
                             .explanations if e.node == "pnet_after_progression"][-1]


def explained(vid: str, lang: str = "en") -> list[str]:
    return [e.text for e in evaluate(validate_case(BY_ID[vid]).case, lang=lang).explanations]


def test_each_line_says_what_it_counts_for() -> None:
    w31 = explained("W31")
    assert "Lanreotide: continued after progression (counts as a progression; still given) " \
           "(counts for both somatostatin analogues)" in w31
    assert any(t.startswith("Left out: ") is False for t in w31)
    w32 = explained("W32")
    assert "Everolimus stopped for toxicity: left out; a toxicity documents no progression, " \
           "so the SSA still applies" in w32
    w39 = explained("W39")
    assert any(t.startswith("Platinum + etoposide stopped for toxicity: still offered")
               for t in w39)
    assert "에베로리무스 독성으로 중단" in " ".join(explained("W32", "ko"))


def test_frailty_and_prrt_retreatment_are_explained() -> None:
    assert "ECOG 4: Best supportive care first" in explained("W37")
    assert "PRRT progression 20 months (614 days) after the last cycle: re-treatment may be " \
        "considered" in explained("W34")
    w35 = " ".join(explained("W35"))
    assert "PRRT progression 273 days after the last cycle (less than 365 days): not " \
        "re-offered" in w35
    assert "PRRT (177Lu-DOTATATE) (progression 273 days after the last dose, less than 365)" \
        in w35


def test_prrt_left_out_says_the_cause_that_applies() -> None:
    base = {**BY_ID["W35"]}
    toxic_then_late = {**base, "lines": [
        {"regimen": "prrt_lu177", "start_date": "2018-01-01", "end_date": "2018-03-01",
         "outcome": "toxicity"},
        {"regimen": "prrt_lu177", "start_date": "2019-01-01", "end_date": "2019-06-01",
         "outcome": "progression", "progression_date": "2020-07-10"}]}
    text = " ".join(e.text for e in evaluate(validate_case(toxic_then_late).case).explanations)
    assert "(a course of it was stopped for toxicity)" in text
    assert "405 days after the last cycle, but a PRRT course was stopped for toxicity" in text
    assert "less than 365" not in text
    undated = {**base, "lines": [{"regimen": "octreotide_lar", "outcome": "progression"},
                                 {"regimen": "prrt_lu177", "outcome": "progression"}]}
    ev = evaluate(validate_case(undated).case)
    assert "unknown:prrt_progression_date" in ev.warnings
    assert any("whose last dose date or progression date is not recorded" in e.text
               for e in ev.explanations)


def test_dated_observations_carry_their_date_in_the_reasons() -> None:
    """"Ki-67 8% (2025-03-02)" wherever a reason shows Ki-67 or SSTR imaging (issue 12)."""
    dated = {"ki67_percent": 8, "mitoses_per_2mm2": None, "ki67_date": "2025-03-02",
             "sstr_imaging_date": "2025-03-10"}
    assert why("V07", "grade", **dated).startswith("Ki-67 8% (2025-03-02) gives WHO grade G2")
    assert why("V07", "grade", "ko", **dated).startswith("Ki-67 8% (2025-03-02)")
    sstr = why("V07", "sstr_status", **dated)
    assert sstr == "SSTR imaging: Positive (2025-03-10)"  # the answer is not said twice
    assert why("V07", "grade", ki67_date=None).startswith("Ki-67 20% and")


def test_the_parts_of_a_condition_are_compiled_once_per_pathway_load() -> None:
    doc = json.loads(resource_path("pathways", DEFAULT_PATHWAY).read_text(encoding="utf-8"))
    pathway = build_pathway(copy.deepcopy(doc), "bundled.json")
    cases = [validate_case(c).case for c in BY_ID.values()]

    def sentences() -> list[list[str]]:
        return [[e.text for e in evaluate(c, pathway, lang=lang).explanations]
                for c in cases for lang in ("en", "ko")]

    first = sentences()
    compiled = dict(pathway.part_tests)
    assert compiled  # the decisions' parts, compiled while the first sentences were written
    assert sentences() == first and pathway.part_tests == compiled  # the same functions again
    assert first == [[e.text for e in evaluate(c, lang=lang).explanations]
                     for c in cases for lang in ("en", "ko")]  # what the bundled file says
    assert build_pathway(copy.deepcopy(doc), "again.json").part_tests == {}  # per load
