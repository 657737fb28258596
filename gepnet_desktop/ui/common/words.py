"""Looking up the interface's own words in a `{key: {"en": ..., "ko": ...}}` table."""

from __future__ import annotations

from ...case.fields import label


def word(table: dict[str, dict[str, str]], key: str, lang: str, **values: object) -> str:
    """The text of `key` in `lang` (English when missing), with `values` filled in."""
    text = label(table[key], lang)
    return text.format(**values) if values else text
