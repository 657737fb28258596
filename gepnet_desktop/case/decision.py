"""Tumour-board decisions (issue 12): the vocabulary, the record, and its validation.

A decision is dated, names what the board chose (an option of the regimen vocabulary, or
watchful waiting, surgery, liver-directed therapy, other), and keeps a snapshot of the pathway's
recommendation at that moment (pathway id and version, node, option ids). `concordant` is
derived: the decision is among the snapshot's options. A decision that departs from the
snapshot needs a reason. Pure Python: no SQL, no Qt, no pathway (the caller takes the snapshot).
Messages name the field and show the vocabularies by their labels, in English and Korean
(the catalogue's decision.* messages).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..i18n import LANGUAGES, tr
from .fields import REGIMENS, Labels, label

# Decisions besides the regimens (the regimen vocabulary's `other` stands for both); their
# labels are the messages decision.value.<id>.
DECISION_EXTRAS: tuple[str, ...] = ("watchful_waiting", "surgery", "liver_directed_therapy")
DECISIONS: tuple[str, ...] = (*(k for k in REGIMENS if k != "other"), *DECISION_EXTRAS, "other")
# Why a decision departs from the recommendation: labels decision.reason.<id>.
REASONS: tuple[str, ...] = ("patient_preference", "frailty_or_comorbidity",
                            "access_or_reimbursement", "trial_enrolment", "clinical_judgement",
                            "other")
MAX_TEXT = 10_000
# The keys of a decision in exchange files, in order (deleted_at only in files with deleted
# records).
CONTENT_KEYS = ("date", "decision", "snapshot", "concordant", "reason", "reason_text",
                "attendees", "notes")
META_KEYS = ("uuid", "revision", "created_at", "updated_at")
DELETED_KEY = "deleted_at"
SNAPSHOT_KEYS = ("pathway_id", "pathway_version", "recommendation_node", "options")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def decision_label(value: str | None, lang: str = "en") -> str:
    """The label of a decision value (the value itself when it is not one)."""
    if value in DECISION_EXTRAS:
        return tr(f"decision.value.{value}", lang)
    if value is not None and value in REGIMENS:
        return label(REGIMENS[value], lang)
    return str(value)


def reason_label(value: str | None, lang: str = "en") -> str:
    """The label of a reason for non-concordance."""
    return tr(f"decision.reason.{value}", lang) if value in REASONS else str(value)


@dataclass(frozen=True)
class Snapshot:
    """The pathway's recommendation when the decision was taken."""

    pathway_id: str = ""
    pathway_version: str = ""
    recommendation_node: str | None = None  # None: the walk needed data
    options: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"pathway_id": self.pathway_id, "pathway_version": self.pathway_version,
                "recommendation_node": self.recommendation_node, "options": list(self.options)}


@dataclass(frozen=True)
class BoardDecision:
    """One tumour-board decision about one case. The store sets uuid, case_uuid, revision and
    the dates; `concordant` is derived from the decision and the snapshot."""

    date: str
    decision: str
    snapshot: Snapshot = field(default_factory=Snapshot)
    reason: str | None = None
    reason_text: str | None = None
    attendees: str | None = None
    notes: str | None = None
    uuid: str | None = None
    case_uuid: str | None = None
    revision: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    deleted_at: str | None = None

    @property
    def concordant(self) -> bool:
        """Whether the decision is among the options of the snapshot."""
        return self.decision in self.snapshot.options

    def content(self) -> dict[str, Any]:
        """What the decision says (no store keys): equal contents mean the same record."""
        return {"date": self.date, "decision": self.decision,
                "snapshot": self.snapshot.to_dict(), "concordant": self.concordant,
                "reason": self.reason, "reason_text": self.reason_text,
                "attendees": self.attendees, "notes": self.notes}

    def to_dict(self, *, meta: bool = True, with_deleted: bool = False) -> dict[str, Any]:
        """The exchange object: uuid, revision and dates first (with `meta`), then content."""
        out: dict[str, Any] = {}
        if meta:
            out.update(uuid=self.uuid, revision=self.revision, created_at=self.created_at,
                       updated_at=self.updated_at)
        out.update(self.content())
        if with_deleted:
            out[DELETED_KEY] = self.deleted_at
        return out

    def with_changes(self, **changes: Any) -> BoardDecision:
        """A copy with some fields changed (for an edit)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class DecisionProblem:
    """One problem with one field of a decision; `text(lang)` is the sentence."""

    field: str
    texts: Labels
    severity: str = "error"

    @property
    def message(self) -> str:
        return self.texts["en"]

    def text(self, lang: str = "en") -> str:
        return label(self.texts, lang)

    def __str__(self) -> str:
        return self.message


@dataclass
class DecisionResult:
    """The outcome of validating one decision object."""

    decision: BoardDecision | None
    errors: list[DecisionProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _words(values: tuple[str, ...], name: Callable[[str, str], str], lang: str) -> str:
    return ", ".join(name(v, lang) for v in values)


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}..."'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "an object"
    return repr(value)


def _problem(path: str, key: str, code: str, **values: Any) -> DecisionProblem:
    """A problem whose sentence names the field by its label; `values` may be per language
    (a dict of Labels) or plain."""
    texts: Labels = {}
    for lang in LANGUAGES:
        params = {k: (label(v, lang) if isinstance(v, dict) else v) for k, v in values.items()}
        params["field"] = tr(f"decision.field.{key}", lang) if key in CONTENT_KEYS else path
        texts[lang] = tr(f"decision.problem.{code}", lang, **params)
    return DecisionProblem(path, texts)


def _per_lang(func: Callable[[str], str]) -> Labels:
    return {lang: func(lang) for lang in LANGUAGES}


def _message(key: str) -> Labels:
    """The catalogue's message `key` in every language (a value of a problem's sentence)."""
    return _per_lang(lambda lang: tr(key, lang))


def _check_date(value: Any, path: str, today: dt.date) -> DecisionProblem | None:
    if value is None:
        return _problem(path, "date", "required")
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) and \
            _DATE.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        return _problem(path, "date", "bad_date", v=_describe(value))
    if day > today:
        return _problem(path, "date", "future", v=value)
    return None


def _check_text(obj: dict[str, Any], key: str, base: str) -> DecisionProblem | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        return _problem(base + key, key, "not_text", v=_describe(value), n=f"{MAX_TEXT:,}")
    if len(value) > MAX_TEXT:
        return _problem(base + key, key, "too_long", len=f"{len(value):,}", n=f"{MAX_TEXT:,}")
    return None


def _snapshot(value: Any, path: str) -> tuple[Snapshot | None, DecisionProblem | None]:
    if value is None:
        return Snapshot(), None
    ok = isinstance(value, dict) and set(value) <= set(SNAPSHOT_KEYS)
    if ok:
        options = value.get("options") or []
        node = value.get("recommendation_node")
        ok = (isinstance(options, list) and all(isinstance(o, str) for o in options)
              and (node is None or isinstance(node, str))
              and all(isinstance(value.get(k) or "", str)
                      for k in ("pathway_id", "pathway_version")))
    if not ok:
        return None, _problem(path, "snapshot", "bad_snapshot", v=_describe(value))
    return Snapshot(value.get("pathway_id") or "", value.get("pathway_version") or "",
                    value.get("recommendation_node"), tuple(value.get("options") or [])), None


def _check_meta(obj: dict[str, Any], base: str, errors: list[DecisionProblem]) -> None:
    uuid = obj.get("uuid")
    if uuid is not None and (not isinstance(uuid, str) or not 1 <= len(uuid) <= 64):
        errors.append(_problem(base + "uuid", "uuid", "bad_meta", v=_describe(uuid),
                               what=_message("decision.allow.uuid")))
    rev = obj.get("revision")
    if rev is not None and (isinstance(rev, bool) or not isinstance(rev, int) or rev < 1):
        errors.append(_problem(base + "revision", "revision", "bad_meta", v=_describe(rev),
                               what=_message("decision.allow.revision")))
    for key in ("created_at", "updated_at", DELETED_KEY):
        val = obj.get(key)
        if val is None:
            continue
        try:
            good = isinstance(val, str) and dt.datetime.fromisoformat(val) is not None
        except ValueError:
            good = False
        if not good:
            errors.append(_problem(base + key, key, "bad_meta", v=_describe(val),
                                   what=_message("decision.allow.timestamp")))


def validate_decision(obj: Any, *, today: dt.date | None = None, path: str = ""
                      ) -> DecisionResult:
    """Validate one decision object (CONTENT_KEYS, optionally META_KEYS and deleted_at);
    every problem at once, each naming its field. `path` prefixes the field names
    ("board_decisions[2]." in an exchange file)."""
    today = today or dt.date.today()
    allowed = (*CONTENT_KEYS, *META_KEYS, DELETED_KEY)
    if not isinstance(obj, dict):
        return DecisionResult(None, [_problem(path.rstrip(".") or "decision", "", "not_object",
                                              v=_describe(obj), values=", ".join(CONTENT_KEYS))])
    errors: list[DecisionProblem] = [
        _problem(path + str(k), "", "unknown_field", values=", ".join(allowed))
        for k in obj if k not in allowed]
    date_problem = _check_date(obj.get("date"), path + "date", today)
    if date_problem:
        errors.append(date_problem)
    decision = obj.get("decision")
    decisions = _per_lang(lambda lang: _words(DECISIONS, decision_label, lang))
    if decision is None:
        errors.append(_problem(path + "decision", "decision", "required"))
    elif decision not in DECISIONS:
        errors.append(_problem(path + "decision", "decision", "not_recognised",
                               v=_describe(decision), values=decisions))
    snapshot, snap_problem = _snapshot(obj.get("snapshot"), path + "snapshot")
    if snap_problem:
        errors.append(snap_problem)
    reason = obj.get("reason")
    reasons = _per_lang(lambda lang: _words(REASONS, reason_label, lang))
    if reason is not None and reason not in REASONS:
        errors.append(_problem(path + "reason", "reason", "not_recognised", v=_describe(reason),
                               values=reasons))
        reason = None
    for key in ("reason_text", "attendees", "notes"):
        problem = _check_text(obj, key, path)
        if problem:
            errors.append(problem)
    _check_meta(obj, path, errors)
    if snapshot is not None and decision in DECISIONS:
        concordant = decision in snapshot.options
        shown = _per_lang(lambda lang: decision_label(decision, lang))
        if not concordant and obj.get("reason") is None:
            options = _per_lang(lambda lang: ", ".join(
                decision_label(o, lang) for o in snapshot.options) or
                tr("decision.no_options", lang))
            errors.append(_problem(path + "reason", "reason", "reason_needed", decision=shown,
                                   options=options, values=reasons))
        if concordant and obj.get("reason") is not None:
            errors.append(_problem(path + "reason", "reason", "reason_not_needed",
                                   decision=shown))
        if not concordant and reason == "other" and not (obj.get("reason_text") or "").strip():
            errors.append(_problem(path + "reason_text", "reason_text", "reason_text_needed",
                                   reason=_message("decision.reason.other")))
        given = obj.get("concordant")
        if given is not None and given is not concordant:
            errors.append(_problem(path + "concordant", "concordant", "concordant_mismatch",
                                   v=_describe(given), derived=_message(
                                       "value.yes" if concordant else "value.no")))
    if errors or snapshot is None:
        return DecisionResult(None, errors)
    return DecisionResult(BoardDecision(
        date=str(obj["date"]), decision=str(decision), snapshot=snapshot, reason=obj.get("reason"),
        reason_text=obj.get("reason_text"), attendees=obj.get("attendees"),
        notes=obj.get("notes"), uuid=obj.get("uuid"), revision=obj.get("revision"),
        created_at=obj.get("created_at"), updated_at=obj.get("updated_at"),
        deleted_at=obj.get(DELETED_KEY)))


__all__ = ["CONTENT_KEYS", "DECISIONS", "DECISION_EXTRAS", "REASONS",
           "BoardDecision", "DecisionProblem", "DecisionResult", "Snapshot", "decision_label",
           "reason_label", "validate_decision"]
