"""The case record: fields, validation with per-field messages, and the derived WHO grade."""

from .fields import CASE_FIELDS, FIELDS_BY_KEY, LINE_FIELDS, REGIMENS, FieldSpec
from .grading import who_grade
from .model import Case, Line
from .validation import CaseCheck, Problem, ValidationResult, check_case, validate_case

__all__ = [
           "CASE_FIELDS",
           "FIELDS_BY_KEY",
           "LINE_FIELDS",
           "REGIMENS",
           "Case",
           "CaseCheck",
           "FieldSpec",
           "Line",
           "Problem",
           "ValidationResult",
           "check_case",
           "validate_case",
           "who_grade",
]
