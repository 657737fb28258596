"""Texts of the pathway file that show a named threshold: `{ki67_active}` in a label is the
threshold's value, so a cut-off is written once, in the `thresholds` section."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
# Placeholders filled per patient, not from the thresholds (Korean access texts).
PATIENT_PLACEHOLDERS = ("next_line", "grade")


def number_text(value: float) -> str:
    """A threshold as written in a label: 10, not 10.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def fill(text: str, values: Mapping[str, float]) -> str:
    """`text` with each threshold placeholder replaced by its value (others left as they are)."""
    return PLACEHOLDER.sub(
        lambda m: number_text(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def fill_thresholds(doc: Any, values: Mapping[str, float]) -> Any:
    """A copy of the document with every text's threshold placeholders filled."""
    if isinstance(doc, str):
        return fill(doc, values)
    if isinstance(doc, list):
        return [fill_thresholds(v, values) for v in doc]
    if isinstance(doc, dict):
        return {k: fill_thresholds(v, values) for k, v in doc.items()}
    return doc


def placeholders(text: str) -> list[str]:
    """The placeholder names a text uses."""
    return PLACEHOLDER.findall(text)
