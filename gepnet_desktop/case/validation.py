"""From a JSON object to a validated Case, reporting every problem at once (case-fields.md)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from .fields import (
    CASE_FIELDS,
    FIELDS_BY_KEY,
    LINE_FIELDS,
    META_KEYS,
    REQUIRED_LINE_KEYS,
    FieldSpec,
)
from .model import Case, Line


@dataclass(frozen=True)
class Problem:
    """One finding about one field: `field` is a key or a path such as `lines[2].outcome`."""

    field: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass
class ValidationResult:
    """The outcome of validating one case object."""

    case: Case | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _fmt(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if float(x).is_integer() else str(x))


def _allowed(spec: FieldSpec, today: dt.date, *, nullable: bool = True) -> str:
    if spec.kind in ("enum", "enum_list"):
        vals = ", ".join(spec.values)
        what = f"one of {vals}" if spec.kind == "enum" else f"a list without duplicates of {vals}"
    elif spec.kind in ("int", "number"):
        hi = today.year if spec.key == "birth_year" else spec.maximum
        noun = "a whole number" if spec.kind == "int" else "a number"
        what = f"{noun} from {_fmt(spec.minimum)} to {_fmt(hi)}"
        if spec.unit:
            what += f" ({spec.unit.strip()})"
    elif spec.kind == "bool":
        what = "true or false"
    elif spec.kind == "date":
        what = "a date YYYY-MM-DD, not in the future"
    else:
        what = f"text of at most {spec.max_length:,} characters" if spec.max_length else "text"
    return f"allowed: {what}, or null for unknown" if nullable else f"allowed: {what}"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}..."'
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "an object"
    return repr(value)


def _check_value(spec: FieldSpec, value: Any, path: str, today: dt.date,
                 nullable: bool = True) -> Problem | None:
    """A problem with one present, non-null value, or None when it is fine."""

    def bad(what: str) -> Problem:
        return Problem(path, f"{what}; {_allowed(spec, today, nullable=nullable)}")

    if spec.kind in ("int", "number"):
        is_num = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not is_num or (isinstance(value, float) and not math.isfinite(value)):
            return bad(f"{_describe(value)} is not a number")
        if spec.kind == "int" and not float(value).is_integer():
            return bad(f"{_fmt(value)} is not a whole number")
        hi = today.year if spec.key == "birth_year" else spec.maximum
        if (spec.minimum is not None and value < spec.minimum) or (hi is not None and value > hi):
            return bad(f"{_fmt(value)} is out of range")
    elif spec.kind == "enum":
        if not isinstance(value, str) or value not in spec.values:
            return bad(f"{_describe(value)} is not a recognised value")
    elif spec.kind == "enum_list":
        if not isinstance(value, list):
            return bad(f"{_describe(value)} is not a list")
        unknown = [v for v in value if not isinstance(v, str) or v not in spec.values]
        if unknown:
            return bad(f"{_describe(unknown[0])} is not a recognised value")
        if len(set(value)) != len(value):
            return bad("the list repeats a value")
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            return bad(f"{_describe(value)} is not true or false")
    elif spec.kind == "date":
        if not isinstance(value, str):
            return bad(f"{_describe(value)} is not a date")
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is None or len(value) != 10:
            return bad(f"{_describe(value)} is not a date in the form YYYY-MM-DD")
        if day > today:
            return bad(f"{value} is in the future")
    elif spec.kind == "text":
        if not isinstance(value, str):
            return bad(f"{_describe(value)} is not text")
        if spec.max_length and len(value) > spec.max_length:
            return bad(f"the text has {len(value):,} characters")
    return None


def _normalise(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "int" and value is not None:
        return int(value)
    if spec.kind == "enum_list":
        return list(value or [])
    return value


def _check_meta(obj: dict[str, Any], errors: list[Problem]) -> None:
    uuid = obj.get("uuid")
    if uuid is not None and (not isinstance(uuid, str) or not 1 <= len(uuid) <= 64):
        errors.append(Problem("uuid", f"{_describe(uuid)} is not an identifier; allowed: the "
                              "UUID text the store gave the case, or null for a new case"))
    rev = obj.get("revision")
    if rev is not None and (isinstance(rev, bool) or not isinstance(rev, int) or rev < 1):
        errors.append(Problem("revision", f"{_describe(rev)} is not a revision; allowed: a "
                              "whole number from 1, or null for a new case"))
    for key in ("created_at", "updated_at"):
        val = obj.get(key)
        if val is None:
            continue
        try:
            dt.datetime.fromisoformat(val) if isinstance(val, str) else None
            ok = isinstance(val, str)
        except ValueError:
            ok = False
        if not ok:
            errors.append(Problem(key, f"{_describe(val)} is not a timestamp; allowed: an ISO "
                                  "8601 date and time, or null"))


def _validate_lines(raw: Any, today: dt.date, errors: list[Problem]) -> list[Line]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.append(Problem("lines", f"{_describe(raw)} is not a list; allowed: a list of "
                              "line objects, oldest first"))
        return []
    lines: list[Line] = []
    known = {f.key: f for f in LINE_FIELDS}
    for i, item in enumerate(raw, start=1):
        base = f"lines[{i}]"
        if not isinstance(item, dict):
            errors.append(Problem(base, f"{_describe(item)} is not an object; allowed: an object "
                                  f"with {', '.join(known)}"))
            continue
        n_before = len(errors)
        for key in item:
            if key not in known:
                errors.append(Problem(f"{base}.{key}", "unknown field; allowed fields of a line "
                                      f"are {', '.join(known)}"))
        for key in REQUIRED_LINE_KEYS:
            if item.get(key) is None:
                allowed = _allowed(known[key], today, nullable=False)
                errors.append(Problem(f"{base}.{key}", f"is required; {allowed}"))
        for key, spec in known.items():
            value = item.get(key)
            if value is not None:
                problem = _check_value(spec, value, f"{base}.{key}", today,
                                       nullable=key not in REQUIRED_LINE_KEYS)
                if problem:
                    errors.append(problem)
        if len(errors) > n_before:
            continue
        line = Line(**{k: item.get(k) for k in known})
        if line.start_date and line.end_date and line.end_date < line.start_date:
            errors.append(Problem(f"{base}.end_date", f"{line.end_date} is before the start date "
                                  f"{line.start_date}; allowed: a date on or after the start"))
        lines.append(line)
    ongoing = [i for i, item in enumerate(raw, start=1)
               if isinstance(item, dict) and item.get("outcome") == "ongoing"]
    if len(ongoing) > 1:
        errors.append(Problem(f"lines[{ongoing[1]}].outcome", "a second line is ongoing (line "
                              f"{ongoing[0]} is too); allowed: at most one ongoing line"))
    return lines


def validate_case(obj: Any, *, require_code: bool = False,
                  today: dt.date | None = None) -> ValidationResult:
    """Validate one case object; every error and soft warning is reported at once.

    `require_code` is set by the store, where case_code is required.
    """
    today = today or dt.date.today()
    if not isinstance(obj, dict):
        return ValidationResult(None, [Problem("case", f"{_describe(obj)} is not a case object; "
                                               "allowed: a JSON object of case fields")])
    errors: list[Problem] = []
    allowed_keys = set(FIELDS_BY_KEY) | {"lines"} | set(META_KEYS)
    for key in obj:
        if key not in allowed_keys:
            errors.append(Problem(str(key), "unknown field; allowed fields are "
                                  f"{', '.join(f.key for f in CASE_FIELDS)}, lines"))
    values: dict[str, Any] = {}
    for spec in CASE_FIELDS:
        value = obj.get(spec.key)
        if value is not None:
            problem = _check_value(spec, value, spec.key, today)
            if problem:
                errors.append(problem)
                continue
        values[spec.key] = _normalise(spec, value)
    code = obj.get("case_code")
    if isinstance(code, str) and not code.strip():
        errors.append(Problem("case_code", "is blank; allowed: 1 to 40 characters"))
    elif require_code and code is None:
        errors.append(Problem("case_code", "is required; allowed: 1 to 40 characters, a local "
                              "pseudonymous code"))
    _check_meta(obj, errors)
    lines = _validate_lines(obj.get("lines"), today, errors)

    diff = values.get("differentiation", obj.get("differentiation"))
    if values.get("nec_subtype") is not None and diff not in ("poor", "minen"):
        state = "well" if diff == "well" else "unknown"
        errors.append(Problem("nec_subtype", f"is set while differentiation is {state}; allowed "
                              "only with differentiation poor or minen (leave it empty)"))
    if errors:
        return ValidationResult(None, errors, _soft_checks(values, lines))
    case = Case(**values, lines=lines, uuid=obj.get("uuid"), revision=obj.get("revision"),
                created_at=obj.get("created_at"), updated_at=obj.get("updated_at"))
    given_grade = obj.get("who_grade")
    if given_grade is not None and given_grade != case.who_grade:
        errors.append(Problem("who_grade", f"{_describe(given_grade)} does not match the grade "
                              f"derived from the pathology ({case.who_grade or 'unknown'}); it is "
                              "derived, so leave it out or correct the pathology fields"))
        return ValidationResult(None, errors, _soft_checks(values, lines))
    return ValidationResult(case, [], _soft_checks(values, lines))


def _soft_checks(values: dict[str, Any], lines: list[Line]) -> list[Problem]:
    warnings: list[Problem] = []
    diff, ki67 = values.get("differentiation"), values.get("ki67_percent")
    if diff == "well" and ki67 is not None and ki67 > 55:
        warnings.append(Problem("ki67_percent", f"Ki-67 {_fmt(ki67)}% is unusual for a "
                                "well-differentiated NET (over 55%); confirm the morphology",
                                "warning"))
    if diff == "poor" and ki67 is not None and ki67 <= 20:
        warnings.append(Problem("ki67_percent", f"Ki-67 {_fmt(ki67)}% is unusual for a poorly "
                                "differentiated NEC (20% or less); confirm the morphology",
                                "warning"))
    if values.get("sstr_status") == "negative":
        for i, line in enumerate(lines, start=1):
            if line.regimen in ("lanreotide", "octreotide_lar", "prrt_lu177"):
                warnings.append(Problem("sstr_status", f"SSTR imaging is negative but line {i} is "
                                        f"{line.regimen}; check the imaging or the line",
                                        "warning"))
                break
    return warnings
