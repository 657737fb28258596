"""The file's conditions (conditions.py) compiled once, when the file loads, each into one Python
function of the facts: the whole condition is one expression that reads the Case, its Lines
and the derived values directly (`f.case.ki67_percent >= k0 and ...`), so that a walk calls one
function per condition and builds no dict.

Only names this module checks (a known case or line field, a derived value) and names it makes
(`k0`, `t1`) are written into the source; every value of the file (a literal, a set of values,
another compiled condition) is passed beside it, never written into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..case.fields import LINE_FIELDS_BY_KEY, SYMPTOM_AGENTS
from ..case.model import FIELD_ATTRIBUTES, Line
from .conditions import COMPARISONS, Condition
from .facts import DERIVED

Predicate = Callable[[Any], bool]  # of a Facts, or of a Line inside a line quantifier
_LINE_ATTRIBUTES = frozenset(LINE_FIELDS_BY_KEY)
_DERIVED = frozenset(DERIVED)
_ORDERED = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "ne": "!="}


class ConditionError(ValueError):
    """A condition that cannot be compiled where it stands (the checks refuse it first)."""


def always(_facts: Any) -> bool:
    """The predicate of a missing condition."""
    return True


def compile_condition(cond: Condition | None, named: Mapping[str, Predicate],
                      line: bool = False, conditions: Mapping[str, Condition] | None = None
                      ) -> Predicate:
    """A checked, resolved condition as one function of the facts (of a Line with `line`).

    `named` maps a named condition to its function: one already there is called directly,
    another is looked up when called (so the named conditions may be compiled in any order;
    in `named_order`, no look-up is left). A named condition inside a line condition is read
    of the line, from its definition in `conditions` (the file's named conditions)."""
    if cond is None:
        return always
    source = _Source(named, conditions)
    var = "ln" if line else "f"
    return source.function(var, source.expr(cond, var))


def compile_codes(rules: Sequence[tuple[str, Condition | None]], named: Mapping[str, Predicate],
                  conditions: Mapping[str, Condition] | None = None
                  ) -> Callable[[Any], list[str]]:
    """Rules as (code, condition), compiled into one function of the facts giving the codes
    of the rules that hold, in order (an option's cautions, the record warnings)."""
    source = _Source(named, conditions)
    body = "".join(f"    if {'True' if cond is None else source.expr(cond, 'f')}:\n"
                   f"        out.append({source.value(code)})\n" for code, cond in rules)
    codes: Callable[[Any], list[str]] = source.define(
        f"def condition(f):\n    out = []\n{body}    return out\n")
    return codes


def compile_rank(conds: Sequence[Condition], named: Mapping[str, Predicate],
                 conditions: Mapping[str, Condition] | None = None) -> Callable[[Line], int]:
    """Line conditions compiled into one function of a line giving the index of the first
    that it fits (len(conds) when it fits none): the current-line rules."""
    source = _Source(named, conditions)
    expr = "".join(f"{i} if {source.expr(c, 'ln')} else " for i, c in enumerate(conds))
    rank: Callable[[Line], int] = source.define(
        f"def condition(ln):\n    return {expr}{len(conds)}\n")
    return rank


def named_order(named: Mapping[str, Any]) -> list[str]:
    """The named conditions in an order where each comes after those it refers to (the
    schema has checked that none refers back to itself)."""
    out: dict[str, None] = {}

    def visit(name: str) -> None:
        if name not in out:
            for ref in _refs(named[name]):
                if ref in named:
                    visit(ref)
            out[name] = None

    for name in named:
        visit(name)
    return list(out)


def _refs(cond: Any) -> list[str]:
    if isinstance(cond, list):
        return [r for c in cond for r in _refs(c)]
    if not isinstance(cond, dict):
        return []
    own = [cond["ref"]] if isinstance(cond.get("ref"), str) else []
    return own + [r for v in cond.values() for r in _refs(v)]


def _days(first: str | None, second: str | None) -> int | None:
    """The days from one date to another; None while either is unknown."""
    if first is None or second is None:
        return None
    return (dt.date.fromisoformat(second) - dt.date.fromisoformat(first)).days


def _last_line(lines: list[Line], where: Predicate, then: Predicate) -> bool:
    """Whether the last line fitting `where` fits `then` (false when none fits `where`)."""
    for ln in reversed(lines):
        if where(ln):
            return then(ln)
    return False


def _contains_any(actual: Any, wanted: frozenset[Any], values: Iterable[Any]) -> bool:
    if isinstance(actual, list):
        return not wanted.isdisjoint(actual)
    return any(x in actual for x in values)


class _Source:
    """The source of one compiled condition and the values passed beside it."""

    def __init__(self, named: Mapping[str, Predicate],
                 conditions: Mapping[str, Condition] | None) -> None:
        self.named, self.conditions = named, conditions
        self.values: dict[str, Any] = {"any_": any, "map_": map, "days_": _days,
                                       "last_line_": _last_line, "contains_any_": _contains_any}
        self.count = 0

    def function(self, var: str, expr: str) -> Predicate:
        fn: Predicate = self.define(f"def condition({var}):\n    return {expr}\n")
        return fn

    def define(self, source: str) -> Any:
        """The function `condition` that `source` defines."""
        exec(compile(source, "<pathway condition>", "exec"), self.values)  # names checked here
        return self.values["condition"]

    def value(self, value: Any) -> str:
        """A name for a value passed beside the source."""
        self.count += 1
        name = f"k{self.count}"
        self.values[name] = value
        return name

    def temp(self) -> str:
        self.count += 1
        return f"t{self.count}"

    def expr(self, cond: Condition, var: str) -> str:
        """The Python expression of `cond` for the facts (or line) named `var`."""
        if "all" in cond:
            return "(" + " and ".join(self.expr(c, var) for c in cond["all"]) + ")"
        if "any" in cond:
            return "(" + " or ".join(self.expr(c, var) for c in cond["any"]) + ")"
        if "not" in cond:
            return f"(not {self.expr(cond['not'], var)})"
        if "ref" in cond:
            name = cond["ref"]
            if var == "ln":  # read of the line itself, from its definition
                if self.conditions is None or name not in self.conditions:
                    raise ConditionError(f"condition {name!r} stands inside a line condition "
                                         "without its definition")
                return self.expr(self.conditions[name], var)
            named = self.named
            fn = named[name] if name in named else (lambda f: named[name](f))
            return f"{self.value(fn)}({var})"
        if var == "ln" and ("any_line" in cond or "last_line" in cond):
            raise ConditionError("a line condition cannot hold another line quantifier")
        if "any_line" in cond:
            inner = compile_condition(cond["any_line"], self.named, True, self.conditions)
            return f"any_(map_({self.value(inner)}, {var}.lines))"
        if "last_line" in cond:
            spec = cond["last_line"]
            where = compile_condition(spec["where"], self.named, True, self.conditions)
            then = compile_condition(spec["then"], self.named, True, self.conditions)
            return f"last_line_({var}.lines, {self.value(where)}, {self.value(then)})"
        if "days" in cond:
            first, second = (self.read(n, var) for n in cond["days"])
            return self.compare(f"days_({first}, {second})", cond["op"], cond.get("value"))
        return self.compare(self.read(cond["field"], var), cond["op"], cond.get("value"))

    def read(self, name: str, var: str) -> str:
        """The expression reading fact `name` of the facts (`f`) or a line (`ln`)."""
        if var == "ln":
            if name == "anti_tumour":
                return f"({var}.regimen not in {self.value(frozenset(SYMPTOM_AGENTS))})"
            if name in _LINE_ATTRIBUTES and name.isidentifier():
                return f"{var}.{name}"
            return f"getattr({var}, {self.value(name)}, None)"
        if name in _DERIVED and name.isidentifier():
            return f"{var}.{name}"
        if name in FIELD_ATTRIBUTES and name.isidentifier():
            return f"{var}.case.{name}"
        return f"{var}.case.more.get({self.value(name)})"  # a field added since (Case.more)

    def compare(self, read: str, op: str, value: Any) -> str:
        """One comparison of the fact `read` gives with `value` (false while it is unknown)."""
        if op in ("is_null", "not_null"):
            return f"({read} is {'' if op == 'is_null' else 'not '}None)"
        if op in ("is_empty", "not_empty"):
            return f"(not {read})" if op == "is_empty" else f"(not not {read})"
        if op == "eq":  # the value is never null: an unknown fact is never equal to it
            return f"({read} == {self.value(value)})"
        if op == "in":  # nor is any member
            return f"({read} in {self.value(frozenset(value))})"
        t = self.temp()
        known = f"({t} := {read}) is not None"
        if op == "not_in":
            return f"({known} and {t} not in {self.value(frozenset(value))})"
        if op in _ORDERED:
            return f"({known} and {t} {_ORDERED[op]} {self.value(value)})"
        if op == "contains":
            return f"({known} and {self.value(value)} in {t})"
        if op == "contains_any":
            return (f"({known} and contains_any_({t}, {self.value(frozenset(value))}, "
                    f"{self.value(value)}))")
        return f"({known} and bool({self.value(COMPARISONS[op])}({t}, {self.value(value)})))"
