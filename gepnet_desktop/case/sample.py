"""Random valid case objects, for benchmarks and load tests (never shown as real patients)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .fields import CASE_FIELDS, LINE_FIELDS_BY_KEY, REGIMENS


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
    regimens = list(REGIMENS)
    outcomes = [o for o in LINE_FIELDS_BY_KEY["outcome"].values if o != "ongoing"]
    lines = []
    for i in range(rng.randint(0, max_lines)):
        last = i == max_lines - 1 or rng.random() < 0.2
        outcome = "ongoing" if last and rng.random() < 0.5 else rng.choice(outcomes)
        response = _maybe(rng, rng.choice(("CR", "PR", "SD", "PD", "NE")), 0.3)
        lines.append({"regimen": rng.choice(regimens), "outcome": outcome,
                      "best_response": response})
        if last:
            break
    case["lines"] = lines
    return case
