"""What would change the recommendation (issue 12, item 5): the case walked again, through the
public `evaluate`, with one value changed at a time.

- Each unknown case field that the walk reads on the case's path (a condition of an edge out of
  a node on the path, of a node's options or warnings, a named condition they refer to, or the
  field a stop asks for) is tried with each of its values: every value of a choice or yes/no
  field; for a number, the values either side of each cut-off that the pathway's conditions (and
  the WHO grade, for the grading inputs) compare it with, keeping only the values where the
  result changes.
- Each known number near a threshold of the pathway (within NEAR_FRACTION of it, or one unit
  for whole numbers) that a condition on the path compares it with is tried across it (Ki-67 9%
  -> 10%); reported when the recommendation changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..case.fields import FIELDS_BY_KEY
from ..case.grading import GRADE_INPUTS, who_grade
from ..case.model import Case
from .loader import default_pathway
from .model import Pathway
from .walk import Evaluation, evaluate

NEAR_FRACTION = 0.2  # a value within 20% of a threshold is near it
_ORDER = ("lt", "le", "gt", "ge")


@dataclass(frozen=True)
class WhatIf:
    """The recommendation the case would get with `field` = `value`.

    `kind` is "unknown" (the field is not recorded) or "near_threshold" (its value is near
    `threshold`, a name of pathway.thresholds); `recommendation_node` is None when the walk
    would still stop for missing data (`missing` says which field). For an unknown number,
    `starts_above` is set when this result begins just above that value (a strict cut-off:
    Ki-67 above 20%), not at `value` itself."""

    field: str
    value: Any
    recommendation_node: str | None
    kind: str = "unknown"
    threshold: str | None = None
    missing: str | None = None
    starts_above: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's entry of `what_if`: field, value, recommendation_node."""
        return {"field": self.field, "value": self.value,
                "recommendation_node": self.recommendation_node}


def what_if(case: Case, pathway: Pathway | None = None,
            evaluation: Evaluation | None = None) -> list[WhatIf]:
    """Every alternative of the module's docstring for this (validated) case, unknown fields
    first in the order the path meets them, then thresholds."""
    pathway = pathway or default_pathway()
    current = evaluation or evaluate(case, pathway, explain_steps=False)
    comparisons = _path_comparisons(pathway, current.path)
    fields = list(dict.fromkeys(
        [*(f for f, _, _ in comparisons), *current.missing]))
    out: list[WhatIf] = []
    for key in fields:
        spec = FIELDS_BY_KEY.get(key)
        if spec is None or case.get(key) is not None:
            continue
        if spec.kind in ("enum", "bool"):
            values: list[Any] = list(spec.values) if spec.kind == "enum" else [True, False]
            out += [_try(case, pathway, key, v) for v in values]
        elif spec.kind in ("int", "number"):
            out += _numbers(case, pathway, key, spec.kind, _all_cuts(pathway, key))
    out += _near_thresholds(case, pathway, current, comparisons)
    return out


def _try(case: Case, pathway: Pathway, key: str, value: Any, kind: str = "unknown",
         threshold: str | None = None) -> WhatIf:
    trial = case.copy()
    trial.set(key, value)
    ev = evaluate(trial, pathway, explain_steps=False, with_access=False)
    return WhatIf(key, value, ev.recommendation_node, kind, threshold,
                  ev.missing[0] if ev.missing else None)


def _numbers(case: Case, pathway: Pathway, key: str, kind: str,
             cuts: set[float]) -> list[WhatIf]:
    """Values either side of each cut-off, in order; a value is kept where the result differs
    from the value before it."""
    spec = FIELDS_BY_KEY[key]
    lo, hi = spec.minimum or 0, spec.maximum if spec.maximum is not None else 1e9
    values = sorted({_tidy(v, kind) for c in cuts for v in (c - 1, c, c + 1) if lo <= v <= hi}
                    | {_tidy(lo, kind)})
    out: list[WhatIf] = []
    last: tuple[str | None, str | None] | None = None
    before: float | None = None
    for v in values:
        found = _try(case, pathway, key, v)
        result = (found.recommendation_node, found.missing)
        if result != last:
            if kind == "number" and before is not None and v - before <= 1:
                # between two whole values: does the new result begin above the lower one?
                mid = _try(case, pathway, key, before + (v - before) / 2)
                if (mid.recommendation_node, mid.missing) == result:
                    found = replace(found, starts_above=before)
            out.append(found)
        last = result
        before = v
    return out


def _tidy(v: float, kind: str) -> float | int:
    return int(v) if kind == "int" or float(v).is_integer() else v


def _near_thresholds(case: Case, pathway: Pathway, current: Evaluation,
                     comparisons: list[tuple[str, str, Any]]) -> list[WhatIf]:
    names = {float(t["value"]): name for name, t in pathway.thresholds.items()
             if isinstance(t.get("value"), (int, float))}
    out: list[WhatIf] = []
    seen: set[tuple[str, Any]] = set()
    for key, op, limit in comparisons:
        spec = FIELDS_BY_KEY.get(key)
        value = case.get(key) if spec else None
        if spec is None or spec.kind not in ("int", "number") or value is None or \
                not isinstance(limit, (int, float)) or float(limit) not in names:
            continue
        step = 1
        if abs(value - limit) > max(NEAR_FRACTION * abs(limit), step):
            continue
        if op in ("ge", "lt"):
            across = limit if value < limit else limit - step
        else:  # gt, le: the line runs between the limit and the value above it
            across = limit + step if value <= limit else limit
        across = _tidy(across, spec.kind)
        if (key, across) in seen:
            continue
        seen.add((key, across))
        found = _try(case, pathway, key, across, "near_threshold", names[float(limit)])
        if found.recommendation_node != current.recommendation_node:
            out.append(found)
    return out


def _all_cuts(pathway: Pathway, key: str) -> set[float]:
    """The numbers the pathway compares `key` with anywhere, and the WHO grade's cut-offs."""
    cuts = {float(v) for f, _, v in _comparisons_everywhere(pathway)
            if f == key and isinstance(v, (int, float)) and not isinstance(v, bool)}
    if key in GRADE_INPUTS and FIELDS_BY_KEY[key].kind == "number":
        cuts |= _grade_cuts(key)
    return cuts


def _grade_cuts(key: str) -> set[float]:
    """Where the derived WHO grade changes along whole values of `key` (found by asking
    who_grade itself, so that its cut-offs are written once)."""
    def grade(v: float) -> str | None:
        ki67 = v if key == "ki67_percent" else None
        mitoses = v if key == "mitoses_per_2mm2" else None
        return who_grade("well", ki67, mitoses)

    hi = int(min(FIELDS_BY_KEY[key].maximum or 100, 100))
    return {float(v) for v in range(1, hi + 1) if grade(v) != grade(v - 1)}


def _path_comparisons(pathway: Pathway, path: list[str]) -> list[tuple[str, str, Any]]:
    """(field, op, value) of the conditions the walk reads at the nodes of `path`."""
    out: list[tuple[str, str, Any]] = []
    for node_id in path:
        node = pathway.nodes[node_id]
        out += [(s.report, "is_null", None) for s in node.stop_when_missing]
        conds = [e.when for e in pathway.out_edges.get(node_id, [])]
        conds += [r.when for r in node.warnings] + [o.when for o in node.options]
        for alt in node.alternatives:
            conds += [alt.when, *(o.when for o in alt.options)]
        for cond in conds:
            out += _comparisons(cond, pathway, set())
    grade_used = any(f == "who_grade" for f, _, _ in out)
    if grade_used:
        out += [(f, "grade", None) for f in GRADE_INPUTS if f != "differentiation"]
    return out


def _comparisons_everywhere(pathway: Pathway) -> Iterator[tuple[str, str, Any]]:
    for node in pathway.nodes.values():
        yield from _path_comparisons(pathway, [node.id])
    for cond in pathway.conditions.values():
        yield from _comparisons(cond, pathway, set())


def _comparisons(cond: Any, pathway: Pathway, seen: set[str]) -> list[tuple[str, str, Any]]:
    """The (field, op, value) comparisons of a condition, named conditions followed once;
    conditions on lines (their fields are a line's, not the case's) are left out."""
    if not isinstance(cond, dict):
        return []
    if "ref" in cond:
        name = cond["ref"]
        if name in seen or name not in pathway.conditions:
            return []
        seen.add(name)
        return _comparisons(pathway.conditions[name], pathway, seen)
    out: list[tuple[str, str, Any]] = []
    for key in ("all", "any"):
        for sub in cond.get(key, []):
            out += _comparisons(sub, pathway, seen)
    if "not" in cond:
        out += _comparisons(cond["not"], pathway, seen)
    if "field" in cond:
        out.append((cond["field"], cond.get("op", ""), cond.get("value")))
    return out


__all__ = ["NEAR_FRACTION", "WhatIf", "what_if"]
