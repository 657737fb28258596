"""WHO 2019 grading of digestive neuroendocrine neoplasms (pathway-spec.md, evidence.md)."""

from __future__ import annotations

# The case fields the grade is derived from.
GRADE_INPUTS = ("differentiation", "ki67_percent", "mitoses_per_2mm2")


def _grade_from(value: float | None, g1_below: float, g2_up_to: float) -> int | None:
    if value is None:
        return None
    if value < g1_below:
        return 1
    if value <= g2_up_to:
        return 2
    return 3


def who_grade(differentiation: str | None, ki67: float | None, mitoses: float | None) -> str | None:
    """G1/G2/G3 for a well-differentiated NET (the higher index wins), NEC, MiNEN, or None.

    Raw numbers, no rounding: Ki-67 <3 G1, 3..20 G2, >20 G3; mitoses <2 G1, 2..20 G2, >20 G3.
    """
    if differentiation == "poor":
        return "NEC"
    if differentiation == "minen":
        return "MiNEN"
    if differentiation != "well":
        return None
    grades = [g for g in (_grade_from(ki67, 3, 20), _grade_from(mitoses, 2, 20)) if g is not None]
    return f"G{max(grades)}" if grades else None
