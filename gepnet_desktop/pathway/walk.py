"""Walks a validated case through a pathway (pathway-spec.md) and returns the evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..case.model import Case
from ..i18n import language
from . import explain
from .access import AccessEntry as AccessEntry  # summary.py takes it from here
from .access import access_for
from .facts import Facts
from .loader import PathwayError, default_pathway
from .model import Pathway, Step

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


def _cautions(pathway: Pathway, option_id: str, facts: Facts) -> tuple[str, ...]:
    return tuple(pathway.caution_codes[option_id](facts))


def evaluate(case: Case, pathway: Pathway | None = None, *, lang: str = "en",
             explain_steps: bool = True, with_access: bool = True) -> Evaluation:
    """Walk one validated case; explanations and access texts are written in `lang`.

    Without `explain_steps` no explanation is written, without `with_access` no Korean access
    entry (the store's refresh, bulk work: `evaluate --json` without `--explain`)."""
    pathway = pathway or default_pathway()
    lang = language(lang)
    facts = Facts(case, pathway)
    result = Evaluation(
        who_grade=facts.who_grade, status="needs_data", path=[], recommendation_node=None,
        options=[], symptom_control=list(pathway.symptom_control.get(
            case.functional_syndrome or "", ())),
        missing=[], warnings=pathway.record_codes(facts),
        current_regimen=facts.current_regimen, failed=list(facts.excluded),
        pathway_id=pathway.id, pathway_version=pathway.version,
    )
    steps = pathway.steps
    step: Step | None = steps[pathway.start.id]
    path, most = result.path, len(steps)
    step_lang = lang if explain_steps else ""
    while step is not None:
        if len(path) > most:  # a loop the schema check did not catch
            raise PathwayError([f"{pathway.path or pathway.id}: the walk passed more nodes than "
                                "the file has; check its edges for a loop"])
        path.append(step.node.id)
        step = _visit(step, pathway, facts, result, step_lang)
    if result.status == "recommendation":
        _finish(pathway, facts, result, lang, explain_steps, with_access)
    result.newer_evidence = pathway.newer_codes(facts)
    return result


def _finish(pathway: Pathway, facts: Facts, result: Evaluation, lang: str,
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


def _visit(step: Step, pathway: Pathway, facts: Facts, result: Evaluation,
           lang: str) -> Step | None:
    """Apply one node to the result; the next step, or None where the walk ends.

    `lang` "" writes no explanation."""
    for read, report in step.stops:
        if read(facts) is None:
            result.missing = [report]
            if lang:
                result.explanations.append(Explanation(step.node.id, explain.stop_sentence(
                    report, lang)))
            return None
    if step.warnings:
        warnings = result.warnings
        for code, test in step.warnings:
            if code not in warnings and test(facts):
                warnings.append(code)
    if step.treatment:
        return _treat(step, pathway, facts, result, lang)
    for test, target, edge in step.decisions:
        if test(facts):
            if edge.when is not None and lang:
                node = step.node
                result.explanations.append(Explanation(
                    node.id, explain.decision_sentence(edge, facts, pathway, lang)))
                result.explanations.extend(Explanation(node.id, t) for t in
                                           explain.history_sentences(edge, facts, pathway, lang))
            return target
    raise PathwayError([f"{pathway.path or pathway.id}: node {step.node.id!r} has no edge that "
                        "fits this case"])


def _treat(step: Step, pathway: Pathway, facts: Facts, result: Evaluation,
           lang: str) -> Step | None:
    """A treatment node: its options left for this case, or the step after it."""
    refs = step.options
    for test, alternative in step.alternatives:
        if test(facts):
            refs = alternative
            break
    base = [o for o, test in refs if test is None or test(facts)]
    if step.repeats:
        base = list(dict.fromkeys(base))
    excluded = facts.excluded
    left = [o for o in base if o not in excluded] \
        if excluded and step.node.filter_excluded else base
    if lang:
        result.explanations.extend(Explanation(step.node.id, t) for t in explain.removed_sentences(
            [o for o in base if o not in left], facts, pathway, lang))
    if left:
        result.status = "recommendation"
        result.recommendation_node = step.node.id
        cautions = pathway.caution_codes
        result.options = [OptionResult(o, tuple(cautions[o](facts))) for o in left]
        return None
    if step.exhausted is None:
        raise PathwayError([f"{pathway.path or pathway.id}: node {step.node.id!r} has no option "
                            "left and no 'exhausted' edge"])
    if lang:
        result.explanations.append(Explanation(step.node.id, explain.exhausted_sentence(lang)))
    return step.exhausted
