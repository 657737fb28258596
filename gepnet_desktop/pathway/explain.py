"""Sentences that say why the walk went the way it did, in English or Korean.

The words are the `explain.*` messages of the catalogue (resources/i18n, gepnet_desktop/i18n.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..case.fields import FIELDS_BY_KEY, REGIMENS, SSA_REGIMENS, label, value_label
from ..case.model import Line
from ..case.observations import dated_label
from ..i18n import tr
from .conditions import Condition, names_fact
from .facts import Facts, anti_tumour
from .model import Edge, Pathway, text

# Derived facts that conditions name, and the message of their label.
DERIVED_LABELS = {"who_grade": "explain.fact.who_grade"}
# op -> (message when the comparison holds, message when it does not), for numbers.
NUMERIC = {"lt": ("explain.below", "explain.at_least"), "le": ("explain.at_most", "explain.above"),
           "gt": ("explain.above", "explain.at_most"), "ge": ("explain.at_least", "explain.below")}


def field_label(name: str, lang: str) -> str:
    """The label of a case field or derived fact."""
    spec = FIELDS_BY_KEY.get(name)
    if spec:
        return label(spec.label, lang)
    return tr(DERIVED_LABELS[name], lang) if name in DERIVED_LABELS else name


def regimen_names(ids: list[str], lang: str) -> str:
    """Display names of regimens, joined."""
    return ", ".join(label(REGIMENS[r], lang) if r in REGIMENS else r for r in ids)


def _values(name: str, value: Any, lang: str) -> str:
    items = value if isinstance(value, list) else [value]
    return tr("join.or", lang).join(value_label(name, v, lang) for v in items)


def describe(cond: Condition, holds: bool, facts: Facts, lang: str) -> str:
    """One phrase for one comparison and whether it held, with the case's own value."""
    if "field" not in cond:  # a line quantifier: said by the history sentences
        return ""
    name, op, want = cond["field"], cond["op"], cond.get("value")
    actual = facts.get(name)
    if name == "progressed":
        done = actual or []  # the regimens the disease progressed on (always a list)
        hit = [r for r in (want or done) if r in done]
        if hit:
            return tr("explain.progressed_on", lang, value=regimen_names(hit, lang))
        return tr("explain.no_platinum", lang, value=regimen_names(want, lang)) if want \
            else tr("explain.none_progressed", lang)
    if name == "progression_documented":
        return tr("explain.prog" if actual else "explain.no_prog", lang)
    if name == "who_grade" and actual in ("G1", "G2", "G3"):
        return grade_basis(actual, facts, lang)
    lab = field_label(name, lang)
    if op in ("contains", "contains_any"):
        return tr("explain.has" if holds else "explain.has_not", lang, label=lab,
                  value=_values(name, want, lang))
    if actual is None:
        return tr("explain.unknown", lang, label=lab)
    shown = dated_label(name, actual, facts, lang)
    if op in NUMERIC:
        phrase = tr(NUMERIC[op][0 if holds else 1], lang, value=value_label(name, want, lang))
        return tr("explain.numeric", lang, label=lab, value=shown, phrase=phrase)
    if op in ("is_null", "not_null") or isinstance(actual, bool):
        return f"{lab}: {shown}"
    positive = op in ("eq", "in")
    if holds == positive:
        return f"{lab}: {shown}"
    return f"{lab}: {shown} ({tr('explain.not', lang, value=_values(name, want, lang))})"


def grade_basis(grade: str, facts: Facts, lang: str) -> str:
    """Where a NET grade comes from: "Ki-67 8% and mitoses 3 /2 mm² give G2 (the higher)"."""
    known = [f"{field_label(k, lang)} {dated_label(k, facts.get(k), facts, lang)}"
             for k in ("ki67_percent", "mitoses_per_2mm2") if facts.get(k) is not None]
    if len(known) > 1:
        return tr("explain.grade.both", lang, first=known[0], second=known[1], grade=grade)
    if known:
        return tr("explain.grade.one", lang, known=known[0], grade=grade)
    return tr("explain.grade.none", lang, grade=grade)


def deciding_atoms(cond: Condition | None, facts: Facts,
                   pathway: Pathway) -> list[tuple[Condition, bool]]:
    """The comparisons that decide a condition's value here, each with its own value.

    `all` true: every part; `all` false: the false parts. `any` true: the true parts;
    `any` false: every part. `not` is explained by what it negates, a named condition (of
    `pathway`) by what it holds; a line quantifier is one statement. Each part is compiled
    once per pathway (Pathway.part_test).
    """
    if cond is None:
        return []
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        parts = [(c, pathway.part_test(c)(facts)) for c in cond[key]]
        if key == "all":
            chosen = [p for p in parts if not p[1]] or parts
        else:
            chosen = [p for p in parts if p[1]] or parts
        return [d for c, _ in chosen for d in deciding_atoms(c, facts, pathway)]
    if "not" in cond:
        return deciding_atoms(cond["not"], facts, pathway)
    if "ref" in cond:
        return deciding_atoms(pathway.conditions[cond["ref"]], facts, pathway)
    return [(cond, pathway.part_test(cond)(facts))]


_OBSERVED_ON = re.compile(r" \(\d{4}-\d{2}-\d{2}\)$")


def decision_sentence(edge: Edge, facts: Facts, pathway: Pathway, lang: str) -> str:
    """Why the walk took `edge`: the deciding facts, then the answer ("Ki-67 8% ... → indolent");
    the answer is left out where the facts already say it ("SSTR imaging: Positive")."""
    atoms = deciding_atoms(edge.when, facts, pathway)
    reasons = "; ".join(filter(None, (describe(c, h, facts, lang) for c, h in atoms)))
    reasons = reasons[:1].upper() + reasons[1:]
    answer = text(edge.label, lang)
    undated = _OBSERVED_ON.sub("", reasons)  # "Positive (2025-03-10)" says "positive"
    if not reasons or not answer or undated.casefold().endswith(answer.casefold()):
        return reasons or answer
    return f"{reasons} → {answer}"


def stop_sentence(report_field: str, lang: str) -> str:
    """Why the walk stopped: the missing field."""
    return tr("explain.stop", lang, label=field_label(report_field, lang))


def _name(regimen: str, lang: str) -> str:
    return regimen_names([regimen], lang)


def removed_sentences(removed: list[str], facts: Facts, pathway: Pathway,
                      lang: str) -> list[str]:
    """Why each option of a treatment node was left out, in one sentence (none if none)."""
    if not removed:
        return []
    own = [ln.regimen for ln in facts.lines
           if anti_tumour(ln) and ln.outcome in pathway.line_rules.progression_outcomes]
    parts = []
    for r in removed:
        x = _name(r, lang)
        if r in pathway.line_rules.judged_by_condition:
            parts.append(_why_prrt(x, facts, pathway, lang))
        elif r in own:
            parts.append(tr("explain.why_progressed", lang, regimen=x))
        elif r in facts.progressed:
            source = next((o for o in own
                           if r in pathway.line_rules.progression_implies.get(o, ())), r)
            parts.append(tr("explain.why_implied", lang, regimen=x, source=_name(source, lang)))
        else:
            parts.append(tr("explain.why_toxic", lang, regimen=x))
    return [tr("explain.left_out", lang, value="; ".join(parts))]


def history_sentences(edge: Edge, facts: Facts, pathway: Pathway, lang: str) -> list[str]:
    """At a decision on progression: what each line of therapy counts for."""
    if not names_fact(edge.when, "progressed", pathway.conditions):
        return []
    rules = pathway.line_rules
    out = []
    for ln in facts.lines:
        if not anti_tumour(ln):
            continue
        x, outcome = _name(ln.regimen, lang), ln.outcome
        if outcome in rules.progression_outcomes:
            key = "explain.line_continued" if outcome != "progression" \
                else "explain.line_progression"
            implied = rules.progression_implies.get(ln.regimen, ())
            tail = "" if not implied else tr("explain.implies_ssa", lang) \
                if ln.regimen in SSA_REGIMENS \
                else tr("explain.implies", lang, source=regimen_names(list(implied), lang))
            out.append(tr(key, lang, regimen=x) + tail)
        elif outcome in rules.toxicity_outcomes:
            kept = ln.regimen in rules.kept_after_toxicity
            ssa_left = not facts.progressed and any(
                r not in facts.excluded for r in SSA_REGIMENS) and \
                ln.regimen not in SSA_REGIMENS
            key = "explain.line_kept" if kept else "explain.line_toxic_ssa" if ssa_left \
                else "explain.line_toxic"
            out.append(tr(key, lang, regimen=x))
    out.extend(_prrt_sentence(facts, pathway, lang))
    return out


def _last_prrt(facts: Facts, pathway: Pathway) -> tuple[Line | None, int | None, bool]:
    """The last PRRT line, the days from its last dose to progression (None when a date is
    not recorded or it did not progress), and whether some PRRT course was stopped for
    toxicity."""
    prrt = [ln for ln in facts.lines if ln.regimen in pathway.line_rules.judged_by_condition]
    if not prrt:
        return None, None, False
    toxic = any(ln.outcome in pathway.line_rules.toxicity_outcomes for ln in prrt)
    last = prrt[-1]
    if last.outcome != "progression" or not last.end_date or not last.progression_date:
        return last, None, toxic
    days = (dt.date.fromisoformat(last.progression_date)
            - dt.date.fromisoformat(last.end_date)).days
    return last, days, toxic


def _why_prrt(name: str, facts: Facts, pathway: Pathway, lang: str) -> str:
    """Why PRRT is left out, from what actually happened."""
    _, days, toxic = _last_prrt(facts, pathway)
    limit = pathway.thresholds.get("prrt_rechallenge_days", {}).get("value", "")
    if toxic:
        return tr("explain.why_prrt_toxicity", lang, regimen=name)
    if days is None:
        return tr("explain.why_prrt_unknown", lang, regimen=name)
    return tr("explain.why_prrt_soon", lang, regimen=name, after=days, days=limit)


def _prrt_sentence(facts: Facts, pathway: Pathway, lang: str) -> list[str]:
    """How long after the last PRRT dose the disease progressed, and what follows."""
    last, days, toxic = _last_prrt(facts, pathway)
    if last is None or days is None:
        return []
    limit = pathway.thresholds.get("prrt_rechallenge_days", {}).get("value", "")
    if last.regimen not in facts.excluded:
        return [tr("explain.prrt_again", lang, months=int(days // 30.44), after=days)]
    if toxic:
        return [tr("explain.prrt_not_again_toxicity", lang, after=days)]
    return [tr("explain.prrt_not_again", lang, after=days, days=limit)]


def put_first_sentence(option: str, facts: Facts, lang: str) -> str:
    """Why an option was put first (frailty)."""
    return tr("explain.put_first", lang, ecog=facts.get("ecog"), regimen=_name(option, lang))


def exhausted_sentence(lang: str) -> str:
    """Every option of a treatment node failed."""
    return tr("explain.exhausted", lang)
