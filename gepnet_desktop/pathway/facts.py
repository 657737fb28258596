"""The facts a walk reads: the case's fields plus the derived values of pathway-spec.md."""

from __future__ import annotations

from typing import Any

from ..case.model import Case
from .model import Pathway


def failed_regimens(case: Case, pathway: Pathway) -> list[str]:
    """Regimens that failed (progression or toxicity), with their class implications, in order."""
    failed: list[str] = []
    for line in case.lines:
        if line.outcome not in pathway.failure_outcomes or line.regimen in pathway.not_anti_tumour:
            continue
        for regimen in (line.regimen, *pathway.failure_implies.get(line.regimen, [])):
            if regimen not in failed:
                failed.append(regimen)
    return failed


def current_regimen(case: Case) -> str | None:
    """The regimen of the last ongoing line, or None."""
    ongoing = [line.regimen for line in case.lines if line.outcome == "ongoing"]
    return ongoing[-1] if ongoing else None


def case_facts(case: Case, pathway: Pathway) -> dict[str, Any]:
    """Everything a condition may name, for one case."""
    facts: dict[str, Any] = case.to_dict()
    failed = failed_regimens(case, pathway)
    facts.update(
        who_grade=case.who_grade,
        failed=failed,
        any_failed=bool(failed),
        progression_documented=case.pace in pathway.progression_paces or bool(failed),
        current_regimen=current_regimen(case),
    )
    return facts
