"""Help > User guide (F1): the guide shipped in resources/guide, in the window's language,
shown offline in the program (issue 11 item 8)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QKeySequence

from gepnet_desktop.ui.window.user_guide import UserGuide, guide_file
from tests.ui.test_main_window import open_window

SHARED_FIXTURES = (open_window,)  # the main window tests' fixture, used here by name
GUIDE = Path(__file__).resolve().parents[2] / "resources" / "guide"
HANGUL = re.compile("[\uac00-\ud7a3]")


def test_f1_opens_the_guide_and_about_has_another_key(open_window):
    window = open_window()
    action = window.commands["user_guide"]
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    assert window.commands["about"].shortcut().isEmpty()
    assert window.menus["help"].actions()[0] is action
    action.trigger()
    guide = window.findChild(UserGuide, "userGuide")
    assert guide is not None and guide.isVisible()
    text = guide.text()
    assert "user guide" in guide.windowTitle()
    assert "The flowchart is a reconstruction" in text and "Yoo C" in text
    assert "Ctrl+Shift+L" in text and "F11" in text  # the commands of this window
    action.trigger()  # a second F1 brings the same guide forward
    assert window.findChildren(UserGuide) == [guide]


def test_the_korean_window_shows_the_korean_guide(open_window):
    window = open_window(lang="ko")
    window.commands["user_guide"].trigger()
    guide = window.findChild(UserGuide, "userGuide")
    assert "사용자 안내서" in guide.windowTitle()
    text = guide.text()
    assert "재구성" in text and "Yoo C" in text
    assert len(HANGUL.findall(text)) > 500


def test_the_two_guides_say_the_same_things():
    en, ko = ((GUIDE / f"{lang}.md").read_text(encoding="utf-8") for lang in ("en", "ko"))
    assert en.count("\n## ") == ko.count("\n## ")
    shortcuts = re.compile(r"(?:Ctrl\+(?:Shift\+|Alt\+)?[A-Z0-9=+-]+|Alt\+\d|F1(?!\d)|F11|Esc)")
    assert sorted(shortcuts.findall(en)) == sorted(shortcuts.findall(ko))
    assert re.findall(r"`[^`]+`", en) == re.findall(r"`[^`]+`", ko)  # codes as written
    assert not HANGUL.search(en)
    assert guide_file("fr") == guide_file("en")
