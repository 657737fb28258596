"""The sentences that say why the walk went each way name the patient's own values."""

from __future__ import annotations

from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import evaluate
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
    assert why("V22", "pnet_after_progression") == "Left out because they failed: Everolimus."
    assert why("V24", "pnet_after_progression").startswith("Left out because they failed")
    assert "later lines" in [e.text for e in evaluate(validate_case(BY_ID["V24"]).case)
                             .explanations if e.node == "pnet_after_progression"][-1]
