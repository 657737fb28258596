"""The sentences of validation, in English and Korean.

A problem is made of parts, each a code with its values; the text of code `c` is the message
`case.c` of the catalogue (resources/i18n, gepnet_desktop/i18n.py). The parts are rendered in
the reader's language and joined with "; ". A value may be `Coded`: the values of a case field
(a regimen, an outcome), shown by their labels in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..i18n import has, tr
from .fields import FIELDS_BY_KEY, LINE_FIELDS_BY_KEY, label, value_label

Part = tuple[str, tuple[tuple[str, Any], ...]]

# Parts that do not name their subject: shown after the field's name ("Case code is required").
NEEDS_FIELD_NAME = frozenset({"required", "blank", "unknown_field", "nec_subtype_set",
                              "control_character", "warn_resident_number"})
# Fields whose value labels are quoted in a sentence (a regimen or a site reads as a name).
_QUOTED = frozenset({"outcome", "pace"})
_JOIN_KEYS = {"or": "join.or", "list": "join.list"}


@dataclass(frozen=True)
class Coded:
    """Values of one case field (`key`), rendered by their labels: "“Progression” or ..."."""

    key: str
    values: tuple[str, ...]
    join: str = "or"  # "or" or "list"

    def text(self, lang: str) -> str:
        """The labels in `lang`, quoted where the field's labels are words, joined."""
        labels = (value_label(self.key, v, lang) for v in self.values)
        if self.key in _QUOTED:
            labels = (tr("case.quoted", lang, text=t) for t in labels)
        return tr(_JOIN_KEYS[self.join], lang).join(labels)


@dataclass(frozen=True)
class Choices:
    """What a field allows: its values (`key` a field) or field names (`key` None), written
    as codes where they are typed (a case file, the command line) and by their labels on
    screen (`labels`)."""

    key: str | None
    values: tuple[str, ...]

    def text(self, lang: str, labels: bool = False) -> str:
        if not labels:
            return ", ".join(self.values)
        if self.key is not None:
            return ", ".join(value_label(self.key, v, lang) for v in self.values)
        specs = {**FIELDS_BY_KEY, **LINE_FIELDS_BY_KEY}
        return ", ".join(label(specs[v].label, lang) if v in specs else
                         tr("case.field_lines", lang) if v == "lines" else v
                         for v in self.values)


def choices(key: str | None, values: tuple[str, ...] | list[str]) -> Choices:
    """The values of field `key` (None: these field names) that a problem says are allowed."""
    return Choices(key, tuple(values))


@lru_cache(maxsize=4096)  # a Coded never changes: the same values share one
def coded(key: str, *values: str, join: str = "or") -> Coded:
    """A value (or values) of case field `key`, to be shown by its label."""
    return Coded(key, tuple(values), join)


_CODES: set[str] = set()  # the codes found in the catalogue so far


def part(code: str, **values: Any) -> Part:
    """One part of a problem: a code (message `case.<code>`) and its values."""
    if code not in _CODES:
        if not has(f"case.{code}"):
            raise KeyError(code)
        _CODES.add(code)
    return code, tuple(values.items())


def render(parts: tuple[Part, ...], lang: str = "en", labels: bool = False) -> str:
    """The parts as one sentence in `lang` (English where a text is missing); `labels`: on
    screen, allowed values by their labels (Choices), not their codes."""
    out = []
    for code, values in parts:
        params = {k: (render((v,), lang, labels) if _is_part(v) else
                      v.text(lang) if isinstance(v, Coded) else
                      v.text(lang, labels) if isinstance(v, Choices) else
                      tr(f"case.state.{v}", lang) if k == "state" else v)  # well, unknown
                  for k, v in values}
        out.append(tr(f"case.{code}", lang).format(**params))
    return "; ".join(out)


def _is_part(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) \
        and has(f"case.{value[0]}")
