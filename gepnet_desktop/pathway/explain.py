"""Sentences that say why the walk went the way it did, in English or Korean."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..case.fields import FIELDS_BY_KEY, REGIMENS, SSA_REGIMENS, label, value_label
from .conditions import Condition, Facts, deciding_atoms, names_fact
from .model import Edge, Pathway, text

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
           "exhausted": "Every option here is left out, so the path goes on to later lines.",
           "progressed_on": "the disease progressed on {v}",
           "none_progressed": "no prior anti-tumour line progressed",
           "no_platinum": "the disease has not progressed on {v}",
           "left_out": "Left out: {v}.", "why_progressed": "{x} (progression on it)",
           "why_implied": "{x} (progression on {y}, same class)",
           "why_toxic": "{x} (stopped for toxicity)",
           "why_prrt": "{x} (stopped for toxicity, or progression less than {d} days after "
                       "the last dose)",
           "line_progression": "{x}: progression",
           "line_continued": "{x}: continued after progression (counts as a progression; "
                             "still given)",
           "implies_ssa": " (counts for both somatostatin analogues)",
           "implies": " (counts for {y} too)",
           "line_toxic": "{x} stopped for toxicity: left out; a toxicity documents no "
                         "progression, so the walk does not move on for it",
           "line_toxic_ssa": "{x} stopped for toxicity: left out; a toxicity documents no "
                             "progression, so the SSA still applies",
           "line_kept": "{x} stopped for toxicity: still offered, with a caution (carboplatin "
                        "may replace cisplatin)",
           "prrt_again": "PRRT progression {m} months after the last cycle: re-treatment may "
                         "be considered",
           "prrt_not_again": "PRRT progression {m} months after the last cycle (less than {d} "
                             "days): not re-offered",
           "put_first": "ECOG {e}: {x} first"},
    "ko": {"unknown": "{L} 미기록 (반영하지 않음)", "not": "{v} 아님", "or": " 또는 ",
           "failed": "{v} 실패", "not_failed": "{v} 실패 없음", "none_failed": "{v} 실패 없음",
           "any_failed": "이전 치료 실패 있음 ({v})", "no_failure": "이전 치료 실패 없음",
           "prog": "진행 기록됨", "no_prog": "진행 기록 없음", "has": "{L}: {v} 있음",
           "has_not": "{L}: {v} 없음", "stop": "{L} 미기록: 입력하면 계속 진행합니다.",
           "exhausted": "이 단계의 모든 치료가 제외되어 이후 치료로 넘어갑니다.",
           "progressed_on": "{v}에서 질병 진행",
           "none_progressed": "이전 항종양 치료에서 진행 없음",
           "no_platinum": "{v}에서 진행 없음",
           "left_out": "제외: {v}.", "why_progressed": "{x} (투여 중 진행)",
           "why_implied": "{x} (같은 계열 {y}에서 진행)",
           "why_toxic": "{x} (독성으로 중단)",
           "why_prrt": "{x} (독성으로 중단, 또는 마지막 투여 후 {d}일 이내 진행)",
           "line_progression": "{x}: 진행",
           "line_continued": "{x}: 진행 후 지속 투여 (진행으로 간주; 계속 투여 중)",
           "implies_ssa": " (두 소마토스타틴 유사체 모두에 해당)",
           "implies": " ({y}에도 해당)",
           "line_toxic": "{x} 독성으로 중단: 제외; 독성은 진행을 뜻하지 않으므로 이것만으로는 "
                         "다음 단계로 넘어가지 않습니다",
           "line_toxic_ssa": "{x} 독성으로 중단: 제외; 독성은 진행을 뜻하지 않으므로 SSA가 "
                             "여전히 해당합니다",
           "line_kept": "{x} 독성으로 중단: 주의와 함께 계속 제시 (시스플라틴 대신 카보플라틴 "
                        "가능)",
           "prrt_again": "마지막 투여 {m}개월 후 PRRT 진행: 재치료를 고려할 수 있음",
           "prrt_not_again": "마지막 투여 {m}개월 후 PRRT 진행 ({d}일 미만): 다시 제시하지 "
                             "않음",
           "put_first": "ECOG {e}: {x} 먼저"},
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
    if "field" not in cond:  # a line quantifier: said by the history sentences
        return ""
    name, op, want = cond["field"], cond["op"], cond.get("value")
    actual = facts.get(name)
    if name == "progressed":
        hit = [r for r in (want or actual) if r in actual]
        if hit:
            return ph["progressed_on"].format(v=regimen_names(hit, lang))
        return ph["no_platinum"].format(v=regimen_names(want, lang)) if want \
            else ph["none_progressed"]
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
    reasons = "; ".join(filter(None, (describe(c, h, facts, lang)
                                      for c, h in deciding_atoms(edge.when, facts))))
    reasons = reasons[:1].upper() + reasons[1:]
    answer = text(edge.label, lang)
    if not reasons or not answer or reasons.casefold().endswith(answer.casefold()):
        return reasons or answer
    return f"{reasons} → {answer}"


def stop_sentence(report_field: str, lang: str) -> str:
    """Why the walk stopped: the missing field."""
    return PHRASES[lang]["stop"].format(L=field_label(report_field, lang))


def _name(regimen: str, lang: str) -> str:
    return regimen_names([regimen], lang)


def removed_sentences(removed: list[str], facts: Facts, pathway: Pathway,
                      lang: str) -> list[str]:
    """Why each option of a treatment node was left out, in one sentence (none if none)."""
    if not removed:
        return []
    ph = PHRASES[lang]
    own = [ln["regimen"] for ln in facts["_lines"]
           if ln["anti_tumour"] and ln["outcome"] in pathway.line_rules.progression_outcomes]
    days = pathway.thresholds.get("prrt_rechallenge_days", {}).get("value", "")
    parts = []
    for r in removed:
        x = _name(r, lang)
        if r in pathway.line_rules.judged_by_condition:
            parts.append(ph["why_prrt"].format(x=x, d=days))
        elif r in own:
            parts.append(ph["why_progressed"].format(x=x))
        elif r in facts["progressed"]:
            source = next((o for o in own
                           if r in pathway.line_rules.progression_implies.get(o, ())), r)
            parts.append(ph["why_implied"].format(x=x, y=_name(source, lang)))
        else:
            parts.append(ph["why_toxic"].format(x=x))
    return [ph["left_out"].format(v="; ".join(parts))]


def history_sentences(edge: Edge, facts: Facts, pathway: Pathway, lang: str) -> list[str]:
    """At a decision on progression: what each line of therapy counts for."""
    if not names_fact(edge.when, "progressed", pathway.conditions):
        return []
    ph, rules = PHRASES[lang], pathway.line_rules
    out = []
    for ln in facts["_lines"]:
        if not ln["anti_tumour"]:
            continue
        x, outcome = _name(ln["regimen"], lang), ln["outcome"]
        if outcome in rules.progression_outcomes:
            key = "line_continued" if outcome != "progression" else "line_progression"
            implied = rules.progression_implies.get(ln["regimen"], ())
            tail = "" if not implied else ph["implies_ssa"] if ln["regimen"] in SSA_REGIMENS \
                else ph["implies"].format(y=regimen_names(list(implied), lang))
            out.append(ph[key].format(x=x) + tail)
        elif outcome in rules.toxicity_outcomes:
            kept = ln["regimen"] in rules.kept_after_toxicity
            ssa_left = not facts["progressed"] and any(
                r not in facts["excluded"] for r in SSA_REGIMENS) and \
                ln["regimen"] not in SSA_REGIMENS
            key = "line_kept" if kept else "line_toxic_ssa" if ssa_left else "line_toxic"
            out.append(ph[key].format(x=x))
    out.extend(_prrt_sentence(facts, pathway, lang))
    return out


def _prrt_sentence(facts: Facts, pathway: Pathway, lang: str) -> list[str]:
    """How long after the last PRRT dose the disease progressed, and what follows."""
    prrt = [ln for ln in facts["_lines"] if ln["regimen"] in pathway.line_rules.judged_by_condition]
    if not prrt or prrt[-1]["outcome"] != "progression" or not prrt[-1]["end_date"] or \
            not prrt[-1]["progression_date"]:
        return []
    last = prrt[-1]
    days = (dt.date.fromisoformat(last["progression_date"])
            - dt.date.fromisoformat(last["end_date"])).days
    months = round(days / 30.44)
    limit = pathway.thresholds.get("prrt_rechallenge_days", {}).get("value", "")
    again = last["regimen"] not in facts["excluded"]
    return [PHRASES[lang]["prrt_again" if again else "prrt_not_again"].format(m=months, d=limit)]


def put_first_sentence(option: str, facts: Facts, lang: str) -> str:
    """Why an option was put first (frailty)."""
    return PHRASES[lang]["put_first"].format(e=facts.get("ecog"), x=_name(option, lang))


def exhausted_sentence(lang: str) -> str:
    """Every option of a treatment node failed."""
    return PHRASES[lang]["exhausted"]
