"""The walk runs the file's conditions compiled once at load; the explanations read them with the
interpreter (`holds`). Both must give the same answer for every condition of the file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import default_pathway
from gepnet_desktop.pathway.conditions import holds
from gepnet_desktop.pathway.facts import case_facts
from tests.strategies import valid_cases


def _case_conditions(pathway):
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
    for r in pathway.record_warnings:
        yield f"record warning {r.code}", r.when, r.test
    for name, cond in pathway.conditions.items():
        yield f"condition {name}", cond, pathway.named_tests[name]
    for e in pathway.newer_evidence:
        yield f"newer {e['id']}", e.get("applies_when"), pathway.newer_tests[e["id"]]


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(obj=valid_cases())
def test_compiled_and_interpreted_conditions_agree(obj: dict) -> None:
    pathway = default_pathway()
    facts = case_facts(validate_case(obj).case, pathway)
    for label, cond, test in _case_conditions(pathway):
        assert test(facts) == holds(cond, facts), label
