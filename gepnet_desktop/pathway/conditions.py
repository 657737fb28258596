"""Edge, option and caution conditions: data, never code.

A condition is `{"field": F, "op": OP, "value": V}`, or `{"all": [...]}`, `{"any": [...]}`,
`{"not": C}`. A comparison with an unknown (null) value is false; `is_null` asks for it.
"""

from __future__ import annotations

from typing import Any

Condition = dict[str, Any]
Facts = dict[str, Any]

COMPARISONS = {
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
OPS = (*COMPARISONS, *NULL_OPS)


def holds(cond: Condition | None, facts: Facts) -> bool:
    """Whether the condition holds for these facts; a missing condition always holds."""
    if cond is None:
        return True
    if "all" in cond:
        return all(holds(c, facts) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, facts) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], facts)
    actual = facts.get(cond["field"])
    op = cond["op"]
    if op == "is_null":
        return actual is None
    if op == "not_null":
        return actual is not None
    if actual is None:
        return False
    return bool(COMPARISONS[op](actual, cond["value"]))


def deciding_atoms(cond: Condition | None, facts: Facts) -> list[tuple[Condition, bool]]:
    """The comparisons that decide a condition's value here, each with its own value.

    `all` true: every part; `all` false: the false parts. `any` true: the true parts;
    `any` false: every part. `not` is explained by what it negates.
    """
    if cond is None:
        return []
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        parts = [(c, holds(c, facts)) for c in cond[key]]
        value = holds(cond, facts)
        if key == "all":
            chosen = parts if value else [p for p in parts if not p[1]]
        else:
            chosen = [p for p in parts if p[1]] if value else parts
        return [d for c, _ in chosen for d in deciding_atoms(c, facts)]
    if "not" in cond:
        return deciding_atoms(cond["not"], facts)
    return [(cond, holds(cond, facts))]
