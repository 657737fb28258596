"""The oracle itself: the reference walk (written from pathway-spec.md alone) reproduces every
worked case of vignettes.json, key by key, and a few sentences of the contract that no worked case
shows. None of this touches the application."""

from __future__ import annotations

import copy

import pytest

from tests.conftest import load_vignettes
from tests.pathway.reference_walk import reference_access, reference_evaluate

VIGNETTES = load_vignettes()
BY_ID = {v["id"]: v["case"] for v in VIGNETTES}
CONTRACT_KEYS = {"who_grade", "status", "path", "recommendation_node", "options",
                 "symptom_control", "missing", "warnings", "current_regimen"}


def test_there_are_39_worked_cases() -> None:
    assert len(VIGNETTES) == 39


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_reference_reproduces_the_worked_case_key_by_key(vignette: dict) -> None:
    got = reference_evaluate(copy.deepcopy(vignette["case"]))
    expected = vignette["expected"]
    assert set(got) == CONTRACT_KEYS == set(expected)
    for key in sorted(CONTRACT_KEYS):
        assert got[key] == expected[key], key


def _case(vid: str, **changes) -> dict:
    return {**copy.deepcopy(BY_ID[vid]), **changes}


def _prrt_after(days: int | None, end: str | None = "2020-01-01") -> dict:
    """W34 with its PRRT progression `days` after the last dose (None: unknown date)."""
    import datetime as dt

    case = _case("W34")
    prrt = case["lines"][1]
    prrt["start_date"], prrt["end_date"] = "2019-07-01", end
    prrt["progression_date"] = None if days is None else (
        dt.date(2020, 1, 1) + dt.timedelta(days=days)).isoformat()
    case["lines"] = case["lines"][:2]
    return case


@pytest.mark.parametrize(("days", "offered"), [(364, False), (365, True), (366, True),
                                               (None, False)])
def test_prrt_rechallenge_at_365_days_after_the_last_dose(days, offered) -> None:
    res = reference_evaluate(_prrt_after(days))
    ids = [o["id"] for o in res["options"]]
    assert ("prrt_lu177" in ids) is offered
    assert ("unknown:prrt_progression_date" in res["warnings"]) is (days is None)
    if offered:
        assert next(o for o in res["options"] if o["id"] == "prrt_lu177")["cautions"] \
            == ["prrt_rechallenge"]


def test_unknown_end_date_cannot_be_judged() -> None:
    res = reference_evaluate(_prrt_after(800, end=None))
    assert "prrt_lu177" not in [o["id"] for o in res["options"]]
    assert res["warnings"] == ["unknown:prrt_progression_date"]


def test_toxicity_on_any_prrt_course_excludes_it_and_completed_does_not() -> None:
    case = _case("W34")
    case["lines"][1]["outcome"] = "completed"
    case["lines"][1]["progression_date"] = None
    res = reference_evaluate(case)
    assert {"id": "prrt_lu177", "cautions": ["prrt_rechallenge"]} in res["options"]
    case["lines"].insert(0, {"regimen": "prrt_lu177", "outcome": "toxicity"})
    assert "prrt_lu177" not in [o["id"] for o in reference_evaluate(case)["options"]]


def test_shared_drugs_are_cautioned_and_oxaliplatin_is_not_a_platinum() -> None:
    # temozolomide toxicity: CAPTEM stays, with shared_drug_toxicity (W-series review).
    case = _case("S04", lines=[{"regimen": "lanreotide", "outcome": "progression"},
                               {"regimen": "temozolomide", "outcome": "toxicity"}])
    captem = next(o for o in reference_evaluate(case)["options"] if o["id"] == "captem")
    assert captem["cautions"] == ["shared_drug_toxicity"]
    # folfox toxicity on the NEC track after EP progression: folfiri and captem share the
    # fluoropyrimidine; nothing shares oxaliplatin.
    case = _case("S09", comorbidities=[], lines=[
        {"regimen": "platinum_etoposide", "outcome": "progression"},
        {"regimen": "folfox", "outcome": "toxicity"}], ki67_percent=40)
    assert reference_evaluate(case)["options"] == [
        {"id": "folfiri", "cautions": ["shared_drug_toxicity"]},
        {"id": "captem", "cautions": ["shared_drug_toxicity"]}]
    # irinotecan_cisplatin toxicity: platinum_etoposide shares the platinum.
    case = _case("V10", lines=[{"regimen": "irinotecan_cisplatin", "outcome": "toxicity"}])
    assert reference_evaluate(case)["options"] == [
        {"id": "platinum_etoposide", "cautions": ["shared_drug_toxicity"]}]


def test_frailty_at_later_lines_and_not_on_a_stop() -> None:
    res = reference_evaluate(_case("V24", ecog=4))
    assert [o["id"] for o in res["options"]] == ["best_supportive_care", "clinical_trial"]
    assert res["warnings"] == ["unknown:prrt_progression_date", "poor_performance_status"]
    stop = reference_evaluate(_case("V17", ecog=4))
    assert stop["status"] == "needs_data" and stop["warnings"] == []


def test_record_warnings_come_first_and_on_a_stop() -> None:
    case = _case("V17", pace="rapid_progression",
                 lines=[{"regimen": "captem", "outcome": "completed"}])
    res = reference_evaluate(case)
    assert res["status"] == "needs_data"
    assert res["warnings"] == ["progression_after_completed_course"]
    case = _case("V28", pace="slow_progression")
    assert reference_evaluate(case)["warnings"][0] == "progression_while_ongoing"


def test_current_regimen_priorities() -> None:
    lines = [{"regimen": "telotristat", "outcome": "ongoing"},
             {"regimen": "octreotide_lar", "outcome": "continued_after_progression"},
             {"regimen": "lanreotide", "outcome": "ongoing"}]
    assert reference_evaluate(_case("W38", lines=lines))["current_regimen"] == "lanreotide"
    assert reference_evaluate(_case("W38", lines=lines[:2]))["current_regimen"] \
        == "octreotide_lar"
    assert reference_evaluate(_case("W38", lines=lines[:1]))["current_regimen"] == "telotristat"


def _access(case: dict) -> dict[str, str]:
    res = reference_evaluate(case)
    return dict(zip([o["id"] for o in res["options"]], reference_access(case, res), strict=True))


def test_prrt_access_rule() -> None:
    # W31: ileal, SSA only (1 prior line): too early, self-paid; everolimus unverified.
    assert _access(_case("W31")) == {"prrt_lu177": "self_paid", "everolimus": "unverified"}
    gi = _case("V25", lines=[{"regimen": "octreotide_lar", "outcome": "progression"},
                             {"regimen": "everolimus", "outcome": "progression"}])
    assert _access(gi)["prrt_lu177"] == "reimbursed"
    gi["lines"][1]["outcome"] = "toxicity"
    assert _access(gi)["prrt_lu177"] == "unverified"
    # V22, pancreas: SSA then everolimus = 2 prior lines, 3 needed.
    assert _access(_case("V22"))["prrt_lu177"] == "self_paid"
    three = _case("V22", lines=[*BY_ID["V22"]["lines"], {"regimen": "captem",
                                                          "outcome": "progression"}])
    assert _access(three)["prrt_lu177"] == "reimbursed"
    # G3 never meets the criteria; a prior PRRT course is unverified.
    assert _access(_case("V35"))["prrt_lu177"] == "self_paid"
    assert _access(_case("W34"))["prrt_lu177"] == "unverified"
