"""WHO 2019 grade boundaries (pathway-spec.md): raw numbers, the higher index wins."""

from __future__ import annotations

import pytest

from gepnet_desktop.case import validate_case, who_grade


@pytest.mark.parametrize(("ki67", "mitoses", "grade"), [
    (0, None, "G1"), (2.99, None, "G1"), (3, None, "G2"), (20, None, "G2"), (20.01, None, "G3"),
    (None, 0, "G1"), (None, 1.9, "G1"), (None, 2, "G2"), (None, 20, "G2"), (None, 20.01, "G3"),
    (2, 2, "G2"), (2, 1.9, "G1"), (25, 1, "G3"), (1, 21, "G3"), (100, 500, "G3"),
    (None, None, None),
])
def test_well_differentiated_grade_from_the_higher_index(ki67, mitoses, grade) -> None:
    assert who_grade("well", ki67, mitoses) == grade


@pytest.mark.parametrize(("differentiation", "grade"), [
    ("poor", "NEC"), ("minen", "MiNEN"), (None, None)])
def test_morphology_decides_outside_well_differentiated(differentiation, grade) -> None:
    assert who_grade(differentiation, 5, 1) == grade


def test_grade_on_the_validated_case_is_derived() -> None:
    case = validate_case({"differentiation": "well", "ki67_percent": 3}).case
    assert case.who_grade == "G2"
