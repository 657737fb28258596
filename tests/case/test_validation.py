"""Validation of case objects (case-fields.md): every problem at once, one per bad field."""

from __future__ import annotations

import datetime as dt

import pytest

from gepnet_desktop.case import Case, validate_case

TODAY = dt.date(2026, 11, 27)


def errors(obj, **kw) -> dict[str, str]:
    result = validate_case(obj, today=TODAY, **kw)
    assert result.case is None if result.errors else result.case is not None
    return {p.field: p.message for p in result.errors}


def test_a_complete_valid_case_becomes_a_case() -> None:
    obj = {"case_code": "A-1", "sex": "F", "birth_year": 1960, "diagnosis_date": "2024-02-29",
           "primary_site": "pancreas", "differentiation": "poor", "nec_subtype": "small_cell",
           "ki67_percent": 70, "mitoses_per_2mm2": 30.5, "functional_syndrome": "none",
           "sstr_status": "negative", "sstr_heterogeneous": False, "hepatic_burden": "26to50",
           "bulk_symptoms": True, "pace": "rapid_progression", "ecog": 1, "egfr_ml_min": 80,
           "comorbidities": ["dpd_deficiency"], "notes": "x",
           "lines": [{"regimen": "platinum_etoposide", "start_date": "2024-03-01",
                      "end_date": "2024-07-01", "outcome": "progression", "best_response": "PR"}]}
    result = validate_case(obj, today=TODAY)
    assert result.ok and isinstance(result.case, Case)
    assert result.case.to_dict() == {**obj, "lines": [{**obj["lines"][0], "notes": None,
                                                       "progression_date": None}]}


def test_every_problem_is_reported_at_once_naming_field_and_allowed_values() -> None:
    errs = errors({"ki67_percent": 120, "sex": "x", "ecog": 2.5, "bulk_symptoms": "yes",
                   "comorbidities": ["asthma"], "bogus": 1, "birth_year": 1800,
                   "egfr_ml_min": "12"})
    assert set(errs) == {"ki67_percent", "sex", "ecog", "bulk_symptoms", "comorbidities",
                         "bogus", "birth_year", "egfr_ml_min"}
    assert "allowed: a number from 0 to 100" in errs["ki67_percent"]
    assert "one of F, M, other" in errs["sex"]
    assert "whole number" in errs["ecog"]
    assert "true or false" in errs["bulk_symptoms"]
    assert "unknown field" in errs["bogus"]
    assert "not a number" in errs["egfr_ml_min"]


@pytest.mark.parametrize("value", [True, "12", float("nan"), [1]])
def test_numbers_must_be_json_numbers(value) -> None:
    assert "ki67_percent" in errors({"ki67_percent": value})


def test_duplicates_in_a_list_are_refused() -> None:
    errs = errors({"comorbidities": ["heart_failure", "heart_failure"]})
    assert "repeats" in errs["comorbidities"]


@pytest.mark.parametrize("bad", ["2026-11-28", "2026-13-01", "27/11/2026", "2026-2-1"])
def test_dates_must_be_iso_and_not_in_the_future(bad) -> None:
    assert "diagnosis_date" in errors({"diagnosis_date": bad})


def test_birth_year_up_to_the_current_year() -> None:
    assert errors({"birth_year": 2026}) == {}
    assert "birth_year" in errors({"birth_year": 2027})


def test_case_code_is_required_in_the_store_and_limited_to_40_characters() -> None:
    assert errors({}) == {}
    assert "case_code" in errors({}, require_code=True)
    assert "case_code" in errors({"case_code": "x" * 41})
    assert "case_code" in errors({"case_code": "   "})


def test_nec_subtype_only_with_poor_or_minen() -> None:
    assert "nec_subtype" in errors({"differentiation": "well", "nec_subtype": "small_cell"})
    assert "nec_subtype" in errors({"nec_subtype": "large_cell"})
    assert errors({"differentiation": "minen", "nec_subtype": "large_cell"}) == {}


def test_line_checks_name_the_line_and_field() -> None:
    errs = errors({"lines": [
        {"regimen": "everolimus", "outcome": "progression", "start_date": "2024-05-01",
         "end_date": "2024-04-01"},
        {"regimen": "sunitinib", "outcome": "ongoing"},
        {"regimen": "aspirin", "outcome": "ongoing", "colour": "red"},
        {"outcome": "completed", "end_date": "2030-01-01"},
    ]})
    assert "before the start date" in errs["lines[1].end_date"]
    assert "lines[3].outcome" not in errs  # an unrecognised regimen is not counted as ongoing
    assert "lines[3].regimen" in errs and "lines[3].colour" in errs
    assert "is required" in errs["lines[4].regimen"]
    assert "future" in errs["lines[4].end_date"]


def test_soft_warnings_keep_the_case_valid() -> None:
    result = validate_case({"differentiation": "well", "ki67_percent": 60,
                            "sstr_status": "negative",
                            "lines": [{"regimen": "lanreotide", "outcome": "progression"}]},
                           today=TODAY)
    assert result.ok
    assert {w.field for w in result.warnings} == {"ki67_percent", "sstr_status"}
    assert all(w.severity == "warning" for w in result.warnings)
    poor = validate_case({"differentiation": "poor", "ki67_percent": 20}, today=TODAY)
    assert [w.field for w in poor.warnings] == ["ki67_percent"]


def test_store_keys_are_accepted_and_a_wrong_derived_grade_refused() -> None:
    ok = validate_case({"uuid": "u-1", "revision": 3, "created_at": "2026-01-01T10:00:00+00:00",
                        "updated_at": "2026-01-02T10:00:00+00:00", "who_grade": "G2",
                        "differentiation": "well", "ki67_percent": 5}, today=TODAY)
    assert ok.ok and ok.case.uuid == "u-1" and ok.case.revision == 3
    errs = errors({"who_grade": "G1", "differentiation": "well", "ki67_percent": 5})
    assert "derived" in errs["who_grade"]
    assert "revision" in errors({"revision": 0})


def test_a_non_object_is_one_clear_problem() -> None:
    assert list(errors([1, 2])) == ["case"]


def test_messages_read_in_korean_with_the_same_values() -> None:
    result = validate_case({"ki67_percent": 150, "differentiation": "well",
                            "nec_subtype": "small_cell",
                            "lines": [{"regimen": "everolimus", "outcome": "ongoing"},
                                      {"regimen": "sunitinib", "outcome": "ongoing"}]},
                           today=TODAY)
    by_field = {p.field: p for p in result.errors}
    ki67 = by_field["ki67_percent"]
    assert ki67.text("en") == ki67.message == ("150 is out of range; allowed: a number from 0 "
                                                "to 100 (%), or null for unknown")
    assert ki67.text("ko") == ("150: 허용 범위를 벗어났습니다; "
                               "허용: 0에서 100 사이의 숫자 (%) 또는 빈 값(알 수 없음)")
    assert "고분화" in by_field["nec_subtype"].text("ko")
    assert by_field["nec_subtype"].needs_field_name and not ki67.needs_field_name
    assert "1번째" in by_field["lines[2].outcome"].text("ko")
    for problem in result.errors:
        assert problem.text("ko") != problem.text("en")


@pytest.mark.parametrize("bad", ["2024-W01-1", "20240101", "2024-01-01T00:00"])
def test_only_calendar_dates_in_the_extended_form(bad) -> None:
    assert "YYYY-MM-DD" in errors({"diagnosis_date": bad})["diagnosis_date"]


def test_huge_numbers_are_a_range_error_not_a_crash() -> None:
    errs = errors({"ecog": 10**400, "ki67_percent": -10**400, "birth_year": 1e308})
    assert set(errs) == {"ecog", "ki67_percent", "birth_year"}
    assert "out of range" in errs["ecog"] and len(errs["ecog"]) < 200


def test_an_ongoing_line_has_no_end_date_and_every_extra_ongoing_line_is_named() -> None:
    errs = errors({"lines": [
        {"regimen": "everolimus", "outcome": "ongoing", "end_date": "2024-01-01"},
        {"regimen": "sunitinib", "outcome": "ongoing"},
        {"regimen": "captem", "outcome": "ongoing"}]})
    assert "while the outcome is “Ongoing”" in errs["lines[1].end_date"]
    assert "lines[2].outcome" in errs and "lines[3].outcome" in errs


def test_case_codes_are_pseudonyms() -> None:
    odd = validate_case({"case_code": "A\n1"}, today=TODAY)
    assert odd.ok and "control character" in odd.warnings[0].message
    result = validate_case({"case_code": "800101-1234567"}, today=TODAY)
    assert result.ok and [w.field for w in result.warnings] == ["case_code"]
    assert "resident registration number" in result.warnings[0].message


def test_a_line_with_a_bad_field_still_has_its_dates_checked() -> None:
    errs = errors({"lines": [{"regimen": "aspirin", "outcome": "ongoing",
                              "start_date": "2024-05-01", "end_date": "2024-04-01"}]})
    assert "lines[1].regimen" in errs
    assert "lines[1].end_date" in errs  # before the start, and set while ongoing
    result = validate_case({"lines": [{"regimen": "aspirin", "outcome": "ongoing",
                                       "start_date": "2024-05-01", "end_date": "2024-04-01"}]},
                           today=TODAY)
    ends = [p.message for p in result.errors if p.field == "lines[1].end_date"]
    assert len(ends) == 2 and "before the start" in ends[0] and "“Ongoing”" in ends[1]
