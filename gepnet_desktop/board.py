"""Wiring for tumour-board decisions: the snapshot of the pathway's recommendation for a case,
taken when a decision is recorded (the store knows no pathway; this module gives it one)."""

from __future__ import annotations

from typing import Any

from .case import Case
from .case.decision import BoardDecision, Snapshot
from .pathway import Evaluation, Pathway, default_pathway, evaluate
from .store import Store
from .store.decisions import record_decision


def snapshot_of(evaluation: Evaluation) -> Snapshot:
    """The recommendation of an evaluation as a decision keeps it."""
    return Snapshot(evaluation.pathway_id, evaluation.pathway_version,
                    evaluation.recommendation_node, tuple(o.id for o in evaluation.options))


def snapshot_for(case: Case, pathway: Pathway | None = None) -> Snapshot:
    """The recommendation the pathway gives the case now."""
    return snapshot_of(evaluate(case, pathway or default_pathway(), explain_steps=False))


def record_board_decision(store: Store, case: Case, fields: dict[str, Any],
                          pathway: Pathway | None = None) -> BoardDecision:
    """Record a decision about a stored case against the recommendation it has now.

    `fields`: date, decision, and optionally reason, reason_text, attendees, notes. Raises
    DecisionInvalid (naming each field) or a StoreError; nothing is written then."""
    decision = BoardDecision(
        date=fields.get("date"),  # type: ignore[arg-type]  # validated by the store
        decision=fields.get("decision"),  # type: ignore[arg-type]
        snapshot=snapshot_for(case, pathway), reason=fields.get("reason"),
        reason_text=fields.get("reason_text"), attendees=fields.get("attendees"),
        notes=fields.get("notes"))
    return record_decision(store, case.uuid or "", decision)
