"""A plain-text summary of an evaluation, for the terminal and the tumour-board report."""

from __future__ import annotations

from ..case.fields import value_label
from .explain import field_label
from .model import Pathway, text
from .walk import AccessEntry, Evaluation

HEAD = {
    "en": {"grade": "WHO grade", "rec": "Recommendation", "stop": "Stopped: data needed",
           "path": "Path", "options": "Options", "caution": "caution", "symptom": "Symptom control",
           "warnings": "Warnings", "why": "Why", "current": "Current regimen", "dose": "dose",
           "missing": "Missing", "none": "none", "access": "Korean access",
           "as_of": "as of {date}"},
    "ko": {"grade": "WHO 등급", "rec": "권고", "stop": "중단: 자료 필요", "path": "경로",
           "options": "치료 선택지", "caution": "주의", "symptom": "증상 조절", "warnings": "경고",
           "why": "근거", "current": "현재 요법", "dose": "용량", "missing": "누락", "none": "없음",
           "access": "국내 허가·급여", "as_of": "{date} 기준"},
}
# Badge words for when the pathway file does not carry `access_statuses` (the file's words come first).
STATUS_WORDS = {
    "reimbursed": {"en": "Reimbursed", "ko": "급여"},
    "self_paid": {"en": "Self-paid", "ko": "비급여(본인 부담)"},
    "not_approved": {"en": "Not approved", "ko": "미허가"},
    "unverified": {"en": "Unverified", "ko": "미확인"},
}


def option_name(pathway: Pathway, option_id: str, lang: str) -> str:
    """Display name of an option."""
    opt = pathway.options.get(option_id)
    return text(opt.name, lang) if opt else value_label("regimen", option_id, lang)


def access_status_word(pathway: Pathway, status: str, lang: str) -> str:
    """The badge word of an access status, from the pathway file; never the status code."""
    return (text(pathway.access_statuses.get(status), lang)
            or text(STATUS_WORDS.get(status), lang) or text(STATUS_WORDS["unverified"], lang))


def access_by_option(ev: Evaluation) -> dict[str, AccessEntry]:
    """The evaluation's Korean access entries, by option id."""
    return {a.option: a for a in ev.access}


def access_line(pathway: Pathway, entry: AccessEntry, lang: str) -> str:
    """One option's access as a line: 'Korean access: Self-paid (as of 2022-03-01): ...'."""
    h = HEAD.get(lang, HEAD["en"])
    date = f" ({h['as_of'].format(date=entry.as_of)})" if entry.as_of else ""
    words = f": {entry.text}" if entry.text else ""
    return f"{h['access']}: {access_status_word(pathway, entry.status, lang)}{date}{words}"


def summary_lines(ev: Evaluation, pathway: Pathway, lang: str = "en") -> list[str]:
    """The evaluation as indented lines of text."""
    h = HEAD.get(lang, HEAD["en"])
    out = [f"{h['grade']}: {ev.who_grade or value_label('who_grade', None, lang)}"]
    if ev.status == "recommendation" and ev.recommendation_node:
        out.append(f"{h['rec']}: {text(pathway.nodes[ev.recommendation_node].label, lang)}")
    else:
        missing = ", ".join(field_label(m, lang) for m in ev.missing)
        out.append(f"{h['stop']} ({h['missing']}: {missing})")
    out.append(f"{h['path']}: " + " → ".join(text(pathway.nodes[n].label, lang) for n in ev.path))
    if ev.options:
        out.append(f"{h['options']}:")
        access = access_by_option(ev)
        for opt in ev.options:
            info = pathway.options[opt.id]
            dose = f" — {text(info.dose, lang)}" if info.dose else ""
            out.append(f"  - {text(info.name, lang)}{dose}")
            out.extend(f"      {h['caution']}: {text(pathway.cautions[c], lang)}"
                       for c in opt.cautions)
            if opt.id in access:
                out.append(f"      {access_line(pathway, access[opt.id], lang)}")
    if ev.symptom_control:
        out.append(f"{h['symptom']}: " + ", ".join(option_name(pathway, s, lang)
                                                     for s in ev.symptom_control))
    if ev.current_regimen:
        out.append(f"{h['current']}: {value_label('regimen', ev.current_regimen, lang)}")
    if ev.warnings:
        out.append(f"{h['warnings']}:")
        out.extend(f"  - {text(pathway.warnings.get(w), lang) or w}" for w in ev.warnings)
    if ev.explanations:
        out.append(f"{h['why']}:")
        out.extend(f"  - {text(pathway.nodes[e.node].label, lang)}: {e.text}"
                   for e in ev.explanations)
    out.append(text(pathway.notice, lang))
    return out
