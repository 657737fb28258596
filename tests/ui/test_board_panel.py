"""The board decision dialog and the case's decisions on real widgets and a real database:
the concordance/reason rule, nothing written while a field is wrong, edit, delete and undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gepnet_desktop.board import snapshot_for
from gepnet_desktop.case import validate_case
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.store.decisions import get_decision, list_decisions
from gepnet_desktop.ui.board.dialog import BoardDecisionDialog
from gepnet_desktop.ui.board.panel import DecisionsPanel

CASE = {"case_code": "B-1", "primary_site": "jejunum_ileum", "differentiation": "well",
        "ki67_percent": 4, "sstr_status": "positive", "hepatic_burden": "le25",
        "bulk_symptoms": False, "pace": "stable"}


@pytest.fixture
def stored(tmp_path: Path):
    store = open_clinic(tmp_path / "b.db")
    case = store.create(validate_case(CASE, require_code=True).case)
    yield store, case
    store.close()


@pytest.fixture
def panel(qtbot, stored):
    store, case = stored
    widget = DecisionsPanel(default_pathway(), "en")
    qtbot.addWidget(widget)
    widget.set_case(store, case)
    widget.show()
    return widget


def choose(combo, value) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def test_the_dialog_is_prefilled_with_the_recommendation(qtbot, stored) -> None:
    _store, case = stored
    ev = evaluate(case, default_pathway())
    dialog = BoardDecisionDialog(snapshot_for(case), default_pathway(), "en")
    qtbot.addWidget(dialog)
    options = [o.id for o in ev.options]
    assert options and dialog.decision.currentData() == options[0]
    assert "(recommended)" in dialog.decision.currentText()
    assert dialog.is_concordant() and not dialog.reason.isEnabled()
    assert dialog.concordance.text().startswith("✓")
    assert dialog.date.date().toString("yyyy-MM-dd") == dt.date.today().isoformat()
    label = default_pathway().nodes[ev.recommendation_node].label["en"]
    assert label in dialog.recommendation.text()


def test_a_departing_decision_needs_a_reason_and_nothing_is_written_without(qtbot, panel,
                                                                             stored) -> None:
    store, case = stored
    dialog = panel.record()
    assert dialog is not None
    choose(dialog.decision, "surgery")
    assert not dialog.is_concordant() and dialog.reason.isEnabled()
    assert dialog.concordance.text().startswith("✗")
    dialog.accept()
    assert dialog.isVisible() and dialog.problems.isVisible()
    assert "Reason for departing is required" in dialog.problems.text()
    assert list_decisions(store, case.uuid) == []
    choose(dialog.reason, "other")
    dialog.accept()  # "other" needs its text
    assert dialog.isVisible() and "Reason (text) is required" in dialog.problems.text()
    dialog.reason_text.setText("resectable after downsizing")
    dialog.attendees.setText("Dr Kim, Dr Lee")
    with qtbot.waitSignal(panel.changed):
        dialog.accept()
    saved = list_decisions(store, case.uuid)
    assert len(saved) == 1 and not saved[0].concordant
    assert (saved[0].decision, saved[0].reason, saved[0].reason_text, saved[0].attendees) == (
        "surgery", "other", "resectable after downsizing", "Dr Kim, Dr Lee")
    assert saved[0].snapshot == snapshot_for(case)
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 1).text() == "Surgery"
    assert panel.table.item(0, 2).text() == "✗ no"


def test_a_concordant_decision_keeps_no_reason(qtbot, panel, stored) -> None:
    store, case = stored
    dialog = panel.record()
    choose(dialog.decision, "surgery")
    dialog.reason.setCurrentIndex(2)  # a reason chosen, then the decision made concordant
    dialog.decision.setCurrentIndex(0)
    assert dialog.is_concordant() and not dialog.reason.isEnabled()
    with qtbot.waitSignal(panel.changed):
        dialog.accept()
    saved = list_decisions(store, case.uuid)
    assert len(saved) == 1 and saved[0].concordant and saved[0].reason is None


def test_a_future_date_is_refused(qtbot, panel, stored) -> None:
    store, case = stored
    dialog = panel.record()
    dialog.date.setMaximumDate(dialog.date.maximumDate().addDays(5))
    dialog.date.setDate(dialog.date.maximumDate())
    dialog.accept()
    assert dialog.isVisible() and "in the future" in dialog.problems.text()
    assert list_decisions(store, case.uuid) == []


def test_edit_then_delete_with_undo(qtbot, panel, stored) -> None:
    store, case = stored
    dialog = panel.record()
    with qtbot.waitSignal(panel.changed):
        dialog.accept()
    panel.table.selectRow(0)
    dialog = panel.edit_selected()
    assert dialog is not None and dialog.windowTitle() == "Edit board decision"
    dialog.notes.setPlainText("reviewed with the CT of May")
    with qtbot.waitSignal(panel.changed):
        dialog.accept()
    (edited,) = list_decisions(store, case.uuid)
    assert edited.revision == 2 and edited.notes == "reviewed with the CT of May"
    panel.table.selectRow(0)
    assert not panel.undo_button.isEnabled()
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert list_decisions(store, case.uuid) == [] and panel.table.rowCount() == 0
    assert get_decision(store, edited.uuid).deleted_at is not None
    assert panel.undo_button.isEnabled()
    with qtbot.waitSignal(panel.changed):
        panel.undo_button.click()
    (back,) = list_decisions(store, case.uuid)
    assert back.uuid == edited.uuid and back.notes == edited.notes and back.deleted_at is None
    assert panel.table.rowCount() == 1 and not panel.undo_button.isEnabled()


def test_korean_dialog(qtbot, stored) -> None:
    _store, case = stored
    dialog = BoardDecisionDialog(snapshot_for(case), default_pathway(), "ko")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "협진 결정 기록"
    choose(dialog.decision, "watchful_waiting")
    assert dialog.decision.currentText() == "경과 관찰"
    assert "권고 불일치" in dialog.concordance.text()
    problems = dialog.problem_texts()
    assert problems and "권고와 다른 이유" in problems[0]
