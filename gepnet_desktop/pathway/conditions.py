"""Edge, option, caution and warning conditions: data, never code.

A condition is one of
- `{"field": F, "op": OP, "value": V}`: a comparison with a fact (a case field or a derived
  value). V may be a literal, `{"threshold": NAME}` (a named threshold of the file) or
  `{"group": NAME}` (a named value group of case/fields.py); the loader resolves both.
- `{"all": [...]}`, `{"any": [...]}`, `{"not": C}`.
- `{"ref": NAME}`: a named condition of the file's `conditions` section (inside a line
  condition it is read of that line, so it may hold only what a line condition may).
- `{"any_line": L}`: some line of therapy fits the line condition L.
- `{"last_line": {"where": L1, "then": L2}}`: there is a line fitting L1, and the last such
  line (list order) fits L2.
- inside a line condition, `{"days": [FROM, TO], "op": OP, "value": N}`: the days from one of
  the line's dates to another; false while either is unknown.
A comparison with an unknown (null) value is false; `is_null` asks for it.

Each condition is compiled once, when the file loads, into a function of the facts
(compiler.py); the walk and the explanations both call those functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Condition = dict[str, Any]

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "contains": lambda a, b: b in a,
    "contains_any": lambda a, b: any(x in a for x in b),
}
NULL_OPS = ("is_null", "not_null")
EMPTY_OPS = ("is_empty", "not_empty")


def names_fact(cond: Any, name: str, named: Mapping[str, Condition]) -> bool:
    """Whether a condition reads the fact `name`, directly or through a named condition."""
    if isinstance(cond, list):
        return any(names_fact(c, name, named) for c in cond)
    if not isinstance(cond, dict):
        return False
    if cond.get("field") == name:
        return True
    if isinstance(cond.get("ref"), str):
        return names_fact(named.get(cond["ref"]), name, named)
    return any(names_fact(v, name, named) for v in cond.values() if isinstance(v, (dict, list)))


def resolve(cond: Any, thresholds: Mapping[str, float],
            groups: Mapping[str, tuple[str, ...]]) -> Any:
    """A copy of a checked condition with `{"threshold": N}` and `{"group": N}` values replaced
    by what they name."""
    if isinstance(cond, list):
        return [resolve(c, thresholds, groups) for c in cond]
    if not isinstance(cond, dict):
        return cond
    if set(cond) == {"threshold"}:
        return thresholds[cond["threshold"]]
    if set(cond) == {"group"}:
        return list(groups[cond["group"]])
    return {k: resolve(v, thresholds, groups) for k, v in cond.items()}


def thresholds_named(cond: Any, named: Mapping[str, Any] | None = None,
                     seen: set[str] | None = None) -> set[str]:
    """The named thresholds a condition uses (through the named conditions it refers to, when
    `named` is given; each of them read once, however often it is named)."""
    seen = set() if seen is None else seen
    if isinstance(cond, list):
        return {t for c in cond for t in thresholds_named(c, named, seen)}
    if not isinstance(cond, dict):
        return set()
    if set(cond) == {"threshold"} and isinstance(cond["threshold"], str):
        return {cond["threshold"]}
    ref = cond.get("ref")
    if named is not None and isinstance(ref, str) and ref in named:
        if ref in seen:
            return set()
        seen.add(ref)
        return thresholds_named(named[ref], named, seen)
    return {t for v in cond.values() for t in thresholds_named(v, named, seen)}
