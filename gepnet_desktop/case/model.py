"""The case record as typed Python objects (case-fields.md).

The attributes are typed here for the type checker; their names, order and types follow
case/fields.py (tests/case/test_model.py fails when the two disagree), and every method reads the
field table rather than naming fields again. A field declared in case/fields.py that has no
attribute here (one just added) is carried all the same, by key, in `Case.more`: adding a field is
one edit of the field table (and its store migration); an attribute is added when code needs to
name the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .fields import CASE_FIELDS, LINE_FIELDS, META_KEYS

# The store's keys a Case carries (who_grade, also a meta key, is derived).
STORE_KEYS = tuple(k for k in META_KEYS if k != "who_grade")
LIST_KEYS = tuple(f.key for f in CASE_FIELDS if f.kind == "enum_list")


@dataclass
class Line:
    """One line of systemic therapy."""

    regimen: str
    outcome: str
    start_date: str | None = None
    end_date: str | None = None
    progression_date: str | None = None
    best_response: str | None = None
    notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The line as a JSON object, keys in the order of case-fields.md."""
        attrs = self.__dict__
        return {key: attrs[key] for key in _LINE_KEYS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Line:
        """A line from a checked JSON object (validation.py); absent keys are unknown."""
        values: Any = map(data.get, _LINE_ARGS)
        return cls(*values)


@dataclass
class Case:
    """One patient's case. `None` means unknown; lists are never None."""

    case_code: str | None = None
    sex: str | None = None
    birth_year: int | None = None
    diagnosis_date: str | None = None
    notes: str | None = None
    primary_site: str | None = None
    differentiation: str | None = None
    nec_subtype: str | None = None
    ki67_percent: float | None = None
    ki67_date: str | None = None
    mitoses_per_2mm2: float | None = None
    functional_syndrome: str | None = None
    sstr_status: str | None = None
    sstr_imaging_date: str | None = None
    sstr_heterogeneous: bool | None = None
    hepatic_burden: str | None = None
    bulk_symptoms: bool | None = None
    pace: str | None = None
    ecog: int | None = None
    egfr_ml_min: float | None = None
    comorbidities: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    # Set by the store; carried in exchange files.
    uuid: str | None = None
    revision: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    # Fields of case/fields.py without an attribute above (added since), by key.
    more: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, values: Mapping[str, Any], **rest: Any) -> Case:
        """A case from field values by key (attributes, or `more` for a field without one);
        `rest` gives the lines and the store's keys."""
        if FIELD_ATTRIBUTES.issuperset(values):  # no field without an attribute
            return cls(**values, **rest)
        named = {k: v for k, v in values.items() if k in FIELD_ATTRIBUTES}
        more = {k: v for k, v in values.items() if k not in FIELD_ATTRIBUTES}
        return cls(**named, more=more, **rest)

    def get(self, key: str) -> Any:
        """A case field's value by its key in case/fields.py."""
        return getattr(self, key) if key in FIELD_ATTRIBUTES else self.more.get(key)

    def set(self, key: str, value: Any) -> None:
        """Set a case field's value by its key in case/fields.py."""
        if key in FIELD_ATTRIBUTES:
            setattr(self, key, value)
        else:
            self.more[key] = value

    @property
    def who_grade(self) -> str | None:
        """The WHO 2019 grade derived from differentiation, Ki-67 and mitoses."""
        from .grading import who_grade

        return who_grade(self.differentiation, self.ki67_percent, self.mitoses_per_2mm2)

    def to_dict(self, *, meta: bool = False) -> dict[str, Any]:
        """The case as a JSON object per case-fields.md; `meta` adds the store's keys."""
        attrs, more, own = self.__dict__, self.more, FIELD_ATTRIBUTES
        out: dict[str, Any] = {f.key: attrs[f.key] if f.key in own else more.get(f.key)
                               for f in CASE_FIELDS}
        for key in LIST_KEYS:
            out[key] = list(out[key])
        out["lines"] = [line.to_dict() for line in self.lines]
        if meta:
            out = {**{k: getattr(self, k) for k in META_KEYS}, **out}
        return out

    def copy(self) -> Case:
        """A deep copy."""
        lists: dict[str, Any] = {k: list(getattr(self, k)) for k in LIST_KEYS
                                 if k in FIELD_ATTRIBUTES}
        more = {k: list(v) if isinstance(v, list) else v for k, v in self.more.items()}
        return replace(self, **lists, more=more, lines=[replace(line) for line in self.lines])


# A line's fields in the order of its attributes (from_dict); the same keys as LINE_FIELDS.
_LINE_ARGS = tuple(f.name for f in fields(Line))
# The case fields that have an attribute of their own (the others ride in Case.more).
FIELD_ATTRIBUTES = frozenset(f.name for f in fields(Case)) & {f.key for f in CASE_FIELDS}
_LINE_KEYS = tuple(f.key for f in LINE_FIELDS)
