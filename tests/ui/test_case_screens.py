"""The window's Timeline tab and board decision command on real widgets and a real database:
the open case's lines as bars, following the form, and a decision recorded from the Pathway
page showing on the timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gepnet_desktop import paths
from gepnet_desktop.case import validate_case
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.store.decisions import list_decisions
from gepnet_desktop.ui.window.main_window import MainWindow
from tests.ui.test_main_window import ScriptedPrompts

CASE = {"case_code": "S-1", "primary_site": "jejunum_ileum", "differentiation": "well",
        "ki67_percent": 4, "sstr_status": "positive", "hepatic_burden": "le25",
        "bulk_symptoms": False, "pace": "stable", "diagnosis_date": "2021-01-05",
        "lines": [{"regimen": "lanreotide", "outcome": "progression",
                   "start_date": "2021-02-01", "end_date": "2023-03-01",
                   "progression_date": "2023-02-20"},
                  {"regimen": "everolimus", "outcome": "ongoing", "start_date": "2023-03-10"}]}


def window_with_case(qtbot):
    store = open_clinic(paths.database_path())
    case = store.create(validate_case(CASE, require_code=True).case)
    window = MainWindow(store, lang="en", prompts=ScriptedPrompts())  # Discard at close
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_case(case.uuid)
    return window, store, case


def close(window, store) -> None:
    window.close()
    window.shutdown()
    store.close()


def test_the_timeline_tab_shows_the_open_case_and_follows_the_form(qtbot) -> None:
    window, store, _case = window_with_case(qtbot)
    screens = window.need().screens
    screens.show_timeline.trigger()  # Alt+3
    assert window.tabs.currentWidget() is screens.timeline
    view = screens.timeline.view
    assert [s.regimen for s in view.data().spans] == ["lanreotide", "everolimus"]
    window.form.focus_field("diagnosis_date")
    editor = window.form.editor("diagnosis_date")
    editor.selectAll()
    qtbot.keyClicks(editor, "20201201")
    qtbot.waitUntil(lambda: any(e.kind == "diagnosis" and e.date.isoformat() == "2020-12-01"
                                for e in view.data().events), timeout=3000)
    close(window, store)


def test_record_from_the_pathway_page_shows_on_the_timeline(qtbot) -> None:
    window, store, case = window_with_case(qtbot)
    screens = window.need().screens
    button = window.page.board_button
    assert button.isEnabled() and button.text() == "Record board decision…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = screens.timeline.decisions.dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(screens.timeline.decisions.changed):
        dialog.accept()
    (saved,) = list_decisions(store, case.uuid)
    assert saved.concordant
    kinds = [e.kind for e in screens.timeline.view.data().events]
    assert "decision" in kinds
    close(window, store)


def test_unsaved_changes_or_a_new_case_are_recorded_nowhere(qtbot) -> None:
    window, store, case = window_with_case(qtbot)
    screens = window.need().screens
    window.form.focus_field("case_code")
    qtbot.keyClicks(window.form.editor("case_code"), "X")
    qtbot.waitUntil(window.has_unsaved_changes, timeout=3000)
    screens.record.trigger()
    assert screens.timeline.decisions.dialog is None
    assert "Save the case first" in window.statusBar().currentMessage()
    window.revert_case()
    window.new_case()
    assert not window.page.board_button.isEnabled()
    assert not screens.record.isEnabled()
    assert list_decisions(store, case.uuid) == []
    close(window, store)
