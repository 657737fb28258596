"""Lines of therapy under contract 2 (case-fields.md): the new outcome and progression date,
concurrent lines, their cross-field errors and soft checks, in English and Korean; records of
contract 1 validate unchanged; the sample generator makes only valid contract-2 cases."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from gepnet_desktop.case import LINE_FIELDS, validate_case
from gepnet_desktop.case.sample import random_case_dict, random_lines
from gepnet_desktop.case.validation import Problem

TODAY = dt.date(2026, 11, 27)
CODES = ("lanreotide", "octreotide_lar", "prrt_lu177", "continued_after_progression",
         "slow_progression", "rapid_progression", "jejunum_ileum", "high_dose_ppi", "telotristat")


def line(regimen: str, outcome: str, **dates: str) -> dict[str, Any]:
    return {"regimen": regimen, "outcome": outcome, **dates}


def problems(obj: dict[str, Any], severity: str = "error") -> dict[str, list[Problem]]:
    result = validate_case(obj, today=TODAY)
    assert (result.case is None) == bool(result.errors)
    found = result.errors if severity == "error" else result.warnings
    out: dict[str, list[Problem]] = {}
    for problem in found:
        out.setdefault(problem.field, []).append(problem)
    return out


def one(obj: dict[str, Any], field: str, severity: str = "error") -> Problem:
    found = problems(obj, severity)
    assert list(found) == [field], found
    (problem,) = found[field]
    assert problem.severity == severity
    return problem


def speaks_both(problem: Problem, en: str, ko: str) -> None:
    """The sentence says `en` in English and `ko` in Korean, with labels, never codes."""
    assert en in problem.text("en"), problem.text("en")
    assert ko in problem.text("ko"), problem.text("ko")
    for lang in ("en", "ko"):
        assert not any(code in problem.text(lang) for code in CODES), problem.text(lang)


# -- the new outcome and date are accepted -----------------------------------------------------
def test_a_contract_2_record_with_concurrent_lines_is_valid() -> None:
    obj = {"pace": "slow_progression", "lines": [
        line("lanreotide", "continued_after_progression", start_date="2022-01-10",
             progression_date="2023-02-01"),
        line("captem", "progression", start_date="2023-03-01", end_date="2023-09-01",
             progression_date="2024-06-01"),
        line("everolimus", "ongoing", start_date="2024-07-01"),
        line("telotristat", "ongoing", start_date="2024-07-01"),
    ]}
    result = validate_case(obj, today=TODAY)
    assert result.ok and result.warnings == []
    assert result.case is not None
    assert [ln.progression_date for ln in result.case.lines] == ["2023-02-01", "2024-06-01",
                                                                 None, None]
    assert result.case.lines[0].outcome == "continued_after_progression"


def test_an_ssa_and_another_anti_tumour_line_and_symptom_agents_may_be_ongoing_together() -> None:
    obj = {"lines": [line("octreotide_lar", "ongoing"), line("prrt_lu177", "ongoing"),
                     line("telotristat", "ongoing"), line("high_dose_ppi", "ongoing"),
                     line("diazoxide", "ongoing")]}
    assert problems(obj) == {}


def test_progression_on_the_start_day_is_allowed() -> None:
    obj = {"lines": [line("sunitinib", "progression", start_date="2024-01-01",
                          progression_date="2024-01-01", end_date="2024-01-01")]}
    assert problems(obj) == {}


# -- contract 1 ----------------------------------------------------------------------------------
CONTRACT_1 = {
    "case_code": "OLD-1", "primary_site": "jejunum_ileum", "differentiation": "well",
    "ki67_percent": 4, "sstr_status": "positive", "pace": "stable",
    "lines": [{"regimen": "lanreotide", "start_date": "2019-01-01", "end_date": "2021-03-01",
               "outcome": "progression", "best_response": "SD", "notes": None},
              {"regimen": "everolimus", "start_date": "2021-04-01", "end_date": None,
               "outcome": "ongoing", "best_response": None, "notes": "10 mg"}],
}


def test_a_contract_1_record_validates_unchanged() -> None:
    result = validate_case(CONTRACT_1, today=TODAY)
    assert result.ok and result.warnings == []
    assert result.case is not None
    lines = result.case.to_dict()["lines"]
    for old, new in zip(CONTRACT_1["lines"], lines, strict=True):
        assert new == {**old, "progression_date": None}
    assert [f.key for f in LINE_FIELDS].index("progression_date") == 4


# -- cross-field errors ----------------------------------------------------------------------
@pytest.mark.parametrize("outcome", ["ongoing", "continued_after_progression"])
def test_an_end_date_on_a_line_still_given(outcome: str) -> None:
    problem = one({"lines": [line("octreotide_lar", outcome, end_date="2024-01-01")]},
                  "lines[1].end_date")
    label_en = {"ongoing": "“Ongoing”",
                "continued_after_progression": "“Continued after progression”"}[outcome]
    label_ko = {"ongoing": "‘투여 중’",
                "continued_after_progression": "‘진행 후 지속 투여’"}[outcome]
    speaks_both(problem, f"the end date 2024-01-01 is set while the outcome is {label_en}",
                f"결과가 {label_ko}인 치료에 종료일 2024-01-01")
    speaks_both(problem, "allowed: no end date while the line is still given", "허용: 투여하는")


def test_a_progression_before_the_start() -> None:
    problem = one({"lines": [line("everolimus", "progression", start_date="2024-05-01",
                                  progression_date="2024-04-30")]},
                  "lines[1].progression_date")
    speaks_both(problem, "2024-04-30 is before the start date 2024-05-01; allowed: a date on or "
                         "after the start", "2024-04-30: 시작일 2024-05-01보다 이전입니다")


@pytest.mark.parametrize("outcome", ["ongoing", "toxicity", "completed", "other"])
def test_a_progression_date_needs_a_progression_outcome(outcome: str) -> None:
    problem = one({"lines": [line("captem", outcome, progression_date="2024-04-30")]},
                  "lines[1].progression_date")
    speaks_both(problem, "the progression date 2024-04-30 is set while the outcome is",
                "진행일 2024-04-30이 입력되어 있습니다")
    speaks_both(problem, "allowed: a progression date only with the outcome “Progression” or "
                         "“Continued after progression”",
                "허용: 결과가 ‘진행’ 또는 ‘진행 후 지속 투여’일 때만 진행일 입력")


@pytest.mark.parametrize("agent", ["telotristat", "diazoxide", "high_dose_ppi"])
def test_a_symptom_agent_cannot_be_continued_after_progression(agent: str) -> None:
    problem = one({"lines": [line(agent, "continued_after_progression")]}, "lines[1].outcome")
    speaks_both(problem, "is a symptom agent and cannot be recorded as “Continued after "
                         "progression”",
                "증상 조절 약제는 ‘진행 후 지속 투여’(으)로 기록할 수 없습니다")
    speaks_both(problem, "allowed: “Ongoing”, “Progression”", "허용: ‘투여 중’, ‘진행’")


def test_prrt_cannot_be_continued_after_progression() -> None:
    problem = one({"lines": [line("prrt_lu177", "continued_after_progression")]},
                  "lines[1].outcome")
    speaks_both(problem, "PRRT (177Lu-DOTATATE) is a fixed course and cannot be recorded as "
                         "“Continued after progression”; allowed: “Progression” with its "
                         "progression date", "PRRT (177Lu-DOTATATE): 정해진 횟수로")


def test_two_non_ssa_anti_tumour_lines_ongoing() -> None:
    obj = {"lines": [line("lanreotide", "ongoing"), line("everolimus", "ongoing"),
                     line("telotristat", "ongoing"), line("clinical_trial", "ongoing"),
                     line("other", "ongoing")]}
    found = problems(obj)
    assert list(found) == ["lines[4].outcome", "lines[5].outcome"]
    problem = found["lines[4].outcome"][0]
    speaks_both(problem, "a second anti-tumour line other than an SSA is ongoing (line 2, "
                         "Everolimus, is too); allowed: at most one ongoing anti-tumour line "
                         "besides an SSA", "(2번째 치료 에베로리무스도 투여 중)")


def test_two_ssa_lines_ongoing() -> None:
    problem = one({"lines": [line("lanreotide", "ongoing"), line("octreotide_lar", "ongoing")]},
                  "lines[2].outcome")
    speaks_both(problem, "a second SSA line is ongoing (line 1, Lanreotide, is too); allowed: at "
                         "most one ongoing SSA line",
                "투여 중인 SSA 치료가 둘 이상입니다 (1번째 치료 란레오타이드도 투여 중)")


def test_two_lines_continued_after_progression() -> None:
    problem = one({"lines": [line("octreotide_lar", "continued_after_progression"),
                             line("everolimus", "continued_after_progression")]},
                  "lines[2].outcome")
    speaks_both(problem, "a second line is recorded as “Continued after progression” (line 1, "
                         "Octreotide LAR, is too); allowed: at most one line recorded as",
                "‘진행 후 지속 투여’(으)로 기록된 치료가 둘 이상입니다 "
                "(1번째 치료 옥트레오타이드 LAR")


@pytest.mark.parametrize("key", ["start_date", "end_date", "progression_date"])
def test_a_line_date_in_the_future(key: str) -> None:
    problem = one({"lines": [line("everolimus", "progression", **{key: "2026-11-28"})]},
                  f"lines[1].{key}")
    speaks_both(problem, "2026-11-28 is in the future; allowed: a date YYYY-MM-DD, not in the "
                         "future", "2026-11-28: 미래의 날짜입니다")


def test_a_diagnosis_date_in_the_future() -> None:
    problem = one({"diagnosis_date": "2027-01-01"}, "diagnosis_date")
    speaks_both(problem, "2027-01-01 is in the future", "미래의 날짜입니다")
    assert problems({"diagnosis_date": TODAY.isoformat()}) == {}


# -- soft checks --------------------------------------------------------------------------------
@pytest.mark.parametrize("pace", ["slow_progression", "rapid_progression"])
def test_an_ssa_ongoing_while_the_disease_progresses(pace: str) -> None:
    obj = {"pace": pace, "lines": [line("lanreotide", "ongoing")]}
    problem = one(obj, "lines[1].outcome", "warning")
    assert validate_case(obj, today=TODAY).ok
    speaks_both(problem, "Lanreotide is recorded as “Ongoing” while the pace is “",
                "란레오타이드: 결과가 ‘투여 중’인데 진행 속도가 ‘")
    speaks_both(problem, "if the disease progressed on it, record the line as “Continued after "
                         "progression”",
                "이 치료 중 진행했다면 ‘진행 후 지속 투여’(으)로 기록하십시오")


def test_an_ssa_ongoing_is_fine_when_stable_or_when_a_line_carries_the_progression() -> None:
    assert problems({"pace": "stable", "lines": [line("lanreotide", "ongoing")]},
                    "warning") == {}
    assert problems({"lines": [line("lanreotide", "ongoing")]}, "warning") == {}
    continued = {"pace": "slow_progression",
                 "lines": [line("octreotide_lar", "continued_after_progression"),
                           line("lanreotide", "ongoing")]}
    assert "lines[2].outcome" not in problems(continued, "warning")


@pytest.mark.parametrize("course", ["prrt_lu177", "captem", "platinum_etoposide",
                                    "irinotecan_cisplatin", "folfiri", "folfox"])
def test_a_completed_fixed_course_as_the_last_line_while_the_disease_progresses(
        course: str) -> None:
    obj = {"pace": "rapid_progression",
           "lines": [line("everolimus", "progression"), line(course, "completed"),
                     line("telotristat", "ongoing")]}  # a symptom agent is not the last line
    problem = one(obj, "lines[2].outcome", "warning")
    speaks_both(problem, "the last anti-tumour line, is recorded as “Completed” while the pace "
                         "is “Rapid progression (≤6 months)”: if the disease progressed after "
                         "this course, record its outcome as “Progression”",
                "마지막 항종양 치료의 결과가 ‘완료’인데 진행 속도가 "
                "‘빠른 진행 (6개월 이내)’입니다. 이 치료 후 진행했다면 결과를 ‘진행’(으)로 "
                "기록하십시오")


def test_a_completed_course_is_fine_when_stable_not_last_or_not_fixed() -> None:
    assert problems({"pace": "stable", "lines": [line("captem", "completed")]}, "warning") == {}
    later = {"pace": "slow_progression",
             "lines": [line("captem", "completed"), line("everolimus", "progression")]}
    assert problems(later, "warning") == {}
    assert problems({"pace": "slow_progression", "lines": [line("everolimus", "completed")]},
                    "warning") == {}


@pytest.mark.parametrize("site", ["jejunum_ileum", "duodenum", "unknown_primary"])
def test_an_insulinoma_outside_the_pancreas(site: str) -> None:
    obj = {"functional_syndrome": "insulinoma", "primary_site": site}
    problem = one(obj, "primary_site", "warning")
    speaks_both(problem, "insulinomas are almost always pancreatic: check the primary site",
                "인슐린종은 거의 모두 췌장에서 생깁니다: 원발 부위")
    assert problems({"functional_syndrome": "insulinoma", "primary_site": "pancreas"},
                    "warning") == {}
    assert problems({"functional_syndrome": "insulinoma"}, "warning") == {}


def test_sstr_negative_with_an_ssa_names_the_regimen_by_its_label() -> None:
    problem = one({"sstr_status": "negative", "lines": [line("everolimus", "progression"),
                                                        line("octreotide_lar", "progression")]},
                  "sstr_status", "warning")
    speaks_both(problem, "line 2 is Octreotide LAR", "2번째 치료가 옥트레오타이드 LAR입니다")


def test_soft_checks_number_lines_as_recorded_even_when_an_earlier_line_is_wrong() -> None:
    obj = {"pace": "slow_progression", "lines": [line("aspirin", "progression"),
                                                 line("lanreotide", "ongoing")]}
    assert "lines[2].outcome" in problems(obj, "warning")


# -- the sample generator ------------------------------------------------------------------------
def test_sample_cases_are_valid_contract_2_cases() -> None:
    rng = random.Random(3)
    seen: set[str] = set()
    dated = 0
    for i in range(2000):
        data = random_case_dict(rng, code=f"S-{i}", max_lines=6)
        result = validate_case(data, require_code=True)
        assert result.ok, (data, result.errors)
        seen |= {ln["outcome"] for ln in data["lines"]}
        dated += sum(ln["progression_date"] is not None for ln in data["lines"])
    assert "continued_after_progression" in seen and dated > 0
    lines = random_lines(random.Random(5), max_lines=8, today=dt.date(2016, 1, 1))
    assert validate_case({"lines": lines}, today=dt.date(2016, 1, 1)).ok
