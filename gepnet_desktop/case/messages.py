"""The sentences of validation, in English and Korean.

A problem is made of parts, each a code of this catalogue with its values; the parts are
rendered in the reader's language and joined with "; ". A value may be `Coded`: the values of
a case field (a regimen, an outcome), shown by their labels in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .fields import value_label

Part = tuple[str, tuple[tuple[str, Any], ...]]

CATALOGUE: dict[str, dict[str, str]] = {
    # what is wrong
    "not_a_number": {"en": "{v} is not a number", "ko": "{v}: 숫자가 아닙니다"},
    "not_whole": {"en": "{v} is not a whole number", "ko": "{v}: 정수가 아닙니다"},
    "out_of_range": {"en": "{v} is out of range", "ko": "{v}: 허용 범위를 벗어났습니다"},
    "not_recognised": {"en": "{v} is not a recognised value", "ko": "{v}: 허용되지 않는 값입니다"},
    "not_a_list": {"en": "{v} is not a list", "ko": "{v}: 목록이 아닙니다"},
    "repeats": {"en": "the list repeats a value", "ko": "목록에 같은 값이 두 번 있습니다"},
    "not_bool": {"en": "{v} is not true or false", "ko": "{v}: 예/아니오 값이 아닙니다"},
    "not_a_date": {"en": "{v} is not a date", "ko": "{v}: 날짜가 아닙니다"},
    "bad_date": {"en": "{v} is not a date in the form YYYY-MM-DD",
                 "ko": "{v}: YYYY-MM-DD 형식의 날짜가 아닙니다"},
    "future": {"en": "{v} is in the future", "ko": "{v}: 미래의 날짜입니다"},
    "not_text": {"en": "{v} is not text", "ko": "{v}: 텍스트가 아닙니다"},
    "too_long": {"en": "the text has {n} characters", "ko": "텍스트가 {n}자입니다"},
    "not_unicode": {"en": "the text holds an invalid character (a lone UTF-16 surrogate, e.g. "
                          "from a \\ud800 escape)",
                    "ko": "텍스트에 잘못된 문자(짝이 없는 UTF-16 대리 문자, "
                          "예: \\ud800)가 있습니다"},
    "unknown_field": {"en": "unknown field", "ko": "알 수 없는 항목입니다"},
    "required": {"en": "is required", "ko": "필수 항목입니다"},
    "blank": {"en": "is blank", "ko": "비어 있습니다"},
    "not_case": {"en": "{v} is not a case object", "ko": "{v}: 증례 객체가 아닙니다"},
    "not_line": {"en": "{v} is not an object", "ko": "{v}: 객체가 아닙니다"},
    "end_before_start": {"en": "{end} is before the start date {start}",
                         "ko": "{end}: 시작일 {start}보다 이전입니다"},
    "end_while_ongoing": {"en": "the end date {end} is set while the outcome is {outcome}",
                          "ko": "결과가 {outcome}인 치료에 종료일 {end}이 입력되어 있습니다"},
    "progression_wrong_outcome": {
        "en": "the progression date {date} is set while the outcome is {outcome}",
        "ko": "결과가 {outcome}인 치료에 진행일 {date}이 입력되어 있습니다"},
    "continued_symptom_agent": {
        "en": "{regimen} is a symptom agent and cannot be recorded as {outcome}",
        "ko": "{regimen}: 증상 조절 약제는 {outcome}(으)로 기록할 수 없습니다"},
    "continued_fixed_course": {
        "en": "{regimen} is a fixed course and cannot be recorded as {outcome}",
        "ko": "{regimen}: 정해진 횟수로 끝나는 치료는 {outcome}(으)로 기록할 수 없습니다"},
    "control_character": {"en": "contains a line break or another control character",
                          "ko": "줄바꿈 또는 제어 문자가 들어 있습니다"},
    "second_ongoing": {
        "en": "a second anti-tumour line other than an SSA is ongoing (line {first}, {regimen}, "
              "is too)",
        "ko": "SSA가 아닌 항종양 치료가 둘 이상 투여 중입니다 ({first}번째 치료 {regimen}도 "
              "투여 중)"},
    "second_ongoing_ssa": {
        "en": "a second SSA line is ongoing (line {first}, {regimen}, is too)",
        "ko": "투여 중인 SSA 치료가 둘 이상입니다 ({first}번째 치료 {regimen}도 투여 중)"},
    "second_continued": {
        "en": "a second line is recorded as {outcome} (line {first}, {regimen}, is too)",
        "ko": "{outcome}(으)로 기록된 치료가 둘 이상입니다 ({first}번째 치료 {regimen}도 같음)"},
    "nec_subtype_set": {"en": "is set while differentiation is {state}",
                        "ko": "분화도가 {state}인데 입력되어 있습니다"},
    "grade_mismatch": {"en": "{v} does not match the grade derived from the pathology ({g})",
                       "ko": "{v}: 병리 소견으로 정한 등급({g})과 다릅니다"},
    "not_identifier": {"en": "{v} is not an identifier", "ko": "{v}: 식별자가 아닙니다"},
    "not_revision": {"en": "{v} is not a revision", "ko": "{v}: 개정 번호가 아닙니다"},
    "not_timestamp": {"en": "{v} is not a timestamp", "ko": "{v}: 시각 값이 아닙니다"},
    # what is allowed
    "allow_enum": {"en": "allowed: one of {values}", "ko": "허용: {values} 중 하나"},
    "allow_list": {"en": "allowed: a list without duplicates of {values}",
                   "ko": "허용: {values} 중에서 중복 없는 목록"},
    "allow_number": {"en": "allowed: a number from {lo} to {hi}{unit}",
                     "ko": "허용: {lo}에서 {hi} 사이의 숫자{unit}"},
    "allow_whole": {"en": "allowed: a whole number from {lo} to {hi}{unit}",
                    "ko": "허용: {lo}에서 {hi} 사이의 정수{unit}"},
    "allow_bool": {"en": "allowed: true or false", "ko": "허용: 예 또는 아니오"},
    "allow_date": {"en": "allowed: a date YYYY-MM-DD, not in the future",
                   "ko": "허용: 미래가 아닌 YYYY-MM-DD 날짜"},
    "allow_text": {"en": "allowed: text of at most {n} characters",
                   "ko": "허용: 최대 {n}자의 텍스트"},
    "allow_code": {"en": "allowed: 1 to 40 characters, a local pseudonymous code",
                   "ko": "허용: 1-40자의 기관 내 가명 코드"},
    "allow_fields": {"en": "allowed fields are {values}", "ko": "허용되는 항목: {values}"},
    "allow_line_fields": {"en": "allowed fields of a line are {values}",
                          "ko": "치료 항목에 허용되는 항목: {values}"},
    "allow_case_object": {"en": "allowed: a JSON object of case fields",
                          "ko": "허용: 증례 항목으로 된 JSON 객체"},
    "allow_line_object": {"en": "allowed: an object with {values}",
                          "ko": "허용: {values} 항목으로 된 객체"},
    "allow_lines": {"en": "allowed: a list of line objects, oldest first",
                    "ko": "허용: 오래된 것부터 나열한 치료 객체 목록"},
    "allow_after_start": {"en": "allowed: a date on or after the start",
                          "ko": "허용: 시작일과 같거나 이후의 날짜"},
    "allow_end_when_over": {"en": "allowed: no end date while the line is still given (when it "
                                  "stops, record its end date with the outcome)",
                            "ko": "허용: 투여하는 동안에는 종료일 없음 (중단하면 결과와 함께 "
                                  "종료일을 입력)"},
    "allow_progression_date": {
        "en": "allowed: a progression date only with the outcome {outcomes} (clear the date or "
              "change the outcome)",
        "ko": "허용: 결과가 {outcomes}일 때만 진행일 입력 (진행일을 지우거나 결과를 바꾸십시오)"},
    "allow_symptom_outcome": {
        "en": "allowed: {outcomes} (a symptom agent never counts as a failed anti-tumour line)",
        "ko": "허용: {outcomes} (증상 조절 약제는 실패한 항종양 치료로 세지 않습니다)"},
    "allow_fixed_course_outcome": {
        "en": "allowed: {progression} with its progression date when the disease progressed on "
              "or after the course",
        "ko": "허용: 치료 중 또는 치료 후 진행했다면 {progression} (진행일과 함께)"},
    "allow_one_ongoing": {
        "en": "allowed: at most one ongoing anti-tumour line besides an SSA (symptom agents may "
              "be ongoing beside them)",
        "ko": "허용: SSA 외의 투여 중인 항종양 치료는 하나까지 (증상 조절 약제는 함께 투여 가능)"},
    "allow_one_ongoing_ssa": {
        "en": "allowed: at most one ongoing SSA line (record the other with how it ended)",
        "ko": "허용: 투여 중인 SSA 치료는 하나까지 (다른 하나는 끝난 결과로 기록)"},
    "allow_one_continued": {
        "en": "allowed: at most one line recorded as {outcome}",
        "ko": "허용: {outcome}(으)로 기록된 치료는 하나까지"},
    "allow_nec_subtype": {"en": "allowed only with differentiation poor or minen (leave it empty)",
                          "ko": "분화도가 저분화 또는 MiNEN일 때만 허용 (비워 두십시오)"},
    "allow_derived_grade": {"en": "it is derived, so leave it out or correct the pathology fields",
                            "ko": "자동으로 정해지므로 비우거나 병리 항목을 고치십시오"},
    "allow_uuid": {"en": "allowed: the UUID text the store gave the case, or null for a new case",
                   "ko": "허용: 저장소가 부여한 UUID 또는 새 증례는 빈 값"},
    "allow_revision": {"en": "allowed: a whole number from 1, or null for a new case",
                       "ko": "허용: 1 이상의 정수 또는 새 증례는 빈 값"},
    "allow_timestamp": {"en": "allowed: an ISO 8601 date and time, or null",
                        "ko": "허용: ISO 8601 날짜와 시각 또는 빈 값"},
    "or_unknown": {"en": "{text}, or null for unknown", "ko": "{text} 또는 빈 값(알 수 없음)"},
    # soft warnings
    "warn_resident_number": {
        "en": "looks like a resident registration number; use a local pseudonymous code",
        "ko": "주민등록번호처럼 보입니다; 기관 내 가명 코드를 사용하십시오"},
    "warn_well_high_ki67": {
        "en": "Ki-67 {v}% is unusual for a well-differentiated NET (over 55%); confirm the "
              "morphology",
        "ko": "Ki-67 {v}%는 고분화 NET로는 드뭅니다 (55% 초과); 형태학을 확인하십시오"},
    "warn_poor_low_ki67": {
        "en": "Ki-67 {v}% is unusual for a poorly differentiated NEC (20% or less); confirm the "
              "morphology",
        "ko": "Ki-67 {v}%는 저분화 NEC로는 드뭅니다 (20% 이하); 형태학을 확인하십시오"},
    "warn_ssa_ongoing_progressing": {
        "en": "{regimen} is recorded as {outcome} while the pace is {pace}: if the disease "
              "progressed on it, record the line as {continued}",
        "ko": "{regimen}: 결과가 {outcome}인데 진행 속도가 {pace}입니다. 이 치료 중 진행했다면 "
              "{continued}(으)로 기록하십시오"},
    "warn_completed_course_progressing": {
        "en": "{regimen}, the last anti-tumour line, is recorded as {outcome} while the pace is "
              "{pace}: if the disease progressed after this course, record its outcome as "
              "{progression}",
        "ko": "{regimen}: 마지막 항종양 치료의 결과가 {outcome}인데 진행 속도가 {pace}입니다. "
              "이 치료 후 진행했다면 결과를 {progression}(으)로 기록하십시오"},
    "warn_insulinoma_site": {
        "en": "insulinomas are almost always pancreatic: check the primary site ({site})",
        "ko": "인슐린종은 거의 모두 췌장에서 생깁니다: 원발 부위({site})를 확인하십시오"},
    "warn_sstr_negative_line": {
        "en": "SSTR imaging is negative but line {i} is {regimen}; check the imaging or the line",
        "ko": "SSTR 영상이 음성인데 {i}번째 치료가 {regimen}입니다; 영상 또는 치료 기록을 "
              "확인하십시오"},
}
# Parts that do not name their subject: shown after the field's name ("Case code is required").
NEEDS_FIELD_NAME = frozenset({"required", "blank", "unknown_field", "nec_subtype_set",
                              "control_character", "warn_resident_number"})
STATES = {"well": {"en": "well", "ko": "고분화"}, "unknown": {"en": "unknown", "ko": "알 수 없음"}}
# Fields whose value labels are quoted in a sentence (a regimen or a site reads as a name).
_QUOTED = frozenset({"outcome", "pace"})
_QUOTES = {"en": ("“", "”"), "ko": ("‘", "’")}
_JOINS = {"or": {"en": " or ", "ko": " 또는 "}, "list": {"en": ", ", "ko": ", "}}


@dataclass(frozen=True)
class Coded:
    """Values of one case field (`key`), rendered by their labels: "“Progression” or ..."."""

    key: str
    values: tuple[str, ...]
    join: str = "or"  # "or" or "list"

    def text(self, lang: str) -> str:
        """The labels in `lang`, quoted where the field's labels are words, joined."""
        lang = lang if lang in _QUOTES else "en"
        left, right = _QUOTES[lang] if self.key in _QUOTED else ("", "")
        return _JOINS[self.join][lang].join(f"{left}{value_label(self.key, v, lang)}{right}"
                                            for v in self.values)


def coded(key: str, *values: str, join: str = "or") -> Coded:
    """A value (or values) of case field `key`, to be shown by its label."""
    return Coded(key, tuple(values), join)


def part(code: str, **values: Any) -> Part:
    """One part of a problem: a catalogue code and its values."""
    if code not in CATALOGUE:
        raise KeyError(code)
    return code, tuple(values.items())


def render(parts: tuple[Part, ...], lang: str = "en") -> str:
    """The parts as one sentence in `lang` (English where a text is missing)."""
    out = []
    for code, values in parts:
        texts = CATALOGUE[code]
        params = {k: (render((v,), lang) if _is_part(v) else
                      v.text(lang) if isinstance(v, Coded) else
                      STATES[v][lang if lang in STATES[v] else "en"] if k == "state" else v)
                  for k, v in values}
        out.append((texts.get(lang) or texts["en"]).format(**params))
    return "; ".join(out)


def _is_part(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and value[0] in CATALOGUE
