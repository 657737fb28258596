"""Hypothesis strategies for valid case objects, built from the field definitions."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from gepnet_desktop.case.fields import CASE_FIELDS, LINE_FIELDS_BY_KEY, REGIMENS

# Boundary values of the pathway's thresholds are drawn often, to probe <, <= and >.
KI67_EDGES = [0, 1.9, 2, 2.99, 3, 9.99, 10, 10.01, 19.99, 20, 20.01, 54.99, 55, 55.01, 100]
MITOSES_EDGES = [0, 1.9, 2, 20, 20.01, 21, 500]
EGFR_EDGES = [0, 29.9, 30, 49.9, 50, 59.9, 60, 200]


def _number(key: str, lo: float, hi: float) -> st.SearchStrategy:
    edges = {"ki67_percent": KI67_EDGES, "mitoses_per_2mm2": MITOSES_EDGES,
             "egfr_ml_min": EGFR_EDGES}.get(key, [])
    finite = st.floats(min_value=lo, max_value=hi, allow_nan=False)
    return st.one_of(st.sampled_from(edges), finite, st.integers(int(lo), int(hi))) if edges \
        else finite


def _field(spec) -> st.SearchStrategy:
    if spec.kind == "enum":
        inner = st.sampled_from(spec.values)
    elif spec.kind == "enum_list":
        return st.lists(st.sampled_from(spec.values), unique=True, max_size=len(spec.values))
    elif spec.kind == "bool":
        inner = st.booleans()
    elif spec.kind == "int":
        hi = dt.date.today().year if spec.key == "birth_year" else int(spec.maximum)
        inner = st.integers(int(spec.minimum), hi)
    elif spec.kind == "number":
        inner = _number(spec.key, spec.minimum, spec.maximum)
    elif spec.kind == "date":
        inner = st.dates(dt.date(1990, 1, 1), dt.date.today()).map(dt.date.isoformat)
    else:
        inner = st.text(min_size=1, max_size=20).filter(str.strip)
    return st.one_of(st.none(), inner)


@st.composite
def lines(draw) -> list[dict]:
    """A valid list of therapy lines: at most one ongoing."""
    outcomes = LINE_FIELDS_BY_KEY["outcome"].values
    items = draw(st.lists(st.fixed_dictionaries({
        "regimen": st.sampled_from(tuple(REGIMENS)),
        "outcome": st.sampled_from(outcomes),
        "best_response": st.one_of(st.none(), st.sampled_from(("CR", "PR", "SD", "PD", "NE"))),
    }), max_size=6))
    seen = False
    for item in items:
        if item["outcome"] == "ongoing":
            if seen:
                item["outcome"] = "progression"
            seen = True
    return items


@st.composite
def valid_cases(draw) -> dict:
    """A case object that passes validation."""
    case = {spec.key: draw(_field(spec)) for spec in CASE_FIELDS if spec.key != "notes"}
    if case["differentiation"] not in ("poor", "minen"):
        case["nec_subtype"] = None
    case["lines"] = draw(lines())
    return case
