"""The sentences of validation, in English and Korean.

A problem is made of parts, each a code of this catalogue with its values; the parts are
rendered in the reader's language and joined with "; ".
"""

from __future__ import annotations

from typing import Any

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
    "end_while_ongoing": {"en": "the end date {end} is set while the line is ongoing",
                          "ko": "진행 중인 치료에 종료일 {end}이 입력되어 있습니다"},
    "control_character": {"en": "contains a line break or another control character",
                          "ko": "줄바꿈 또는 제어 문자가 들어 있습니다"},
    "second_ongoing": {"en": "a second line is ongoing (line {first} is too)",
                       "ko": "진행 중인 치료가 둘입니다 ({first}번째 치료도 진행 중)"},
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
    "allow_end_when_over": {"en": "allowed: no end date while ongoing (set the outcome when "
                                  "the line ends)",
                            "ko": "허용: 진행 중에는 종료일 없음 (치료가 끝나면 결과를 입력)"},
    "allow_one_ongoing": {"en": "allowed: at most one ongoing line",
                          "ko": "허용: 진행 중인 치료는 하나까지"},
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
    "warn_sstr_negative_line": {
        "en": "SSTR imaging is negative but line {i} is {regimen}; check the imaging or the line",
        "ko": "SSTR 영상이 음성인데 {i}번째 치료가 {regimen}입니다; 영상 또는 치료 기록을 "
              "확인하십시오"},
}
# Parts that do not name their subject: shown after the field's name ("Case code is required").
NEEDS_FIELD_NAME = frozenset({"required", "blank", "unknown_field", "nec_subtype_set",
                              "control_character", "warn_resident_number"})
STATES = {"well": {"en": "well", "ko": "고분화"}, "unknown": {"en": "unknown", "ko": "알 수 없음"}}


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
                      STATES[v][lang if lang in STATES[v] else "en"] if k == "state" else v)
                  for k, v in values}
        out.append((texts.get(lang) or texts["en"]).format(**params))
    return "; ".join(out)


def _is_part(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and value[0] in CATALOGUE
