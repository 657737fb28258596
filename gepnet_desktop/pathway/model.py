"""The loaded pathway: nodes, edges, options and texts, as read from its data file."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..case.model import Line
from .compiler import Predicate, always, compile_codes, compile_condition
from .conditions import Condition
from .facts import Reader

Labels = dict[str, str]
Codes = Callable[[Any], list[str]]  # of a Facts: the codes of the rules that hold


def text(labels: Labels | None, lang: str = "en") -> str:
    """A label in `lang`, falling back to English ("" for none)."""
    if not labels:
        return ""
    return labels.get(lang) or labels.get("en", "")


@dataclass(frozen=True)
class StopRule:
    """Stop the walk at this node when `field` is unknown, reporting `report` as missing."""

    field: str
    report: str
    read: Reader = dataclasses.field(compare=False, repr=False)  # reads `field` of the Facts


@dataclass(frozen=True)
class Rule:
    """A code (a warning, a caution) raised when its condition holds."""

    code: str
    when: Condition | None
    test: Predicate = field(default=always, compare=False, repr=False)  # `when`, compiled


@dataclass(frozen=True)
class OptionRef:
    """An option listed at a treatment node, when its condition holds."""

    id: str
    when: Condition | None
    test: Predicate = field(default=always, compare=False, repr=False)  # `when`, compiled


@dataclass(frozen=True)
class OptionList:
    """A treatment node's options for the cases its condition fits (None: every case)."""

    when: Condition | None
    options: tuple[OptionRef, ...]
    test: Predicate = field(default=always, compare=False, repr=False)  # `when`, compiled


@dataclass(frozen=True)
class Node:
    """One box of the chart."""

    id: str
    kind: str  # start, decision, group, treatment, action
    label: Labels
    x: float
    y: float
    w: float
    h: float
    provenance: str
    question: Labels | None = None
    stop_when_missing: tuple[StopRule, ...] = ()
    warnings: tuple[Rule, ...] = ()
    options: tuple[OptionRef, ...] = ()
    citations: tuple[str, ...] = ()
    filter_excluded: bool = True
    alternatives: tuple[OptionList, ...] = ()  # tried in order before `options`


@dataclass(frozen=True)
class Edge:
    """An arrow between two boxes; `trigger` "exhausted" leaves a treatment with no option left."""

    source: str
    target: str
    label: Labels | None
    when: Condition | None
    provenance: str
    trigger: str = ""
    test: Predicate = field(default=always, compare=False, repr=False)  # `when`, compiled

    @property
    def id(self) -> str:
        return f"{self.source}->{self.target}"


@dataclass(frozen=True)
class AccessRule:
    """A dated Korean access criterion: the status and text when its condition holds."""

    status: str
    when: Condition | None
    text: Labels
    as_of: str
    citations: tuple[str, ...]
    test: Predicate = field(default=always, compare=False, repr=False)  # `when`, compiled


@dataclass(frozen=True)
class Option:
    """A regimen as shown to the clinician: name, dose as published, citations, access note."""

    id: str
    name: Labels
    drug_class: str
    dose: Labels | None
    citations: tuple[str, ...]
    access_kr: dict[str, Any] | None
    cautions: tuple[Rule, ...]
    provenance: str = "inferred"
    access_rules: tuple[AccessRule, ...] = ()


@dataclass(frozen=True)
class LineRules:
    """How the lines of therapy are read (pathway-spec.md, Inputs): which outcomes are a
    progression or a toxicity, class implications, regimens kept after a toxicity, drug
    composition, regimens judged by a named condition, and the current-line rules."""

    progression_outcomes: tuple[str, ...]
    toxicity_outcomes: tuple[str, ...]
    progression_implies: dict[str, tuple[str, ...]]
    kept_after_toxicity: tuple[str, ...]
    drugs: dict[str, tuple[str, ...]]
    judged_by_condition: dict[str, str]
    current: Callable[[Line], int]  # the index of the first current-line rule a line fits
    current_rules: int  # how many there are (what `current` gives for a line fitting none)
    progressing_paces: tuple[str, ...]
    # regimen -> the other regimens sharing a drug with it (from `drugs`, built once)
    sharing: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        held = {r: frozenset(d) for r, d in self.drugs.items()}
        self.sharing.update({r: frozenset(o for o, other in held.items()
                                          if o != r and mine & other)
                             for r, mine in held.items()})


@dataclass(frozen=True)
class FinalRule:
    """Applied when the walk ends with a recommendation: an option put first, a warning last."""

    when: Condition | None
    put_first: str
    warning: str
    test: Predicate = field(default=always, compare=False, repr=False)  # `when`, compiled


@dataclass(eq=False)
class Step:
    """One node as the walk applies it, built once per file: its compiled stops and warnings,
    the edges it decides between (with the step each leads to), the step after its options
    are exhausted, and a treatment's option lists as (id, test; None when unconditional)."""

    node: Node
    stops: tuple[tuple[Reader, str], ...]
    warnings: tuple[tuple[str, Predicate], ...]
    treatment: bool
    decisions: list[tuple[Predicate, Step, Edge]] = field(default_factory=list)
    exhausted: Step | None = None
    alternatives: tuple[tuple[Predicate, tuple[tuple[str, Predicate | None], ...]], ...] = ()
    options: tuple[tuple[str, Predicate | None], ...] = ()
    repeats: bool = False  # an option list names an option twice: keep its first


def _refs(refs: tuple[OptionRef, ...]) -> tuple[tuple[str, Predicate | None], ...]:
    return tuple((o.id, None if o.when is None else o.test) for o in refs)


def _steps(pathway: Pathway) -> dict[str, Step]:
    steps = {nid: Step(n, tuple((s.read, s.report) for s in n.stop_when_missing),
                       tuple((r.code, r.test) for r in n.warnings), n.kind == "treatment",
                       alternatives=tuple((a.test, _refs(a.options)) for a in n.alternatives),
                       options=_refs(n.options),
                       repeats=any(len({o.id for o in refs}) != len(refs) for refs in (
                           n.options, *(a.options for a in n.alternatives))))
             for nid, n in pathway.nodes.items()}
    for nid, step in steps.items():
        edges = pathway.out_edges[nid]
        step.decisions = [(e.test, steps[e.target], e) for e in edges if e.trigger != "exhausted"]
        step.exhausted = next((steps[e.target] for e in edges if e.trigger == "exhausted"), None)
    return steps


@dataclass
class Pathway:
    """A pathway data file, checked and indexed."""

    id: str
    version: str
    title: Labels
    source: dict[str, Any]
    notice: Labels
    authors: list[str]
    changelog: list[dict[str, Any]]
    provenance_kinds: dict[str, Labels]
    nodes: dict[str, Node]
    edges: list[Edge]
    options: dict[str, Option]
    cautions: dict[str, Labels]  # code -> text
    caution_citations: dict[str, tuple[str, ...]]  # code -> reference keys
    warnings: dict[str, Labels]
    symptom_control: dict[str, list[str]]
    references: dict[str, str]
    newer_evidence: list[dict[str, Any]]
    line_rules: LineRules
    conditions: dict[str, Condition]  # named conditions, thresholds resolved
    named_tests: dict[str, Predicate]  # the named conditions, compiled
    thresholds: dict[str, dict[str, Any]]  # name -> value, unit, provenance, citations
    record_warnings: tuple[Rule, ...]
    final_rules: tuple[FinalRule, ...]
    path: Path | None = None
    access_statuses: dict[str, Labels] = field(default_factory=dict)  # status -> badge words
    out_edges: dict[str, list[Edge]] = field(default_factory=dict)
    # The parts of conditions the explanations have compiled: id -> (the part, its function);
    # the part is kept, so that its id stays its own.
    part_tests: dict[int, tuple[Condition, Predicate]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.out_edges = {nid: [] for nid in self.nodes}
        for edge in self.edges:
            self.out_edges[edge.source].append(edge)

    @cached_property
    def steps(self) -> dict[str, Step]:
        """The nodes as the walk applies them, by id (built once)."""
        return _steps(self)

    @cached_property
    def caution_codes(self) -> dict[str, Codes]:
        """Per option, one compiled function giving the codes of its cautions that apply."""
        return {o.id: compile_codes([(r.code, r.when) for r in o.cautions], self.named_tests,
                                    self.conditions)
                for o in self.options.values()}

    @cached_property
    def record_codes(self) -> Codes:
        """One compiled function giving the codes of the record warnings that apply."""
        return compile_codes([(r.code, r.when) for r in self.record_warnings], self.named_tests,
                             self.conditions)

    @cached_property
    def newer_codes(self) -> Codes:
        """One compiled function giving the ids of the newer evidence that applies, in file
        order."""
        return compile_codes([(e["id"], e.get("applies_when")) for e in self.newer_evidence],
                             self.named_tests, self.conditions)

    @cached_property
    def judged_tests(self) -> tuple[tuple[str, Predicate], ...]:
        """The regimens judged by a named condition, each with that condition compiled."""
        return tuple((r, self.named_tests[name])
                     for r, name in self.line_rules.judged_by_condition.items())

    def part_test(self, cond: Condition) -> Predicate:
        """One part of a condition of this file, compiled the first time it is asked for."""
        hit = self.part_tests.get(id(cond))
        if hit is None:
            hit = (cond, compile_condition(cond, self.named_tests, conditions=self.conditions))
            self.part_tests[id(cond)] = hit
        return hit[1]

    @cached_property
    def start(self) -> Node:
        return next(n for n in self.nodes.values() if n.kind == "start")

    def edge(self, source: str, target: str) -> Edge | None:
        """The edge from `source` to `target`, if there is one."""
        return next((e for e in self.out_edges.get(source, []) if e.target == target), None)
