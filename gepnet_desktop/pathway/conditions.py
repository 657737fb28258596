"""Edge, option, caution and warning conditions: data, never code.

A condition is one of
- `{"field": F, "op": OP, "value": V}`: a comparison with a fact (a case field or a derived
  value). V may be a literal, `{"threshold": NAME}` (a named threshold of the file) or
  `{"group": NAME}` (a named value group of case/fields.py); the loader resolves both.
- `{"all": [...]}`, `{"any": [...]}`, `{"not": C}`.
- `{"ref": NAME}`: a named condition of the file's `conditions` section.
- `{"any_line": L}`: some line of therapy fits the line condition L.
- `{"last_line": {"where": L1, "then": L2}}`: there is a line fitting L1, and the last such
  line (list order) fits L2.
- inside a line condition, `{"days": [FROM, TO], "op": OP, "value": N}`: the days from one of
  the line's dates to another; false while either is unknown.
A comparison with an unknown (null) value is false; `is_null` asks for it.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from typing import Any

Condition = dict[str, Any]
Facts = dict[str, Any]

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
_ORDERED: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
    "ne": operator.ne}
NULL_OPS = ("is_null", "not_null")
EMPTY_OPS = ("is_empty", "not_empty")


def _days(facts: Facts, names: list[str]) -> int | None:
    first, second = (facts.get(n) for n in names)
    if first is None or second is None:
        return None
    return (dt.date.fromisoformat(second) - dt.date.fromisoformat(first)).days


def _lines(facts: Facts) -> list[Facts]:
    lines: list[Facts] = facts.get("_lines", [])
    return lines


def holds(cond: Condition | None, facts: Facts,
          named: Mapping[str, Condition] | None = None) -> bool:
    """Whether the condition holds for these facts; a missing condition always holds.

    `named` holds the file's named conditions (defaults to those carried in the facts).
    """
    if cond is None:
        return True
    if named is None:
        named = facts.get("_named", {})
    if "all" in cond:
        return all(holds(c, facts, named) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, facts, named) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], facts, named)
    if "ref" in cond:
        return holds(named[cond["ref"]], facts, named)
    if "any_line" in cond:
        return any(holds(cond["any_line"], line, named) for line in _lines(facts))
    if "last_line" in cond:
        spec = cond["last_line"]
        hits = [line for line in _lines(facts) if holds(spec["where"], line, named)]
        return bool(hits) and holds(spec["then"], hits[-1], named)
    op = cond["op"]
    actual = _days(facts, cond["days"]) if "days" in cond else facts.get(cond["field"])
    if op == "is_null":
        return actual is None
    if op == "not_null":
        return actual is not None
    if op in EMPTY_OPS:
        return not actual if op == "is_empty" else bool(actual)
    if actual is None:
        return False
    return bool(COMPARISONS[op](actual, cond["value"]))


def deciding_atoms(cond: Condition | None, facts: Facts,
                   named: Mapping[str, Condition] | None = None
                   ) -> list[tuple[Condition, bool]]:
    """The comparisons that decide a condition's value here, each with its own value.

    `all` true: every part; `all` false: the false parts. `any` true: the true parts;
    `any` false: every part. `not` is explained by what it negates, a named condition by what
    it holds; a line quantifier is one statement.
    """
    if cond is None:
        return []
    if named is None:
        named = facts.get("_named", {})
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        parts = [(c, holds(c, facts, named)) for c in cond[key]]
        value = holds(cond, facts, named)
        if key == "all":
            chosen = parts if value else [p for p in parts if not p[1]]
        else:
            chosen = [p for p in parts if p[1]] if value else parts
        return [d for c, _ in chosen for d in deciding_atoms(c, facts, named)]
    if "not" in cond:
        return deciding_atoms(cond["not"], facts, named)
    if "ref" in cond:
        return deciding_atoms(named[cond["ref"]], facts, named)
    return [(cond, holds(cond, facts, named))]


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
                     seen: frozenset[str] = frozenset()) -> set[str]:
    """The named thresholds a condition uses (through the named conditions it refers to, when
    `named` is given)."""
    if isinstance(cond, list):
        return {t for c in cond for t in thresholds_named(c, named, seen)}
    if not isinstance(cond, dict):
        return set()
    if set(cond) == {"threshold"} and isinstance(cond["threshold"], str):
        return {cond["threshold"]}
    ref = cond.get("ref")
    if named is not None and isinstance(ref, str) and ref in named and ref not in seen:
        return thresholds_named(named[ref], named, seen | {ref})
    return {t for v in cond.values() for t in thresholds_named(v, named, seen)}


Predicate = Callable[[Facts], bool]


def always(_facts: Facts) -> bool:
    """The predicate of a missing condition."""
    return True


def compile_condition(cond: Condition | None, named: Mapping[str, Predicate]) -> Predicate:
    """A checked, resolved condition as a function of the facts, built once when the file loads;
    it gives what `holds` gives. `named` maps a named condition to its predicate (looked up when
    called, so the named conditions may be compiled in any order)."""
    if cond is None:
        return always
    if "all" in cond or "any" in cond:
        return _compile_group(cond, named)
    if "not" in cond:
        inner = compile_condition(cond["not"], named)
        return lambda f: not inner(f)
    if "ref" in cond:
        name = cond["ref"]
        return lambda f: named[name](f)
    if "any_line" in cond:
        line = compile_condition(cond["any_line"], named)

        def any_line(f: Facts) -> bool:
            for ln in f["_lines"]:  # noqa: SIM110 - a loop, no generator per call
                if line(ln):
                    return True
            return False
        return any_line
    if "last_line" in cond:
        where = compile_condition(cond["last_line"]["where"], named)
        then = compile_condition(cond["last_line"]["then"], named)

        def last(f: Facts) -> bool:
            for ln in reversed(f["_lines"]):
                if where(ln):
                    return then(ln)
            return False
        return last
    return _compile_comparison(cond)


def _compile_group(cond: Condition, named: Mapping[str, Predicate]) -> Predicate:
    parts = [compile_condition(c, named) for c in cond.get("all") or cond["any"]]
    join = _both if "all" in cond else _either
    pred = parts.pop()
    while parts:  # nested pairs: no generator per call
        pred = join(parts.pop(), pred)
    return pred


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda f: first(f) and second(f)


def _either(first: Predicate, second: Predicate) -> Predicate:
    return lambda f: first(f) or second(f)


def _compile_comparison(cond: Condition) -> Predicate:
    op = cond["op"]
    if "days" in cond:
        names = cond["days"]
        return _compile_on(lambda f: _days(f, names), op, cond.get("value"))
    key = cond["field"]
    if op == "is_null":
        return lambda f: f.get(key) is None
    if op == "not_null":
        return lambda f: f.get(key) is not None
    if op in EMPTY_OPS:
        empty = op == "is_empty"
        return lambda f: (not f.get(key)) == empty
    value = cond["value"]
    if op == "eq":
        return lambda f: (a := f.get(key)) is not None and a == value
    if op in ("in", "not_in"):
        members, inside = frozenset(value), op == "in"
        return lambda f: (a := f.get(key)) is not None and (a in members) == inside
    if op == "contains":
        return lambda f: (a := f.get(key)) is not None and value in a
    if op == "contains_any":
        wanted = frozenset(value)
        return lambda f: (a := f.get(key)) is not None and (
            not wanted.isdisjoint(a) if isinstance(a, list) else any(x in a for x in value))
    if op in _ORDERED:
        order = _ORDERED[op]  # a C function giving a bool for the numbers and dates compared
        return lambda f: (a := f.get(key)) is not None and order(a, value)
    compare = COMPARISONS[op]
    return lambda f: (a := f.get(key)) is not None and bool(compare(a, value))


def _compile_on(read: Callable[[Facts], Any], op: str, value: Any) -> Predicate:
    if op in NULL_OPS:
        null = op == "is_null"
        return lambda f: (read(f) is None) == null
    compare = COMPARISONS[op]
    return lambda f: (a := read(f)) is not None and bool(compare(a, value))
