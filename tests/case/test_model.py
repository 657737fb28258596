"""case/model.py's typed attributes follow case/fields.py, the one field table."""

from __future__ import annotations

import random
from dataclasses import MISSING, fields

from gepnet_desktop.case import CASE_FIELDS, LINE_FIELDS, Case, Line, model, validate_case
from gepnet_desktop.case.fields import REQUIRED_LINE_KEYS, FieldSpec
from gepnet_desktop.case.model import STORE_KEYS
from gepnet_desktop.case.sample import random_case_dict

# A field's kind -> the attribute's annotation (as written; the module uses postponed ones).
ANNOTATION = {"text": "str | None", "enum": "str | None", "date": "str | None",
              "int": "int | None", "number": "float | None", "bool": "bool | None",
              "enum_list": "list[str]"}


def test_case_attributes_are_the_field_table_in_its_order() -> None:
    declared = [(f.name, f.type) for f in fields(Case)]
    expected = [(f.key, ANNOTATION[f.kind]) for f in CASE_FIELDS]
    expected += [("lines", "list[Line]")]
    expected += [(k, "int | None" if k == "revision" else "str | None") for k in STORE_KEYS]
    expected += [("more", "dict[str, Any]")]
    assert declared == expected, "case/model.py Case must follow case/fields.py CASE_FIELDS"
    for f in fields(Case):
        assert f.default is None or f.default_factory in (list, dict)  # unknown, or empty


def test_a_field_declared_only_in_the_field_table_is_carried_by_key(monkeypatch) -> None:
    trial = FieldSpec("trial_score", "int", {"en": "Trial score", "ko": "시험 점수"}, "pathology",
                      minimum=0, maximum=9)
    monkeypatch.setattr(model, "CASE_FIELDS", (*CASE_FIELDS, trial))
    case = Case.of({"case_code": "T-1", "ki67_percent": 4.0, "trial_score": 3})
    assert case.get("trial_score") == 3 and case.get("ki67_percent") == 4.0
    assert case.to_dict()["trial_score"] == 3
    twin = case.copy()
    twin.set("trial_score", 5)
    assert case.get("trial_score") == 3 and twin.get("trial_score") == 5
    assert twin != case and twin.more is not case.more


def test_line_attributes_are_the_line_field_table() -> None:
    declared = {f.name: (f.type, f.default is MISSING) for f in fields(Line)}
    expected = {f.key: ("str" if f.key in REQUIRED_LINE_KEYS else ANNOTATION[f.kind],
                        f.key in REQUIRED_LINE_KEYS) for f in LINE_FIELDS}
    assert declared == expected, "case/model.py Line must follow case/fields.py LINE_FIELDS"


def test_to_dict_copy_and_from_dict_keep_every_field() -> None:
    rng = random.Random(7)
    for i in range(20):
        raw = random_case_dict(rng, code=f"M-{i}")
        case = validate_case(raw).case
        assert case is not None
        data = case.to_dict()
        assert list(data) == [f.key for f in CASE_FIELDS] + ["lines"]
        again = validate_case(data).case
        assert again == case
        twin = case.copy()
        assert twin == case and twin.lines is not case.lines
        assert all(a is not b for a, b in zip(twin.lines, case.lines, strict=True))
        assert twin.comorbidities is not case.comorbidities
        assert [Line.from_dict(line) for line in data["lines"]] == case.lines
    meta = Case(uuid="u", revision=2).to_dict(meta=True)
    assert list(meta)[:5] == ["uuid", "revision", "created_at", "updated_at", "who_grade"]
