"""What the field editors share: their own words (Unknown, Not recorded, tips) in English and
Korean, and the rule that the mouse wheel scrolls the form unless the control has the focus.
"""

from __future__ import annotations

import functools

from PySide6.QtGui import QWheelEvent

from ...case.fields import value_label
from ..common.words import word

_TEXT: dict[str, dict[str, str]] = {
    "not_recorded": {"en": "Not recorded", "ko": "기록 없음"},
    "yes": {"en": "Yes", "ko": "예"},
    "no": {"en": "No", "ko": "아니오"},
    "choose": {"en": "Choose…", "ko": "선택…"},
    "calendar": {"en": "Pick a date (Alt+Down)", "ko": "날짜 선택 (Alt+Down)"},
    "date_tip": {"en": "Type the date as YYYY-MM-DD (digits only is enough); leave empty when "
                       "not recorded. Alt+Down opens a calendar.",
                 "ko": "날짜를 YYYY-MM-DD로 입력하세요 (숫자만 입력해도 됩니다). 기록이 없으면 "
                       "비워 두세요. Alt+Down으로 달력을 엽니다."},
    "number_tip": {"en": "Leave empty when unknown. Up/Down change the value.",
                   "ko": "모르면 비워 두세요. 위/아래 키로 값을 바꿉니다."},
}


ui_text = functools.partial(word, _TEXT)  # one of the editors' own words in `lang`


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
