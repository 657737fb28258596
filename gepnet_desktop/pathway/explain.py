"""Sentences that say why the walk went the way it did, in English or Korean."""

from __future__ import annotations

from typing import Any

from ..case.fields import FIELDS_BY_KEY, REGIMENS, label, value_label
from .conditions import Condition, Facts, deciding_atoms
from .model import Edge, text

DERIVED_LABELS = {"who_grade": {"en": "WHO grade", "ko": "WHO 등급"}}
# op -> (phrase when it holds, phrase when it does not), for numbers.
NUMERIC = {
    "en": {"lt": ("is below {v}", "is {v} or more"), "le": ("is {v} or less", "is above {v}"),
           "gt": ("is above {v}", "is {v} or less"), "ge": ("is {v} or more", "is below {v}")},
    "ko": {"lt": ("{v} 미만", "{v} 이상"), "le": ("{v} 이하", "{v} 초과"),
           "gt": ("{v} 초과", "{v} 이하"), "ge": ("{v} 이상", "{v} 미만")},
}
PHRASES = {
    "en": {"unknown": "{L} is not recorded (not counted)", "not": "not {v}", "or": " or ",
           "failed": "{v} failed", "not_failed": "{v} has not failed",
           "none_failed": "none of {v} has failed", "any_failed": "a prior line failed ({v})",
           "no_failure": "no prior line failed", "prog": "progression is documented",
           "no_prog": "progression is not documented", "has": "{L} include {v}",
           "has_not": "{L} do not include {v}", "stop": "{L} is not recorded: record it to go on.",
           "removed": "Left out because they failed: {v}.",
           "exhausted": "Every option here has failed, so the path goes on to later lines."},
    "ko": {"unknown": "{L} 미기록 (반영하지 않음)", "not": "{v} 아님", "or": " 또는 ",
           "failed": "{v} 실패", "not_failed": "{v} 실패 없음", "none_failed": "{v} 실패 없음",
           "any_failed": "이전 치료 실패 있음 ({v})", "no_failure": "이전 치료 실패 없음",
           "prog": "진행 기록됨", "no_prog": "진행 기록 없음", "has": "{L}: {v} 있음",
           "has_not": "{L}: {v} 없음", "stop": "{L} 미기록: 입력하면 계속 진행합니다.",
           "removed": "실패하여 제외됨: {v}.",
           "exhausted": "이 단계의 모든 치료가 실패하여 이후 치료로 넘어갑니다."},
}


def field_label(name: str, lang: str) -> str:
    """The label of a case field or derived fact."""
    spec = FIELDS_BY_KEY.get(name)
    return label(spec.label if spec else DERIVED_LABELS.get(name, {"en": name}), lang)


def regimen_names(ids: list[str], lang: str) -> str:
    """Display names of regimens, joined."""
    return ", ".join(label(REGIMENS[r], lang) if r in REGIMENS else r for r in ids)


def _values(name: str, value: Any, lang: str) -> str:
    items = value if isinstance(value, list) else [value]
    return PHRASES[lang]["or"].join(value_label(name, v, lang) for v in items)


def describe(cond: Condition, holds: bool, facts: Facts, lang: str) -> str:
    """One phrase for one comparison and whether it held, with the case's own value."""
    ph = PHRASES[lang]
    name, op, want = cond["field"], cond["op"], cond.get("value")
    actual = facts.get(name)
    if name == "failed":
        if op == "contains":
            return ph["failed" if holds else "not_failed"].format(v=regimen_names([want], lang))
        hit = [r for r in want if r in actual]
        if hit:
            return ph["failed"].format(v=regimen_names(hit, lang))
        return ph["none_failed"].format(v=regimen_names(want, lang))
    if name == "any_failed":
        return ph["any_failed"].format(v=regimen_names(facts["failed"], lang)) if actual \
            else ph["no_failure"]
    if name == "progression_documented":
        return ph["prog" if actual else "no_prog"]
    if name == "who_grade" and actual in ("G1", "G2", "G3"):
        return grade_basis(actual, facts, lang)
    lab = field_label(name, lang)
    if op in ("contains", "contains_any"):
        return ph["has" if holds else "has_not"].format(L=lab, v=_values(name, want, lang))
    if actual is None:
        return ph["unknown"].format(L=lab)
    shown = value_label(name, actual, lang)
    if op in NUMERIC[lang]:
        phrase = NUMERIC[lang][op][0 if holds else 1].format(v=value_label(name, want, lang))
        return f"{lab} {shown}: {phrase}" if lang == "ko" else f"{lab} {shown} {phrase}"
    if op in ("is_null", "not_null") or isinstance(actual, bool):
        return f"{lab}: {shown}"
    positive = op in ("eq", "in")
    if holds == positive:
        return f"{lab}: {shown}"
    return f"{lab}: {shown} ({ph['not'].format(v=_values(name, want, lang))})"


def grade_basis(grade: str, facts: Facts, lang: str) -> str:
    """Where a NET grade comes from: "Ki-67 8% and mitoses 3 /2 mm² give G2 (the higher)"."""
    known = [f"{field_label(k, lang)} {value_label(k, facts[k], lang)}"
             for k in ("ki67_percent", "mitoses_per_2mm2") if facts.get(k) is not None]
    if lang == "ko":
        return f"{', '.join(known)} → WHO 등급 {grade}" + (" (높은 쪽 기준)" if len(known) > 1
                                                            else "")
    return f"{' and '.join(known)} give{'s' if len(known) == 1 else ''} WHO grade {grade}" + (
        " (the higher index decides)" if len(known) > 1 else "")


def decision_sentence(edge: Edge, facts: Facts, lang: str) -> str:
    """Why the walk took `edge`: the deciding facts, then the answer ("Ki-67 8% ... → indolent");
    the answer is left out where the facts already say it ("SSTR imaging: Positive")."""
    reasons = "; ".join(describe(c, h, facts, lang) for c, h in deciding_atoms(edge.when, facts))
    answer = text(edge.label, lang)
    if not reasons or not answer or reasons.casefold().endswith(answer.casefold()):
        return reasons or answer
    return f"{reasons} → {answer}"


def stop_sentence(report_field: str, lang: str) -> str:
    """Why the walk stopped: the missing field."""
    return PHRASES[lang]["stop"].format(L=field_label(report_field, lang))


def removed_sentence(removed: list[str], lang: str) -> str:
    """Options left out at a treatment node because they failed."""
    return PHRASES[lang]["removed"].format(v=regimen_names(removed, lang))


def exhausted_sentence(lang: str) -> str:
    """Every option of a treatment node failed."""
    return PHRASES[lang]["exhausted"]
