"""Every worked case of the contract (vignettes.json) evaluates exactly as expected."""

from __future__ import annotations

import pytest

from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import evaluate
from tests.conftest import load_vignettes

VIGNETTES = load_vignettes()


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette_matches_contract(vignette: dict) -> None:
    result = validate_case(vignette["case"])
    assert result.ok, [str(p) for p in result.errors]
    assert evaluate(result.case).to_contract() == vignette["expected"]


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette_explanations_cover_each_decision(vignette: dict) -> None:
    ev = evaluate(validate_case(vignette["case"]).case, lang="ko")
    explained = {e.node for e in ev.explanations}
    decisions = {"differentiation", "grade", "sstr_status", "sstr_positive", "behaviour",
                 "site_sstr_negative", "site_active_first_line", "site_after_progression", "nec",
                 "net_g3"}
    # every branching node passed on the way (not the last one) has a sentence
    assert {n for n in ev.path[:-1] if n in decisions} <= explained
    assert all(e.text for e in ev.explanations)
