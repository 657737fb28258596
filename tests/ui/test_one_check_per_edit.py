"""One edit of the case form is checked once: the field messages, the WHO grade and the live
pathway all show that one result (issue 10, item 4), in the real window on a real database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from gepnet_desktop import paths
from gepnet_desktop.case import validation
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import evaluate
from gepnet_desktop.ui.window import dialogs
from gepnet_desktop.ui.window.main_window import MainWindow
from tests.ui.test_main_window import ScriptedPrompts, choose, type_into


@pytest.fixture
def window(qtbot):
    """The main window on the test's database, shown; closed at the end."""
    store = open_clinic(paths.database_path())
    shown = MainWindow(store, prompts=ScriptedPrompts())
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(shown.list_model.is_loaded, timeout=5000)
    yield shown
    shown.prompts.answers["unsaved"] = [dialogs.DISCARD]
    shown.close()
    shown.shutdown()
    store.close()
    shown.deleteLater()


@pytest.fixture
def checks(monkeypatch):
    """Every call of the case checks (validate_case goes through check_case too)."""
    calls: list[dict] = []
    real = validation.check_case

    def counted(obj, **options):
        calls.append(dict(obj))
        return real(obj, **options)

    monkeypatch.setattr(validation, "check_case", counted)
    return calls


def _well_differentiated_case(qtbot, window) -> None:
    window.new_case()
    type_into(qtbot, window, "case_code", "ONE-1")
    choose(window, "primary_site", "jejunum_ileum")
    choose(window, "differentiation", "well")
    choose(window, "sstr_status", "positive")
    type_into(qtbot, window, "ki67_percent", "2")
    window.update_pathway()
    assert window.page.evaluation() is not None


def test_one_keystroke_is_checked_once_for_form_grade_and_chart(qtbot, window, checks):
    _well_differentiated_case(qtbot, window)
    assert window.form.who_grade_text() == "G1"
    before = window.page.evaluation()
    checks.clear()

    qtbot.keyClick(window.form.editor("ki67_percent"), Qt.Key.Key_5)  # Ki-67 2 -> 25
    qtbot.waitUntil(lambda: window.page.evaluation() is not before, timeout=3000)

    assert len(checks) == 1 and checks[0]["ki67_percent"] == 25
    assert window.form.who_grade_text() == "G3"  # the grade from that one check
    shown = window.page.evaluation()
    reference = evaluate(validation.validate_case(window.form.data()).case, window.pathway)
    assert shown.path == reference.path != before.path  # the chart walked Ki-67 25


def test_an_invalid_keystroke_is_checked_once_and_blocks_grade_and_chart(qtbot, window, checks):
    _well_differentiated_case(qtbot, window)
    checks.clear()

    qtbot.keyClicks(window.form.editor("ki67_percent"), "00")  # Ki-67 200: out of range
    qtbot.waitUntil(lambda: window.page.evaluation() is None, timeout=3000)

    assert len(checks) == 2  # two keystrokes, one check each
    assert window.form.who_grade_text() == "—"
    assert "out of range" in window.form.message_text("ki67_percent")
    assert "Ki-67" in window.page.status_label.text()
