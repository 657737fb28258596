"""The facts a walk reads: the case's fields plus the derived values of pathway-spec.md.

Which outcomes count, which regimens imply others, which drugs a regimen holds and which
regimens are judged by a rule of their own all come from the pathway file (`lines` section);
this module only applies them, in one pass over the lines.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from ..case.fields import CASE_FIELDS, LINE_FIELDS, SSA_REGIMENS, SYMPTOM_AGENTS
from ..case.grading import who_grade
from ..case.model import FIELD_ATTRIBUTES, LIST_KEYS, Case
from .model import Pathway

# Fields with an attribute of their own are read in one call; a field declared since rides in
# Case.more (case/model.py) and is read by key.
_CASE_KEYS = tuple(f.key for f in CASE_FIELDS if f.key in FIELD_ATTRIBUTES)
_MORE_KEYS = tuple(f.key for f in CASE_FIELDS if f.key not in FIELD_ATTRIBUTES)
_LINE_KEYS = tuple(f.key for f in LINE_FIELDS)
_case_values = attrgetter(*_CASE_KEYS)
_line_values = attrgetter(*_LINE_KEYS)


def line_facts(case: Case) -> list[dict[str, Any]]:
    """One dict per line of therapy: its fields plus `anti_tumour`."""
    out = []
    for line in case.lines:
        facts = dict(zip(_LINE_KEYS, _line_values(line), strict=True))
        facts["anti_tumour"] = line.regimen not in SYMPTOM_AGENTS
        out.append(facts)
    return out


def case_facts(case: Case, pathway: Pathway) -> dict[str, Any]:
    """Everything a condition may name, for one case."""
    rules = pathway.line_rules
    lines = line_facts(case)
    facts: dict[str, Any] = dict(zip(_CASE_KEYS, _case_values(case), strict=True))
    for key in _MORE_KEYS:
        facts[key] = case.more.get(key)
    for key in LIST_KEYS:
        facts[key] = list(facts[key] or ())
    facts.update(lines=lines, _lines=lines, _named=pathway.conditions, who_grade=who_grade(
        case.differentiation, case.ki67_percent, case.mitoses_per_2mm2))
    progressed: list[str] = []
    toxic: list[str] = []
    receiving: list[str] = []
    distinct: set[str] = set()
    for ln in lines:
        regimen, outcome = ln["regimen"], ln["outcome"]
        if outcome == "ongoing":
            receiving.append(regimen)
        if not ln["anti_tumour"]:
            continue
        distinct.add("ssa" if regimen in SSA_REGIMENS else regimen)
        if outcome in rules.progression_outcomes:
            progressed.append(regimen)
            progressed.extend(rules.progression_implies.get(regimen, ()))
        if outcome in rules.toxicity_outcomes:
            toxic.append(regimen)
    progressed = list(dict.fromkeys(progressed))
    toxic = list(dict.fromkeys(toxic))
    intolerant = [r for r in toxic if r not in rules.kept_after_toxicity]
    judged = {r: pathway.named_tests[name](facts)
              for r, name in rules.judged_by_condition.items()}
    excluded = list(dict.fromkeys([r for r in (*progressed, *intolerant) if r not in judged]
                                  + [r for r, out in judged.items() if out]))
    facts.update(
        progressed=progressed, intolerant=intolerant,
        toxicity_kept=[r for r in toxic if r in rules.kept_after_toxicity], excluded=excluded,
        shared_drug_toxicity=_sharing(pathway, intolerant, toxic),
        receiving=list(dict.fromkeys(receiving)),
        progression_documented=(case.pace in rules.progressing_paces) or bool(progressed),
        prior_lines=len(distinct), current_regimen=current_regimen(pathway, lines),
    )
    return facts


def _sharing(pathway: Pathway, intolerant: list[str], toxic: list[str]) -> list[str]:
    """Regimens not themselves intolerant that share a drug with a regimen stopped for
    toxicity (another one: a kept regimen's own toxicity is said by its own caution)."""
    if not toxic:
        return []
    return [r for r, others in pathway.line_rules.sharing.items()
            if r not in intolerant and not others.isdisjoint(toxic)]


def current_regimen(pathway: Pathway, lines: list[dict[str, Any]]) -> str | None:
    """The regimen of the last line fitting the first of the file's current-line rules that
    any line fits (pathway-spec.md, current_regimen)."""
    for rule in pathway.line_rules.current:
        hit = next((ln for ln in reversed(lines) if rule(ln)), None)
        if hit is not None:
            regimen: str = hit["regimen"]
            return regimen
    return None
