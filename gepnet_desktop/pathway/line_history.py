"""What the consensus said when each line of therapy began (issue 12): the case walked with
only the lines before it.

"Before it" is the case's list order (the order of treatment, as the cohort numbers lines);
each earlier line counts with what the record says of it now. The rest of the record (grade,
SSTR, pace, ...) is as recorded today.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..case.model import Case
from .loader import default_pathway
from .model import Pathway
from .walk import evaluate


@dataclass(frozen=True)
class LineStart:
    """The walk's result with the lines before one line: the node it ended on (None: it
    stopped for data, `missing` says which)."""

    index: int
    recommendation_node: str | None
    stop_node: str | None
    missing: tuple[str, ...] = ()


def nodes_before_lines(case: Case, pathway: Pathway | None = None) -> list[LineStart]:
    """For each line (in list order), the walk of the case with only the lines before it."""
    pathway = pathway or default_pathway()
    out = []
    for i in range(len(case.lines)):
        trial = case.copy()
        trial.lines = trial.lines[:i]
        ev = evaluate(trial, pathway, explain_steps=False, with_access=False)
        out.append(LineStart(i, ev.recommendation_node, ev.path[-1] if ev.path else None,
                             tuple(ev.missing)))
    return out


__all__ = ["LineStart", "nodes_before_lines"]
