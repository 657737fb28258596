"""What the field editors share: the label of the unknown state, and the rule that the mouse
wheel scrolls the form unless the control has the focus (their words: `form.*` in the catalogue).
"""

from __future__ import annotations

from PySide6.QtGui import QWheelEvent

from ...case.fields import value_label


def unknown_text(lang: str) -> str:
    """The label of the unknown state ("Unknown" / "알 수 없음")."""
    return value_label("", None, lang)


class NoWheelUnlessFocused:
    """Mixin: the mouse wheel scrolls the form instead of changing an unfocused control."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self.hasFocus():  # type: ignore[attr-defined]
            event.ignore()
            return
        super().wheelEvent(event)  # type: ignore[misc]
