"""Random valid case objects, for benchmarks and load tests (never shown as real patients)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .fields import (
    CASE_FIELDS,
    CONTINUING_OUTCOMES,
    LINE_FIELDS_BY_KEY,
    PROGRESSION_OUTCOMES,
    REGIMENS,
    SSA_REGIMENS,
    SYMPTOM_AGENTS,
)
from .validation import NOT_CONTINUABLE


def _maybe(rng: random.Random, value: Any, p_unknown: float) -> Any:
    return None if rng.random() < p_unknown else value


def random_case_dict(rng: random.Random, *, code: str | None = None,
                     p_unknown: float = 0.1, max_lines: int = 4) -> dict[str, Any]:
    """A valid case object (case-fields.md) with random values; `code` sets case_code."""
    case: dict[str, Any] = {}
    for spec in CASE_FIELDS:
        if spec.kind == "enum":
            value = rng.choice(spec.values)
        elif spec.kind == "enum_list":
            value = rng.sample(spec.values, rng.randint(0, 2))
        elif spec.kind == "bool":
            value = rng.random() < 0.3
        elif spec.kind == "int":
            hi = dt.date.today().year if spec.key == "birth_year" else int(spec.maximum or 0)
            value = rng.randint(int(spec.minimum or 0), hi)
        elif spec.kind == "number":
            value = round(rng.uniform(spec.minimum or 0, min(spec.maximum or 100, 100)), 1)
        elif spec.kind == "date":
            value = (dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))).isoformat()
        else:
            value = None
        case[spec.key] = value if spec.kind == "enum_list" else _maybe(rng, value, p_unknown)
    case["case_code"] = code
    if case["differentiation"] not in ("poor", "minen"):
        case["nec_subtype"] = None
    case["lines"] = random_lines(rng, max_lines=max_lines)
    return case


def random_lines(rng: random.Random, *, max_lines: int = 4,
                 today: dt.date | None = None) -> list[dict[str, Any]]:
    """Valid lines of contract 2, oldest first: concurrent lines within the limits of
    case-fields.md, dates in order and not after `today`, progression dates only where the
    outcome is a progression."""
    today = today or dt.date.today()
    regimens = list(REGIMENS)
    outcomes = LINE_FIELDS_BY_KEY["outcome"].values
    day = min(dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 1500)), today)
    busy: set[str] = set()  # "ssa", "other", "continued": the limits already used
    lines: list[dict[str, Any]] = []
    for _ in range(rng.randint(0, max_lines)):
        regimen = rng.choice(regimens)
        outcome = rng.choice(outcomes)
        kind = ("ssa" if regimen in SSA_REGIMENS else
                "agent" if regimen in SYMPTOM_AGENTS else "other")
        if outcome == "continued_after_progression" and (
                kind == "agent" or regimen in NOT_CONTINUABLE or "continued" in busy):
            outcome = "progression"
        if outcome == "ongoing" and kind in busy:
            outcome = "progression"
        if outcome == "continued_after_progression":
            busy.add("continued")
        elif outcome == "ongoing" and kind != "agent":
            busy.add(kind)
        start = day
        end = progressed = None
        if outcome not in CONTINUING_OUTCOMES and rng.random() < 0.8:
            end = min(start + dt.timedelta(days=rng.randint(30, 500)), today)
        if outcome in PROGRESSION_OUTCOMES and rng.random() < 0.7:
            progressed = min(start + dt.timedelta(days=rng.randint(30, 900)), today)
        lines.append({
            "regimen": regimen, "outcome": outcome,
            "start_date": _maybe(rng, start.isoformat(), 0.2),
            "end_date": end.isoformat() if end else None,
            "progression_date": progressed.isoformat() if progressed else None,
            "best_response": _maybe(rng, rng.choice(("CR", "PR", "SD", "PD", "NE")), 0.3)})
        day = min(start + dt.timedelta(days=rng.randint(30, 400)), today)
    return lines
