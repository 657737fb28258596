"""The facts a walk reads: the case's fields plus the derived values of pathway-spec.md.

A compiled condition (compiler.py) reads a case field straight from the Case and a line field
straight from its Line; only the derived values are worked out per case, in one pass over the
lines (`Facts`). Which outcomes count, which regimens
imply others, which drugs a regimen holds and which regimens are judged by a rule of their own
all come from the pathway file (`lines` section); this module only applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..case.fields import SSA_REGIMENS, SYMPTOM_AGENTS
from ..case.grading import who_grade
from ..case.model import FIELD_ATTRIBUTES, Case, Line

if TYPE_CHECKING:
    from .model import Pathway

# The derived values a condition may name (condition_check.DERIVED_FACTS says their kinds).
DERIVED = ("who_grade", "progressed", "intolerant", "excluded", "toxicity_kept",
           "shared_drug_toxicity", "receiving", "progression_documented", "prior_lines",
           "current_regimen")
Reader = Callable[[Any], Any]


def anti_tumour(line: Line) -> bool:
    """Whether a line treats the tumour (not a symptom agent): the line fact `anti_tumour`."""
    return line.regimen not in SYMPTOM_AGENTS


class Facts:
    """Everything a condition may name, for one case: `case`, its `lines`, and the derived
    values as attributes (DERIVED); `get(name)` reads any of them by name."""

    __slots__ = ("case", "lines", *DERIVED)
    who_grade: str | None
    progressed: list[str]
    intolerant: list[str]
    excluded: list[str]
    toxicity_kept: list[str]
    shared_drug_toxicity: list[str]
    receiving: list[str]
    progression_documented: bool
    prior_lines: int
    current_regimen: str | None

    def __init__(self, case: Case, pathway: Pathway) -> None:
        self.case = case
        self.lines = lines = case.lines
        self.who_grade = who_grade(case.differentiation, case.ki67_percent,
                                   case.mitoses_per_2mm2)
        rules = pathway.line_rules
        self.progression_documented = case.pace in rules.progressing_paces
        if not lines:
            self.progressed, self.intolerant, self.toxicity_kept = [], [], []
            self.shared_drug_toxicity, self.receiving, self.prior_lines = [], [], 0
            self.current_regimen = None
        else:
            self._read_lines(lines, pathway)
        self.excluded = []  # what the judged regimens' conditions see of it
        judged = [r for r, test in pathway.judged_tests if test(self)]  # PRRT: its own rule
        judged_by = rules.judged_by_condition
        failed = [r for r in self.progressed + self.intolerant if r not in judged_by] + judged
        self.excluded = list(dict.fromkeys(failed)) if len(failed) > 1 else failed

    def _read_lines(self, lines: list[Line], pathway: Pathway) -> None:
        """The derived values that come from the lines, in one pass over them."""
        rules = pathway.line_rules
        progression, toxicity = rules.progression_outcomes, rules.toxicity_outcomes
        implies = rules.progression_implies
        progressed: list[str] = []
        toxic: list[str] = []
        receiving: list[str] = []
        distinct: set[str] = set()
        for ln in lines:
            regimen, outcome = ln.regimen, ln.outcome
            if outcome == "ongoing" and regimen not in receiving:
                receiving.append(regimen)
            if regimen in SYMPTOM_AGENTS:
                continue
            distinct.add("ssa" if regimen in SSA_REGIMENS else regimen)
            if outcome in progression:
                progressed.append(regimen)
                if regimen in implies:
                    progressed.extend(implies[regimen])
            if outcome in toxicity:
                toxic.append(regimen)
        if len(progressed) > 1:
            progressed = list(dict.fromkeys(progressed))
        self.progressed, self.receiving, self.prior_lines = progressed, receiving, len(distinct)
        self.progression_documented = self.progression_documented or bool(progressed)
        self.current_regimen = current_regimen(pathway, lines)
        if not toxic:
            self.intolerant, self.toxicity_kept, self.shared_drug_toxicity = [], [], []
            return
        if len(toxic) > 1:
            toxic = list(dict.fromkeys(toxic))
        kept = rules.kept_after_toxicity
        self.intolerant = intolerant = [r for r in toxic if r not in kept]
        self.toxicity_kept = [r for r in toxic if r in kept]
        self.shared_drug_toxicity = [r for r, others in rules.sharing.items()
                                     if r not in intolerant and not others.isdisjoint(toxic)]

    def get(self, name: str) -> Any:
        """A case field or derived value by name (None for an unknown one)."""
        if name in _DERIVED_SET:
            return getattr(self, name)
        return self.case.get(name)

    __getitem__ = get


_DERIVED_SET = frozenset(DERIVED)


def fact_reader(name: str) -> Reader:
    """A function giving fact `name` of a Facts (a derived value, or a case field read from
    the Case itself): what a stop rule asks for."""
    if name in _DERIVED_SET:
        return attrgetter(name)
    if name in FIELD_ATTRIBUTES:
        return attrgetter(f"case.{name}")
    return lambda f: f.case.more.get(name)


def current_regimen(pathway: Pathway, lines: list[Line]) -> str | None:
    """The regimen of the last line fitting the first of the file's current-line rules that
    any line fits (pathway-spec.md, current_regimen)."""
    rank = pathway.line_rules.current
    best, hit = pathway.line_rules.current_rules, None
    for ln in lines:
        k = rank(ln)
        if k <= best and k < pathway.line_rules.current_rules:
            best, hit = k, ln
    return hit.regimen if hit is not None else None
