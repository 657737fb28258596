"""From a JSON object to a validated Case, reporting every problem at once (case-fields.md)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from .fields import (
    CASE_FIELDS,
    CONTINUING_OUTCOMES,
    EXCHANGE_KEYS,
    FIELDS_BY_KEY,
    FIXED_COURSES,
    LINE_FIELDS,
    LINE_FIELDS_BY_KEY,
    META_KEYS,
    PROGRESSING_PACES,
    PROGRESSION_OUTCOMES,
    REQUIRED_LINE_KEYS,
    SSA_REGIMENS,
    SYMPTOM_AGENTS,
    FieldSpec,
)
from .grading import GRADE_INPUTS, who_grade
from .messages import NEEDS_FIELD_NAME, Part, choices, coded, part, render
from .model import Case, Line


@dataclass(frozen=True)
class Problem:
    """One finding about one field: `field` is a key or a path such as `lines[2].outcome`.

    `parts` are catalogue codes with their values (messages.py); `message` is the English
    sentence, `text(lang)` the sentence in another language.
    """

    field: str
    parts: tuple[Part, ...]
    severity: str = "error"  # "error" or "warning"

    @property
    def message(self) -> str:
        return render(self.parts, "en")

    def text(self, lang: str = "en", *, labels: bool = False) -> str:
        """The sentence in `lang` ("en" or "ko"); `labels`: as the window shows it, naming
        allowed values and fields by their labels instead of the codes a file uses."""
        return render(self.parts, lang, labels)

    @property
    def needs_field_name(self) -> bool:
        """Whether the sentence reads after the field's name ("... is required")."""
        return bool(self.parts) and self.parts[0][0] in NEEDS_FIELD_NAME

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def _problem(field: str, *parts: Part, severity: str = "error") -> Problem:
    return Problem(field, tuple(parts), severity)


@dataclass
class ValidationResult:
    """The outcome of validating one case object."""

    case: Case | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# Fixed courses that cannot be recorded `continued_after_progression` (case-fields.md).
NOT_CONTINUABLE = ("prrt_lu177",)
DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
# A Korean resident registration number (YYMMDD-SNNNNNN): never a case code.
RESIDENT_NUMBER = re.compile(r"\d{6}-?[1-8]\d{6}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=1 << 16)  # a registry's dates repeat: each text is read once
def _day(text: str) -> dt.date | None:
    """The day a `YYYY-MM-DD` text names, or None when it names none."""
    if not DATE_FORM.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    if isinstance(x, int):
        text = str(x) if abs(x) < 10**20 else f"{str(x)[:17]}..."
    else:
        text = str(int(x)) if x.is_integer() else str(x)
    return text


def _allowed(spec: FieldSpec, today: dt.date, *, nullable: bool = True) -> Part:
    if spec.kind in ("enum", "enum_list"):
        allowed = part("allow_enum" if spec.kind == "enum" else "allow_list",
                       values=choices(spec.key, spec.values))
    elif spec.kind in ("int", "number"):
        hi = today.year if spec.key == "birth_year" else spec.maximum
        unit = f" ({spec.unit.strip()})" if spec.unit else ""
        allowed = part("allow_whole" if spec.kind == "int" else "allow_number",
                       lo=_fmt(spec.minimum), hi=_fmt(hi), unit=unit)
    elif spec.kind == "bool":
        allowed = part("allow_bool")
    elif spec.kind == "date":
        allowed = part("allow_date")
    else:
        allowed = part("allow_text", n=f"{spec.max_length:,}")
    return part("or_unknown", text=allowed) if nullable else allowed


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
    kind = spec.kind
    def bad(code: str, **values: Any) -> Problem:
        return _problem(path, part(code, **values), _allowed(spec, today, nullable=nullable))

    if kind in ("int", "number"):
        is_num = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not is_num or (isinstance(value, float) and not math.isfinite(value)):
            return bad("not_a_number", v=_describe(value))
        if spec.kind == "int" and isinstance(value, float) and not value.is_integer():
            return bad("not_whole", v=_fmt(value))
        hi = today.year if spec.key == "birth_year" else spec.maximum
        if (spec.minimum is not None and value < spec.minimum) or (hi is not None and value > hi):
            return bad("out_of_range", v=_fmt(value))
    elif spec.kind == "enum":
        if not isinstance(value, str) or value not in spec.values:
            return bad("not_recognised", v=_describe(value))
    elif spec.kind == "enum_list":
        if not isinstance(value, list):
            return bad("not_a_list", v=_describe(value))
        unknown = [v for v in value if not isinstance(v, str) or v not in spec.values]
        if unknown:
            return bad("not_recognised", v=_describe(unknown[0]))
        if len(set(value)) != len(value):
            return bad("repeats")
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            return bad("not_bool", v=_describe(value))
    elif spec.kind == "date":
        if not isinstance(value, str):
            return bad("not_a_date", v=_describe(value))
        day = _day(value)
        if day is None:
            return bad("bad_date", v=_describe(value))
        if day > today:
            return bad("future", v=value)
    elif spec.kind == "text":
        if not isinstance(value, str):
            return bad("not_text", v=_describe(value))
        if spec.max_length and len(value) > spec.max_length:
            return bad("too_long", n=f"{len(value):,}")
        if SURROGATE.search(value):  # from a JSON "\ud800" escape: not text, cannot be stored
            return bad("not_unicode")
    return None


Fine = Callable[[Any, dt.date], bool]


def _plainly_fine(spec: FieldSpec) -> Fine:
    """A quick test that a value is fine on a day, built once per field: True means no
    problem; False means `_check_value` looks (and says what is wrong, or finds it fine after
    all)."""
    kind = spec.kind
    if kind == "enum":
        members = frozenset(spec.values)
        return lambda v, today: v.__class__ is str and v in members
    if kind == "bool":
        return lambda v, today: v.__class__ is bool
    if kind == "date":
        return lambda v, today: v.__class__ is str and (d := _day(v)) is not None and d <= today
    if kind == "text":
        most = spec.max_length or math.inf
        return lambda v, today: v.__class__ is str and len(v) <= most and (
            v.isascii() or not SURROGATE.search(v))
    if kind == "enum_list":
        return _list_fine(frozenset(spec.values))
    if spec.key == "birth_year" and spec.minimum is not None:
        first = spec.minimum
        return lambda v, today: v.__class__ is int and first <= v <= today.year
    if kind in ("int", "number") and spec.minimum is not None and spec.maximum is not None:
        lo, hi = spec.minimum, spec.maximum
        if kind == "int":
            return lambda v, today: v.__class__ is int and lo <= v <= hi
        return lambda v, today: (v.__class__ is float or v.__class__ is int) and lo <= v <= hi
    return lambda v, today: False


def _list_fine(members: frozenset[str]) -> Fine:
    def fine(v: Any, today: dt.date) -> bool:
        if v.__class__ is not list:
            return False
        for x in v:
            if x.__class__ is not str or x not in members:
                return False
        return len(set(v)) == len(v)
    return fine


_FINE = {id(f): _plainly_fine(f) for f in (*CASE_FIELDS, *LINE_FIELDS)}
# (spec, key, its values for a choice (tested in place) else None, quick test, what a value
# becomes: int for a whole number, list for a list)
_CASE_CHECKS = tuple((f, f.key, frozenset(f.values) if f.kind == "enum" else None, _FINE[id(f)],
                      int if f.kind == "int" else list if f.kind == "enum_list" else None)
                     for f in CASE_FIELDS)
_ALLOWED_KEYS = frozenset(FIELDS_BY_KEY) | {"lines"} | set(META_KEYS) | set(EXCHANGE_KEYS)
_FIELD_NAMES = choices(None, [*(f.key for f in CASE_FIELDS), "lines"])
_LINE_SPECS = {f.key: f for f in LINE_FIELDS}
_LINE_KEYS = frozenset(_LINE_SPECS)
_LINE_CHECKS = tuple((f.key, f, frozenset(f.values) if f.kind == "enum" else None, _FINE[id(f)],
                      f.key in REQUIRED_LINE_KEYS) for f in LINE_FIELDS)
_LINE_NAMES = choices(None, list(_LINE_SPECS))
_REGIMENS = frozenset(LINE_FIELDS_BY_KEY["regimen"].values)
_OUTCOMES = frozenset(LINE_FIELDS_BY_KEY["outcome"].values)
_NOT_ALONE = frozenset((*SSA_REGIMENS, *SYMPTOM_AGENTS))  # may be ongoing beside another line
_SSA = frozenset(SSA_REGIMENS)
_NOT_CONTINUED = frozenset((*SYMPTOM_AGENTS, *NOT_CONTINUABLE))
_NO_BAD: frozenset[str] = frozenset()
_SSTR_REGIMENS = frozenset((*SSA_REGIMENS, "prrt_lu177"))  # given for SSTR-positive disease


def _check_meta(obj: dict[str, Any], errors: list[Problem]) -> None:
    uuid = obj.get("uuid")
    if uuid is None and obj.get("revision") is None and obj.get("created_at") is None \
            and obj.get("updated_at") is None:
        return
    if uuid is not None and (not isinstance(uuid, str) or not 1 <= len(uuid) <= 64):
        errors.append(_problem("uuid", part("not_identifier", v=_describe(uuid)),
                               part("allow_uuid")))
    rev = obj.get("revision")
    if rev is not None and (isinstance(rev, bool) or not isinstance(rev, int) or rev < 1):
        errors.append(_problem("revision", part("not_revision", v=_describe(rev)),
                               part("allow_revision")))
    for key in ("created_at", "updated_at"):
        val = obj.get(key)
        if val is None:
            continue
        try:
            ok = isinstance(val, str) and dt.datetime.fromisoformat(val) is not None
        except ValueError:
            ok = False
        if not ok:
            errors.append(_problem(key, part("not_timestamp", v=_describe(val)),
                                   part("allow_timestamp")))


class _LineView(NamedTuple):
    """What the cross-line and soft checks read of one line: its number (from 1) and its
    regimen and outcome when they are recognised values (else None)."""

    number: int
    regimen: str | None
    outcome: str | None


def _known(value: Any, values: frozenset[str]) -> bool:
    return value.__class__ is str and value in values


def _check_line_dates(item: dict[str, Any], base: str, bad: Set[str],
                      errors: list[Problem]) -> None:
    """A line's dates against each other and its outcome (on its good fields only)."""
    end, progressed = item.get("end_date"), item.get("progression_date")
    if end is None and progressed is None:
        return  # every check below needs one of them
    if bad:
        start, end, progressed = (None if k in bad else item.get(k)
                                  for k in ("start_date", "end_date", "progression_date"))
    else:
        start = item.get("start_date")
    outcome = item.get("outcome") if "outcome" not in bad else None
    if start and end and end < start:
        errors.append(_problem(f"{base}.end_date", part(
            "end_before_start", end=end, start=start), part("allow_after_start")))
    if end and outcome in CONTINUING_OUTCOMES:
        errors.append(_problem(f"{base}.end_date", part(
            "end_while_ongoing", end=end, outcome=coded("outcome", outcome)),
            part("allow_end_when_over")))
    if start and progressed and progressed < start:
        errors.append(_problem(f"{base}.progression_date", part(
            "end_before_start", end=progressed, start=start), part("allow_after_start")))
    if progressed and outcome is not None and outcome not in PROGRESSION_OUTCOMES:
        errors.append(_problem(f"{base}.progression_date", part(
            "progression_wrong_outcome", date=progressed, outcome=coded("outcome", outcome)),
            part("allow_progression_date", outcomes=coded("outcome", *PROGRESSION_OUTCOMES))))


def _check_continued(view: _LineView, errors: list[Problem]) -> None:
    """`continued_after_progression` only on a line that can be continued."""
    if view.outcome != "continued_after_progression" or view.regimen is None:
        return
    field, outcome = f"lines[{view.number}].outcome", coded("outcome", view.outcome)
    regimen = coded("regimen", view.regimen)
    if view.regimen in SYMPTOM_AGENTS:
        allowed = [o for o in LINE_FIELDS_BY_KEY["outcome"].values if o != view.outcome]
        errors.append(_problem(field, part("continued_symptom_agent", regimen=regimen,
                                           outcome=outcome),
                               part("allow_symptom_outcome",
                                    outcomes=coded("outcome", *allowed, join="list"))))
    elif view.regimen in NOT_CONTINUABLE:
        errors.append(_problem(field, part("continued_fixed_course", regimen=regimen,
                                           outcome=outcome),
                               part("allow_fixed_course_outcome",
                                    progression=coded("outcome", "progression"))))


def _check_concurrency(views: list[_LineView], errors: list[Problem]) -> None:
    """At most one non-SSA anti-tumour line and one SSA ongoing, one line continued after
    progression; symptom agents may be ongoing beside them (case-fields.md)."""
    ongoing = [v for v in views if v.outcome == "ongoing" and v.regimen is not None]
    groups = (
        ([v for v in ongoing if v.regimen not in _NOT_ALONE],
         "second_ongoing", "allow_one_ongoing"),
        ([v for v in ongoing if v.regimen in _SSA],
         "second_ongoing_ssa", "allow_one_ongoing_ssa"),
    ) if len(ongoing) > 1 else ()
    for group, code, allowed in groups:
        errors.extend(_problem(f"lines[{v.number}].outcome", part(
            code, first=group[0].number, regimen=coded("regimen", group[0].regimen or "")),
            part(allowed)) for v in group[1:])
    # A symptom agent or PRRT continued after progression is already an error of its own.
    continued = [v for v in views if v.outcome == "continued_after_progression"
                 and v.regimen is not None and v.regimen not in _NOT_CONTINUED]
    if len(continued) < 2:
        return  # the messages below are built only when they are needed
    outcome = coded("outcome", "continued_after_progression")
    errors.extend(_problem(f"lines[{v.number}].outcome", part(
        "second_continued", outcome=outcome, first=continued[0].number,
        regimen=coded("regimen", continued[0].regimen or "")),
        part("allow_one_continued", outcome=outcome)) for v in continued[1:])


def _validate_lines(raw: Any, today: dt.date, errors: list[Problem]
                    ) -> tuple[list[Line], list[_LineView]]:
    """The good lines, and a view of every line object (whatever is wrong with it) for the
    cross-line and soft checks."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        errors.append(_problem("lines", part("not_a_list", v=_describe(raw)),
                               part("allow_lines")))
        return [], []
    lines: list[Line] = []
    known, names = _LINE_SPECS, _LINE_NAMES
    views: list[_LineView] = []
    for i, item in enumerate(raw, start=1):
        base = f"lines[{i}]"
        if not isinstance(item, dict):
            errors.append(_problem(base, part("not_line", v=_describe(item)),
                                   part("allow_line_object", values=names)))
            continue
        regimen, outcome = item.get("regimen"), item.get("outcome")
        view = _LineView(i, regimen if _known(regimen, _REGIMENS) else None,
                         outcome if _known(outcome, _OUTCOMES) else None)
        views.append(view)
        n_before = len(errors)
        bad: Set[str] = _NO_BAD
        if not _LINE_KEYS.issuperset(item):
            errors.extend(_problem(f"{base}.{key}", part("unknown_field"),
                                   part("allow_line_fields", values=names))
                          for key in item if key not in known)
        for key in REQUIRED_LINE_KEYS:
            if item.get(key) is None:
                errors.append(_problem(f"{base}.{key}", part("required"),
                                       _allowed(known[key], today, nullable=False)))
        for key, spec, members, fine, required in _LINE_CHECKS:
            value = item.get(key)
            if value is None or (members is not None and value.__class__ is str
                                 and value in members):
                continue
            if not fine(value, today):
                problem = _check_value(spec, value, f"{base}.{key}", today,
                                       nullable=not required)
                if problem:
                    errors.append(problem)
                    bad = {*bad, key}
        # The cross-field checks of a line run on its good fields, whatever else is wrong.
        _check_line_dates(item, base, bad, errors)
        if view.outcome == "continued_after_progression":
            _check_continued(view, errors)
        if len(errors) == n_before:
            lines.append(Line.from_dict(item))
    _check_concurrency(views, errors)
    return lines, views


@dataclass(frozen=True)
class CaseCheck:
    """Every check of one case object, run once, read the ways its users need it."""

    walk: ValidationResult   # a case code is not needed to walk the pathway
    store: ValidationResult  # as the store judges it: the case code is required
    grade: str | None        # the WHO grade of the grade inputs (None: unknown)
    grade_blocked: bool      # a grade input is invalid: no grade can be derived

    def result(self, *, require_code: bool = False) -> ValidationResult:
        """The validation result with or without a required case code."""
        return self.store if require_code else self.walk


def validate_case(obj: Any, *, require_code: bool = False,
                  today: dt.date | None = None) -> ValidationResult:
    """Validate one case object; every error and soft warning is reported at once.

    `require_code` is set by the store, where case_code is required.
    """
    return check_case(obj, today=today).result(require_code=require_code)


def check_case(obj: Any, *, today: dt.date | None = None) -> CaseCheck:
    """Check one case object once: the result without and with a required case code, and the
    WHO grade of its grade inputs (what the case form, its grade and the live pathway share)."""
    today = today or dt.date.today()
    if not isinstance(obj, dict):
        bad = ValidationResult(None, [_problem("case", part("not_case", v=_describe(obj)),
                                               part("allow_case_object"))])
        return CaseCheck(bad, bad, None, True)
    errors: list[Problem] = []
    if not _ALLOWED_KEYS.issuperset(obj):
        errors.extend(_problem(str(key), part("unknown_field"),
                               part("allow_fields", values=_FIELD_NAMES))
                      for key in obj if key not in _ALLOWED_KEYS)
    values: dict[str, Any] = {}
    for spec, key, members, fine, becomes in _CASE_CHECKS:
        value = obj.get(key)
        if value is None:
            values[key] = [] if becomes is list else None
            continue
        if members is not None and value.__class__ is str and value in members:
            values[key] = value
            continue
        if not fine(value, today):
            problem = _check_value(spec, value, key, today)
            if problem:
                errors.append(problem)
                continue
        values[key] = value if becomes is None else becomes(value)
    grade_blocked = bool(errors) and any(p.field in GRADE_INPUTS for p in errors)
    grade = None if grade_blocked else who_grade(
        values.get("differentiation"), values.get("ki67_percent"),
        values.get("mitoses_per_2mm2"))
    code = obj.get("case_code")
    required_at: int | None = None  # where the store's "case code required" goes
    if isinstance(code, str) and not code.strip():
        errors.append(_problem("case_code", part("blank"), part("allow_code")))
    elif code is None:
        required_at = len(errors)
    _check_meta(obj, errors)
    lines, views = _validate_lines(obj.get("lines"), today, errors)

    diff = values.get("differentiation", obj.get("differentiation"))
    if values.get("nec_subtype") is not None and diff not in ("poor", "minen"):
        state = "well" if diff == "well" else "unknown"
        errors.append(_problem("nec_subtype", part("nec_subtype_set", state=state),
                               part("allow_nec_subtype")))
    warnings = _soft_checks(values, views)
    walk = _result(obj, values, lines, errors, warnings, grade)
    if required_at is None:
        return CaseCheck(walk, walk, grade, grade_blocked)
    required = _problem("case_code", part("required"), part("allow_code"))
    with_code = [*errors[:required_at], required, *errors[required_at:]]
    return CaseCheck(walk, ValidationResult(None, with_code, list(warnings)), grade,
                     grade_blocked)


def _result(obj: dict[str, Any], values: dict[str, Any], lines: list[Line],
            errors: list[Problem], warnings: list[Problem], grade: str | None) -> ValidationResult:
    """The case built from checked values, unless there are errors (a given grade, that of
    the checked values, must match)."""
    if errors:
        return ValidationResult(None, list(errors), warnings)
    case = Case.of(values, lines=lines, uuid=obj.get("uuid"), revision=obj.get("revision"),
                created_at=obj.get("created_at"), updated_at=obj.get("updated_at"))
    given_grade = obj.get("who_grade")
    if given_grade is not None and given_grade != grade:
        return ValidationResult(None, [_problem("who_grade", part(
            "grade_mismatch", v=_describe(given_grade), g=grade or "unknown"),
            part("allow_derived_grade"))], warnings)
    return ValidationResult(case, [], warnings)


def _soft_checks(values: dict[str, Any], views: list[_LineView]) -> list[Problem]:
    """The warnings of case-fields.md: unusual but possible records (the record saves)."""
    warnings: list[Problem] = []
    code = values.get("case_code")
    if isinstance(code, str) and RESIDENT_NUMBER.search(code):
        warnings.append(_problem("case_code", part("warn_resident_number"), severity="warning"))
    elif isinstance(code, str) and CONTROL.search(code):
        # Valid per case-fields.md, but a line break in a code breaks lists and CSV files.
        warnings.append(_problem("case_code", part("control_character"), severity="warning"))
    diff, ki67 = values.get("differentiation"), values.get("ki67_percent")
    if diff == "well" and ki67 is not None and ki67 > 55:
        warnings.append(_problem("ki67_percent", part("warn_well_high_ki67", v=_fmt(ki67)),
                                 severity="warning"))
    if diff == "poor" and ki67 is not None and ki67 <= 20:
        warnings.append(_problem("ki67_percent", part("warn_poor_low_ki67", v=_fmt(ki67)),
                                 severity="warning"))
    if values.get("sstr_status") == "negative":
        for view in views:
            if view.regimen in _SSTR_REGIMENS:
                warnings.append(_problem("sstr_status", part(
                    "warn_sstr_negative_line", i=view.number,
                    regimen=coded("regimen", view.regimen)), severity="warning"))
                break
    site = values.get("primary_site")
    if values.get("functional_syndrome") == "insulinoma" and site not in (None, "pancreas"):
        warnings.append(_problem("primary_site", part(
            "warn_insulinoma_site", site=coded("primary_site", site)), severity="warning"))
    warnings.extend(_progressing_pace_checks(values.get("pace"), views))
    return warnings


def _progressing_pace_checks(pace: str | None, views: list[_LineView]) -> list[Problem]:
    """Lines that a progressing pace contradicts: an SSA still `ongoing` (when no line is
    continued after progression) and a fixed course `completed` as the last anti-tumour line."""
    if pace not in PROGRESSING_PACES:
        return []
    out: list[Problem] = []
    if not any(v.outcome == "continued_after_progression" for v in views):
        out.extend(_problem(f"lines[{v.number}].outcome", part(
            "warn_ssa_ongoing_progressing", regimen=coded("regimen", v.regimen or ""),
            outcome=coded("outcome", "ongoing"), pace=coded("pace", pace),
            continued=coded("outcome", "continued_after_progression")), severity="warning")
            for v in views if v.regimen in SSA_REGIMENS and v.outcome == "ongoing")
    anti_tumour = [v for v in views if v.regimen is not None and v.regimen not in SYMPTOM_AGENTS]
    last = anti_tumour[-1] if anti_tumour else None
    if last is not None and last.regimen in FIXED_COURSES and last.outcome == "completed":
        out.append(_problem(f"lines[{last.number}].outcome", part(
            "warn_completed_course_progressing", regimen=coded("regimen", last.regimen or ""),
            outcome=coded("outcome", "completed"), pace=coded("pace", pace),
            progression=coded("outcome", "progression")), severity="warning"))
    return out
