"""Korean access to an option for this patient (pathway-spec.md, Korean access): the first
dated rule of the option whose condition holds, else its dated note; `unverified` where the
file states no rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .facts import Facts
from .model import Option, text

UNVERIFIED = "unverified"


@dataclass(frozen=True)
class AccessEntry:
    """Korean access to one option for this patient."""

    option: str
    status: str  # reimbursed, self_paid, not_approved, unverified
    text: str  # in the evaluation's language, naming the criterion
    as_of: str  # the date of the fact the text states
    citations: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"option": self.option, "status": self.status, "text": self.text,
                "as_of": self.as_of, "citations": list(self.citations)}


def _patient_text(template: str, facts: Facts) -> str:
    grade = facts.who_grade or "?"
    return template.replace("{next_line}", str(facts.prior_lines + 1)).replace(
        "{grade}", grade)


def access_for(option: Option, facts: Facts, lang: str = "en") -> AccessEntry:
    """The access entry of one option for the patient these facts describe."""
    for rule in option.access_rules:
        if rule.test(facts):
            return AccessEntry(option.id, rule.status, _patient_text(text(rule.text, lang), facts),
                               rule.as_of, rule.citations)
    note = option.access_kr or {}
    return AccessEntry(option.id, note.get("status", UNVERIFIED),
                       _patient_text(text(note.get("text"), lang), facts), note.get("as_of", ""),
                       tuple(note.get("citations", ())))
