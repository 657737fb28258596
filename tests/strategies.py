"""Hypothesis strategies for valid case objects, built from the field definitions
(gepnet_desktop/case/fields.py) and the rules of case-fields.md (contract 2).

A generated case is always valid per case-fields.md: dates are real days, not in the future;
an end date never comes before its start and is null while a line is `ongoing` or
`continued_after_progression`; a progression date only on a `progression` /
`continued_after_progression` line and never before its start; at most one non-SSA anti-tumour
line `ongoing`, at most one SSA line `ongoing`, at most one line `continued_after_progression`
(never on a symptom agent or on prrt_lu177), symptom agents beside them; `nec_subtype` only with
a poorly differentiated tumour or a MiNEN.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from gepnet_desktop.case.fields import (
    CASE_FIELDS,
    LINE_FIELDS_BY_KEY,
    REGIMEN_GROUPS,
    REGIMENS,
)

# Boundary values of the pathway's thresholds are drawn often, to probe <, <= and >.
KI67_EDGES = [0, 1.9, 2, 2.99, 3, 9.99, 10, 10.01, 19.99, 20, 20.01, 54.99, 55, 55.01, 100]
MITOSES_EDGES = [0, 1.9, 2, 20, 20.01, 21, 500]
EGFR_EDGES = [0, 29.9, 30, 49.9, 50, 59.9, 60, 200]
# Days between a PRRT course's last dose and the progression after it (365: re-challenge).
PRRT_INTERVAL_EDGES = [365, 364, 366, 0, 1]

SSA = REGIMEN_GROUPS["ssa"]
SYMPTOM_AGENTS = REGIMEN_GROUPS["symptom_agent"]
PROGRESSION_OUTCOMES = ("progression", "continued_after_progression")
CONTINUING_OUTCOMES = ("ongoing", "continued_after_progression")
# Fields whose being unknown ends the walk early: known 9 times in 10, so that most cases walk far.
WALK_FIELDS = ("differentiation", "primary_site", "sstr_status", "ki67_percent")
# Values the contract singles out, drawn more often than their share (each entry is one draw
# among the field's values).
FAVOURED = {
    "differentiation": ("well",) * 8,
    "sstr_status": ("positive",) * 3,
    "functional_syndrome": ("insulinoma", "insulinoma", "carcinoid"),
    "primary_site": ("pancreas", "pancreas", "jejunum_ileum", "appendix", "unknown_primary"),
    "ecog": (3, 4),
    "pace": ("slow_progression", "rapid_progression"),
}
FAVOURED_REGIMENS = ("lanreotide", "octreotide_lar", "everolimus", "sunitinib", "prrt_lu177",
                     "captem", "temozolomide", "platinum_etoposide", "irinotecan_cisplatin",
                     "telotristat")

EARLIEST = dt.date(1990, 1, 1)


# Dates are drawn up to a fixed day (or today, if earlier), so that a derandomized run draws the
# same cases whatever the day it runs on; never in the future.
LATEST = min(dt.date(2026, 1, 1), dt.date.today())


def today() -> dt.date:
    """The latest day a generated date may fall on."""
    return LATEST


def _number(key: str, lo: float, hi: float) -> st.SearchStrategy:
    """Edges often; otherwise mostly the range where the thresholds are (a G1/G2 NET needs both
    indices low), sometimes the whole range."""
    edges = {"ki67_percent": KI67_EDGES, "mitoses_per_2mm2": MITOSES_EDGES,
             "egfr_ml_min": EGFR_EDGES}.get(key, [])
    whole = st.one_of(st.floats(min_value=lo, max_value=hi, allow_nan=False),
                      st.integers(int(lo), int(hi)))
    if not edges:
        return whole
    near = {"ki67_percent": 25, "mitoses_per_2mm2": 22, "egfr_ml_min": 70}[key]
    return st.one_of(st.sampled_from(edges), st.sampled_from(edges),
                     st.floats(min_value=lo, max_value=near, allow_nan=False),
                     st.integers(int(lo), near), whole)


def _iso(days: st.SearchStrategy) -> st.SearchStrategy:
    return days.map(dt.date.isoformat)


def _sometimes_null(inner: st.SearchStrategy, one_in: int) -> st.SearchStrategy:
    """`inner`, or null about once in `one_in` draws (null on 1, not on a bound of the range,
    which hypothesis draws more often)."""
    return st.integers(0, one_in - 1).flatmap(lambda i: st.none() if i == 1 else inner)


def _field(spec) -> st.SearchStrategy:
    if spec.kind == "enum":
        inner = st.sampled_from(spec.values + FAVOURED.get(spec.key, ()))
    elif spec.kind == "enum_list":
        return st.lists(st.sampled_from(spec.values), unique=True, max_size=len(spec.values))
    elif spec.kind == "bool":
        inner = st.booleans()
    elif spec.kind == "int":
        hi = LATEST.year if spec.key == "birth_year" else int(spec.maximum)
        inner = st.integers(int(spec.minimum), hi)
        if spec.key in FAVOURED:
            inner = st.one_of(inner, st.sampled_from(FAVOURED[spec.key]))
    elif spec.kind == "number":
        inner = _number(spec.key, spec.minimum, spec.maximum)
    elif spec.kind == "date":
        inner = _iso(st.dates(EARLIEST, today()))
    else:
        inner = st.text(min_size=1, max_size=20).filter(str.strip)
    return _sometimes_null(inner, 10 if spec.key in WALK_FIELDS else 3)


def _regimens() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(tuple(REGIMENS)), st.sampled_from(FAVOURED_REGIMENS))


def _repair_concurrency(items: list[dict]) -> list[dict]:
    """Make a list of (regimen, outcome) drafts obey case-fields.md's concurrency rules, in place:
    a second non-SSA anti-tumour `ongoing`, a second SSA `ongoing`, a second
    `continued_after_progression`, or one on a symptom agent or on PRRT becomes `progression`
    (a symptom agent: `other`)."""
    ongoing_ssa = ongoing_other = continued = False
    for item in items:
        reg, out = item["regimen"], item["outcome"]
        if out == "continued_after_progression":
            if reg in SYMPTOM_AGENTS:
                item["outcome"] = "other"
            elif reg == "prrt_lu177" or continued:
                item["outcome"] = "progression"
            continued = continued or item["outcome"] == "continued_after_progression"
        elif out == "ongoing" and reg not in SYMPTOM_AGENTS:
            if reg in SSA:
                if ongoing_ssa:
                    item["outcome"] = "progression"
                ongoing_ssa = True
            else:
                if ongoing_other:
                    item["outcome"] = "progression"
                ongoing_other = True
    return items


def _maybe(draw, value_strategy: st.SearchStrategy, key: str, item: dict,
           absent_ok: bool = True) -> None:
    """Set item[key] to a drawn value, to null, or (records of contract 1) leave it absent."""
    choice = draw(st.sampled_from(("value", "value", "null", "absent") if absent_ok
                                  else ("value", "value", "null")))
    if choice == "value":
        item[key] = draw(value_strategy)
    elif choice == "null":
        item[key] = None


@st.composite
def _prrt_progression_dates(draw, item: dict) -> None:
    """A PRRT course stopped by progression: last dose and progression around the 365-day
    boundary, or one of them unknown."""
    latest_end = today() - dt.timedelta(days=max(PRRT_INTERVAL_EDGES) + 30)
    end = draw(st.dates(EARLIEST + dt.timedelta(days=400), latest_end))
    room = (today() - end).days
    boundary = st.sampled_from(PRRT_INTERVAL_EDGES[:3])
    gap = draw(st.one_of(boundary, boundary, st.sampled_from(PRRT_INTERVAL_EDGES),
                         st.integers(0, room)))
    start = draw(st.one_of(st.none(), st.dates(end - dt.timedelta(days=400), end)))
    item["start_date"] = None if start is None else start.isoformat()
    unknown = draw(st.sampled_from(("none", "none", "none", "end", "progression", "both")))
    item["end_date"] = None if unknown in ("end", "both") else end.isoformat()
    item["progression_date"] = (None if unknown in ("progression", "both")
                                else (end + dt.timedelta(days=gap)).isoformat())


@st.composite
def _dates(draw, item: dict) -> None:
    """start, end and progression dates of one line, valid for its outcome."""
    outcome = item["outcome"]
    for key in ("start_date", "end_date", "progression_date"):
        item.pop(key, None)
    if item["regimen"] == "prrt_lu177" and outcome == "progression" and draw(st.booleans()):
        draw(_prrt_progression_dates(item))
        return
    start = draw(st.one_of(st.none(), st.dates(EARLIEST, today())))
    after_start = st.dates(start or EARLIEST, today())
    if start is not None or draw(st.booleans()):
        item["start_date"] = None if start is None else start.isoformat()
    if outcome in CONTINUING_OUTCOMES:
        if draw(st.booleans()):
            item["end_date"] = None
    else:
        _maybe(draw, _iso(after_start), "end_date", item)
    if outcome in PROGRESSION_OUTCOMES:
        _maybe(draw, _iso(after_start), "progression_date", item)
    elif draw(st.booleans()):
        item["progression_date"] = None


def _finish(draw, items: list[dict]) -> list[dict]:
    items = _repair_concurrency(items)
    responses = LINE_FIELDS_BY_KEY["best_response"].values
    for item in items:
        draw(_dates(item))
        _maybe(draw, st.sampled_from(responses), "best_response", item)
    return items


@st.composite
def _any_lines(draw) -> list[dict]:
    """Any regimens with any outcomes, made valid."""
    outcomes = LINE_FIELDS_BY_KEY["outcome"].values
    drafts = draw(st.integers(0, 2).flatmap(lambda n: st.lists(st.fixed_dictionaries({
        "regimen": _regimens(),
        "outcome": st.sampled_from((*outcomes, "ongoing", "continued_after_progression",
                                    "toxicity")),
    }), max_size=6) if n else st.just([])))
    return _finish(draw, drafts)


@st.composite
def _concurrent_lines(draw) -> list[dict]:
    """Finished lines, then the lines given now side by side: an SSA (ongoing or continued after
    progression), another anti-tumour line (ongoing, or continued after progression when the SSA
    is not), symptom agents, in any order."""
    finished = ("progression", "toxicity", "completed", "other")
    anti = tuple(r for r in REGIMENS if r not in SYMPTOM_AGENTS and r not in SSA)
    history = draw(st.lists(st.fixed_dictionaries({
        "regimen": _regimens(), "outcome": st.sampled_from(finished)}), max_size=3))
    now: list[dict] = []
    ssa = draw(st.sampled_from((None, "ongoing", "continued_after_progression")))
    if ssa:
        now.append({"regimen": draw(st.sampled_from(SSA)), "outcome": ssa})
    other = draw(st.sampled_from((None, "ongoing", "ongoing", "continued_after_progression")))
    if other:
        now.append({"regimen": draw(st.one_of(st.sampled_from(anti),
                                              st.sampled_from(FAVOURED_REGIMENS[2:6]))),
                    "outcome": other})
    now += [{"regimen": r, "outcome": "ongoing"} for r in draw(
        st.lists(st.sampled_from(SYMPTOM_AGENTS), unique=True, max_size=2))]
    return _finish(draw, history + draw(st.permutations(now)))


@st.composite
def _after_prrt_lines(draw) -> list[dict]:
    """A course of PRRT stopped by progression, its last dose and the progression around the
    365-day boundary (or a date unknown), among other lines, sometimes an earlier PRRT course."""
    before = draw(_any_lines())[:3]
    prrt = {"regimen": "prrt_lu177", "outcome": "progression"}
    draw(_prrt_progression_dates(prrt))
    earlier = [{"regimen": "prrt_lu177", "outcome": draw(st.sampled_from(
        ("progression", "toxicity", "completed", "other")))}] if draw(st.booleans()) else []
    after = [{"regimen": draw(st.sampled_from(("everolimus", "sunitinib", "captem", "telotristat",
                                                "lanreotide"))),
              "outcome": draw(st.sampled_from(("progression", "ongoing", "toxicity")))}
             ] if draw(st.booleans()) else []
    items = _repair_concurrency(earlier + before + [prrt] + after)
    for item in items:
        if item is not prrt:
            draw(_dates(item))
    return items


def lines() -> st.SearchStrategy:
    """A valid list of therapy lines (oldest first) of contract 2."""
    return st.one_of(_any_lines(), _concurrent_lines(), _after_prrt_lines())


@st.composite
def valid_cases(draw) -> dict:
    """A case object that passes validation (case-fields.md, contract 2)."""
    therapy = draw(lines())  # first: drawn after the tumour, it correlated with the grade
    case = {spec.key: draw(_field(spec)) for spec in CASE_FIELDS if spec.key != "notes"}
    if case["differentiation"] not in ("poor", "minen"):
        case["nec_subtype"] = None
    case["lines"] = therapy
    return case


def case_field_errors(case: dict, on: dt.date | None = None) -> list[str]:
    """The cross-field rules of case-fields.md that the strategy must keep, checked directly
    (independently of the application's validator): an empty list for a valid record."""
    on = on or dt.date.today()
    errors: list[str] = []
    for spec in CASE_FIELDS:
        value = case.get(spec.key)
        if value is None:
            continue
        if spec.kind == "date" and dt.date.fromisoformat(value) > on:
            errors.append(f"{spec.key} in the future")
        if spec.kind == "enum" and value not in spec.values:
            errors.append(f"{spec.key}: {value!r}")
        if spec.kind in ("int", "number") and not (
                spec.minimum <= value <= (spec.maximum if spec.maximum is not None else on.year)):
            errors.append(f"{spec.key}: {value!r} out of range")
    if case.get("nec_subtype") is not None and case.get("differentiation") not in ("poor",
                                                                                   "minen"):
        errors.append("nec_subtype without a NEC")
    ongoing_ssa = ongoing_other = continued = 0
    for i, line in enumerate(case.get("lines") or [], start=1):
        reg, out = line["regimen"], line["outcome"]
        if reg not in REGIMENS or out not in LINE_FIELDS_BY_KEY["outcome"].values:
            errors.append(f"lines[{i}]: {reg!r} {out!r}")
        days = {k: dt.date.fromisoformat(line[k]) for k in ("start_date", "end_date",
                                                             "progression_date") if line.get(k)}
        errors += [f"lines[{i}].{k} in the future" for k, d in days.items() if d > on]
        if "start_date" in days and "end_date" in days and days["end_date"] < days["start_date"]:
            errors.append(f"lines[{i}] ends before it starts")
        if "end_date" in days and out in CONTINUING_OUTCOMES:
            errors.append(f"lines[{i}] has an end date while {out}")
        if "progression_date" in days:
            if out not in PROGRESSION_OUTCOMES:
                errors.append(f"lines[{i}] has a progression date while {out}")
            if "start_date" in days and days["progression_date"] < days["start_date"]:
                errors.append(f"lines[{i}] progresses before it starts")
        if out == "continued_after_progression":
            continued += 1
            if reg in SYMPTOM_AGENTS or reg == "prrt_lu177":
                errors.append(f"lines[{i}]: {reg} cannot be continued after progression")
        if out == "ongoing" and reg in SSA:
            ongoing_ssa += 1
        elif out == "ongoing" and reg not in SYMPTOM_AGENTS:
            ongoing_other += 1
    if ongoing_ssa > 1 or ongoing_other > 1 or continued > 1:
        errors.append("too many concurrent lines")
    return errors

