"""The facts a walk reads: the case's fields plus the derived values of pathway-spec.md.

Which outcomes count, which regimens imply others, which drugs a regimen holds and which
regimens are judged by a rule of their own all come from the pathway file (`lines` section);
this module only applies them.
"""

from __future__ import annotations

from typing import Any

from ..case.fields import SSA_REGIMENS, SYMPTOM_AGENTS
from ..case.model import Case
from .model import Pathway


def _ordered(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def line_facts(case: Case) -> list[dict[str, Any]]:
    """One dict per line of therapy: its fields plus `anti_tumour`."""
    return [{**line.to_dict(), "anti_tumour": line.regimen not in SYMPTOM_AGENTS}
            for line in case.lines]


def prior_lines(case: Case) -> int:
    """Distinct anti-tumour regimens recorded, whatever their outcome (both SSAs count as one)."""
    return len({"ssa" if line.regimen in SSA_REGIMENS else line.regimen
                for line in case.lines if line.regimen not in SYMPTOM_AGENTS})


def case_facts(case: Case, pathway: Pathway) -> dict[str, Any]:
    """Everything a condition may name, for one case."""
    rules = pathway.line_rules
    lines = line_facts(case)
    facts: dict[str, Any] = case.to_dict()
    facts.update(_lines=lines, _named=pathway.conditions, who_grade=case.who_grade)
    anti = [ln for ln in lines if ln["anti_tumour"]]
    progressed = _ordered([r for ln in anti if ln["outcome"] in rules.progression_outcomes
                           for r in (ln["regimen"], *rules.progression_implies.get(
                               ln["regimen"], ()))])
    toxic = _ordered([ln["regimen"] for ln in anti if ln["outcome"] in rules.toxicity_outcomes])
    intolerant = [r for r in toxic if r not in rules.kept_after_toxicity]
    kept = [r for r in toxic if r in rules.kept_after_toxicity]
    judged = {r: pathway.named_tests[name](facts)
              for r, name in rules.judged_by_condition.items()}
    excluded = _ordered([r for r in (*progressed, *intolerant) if r not in judged]
                        + [r for r, out in judged.items() if out])
    facts.update(
        progressed=progressed, intolerant=intolerant, toxicity_kept=kept, excluded=excluded,
        shared_drug_toxicity=_sharing(pathway, intolerant, toxic),
        receiving=_ordered([ln["regimen"] for ln in lines if ln["outcome"] == "ongoing"]),
        progression_documented=(case.pace in rules.progressing_paces) or bool(progressed),
        prior_lines=prior_lines(case),
        current_regimen=current_regimen(pathway, lines),
    )
    return facts


def _sharing(pathway: Pathway, intolerant: list[str], toxic: list[str]) -> list[str]:
    """Regimens not themselves intolerant that share a drug with a regimen stopped for
    toxicity (another one: a kept regimen's own toxicity is said by its own caution)."""
    drugs = pathway.line_rules.drugs
    return [r for r, held in drugs.items() if r not in intolerant and any(
        other != r and set(held) & set(drugs.get(other, ())) for other in toxic)]


def current_regimen(pathway: Pathway, lines: list[dict[str, Any]]) -> str | None:
    """The regimen of the last line fitting the first of the file's current-line rules that
    any line fits (pathway-spec.md, current_regimen)."""
    for rule in pathway.line_rules.current:
        hit = next((ln for ln in reversed(lines) if rule(ln)), None)
        if hit is not None:
            regimen: str = hit["regimen"]
            return regimen
    return None
