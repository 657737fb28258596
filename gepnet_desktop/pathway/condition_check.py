"""Checks one condition of a pathway file against the facts it may name (conditions.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..case.fields import FIELDS_BY_KEY, LINE_FIELDS_BY_KEY, REGIMENS, VALUE_GROUPS, WHO_GRADES
from .conditions import COMPARISONS, EMPTY_OPS, NULL_OPS

# Derived facts a condition may name besides the case fields: (kind, allowed values).
DERIVED_FACTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "who_grade": ("enum", WHO_GRADES),
    "progressed": ("enum_list", tuple(REGIMENS)),
    "intolerant": ("enum_list", tuple(REGIMENS)),
    "excluded": ("enum_list", tuple(REGIMENS)),
    "toxicity_kept": ("enum_list", tuple(REGIMENS)),
    "shared_drug_toxicity": ("enum_list", tuple(REGIMENS)),
    "receiving": ("enum_list", tuple(REGIMENS)),
    "progression_documented": ("bool", ()),
    "prior_lines": ("int", ()),
    "current_regimen": ("enum", tuple(REGIMENS)),
}
# Facts of one line of therapy, inside `any_line` / `last_line`, besides its fields.
LINE_DERIVED: dict[str, tuple[str, tuple[str, ...]]] = {"anti_tumour": ("bool", ())}
# What a line condition may name, for the sentences that refuse anything else.
LINE_FACTS = ("a line's facts (" + ", ".join(
    [*(k for k, s in LINE_FIELDS_BY_KEY.items() if s.kind != "text"), *LINE_DERIVED])
    + ") and 'days'")
OPTION_PLACEHOLDER = "$option"


@dataclass(frozen=True)
class Scope:
    """What a condition may name where it stands."""

    thresholds: Mapping[str, Any] = field(default_factory=dict)
    named: Mapping[str, Any] = field(default_factory=dict)  # the file's named conditions
    line: bool = False  # inside a line quantifier
    option_placeholder: bool = False  # a common caution: "$option" stands for each option
    via: tuple[str, ...] = ()  # the named conditions read of a line on the way here
    origin: str = ""  # where the first of them is named
    checked: set[str] | None = None  # those already checked on this way (each once)


def fact_kind(name: str, line: bool = False) -> tuple[str, tuple[str, ...]] | None:
    """The kind and value set of a fact a condition may name, or None if unknown."""
    if line:
        if name in LINE_DERIVED:
            return LINE_DERIVED[name]
        spec = LINE_FIELDS_BY_KEY.get(name)
        return None if spec is None or spec.kind == "text" else (spec.kind, spec.values)
    if name in DERIVED_FACTS:
        return DERIVED_FACTS[name]
    spec = FIELDS_BY_KEY.get(name)
    if spec is None or spec.kind in ("text", "date"):
        return None
    return spec.kind, spec.values


def _value_ok(kind: str, values: tuple[str, ...], v: Any, scope: Scope) -> bool:
    if kind in ("enum", "enum_list"):
        return isinstance(v, str) and (v in values or (
            scope.option_placeholder and v == OPTION_PLACEHOLDER))
    if kind == "bool":
        return isinstance(v, bool)
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _expand(value: Any, scope: Scope) -> tuple[Any, str | None]:
    """A threshold or group reference replaced by what it names, or a sentence why not."""
    if isinstance(value, dict) and set(value) == {"threshold"}:
        name = value["threshold"]
        if name not in scope.thresholds:
            return None, f"names unknown threshold {name!r}"
        return scope.thresholds[name].get("value"), None
    if isinstance(value, dict) and set(value) == {"group"}:
        name = value["group"]
        if name not in VALUE_GROUPS:
            return None, f"names unknown group {name!r} (known: {', '.join(VALUE_GROUPS)})"
        return list(VALUE_GROUPS[name]), None
    return value, None


def _composite(cond: dict[str, Any], where: str, scope: Scope) -> list[str] | None:
    """Problems of all/any/not/ref and the line quantifiers; None for a comparison."""
    for key in ("all", "any"):
        if key in cond:
            if set(cond) != {key} or not isinstance(cond[key], list) or not cond[key]:
                return [f"{where}: '{key}' must be the only key and hold a non-empty list"]
            return [p for c in cond[key] for p in check_condition(c, where, scope)]
    for key in ("not", "ref", "any_line", "last_line"):
        if key in cond and set(cond) != {key}:
            return [f"{where}: '{key}' must be the only key of its condition"]
    if "not" in cond:
        return check_condition(cond["not"], where, scope)
    if "ref" in cond:
        return _check_ref(cond["ref"], where, scope)
    if scope.line and ("any_line" in cond or "last_line" in cond):
        return [f"{where}: a line condition cannot hold another line quantifier; it reads one "
                f"line and may name only {LINE_FACTS}"]
    inner = replace(scope, line=True)
    if "any_line" in cond:
        return check_condition(cond["any_line"], where, inner)
    if "last_line" in cond:
        spec = cond["last_line"]
        if not isinstance(spec, dict) or set(spec) != {"where", "then"}:
            return [f"{where}: 'last_line' needs exactly 'where' and 'then'"]
        return [*check_condition(spec["where"], where, inner),
                *check_condition(spec["then"], where, inner)]
    return None


def _check_ref(name: Any, where: str, scope: Scope) -> list[str]:
    """A named condition: known; inside a line condition, its contents are read of one line,
    so they are checked as a line condition too (with the named conditions they name, each
    once; a loop is the cycle check's sentence)."""
    if not isinstance(name, str) or name not in scope.named:
        return [f"{where}: names unknown condition {name!r}"]
    checked = set() if scope.checked is None else scope.checked
    if not scope.line or name in checked:
        return []
    checked.add(name)
    origin, via = scope.origin or where, (*scope.via, name)
    inner = replace(scope, via=via, origin=origin, checked=checked, option_placeholder=False)
    chain = " -> ".join(repr(n) for n in via)
    return check_condition(scope.named[name],
                           f"{origin} (condition {chain}, inside a line condition)", inner)


def check_condition(cond: Any, where: str, scope: Scope | None = None) -> list[str]:
    """Problems with one condition; `where` names its place ("edge a->b")."""
    scope = scope or Scope()
    if not isinstance(cond, dict):
        return [f"{where}: a condition must be an object"]
    found = _composite(cond, where, scope)
    if found is not None:
        return found
    if "days" in cond:
        return _check_days(cond, where, scope)
    extra = set(cond) - {"field", "op", "value"}
    if extra:
        return [f"{where}: unknown condition key {sorted(extra)[0]!r}"]
    name, op = cond.get("field"), cond.get("op")
    kind = fact_kind(name, scope.line) if isinstance(name, str) else None
    if kind is None:
        if not scope.line:
            return [f"{where}: condition names unknown case field {name!r}"]
        if isinstance(name, str) and fact_kind(name) is not None:
            return [f"{where}: names {name!r}, a fact of the case; a line condition reads one "
                    f"line and may name only {LINE_FACTS}"]
        return [f"{where}: condition names unknown line field {name!r} (a line condition may "
                f"name only {LINE_FACTS})"]
    if op in NULL_OPS:
        return [f"{where}: {op} on {name} takes no value"] if "value" in cond else []
    fkind, values = kind
    if op in EMPTY_OPS:
        ok = fkind == "enum_list" and "value" not in cond
        return [] if ok else [f"{where}: {op} takes a list fact and no value ({name})"]
    if op not in COMPARISONS:
        return [f"{where}: unknown operator {op!r} on {name}"]
    value, problem = _expand(cond.get("value"), scope)
    if problem:
        return [f"{where}: {problem}"]
    if op in ("lt", "le", "gt", "ge"):
        ok = fkind in ("int", "number") and _value_ok(fkind, values, value, scope)
    elif op in ("contains", "contains_any"):
        items = value if op == "contains_any" and isinstance(value, list) else [value]
        ok = fkind == "enum_list" and (op == "contains" or isinstance(value, list)) and all(
            _value_ok(fkind, values, v, scope) for v in items)
    elif op in ("in", "not_in"):
        ok = fkind != "enum_list" and isinstance(value, list) and bool(value) and all(
            _value_ok(fkind, values, v, scope) for v in value)
    else:
        ok = fkind != "enum_list" and _value_ok(fkind, values, value, scope)
    return [] if ok else [f"{where}: value {cond.get('value')!r} does not fit {op} on {name}"]


def _check_days(cond: dict[str, Any], where: str, scope: Scope) -> list[str]:
    names = cond.get("days")
    if not scope.line:
        return [f"{where}: 'days' compares a line's dates, so it stands inside a line condition"]
    if set(cond) != {"days", "op", "value"} or not isinstance(names, list) or len(names) != 2 \
            or not all(LINE_FIELDS_BY_KEY.get(n) is not None and
                       LINE_FIELDS_BY_KEY[n].kind == "date" for n in names):
        return [f"{where}: 'days' needs two line dates, an operator and a number"]
    value, problem = _expand(cond["value"], scope)
    if problem:
        return [f"{where}: {problem}"]
    if cond["op"] not in ("lt", "le", "gt", "ge", "eq", "ne") or not _value_ok(
            "number", (), value, scope):
        return [f"{where}: value {cond['value']!r} does not fit {cond['op']} on days"]
    return []
