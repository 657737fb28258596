"""The walk runs the file's conditions compiled once at load, reading the Case and its Lines
directly. Here they are checked against an interpreter of the condition language written from
conditions.py's docstring alone (reading every fact by name), condition by condition, and the
whole walk against the hand-written walk (reference_walk.py), on many random cases and on every
vignette."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from gepnet_desktop.bundled import resource_path
from gepnet_desktop.case import validate_case
from gepnet_desktop.case.fields import VALUE_GROUPS
from gepnet_desktop.case.model import Case, Line
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.pathway.compiler import compile_condition
from gepnet_desktop.pathway.conditions import resolve
from gepnet_desktop.pathway.facts import Facts
from gepnet_desktop.pathway.loader import DEFAULT_PATHWAY
from tests.conftest import load_vignettes
from tests.pathway.reference_walk import derive, reference_access, reference_evaluate

ORDER = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "in": lambda a, b: a in b,
         "not_in": lambda a, b: a not in b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
         "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b, "contains": lambda a, b: b in a,
         "contains_any": lambda a, b: any(x in a for x in b)}


def _line_fact(line: Line, name: str) -> Any:
    if name == "anti_tumour":
        return line.regimen not in ("telotristat", "diazoxide", "high_dose_ppi")
    return getattr(line, name)


def holds(cond: dict | None, facts: Facts, line: Line | None = None) -> bool:
    """The condition's value, read from its definition (conditions.py) each time."""
    if cond is None:
        return True
    named = default_pathway().conditions
    if "all" in cond:
        return all(holds(c, facts, line) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, facts, line) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], facts, line)
    if "ref" in cond:
        return holds(named[cond["ref"]], facts, line)
    if "any_line" in cond:
        return any(holds(cond["any_line"], facts, ln) for ln in facts.case.lines)
    if "last_line" in cond:
        hits = [ln for ln in facts.case.lines if holds(cond["last_line"]["where"], facts, ln)]
        return bool(hits) and holds(cond["last_line"]["then"], facts, hits[-1])
    if "days" in cond:
        first, second = (_line_fact(line, n) for n in cond["days"])
        actual = None if first is None or second is None else (
            dt.date.fromisoformat(second) - dt.date.fromisoformat(first)).days
    else:
        actual = _line_fact(line, cond["field"]) if line else facts.get(cond["field"])
    op = cond["op"]
    if op in ("is_null", "not_null"):
        return (actual is None) == (op == "is_null")
    if op in ("is_empty", "not_empty"):
        return (not actual) == (op == "is_empty")
    return actual is not None and bool(ORDER[op](actual, cond["value"]))


def _case_conditions(pathway) -> Iterator[tuple[str, Any, Any]]:
    """(label, raw condition, compiled predicate) for every case-level condition."""
    for e in pathway.edges:
        yield f"edge {e.id}", e.when, e.test
    for n in pathway.nodes.values():
        for r in n.warnings:
            yield f"node {n.id} warning {r.code}", r.when, r.test
        for a in n.alternatives:
            yield f"node {n.id} alternative", a.when, a.test
        for o in (*n.options, *(o for a in n.alternatives for o in a.options)):
            yield f"node {n.id} option {o.id}", o.when, o.test
    for o in pathway.options.values():
        for r in o.cautions:
            yield f"option {o.id} caution {r.code}", r.when, r.test
        for i, r in enumerate(o.access_rules):
            yield f"option {o.id} access rule {i}", r.when, r.test
    for r in (*pathway.record_warnings, *pathway.final_rules):
        yield f"rule {r}", r.when, r.test
    for name, cond in pathway.conditions.items():
        yield f"condition {name}", cond, pathway.named_tests[name]


def _random_cases(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    # Fewer unknowns than the benchmark's cases too, so that more walks end with options.
    return [random_case_dict(rng, code=f"T-{i}", p_unknown=(0.1, 0.02, 0.3)[i % 3])
            for i in range(n)]


CASES = [*_random_cases(1500, 13), *(v["case"] for v in load_vignettes())]


def _case(obj: dict) -> Case:
    result = validate_case(obj)
    assert result.ok, [str(p) for p in result.errors]
    assert result.case is not None
    return result.case


def test_every_compiled_condition_gives_what_the_interpreter_gives() -> None:
    pathway = default_pathway()
    conditions = [c for c in _case_conditions(pathway) if c[1] is not None]
    seen: set[tuple[str, bool]] = set()
    for obj in CASES:
        facts = Facts(_case(obj), pathway)
        for label, cond, test in conditions:
            value = test(facts)
            assert value == holds(cond, facts), (obj["case_code"], label)
            seen.add((label, value))
    # The cases reach both values of most conditions: a check that cannot fail proves nothing.
    both = {label for label, _, _ in conditions if (label, True) in seen and (label, False) in seen}
    assert len(both) > 0.8 * len(conditions), sorted({lb for lb, _, _ in conditions} - both)


def test_the_compiled_rule_lists_give_what_the_interpreter_gives() -> None:
    pathway = default_pathway()
    for obj in CASES:
        facts = Facts(_case(obj), pathway)
        for o in pathway.options.values():
            assert pathway.caution_codes[o.id](facts) == [
                r.code for r in o.cautions if holds(r.when, facts)], o.id
        assert pathway.record_codes(facts) == [
            r.code for r in pathway.record_warnings if holds(r.when, facts)]
        assert pathway.newer_codes(facts) == [
            e["id"] for e in pathway.newer_evidence if holds(e.get("applies_when"), facts)]


def test_the_current_line_rules_give_what_the_interpreter_gives() -> None:
    pathway = default_pathway()
    doc = json.loads(resource_path("pathways", DEFAULT_PATHWAY).read_text("utf-8"))
    raw = resolve(doc["lines"]["current"], {}, VALUE_GROUPS)
    seen = set()
    for obj in CASES:
        facts = Facts(_case(obj), pathway)
        for ln in facts.lines:
            values = [holds(c, facts, ln) for c in raw]
            first = values.index(True) if True in values else len(raw)
            assert pathway.line_rules.current(ln) == first
            seen.add(first)
    assert seen == set(range(len(raw) + 1))


@pytest.mark.parametrize("explain_steps,with_access", [(False, False), (True, True)])
def test_the_compiled_walk_agrees_with_the_hand_written_walk(explain_steps: bool,
                                                             with_access: bool) -> None:
    pathway = default_pathway()
    ends: set[str | None] = set()
    for obj in CASES:
        ev = evaluate(_case(obj), pathway, explain_steps=explain_steps, with_access=with_access)
        expected = reference_evaluate(obj)
        assert ev.to_contract() == expected, obj["case_code"]
        assert set(ev.failed) == derive(obj)["excluded"], obj["case_code"]
        assert len(ev.failed) == len(set(ev.failed))
        if with_access:
            assert [a.status for a in ev.access] == reference_access(obj, expected)
        assert bool(ev.explanations) == explain_steps
        ends.add(ev.recommendation_node)
    assert len(ends) > 12  # the cases reach most of the chart's ends


def test_the_file_s_values_and_names_are_never_run_as_code() -> None:
    # Values ride beside the generated source; a name the compiler does not know is read by
    # key (Case.more), never written into it.
    hostile = "x') or __import__('os').getcwd() or ('"
    fits = compile_condition({"field": "primary_site", "op": "eq", "value": hostile}, {})
    odd = compile_condition({"field": "a) or (1", "op": "is_null"}, {})
    facts = SimpleNamespace(case=SimpleNamespace(primary_site=hostile, more={"a) or (1": 2}))
    assert fits(facts) is True
    facts.case.primary_site = "pancreas"
    assert fits(facts) is False
    assert odd(facts) is False
    facts.case.more = {}
    assert odd(facts) is True
