"""How the shell names things: a menu text without its mnemonic, a field or line path as
words, a validation problem as a sentence naming its field.

The words themselves are in the message catalogue (`ui.*` keys, gepnet_desktop/i18n.py); labels
of fields and values come from `case/fields.py`, labels of nodes from the pathway data file.
"""

from __future__ import annotations

import re

from ...case.fields import FIELDS_BY_KEY, LINE_FIELDS_BY_KEY, label
from ...case.validation import Problem
from ...i18n import tr

_LINE_PATH = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?$")


def plain(text: str) -> str:
    """A menu text without its mnemonic marker."""
    return re.sub(r"\(&\w\)", "", text).replace("&", "").rstrip("…").strip()


def field_name(path: str, lang: str = "en") -> str:
    """A human name for a field key or a line path ("lines[2].end_date" -> "Line 2, End")."""
    spec = FIELDS_BY_KEY.get(path)
    if spec:
        return label(spec.label, lang)
    match = _LINE_PATH.match(path)
    if match:
        where = tr("ui.field.line", lang, n=int(match.group(1)))
        sub = LINE_FIELDS_BY_KEY.get(match.group(2) or "")
        return f"{where}, {label(sub.label, lang)}" if sub else where
    if path == "lines":
        return tr("ui.field.lines", lang)
    return path


def problem_sentence(problem: Problem, lang: str = "en") -> str:
    """One validation problem as a sentence that names the field, in the form's words and
    language: "Ki-67: 150 is out of range; allowed: ..., or empty for unknown"."""
    from .problem_style import display_message

    name = field_name(problem.field, lang)
    text = display_message(problem, name, lang)
    return text if problem.needs_field_name else f"{name}: {text}"
