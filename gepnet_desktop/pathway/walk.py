"""Walks a validated case through a pathway (pathway-spec.md) and returns the evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..case.model import Case
from ..i18n import language
from . import explain
from .access import AccessEntry as AccessEntry  # summary.py takes it from here
from .access import access_for
from .facts import case_facts
from .loader import PathwayError, default_pathway
from .model import Node, Pathway

CONTRACT_KEYS = ("who_grade", "status", "path", "recommendation_node", "options",
                 "symptom_control", "missing", "warnings", "current_regimen")


@dataclass(frozen=True)
class OptionResult:
    """An option at the end of the path, with the cautions that apply to this patient."""

    id: str
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why the walk went the way it did at one node of the path."""

    node: str
    text: str


@dataclass
class Evaluation:
    """The result of a walk: the contract's keys plus explanations and the edges taken."""

    who_grade: str | None
    status: str  # "recommendation" or "needs_data"
    path: list[str]
    recommendation_node: str | None
    options: list[OptionResult]
    symptom_control: list[str]
    missing: list[str]
    warnings: list[str]
    current_regimen: str | None
    failed: list[str] = field(default_factory=list)  # the regimens left out (excluded)
    explanations: list[Explanation] = field(default_factory=list)
    access: list[AccessEntry] = field(default_factory=list)  # one per option, in option order
    newer_evidence: list[str] = field(default_factory=list)  # ids of newer trials that apply
    pathway_id: str = ""
    pathway_version: str = ""

    @property
    def path_edges(self) -> list[str]:
        """Edge ids (`from->to`) along the path, in order."""
        return [f"{a}->{b}" for a, b in zip(self.path, self.path[1:], strict=False)]

    @property
    def stop_node(self) -> str | None:
        """The node where the walk stopped for missing data, if it did."""
        return self.path[-1] if self.status == "needs_data" else None

    def to_contract(self) -> dict[str, Any]:
        """Exactly the JSON object of the contract, keys in CONTRACT_KEYS order."""
        out = {key: getattr(self, key) for key in CONTRACT_KEYS}
        out["options"] = [{"id": o.id, "cautions": list(o.cautions)} for o in self.options]
        return {k: list(v) if isinstance(v, list) else v for k, v in out.items()}

    def to_json(self, *, explain: bool = False) -> dict[str, Any]:
        """The contract's object; `explain` adds the pathway id and version and the reasons."""
        out = self.to_contract()
        if explain:
            out["pathway"] = {"id": self.pathway_id, "version": self.pathway_version}
            out["explanations"] = [{"node": e.node, "text": e.text} for e in self.explanations]
            out["access"] = [a.to_json() for a in self.access]
            out["newer_evidence"] = list(self.newer_evidence)
        return out


def _cautions(pathway: Pathway, option_id: str, facts: dict[str, Any]) -> tuple[str, ...]:
    return tuple([code for code, test in pathway.caution_tests[option_id] if test(facts)])


def evaluate(case: Case, pathway: Pathway | None = None, *, lang: str = "en",
             explain_steps: bool = True, with_access: bool = True) -> Evaluation:
    """Walk one validated case; explanations and access texts are written in `lang`.

    Without `explain_steps` no explanation is written, without `with_access` no Korean access
    entry (the store's refresh, bulk work: `evaluate --json` without `--explain`)."""
    pathway = pathway or default_pathway()
    lang = language(lang)
    facts = case_facts(case, pathway)
    result = Evaluation(
        who_grade=facts["who_grade"], status="needs_data", path=[], recommendation_node=None,
        options=[], symptom_control=list(pathway.symptom_control.get(
            case.functional_syndrome or "", [])),
        missing=[], warnings=[r.code for r in pathway.record_warnings if r.test(facts)],
        current_regimen=facts["current_regimen"], failed=list(facts["excluded"]),
        pathway_id=pathway.id, pathway_version=pathway.version,
    )
    node: Node | None = pathway.start
    path, most = result.path, len(pathway.nodes)
    step_lang = lang if explain_steps else ""
    while node is not None:
        if len(path) > most:  # a loop the schema check did not catch
            raise PathwayError([f"{pathway.path or pathway.id}: the walk passed more nodes than "
                                "the file has; check its edges for a loop"])
        path.append(node.id)
        node = _visit(node, pathway, facts, result, step_lang)
    if result.status == "recommendation":
        _finish(pathway, facts, result, lang, explain_steps, with_access)
    result.newer_evidence = [name for name, test in pathway.newer_pairs if test(facts)]
    return result


def _finish(pathway: Pathway, facts: dict[str, Any], result: Evaluation, lang: str,
            explain_steps: bool, with_access: bool) -> None:
    """The final rules (frailty), then Korean access per option."""
    for rule in pathway.final_rules:
        if rule.test(facts):
            rest = [o for o in result.options if o.id != rule.put_first]
            first = OptionResult(rule.put_first, _cautions(pathway, rule.put_first, facts))
            result.options = [first, *rest]
            if rule.warning not in result.warnings:
                result.warnings.append(rule.warning)
            if explain_steps:
                result.explanations.append(Explanation(
                    result.recommendation_node or "", explain.put_first_sentence(
                        rule.put_first, facts, lang)))
    if with_access:
        result.access = [access_for(pathway.options[o.id], facts, lang)
                         for o in result.options]


def _base_options(node: Node, facts: dict[str, Any]) -> list[str]:
    refs = next((a.options for a in node.alternatives if a.test(facts)), node.options)
    return list(dict.fromkeys(o.id for o in refs if o.test(facts)))


def _visit(node: Node, pathway: Pathway, facts: dict[str, Any], result: Evaluation,
           lang: str) -> Node | None:
    """Apply one node to the result; the next node, or None where the walk ends.

    `lang` "" writes no explanation."""
    for stop in node.stop_when_missing:
        if facts.get(stop.field) is None:
            result.missing = [stop.report]
            if lang:
                result.explanations.append(Explanation(node.id, explain.stop_sentence(
                    stop.report, lang)))
            return None
    for rule in node.warnings:
        if rule.code not in result.warnings and rule.test(facts):
            result.warnings.append(rule.code)
    edges = pathway.out_edges[node.id]
    if node.kind == "treatment":
        base = _base_options(node, facts)
        left = [o for o in base if o not in facts["excluded"]] if node.filter_excluded else base
        if lang:
            result.explanations.extend(Explanation(node.id, t) for t in explain.removed_sentences(
                [o for o in base if o not in left], facts, pathway, lang))
        if left:
            result.status = "recommendation"
            result.recommendation_node = node.id
            result.options = [OptionResult(o, _cautions(pathway, o, facts)) for o in left]
            return None
        onward = next((e for e in edges if e.trigger == "exhausted"), None)
        if onward is None:
            raise PathwayError([f"{pathway.path or pathway.id}: node {node.id!r} has no option "
                                "left and no 'exhausted' edge"])
        if lang:
            result.explanations.append(Explanation(node.id, explain.exhausted_sentence(lang)))
        return pathway.nodes[onward.target]
    for edge in edges:
        if edge.trigger != "exhausted" and edge.test(facts):
            if edge.when is not None and lang:
                result.explanations.append(Explanation(
                    node.id, explain.decision_sentence(edge, facts, lang)))
                result.explanations.extend(Explanation(node.id, t) for t in
                                           explain.history_sentences(edge, facts, pathway, lang))
            return pathway.nodes[edge.target]
    raise PathwayError([f"{pathway.path or pathway.id}: node {node.id!r} has no edge that fits "
                        "this case"])
