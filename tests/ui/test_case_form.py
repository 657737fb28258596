"""The case form on real widgets: typing a case in, live validation beside the fields, the live
WHO grade, undo/redo, keyboard order and mnemonics, loading and saving states."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from gepnet_desktop.case import CASE_FIELDS, Case, Line, validate_case
from gepnet_desktop.case.fields import SECTIONS
from gepnet_desktop.ui.common.problem_style import ERROR, SEVERITY_COLOURS, WARNING
from gepnet_desktop.ui.form.case_form import CaseForm
from gepnet_desktop.ui.form.choice_fields import ChecklistField, EnumCombo
from gepnet_desktop.ui.form.date_field import DateField
from gepnet_desktop.ui.form.number_field import NumberField


@pytest.fixture
def form(qtbot) -> CaseForm:
    widget = CaseForm("en")
    qtbot.addWidget(widget)
    widget.resize(760, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def type_into(qtbot, form: CaseForm, key: str, text: str) -> None:
    """Focus a field as a user would (click) and type."""
    editor = form.editor(key)
    form.focus_field(key)
    qtbot.keyClicks(editor, text)


def choose(qtbot, form: CaseForm, key: str, text: str) -> None:
    """Pick the choice whose label starts with `text` with the arrow keys, as a user would."""
    combo = form.editor(key)
    assert isinstance(combo, EnumCombo)
    form.focus_field(key)
    target = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text))
    while combo.currentIndex() != target:
        down = target > combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down if down else Qt.Key.Key_Up)


def choose_by_arrows(qtbot, form: CaseForm, key: str, steps: int) -> None:
    """Pick a choice with the Down arrow, `steps` entries below the current one."""
    form.focus_field(key)
    for _ in range(steps):
        qtbot.keyClick(form.editor(key), Qt.Key.Key_Down)


def clear(qtbot, editor: QWidget) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)


def test_a_new_form_is_empty_unknown_and_clean(form: CaseForm) -> None:
    data = form.data()
    assert data["uuid"] is None and data["revision"] is None
    assert all(data[s.key] is None for s in CASE_FIELDS if s.kind != "enum_list")
    assert data["comorbidities"] == [] and data["lines"] == []
    assert not form.is_dirty() and form.undo_stack.count() == 0
    ki67 = form.editor("ki67_percent")
    assert ki67.lineEdit().text() == "" and ki67.lineEdit().placeholderText() == "Unknown"
    assert form.editor("sex").currentText() == "Unknown"
    assert form.editor("sstr_heterogeneous").currentText() == "Unknown"
    assert form.editor("diagnosis_date").placeholderText() == "Not recorded"
    # a new case needs its code: the one error of an empty form, shown under the field
    assert [p.field for p in form.validation().errors] == ["case_code"]
    assert "Case code is required" in form.message_text("case_code")


def test_typing_a_case_in(qtbot, form: CaseForm) -> None:
    with qtbot.waitSignal(form.dirtyChanged, check_params_cb=lambda dirty: dirty):
        type_into(qtbot, form, "case_code", "A-001")
    choose(qtbot, form, "sex", "Fe")
    type_into(qtbot, form, "birth_year", "1961")
    type_into(qtbot, form, "diagnosis_date", "20230514")
    choose(qtbot, form, "primary_site", "Jej")
    choose(qtbot, form, "differentiation", "Well")
    type_into(qtbot, form, "ki67_percent", "8.5")
    type_into(qtbot, form, "mitoses_per_2mm2", "1")
    choose(qtbot, form, "sstr_status", "Pos")
    choose(qtbot, form, "sstr_heterogeneous", "No")
    choose_by_arrows(qtbot, form, "hepatic_burden", 2)  # Unknown, None, ≤25%
    choose(qtbot, form, "bulk_symptoms", "Yes")
    choose(qtbot, form, "pace", "Slow")
    type_into(qtbot, form, "ecog", "1")
    type_into(qtbot, form, "egfr_ml_min", "75")
    boxes = form.editor("comorbidities")
    assert isinstance(boxes, ChecklistField)
    qtbot.mouseClick(boxes.boxes[3], Qt.MouseButton.LeftButton)
    type_into(qtbot, form, "notes", "Seen at MDT")

    data = form.data()
    expected = {"case_code": "A-001", "sex": "F", "birth_year": 1961,
                "diagnosis_date": "2023-05-14", "notes": "Seen at MDT",
                "primary_site": "jejunum_ileum", "differentiation": "well", "nec_subtype": None,
                "ki67_percent": 8.5, "mitoses_per_2mm2": 1, "functional_syndrome": None,
                "sstr_status": "positive", "sstr_heterogeneous": False, "hepatic_burden": "le25",
                "bulk_symptoms": True, "pace": "slow_progression", "ecog": 1, "egfr_ml_min": 75,
                "comorbidities": ["dpd_deficiency"], "lines": []}
    assert {k: data[k] for k in expected} == expected
    result = form.validation()
    assert result.ok, result.errors
    assert result.case is not None and result.case.who_grade == "G2"
    assert form.who_grade_text() == "G2"
    assert form.is_dirty()
    assert all(form.message_text(s.key) == "" for s in CASE_FIELDS)


def test_an_invalid_ki67_shows_its_message_beside_the_field(qtbot, form: CaseForm) -> None:
    type_into(qtbot, form, "case_code", "A-002")
    type_into(qtbot, form, "ki67_percent", "150")
    assert form.data()["ki67_percent"] == 150  # typed, never clamped
    result = form.validation()
    assert not result.ok
    assert [p.field for p in result.errors] == ["ki67_percent"]
    text = form.message_text("ki67_percent")
    assert "150 is out of range" in text and "0 to 100" in text
    message = form.findChild(QLabel, "message_ki67_percent")
    editor = form.editor("ki67_percent")
    assert message.isVisible() and message.property("severity") == ERROR
    # beside (under) its own field, not somewhere else in the form
    assert message.parentWidget() is editor.parentWidget()
    assert message.geometry().top() >= editor.geometry().bottom()
    assert SEVERITY_COLOURS[ERROR][1] in message.text()
    # the grade is not guessed from a wrong value
    assert form.who_grade_text() == "—"

    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # "15"
    assert form.validation().ok
    assert form.message_text("ki67_percent") == "" and not message.isVisible()


def test_the_message_follows_each_keystroke(qtbot, form: CaseForm) -> None:
    editor = form.editor("egfr_ml_min")
    form.focus_field("egfr_ml_min")
    seen = []
    for char in "2500":
        qtbot.keyClicks(editor, char)
        seen.append(bool(form.problems_for("egfr_ml_min")))
    assert seen == [False, False, True, True]  # 2, 25, 250 (over 200), 2500


def test_up_and_down_step_within_the_range(qtbot, form: CaseForm) -> None:
    editor = form.editor("ki67_percent")
    form.focus_field("ki67_percent")
    qtbot.keyClick(editor, Qt.Key.Key_Up)  # from unknown: the bottom of the range
    assert form.data()["ki67_percent"] == 0
    clear(qtbot, editor)
    assert form.data()["ki67_percent"] is None
    qtbot.keyClicks(editor, "99")
    qtbot.keyClick(editor, Qt.Key.Key_Up)
    qtbot.keyClick(editor, Qt.Key.Key_Up)
    assert form.data()["ki67_percent"] == 100
    assert not form.problems_for("ki67_percent")


def test_letters_cannot_be_typed_into_a_number(qtbot, form: CaseForm) -> None:
    type_into(qtbot, form, "ecog", "2x")
    assert form.data()["ecog"] == 2


def test_a_bad_date_and_a_future_date_are_named(qtbot, form: CaseForm) -> None:
    editor = form.editor("diagnosis_date")
    assert isinstance(editor, DateField)
    type_into(qtbot, form, "diagnosis_date", "20230230")
    assert editor.text() == "2023-02-30"
    assert "is not a date in the form YYYY-MM-DD" in form.message_text("diagnosis_date")
    clear(qtbot, editor)
    assert form.data()["diagnosis_date"] is None and not form.problems_for("diagnosis_date")
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%Y%m%d")
    qtbot.keyClicks(editor, future)
    assert "is in the future" in form.message_text("diagnosis_date")


@pytest.mark.parametrize(("typed", "shown"), [
    ("20230514", "2023-05-14"), ("2023-05-14", "2023-05-14"), ("2023/05/14", "2023-05-14"),
    ("2023.5", "2023-5"), ("2023-", "2023-"), ("2023051499", "2023-05-14"), ("2023x", "2023"),
])
def test_a_date_is_typed_as_digits_and_shown_with_dashes(qtbot, form, typed, shown) -> None:
    type_into(qtbot, form, "diagnosis_date", typed)
    assert form.editor("diagnosis_date").text() == shown
    assert form.data()["diagnosis_date"] == shown


def test_the_calendar_sets_the_date(qtbot, form: CaseForm) -> None:
    editor = form.editor("diagnosis_date")
    form.focus_field("diagnosis_date")
    calendar = editor.open_calendar()
    qtbot.waitUntil(calendar.isVisible)
    calendar.setSelectedDate(calendar.selectedDate().addDays(-3))
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    expected = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    assert form.data()["diagnosis_date"] == expected
    assert form.undo_stack.count() == 1


def test_nec_subtype_with_a_well_differentiated_tumour_is_an_error(qtbot, form) -> None:
    choose(qtbot, form, "differentiation", "Well")
    choose(qtbot, form, "nec_subtype", "Small")
    assert "NEC subtype is set while differentiation is well" in form.message_text("nec_subtype")
    assert "nec_subtype" in [p.field for p in form.validation().errors]
    choose(qtbot, form, "differentiation", "Poor")
    assert form.message_text("nec_subtype") == ""


def test_a_soft_warning_is_shown_differently_and_does_not_block(qtbot, form) -> None:
    type_into(qtbot, form, "case_code", "A-003")
    choose(qtbot, form, "differentiation", "Well")
    type_into(qtbot, form, "ki67_percent", "60")
    result = form.validation()
    assert result.ok
    assert [(p.field, p.severity) for p in result.warnings] == [("ki67_percent", WARNING)]
    message = form.findChild(QLabel, "message_ki67_percent")
    assert message.isVisible() and message.property("severity") == WARNING
    assert SEVERITY_COLOURS[WARNING][1] in message.text()
    assert SEVERITY_COLOURS[ERROR][1] not in message.text()
    assert "unusual for a well-differentiated NET" in form.message_text("ki67_percent")


def test_the_who_grade_updates_live(qtbot, form: CaseForm) -> None:
    assert form.who_grade_text() == "Unknown"
    choose(qtbot, form, "differentiation", "Well")
    assert form.who_grade_text() == "Unknown"
    type_into(qtbot, form, "ki67_percent", "2")
    assert form.who_grade_text() == "G1"
    qtbot.keyClicks(form.editor("ki67_percent"), "1")  # 21
    assert form.who_grade_text() == "G3"
    qtbot.keyClick(form.editor("ki67_percent"), Qt.Key.Key_Backspace)  # 2
    type_into(qtbot, form, "mitoses_per_2mm2", "3")
    assert form.who_grade_text() == "G2"  # the higher index decides
    choose(qtbot, form, "differentiation", "Poor")
    assert form.who_grade_text() == "NEC"
    choose(qtbot, form, "differentiation", "Mi")
    assert form.who_grade_text() == "MiNEN"
    # the grade shown is always the record's own derived grade
    form.editor("case_code").setFocus()
    qtbot.keyClicks(form.editor("case_code"), "G")
    assert form.validation().case.who_grade == form.who_grade_text()


def test_typing_in_one_field_is_one_undo_step(qtbot, form: CaseForm) -> None:
    type_into(qtbot, form, "ki67_percent", "12.5")
    assert form.undo_stack.count() == 1
    choose(qtbot, form, "sex", "Male")
    assert form.undo_stack.count() == 2
    form.undo_stack.undo()
    assert form.data()["sex"] is None and form.data()["ki67_percent"] == 12.5
    form.undo_stack.undo()
    assert form.data()["ki67_percent"] is None
    assert form.editor("ki67_percent").lineEdit().text() == ""
    assert not form.is_dirty()
    form.undo_stack.redo()
    form.undo_stack.redo()
    assert form.data()["ki67_percent"] == 12.5 and form.data()["sex"] == "M"
    assert form.editor("sex").currentText() == "Male"
    assert form.is_dirty()


def test_returning_to_a_field_starts_a_new_undo_step(qtbot, form: CaseForm) -> None:
    type_into(qtbot, form, "case_code", "AB")
    type_into(qtbot, form, "ecog", "1")
    form.focus_field("case_code")
    qtbot.keyClick(form.editor("case_code"), Qt.Key.Key_End)
    qtbot.keyClicks(form.editor("case_code"), "C")
    assert form.undo_stack.count() == 3
    form.undo_stack.undo()
    assert form.data()["case_code"] == "AB" and form.data()["ecog"] == 1


def test_ctrl_z_in_a_field_undoes_through_the_form(qtbot, form: CaseForm) -> None:
    choose(qtbot, form, "pace", "Stable")
    type_into(qtbot, form, "case_code", "XY")
    editor = form.editor("case_code")
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert form.data()["case_code"] is None and editor.text() == ""
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert form.data()["pace"] is None  # the same history as the other fields
    qtbot.keyClick(editor, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert form.data()["pace"] == "stable"


def test_every_edit_emits_changed(qtbot, form: CaseForm) -> None:
    with qtbot.waitSignal(form.changed):
        type_into(qtbot, form, "egfr_ml_min", "5")
    with qtbot.waitSignal(form.changed):
        choose(qtbot, form, "pace", "Rapid")
    with qtbot.waitSignal(form.changed):
        form.undo_stack.undo()
    with qtbot.waitSignal(form.fieldEdited) as blocker:
        form.lines_editor.add_line()
    assert blocker.args == ["lines"]


def _stored_case() -> Case:
    case = validate_case({"case_code": "K-7", "differentiation": "well", "ki67_percent": 4,
                          "primary_site": "pancreas", "sstr_status": "positive",
                          "comorbidities": ["heart_failure"],
                          "lines": [{"regimen": "lanreotide", "outcome": "progression",
                                     "start_date": "2021-01-05", "end_date": "2022-03-01"},
                                    {"regimen": "everolimus", "outcome": "ongoing"}]}).case
    assert case is not None
    case.uuid, case.revision = "3b1f0a52-8f5c-4c47-9d55-0d6b7f9a1c11", 4
    return case


def test_load_shows_a_stored_case_and_is_clean(qtbot, form: CaseForm) -> None:
    type_into(qtbot, form, "case_code", "dirty")
    case = _stored_case()
    with qtbot.waitSignal(form.dirtyChanged, check_params_cb=lambda dirty: not dirty):
        form.load(case)
    expected = {"uuid": case.uuid, "revision": 4, **case.to_dict()}
    assert form.data() == expected
    assert not form.is_dirty() and form.undo_stack.count() == 0
    assert form.editor("primary_site").currentText() == "Pancreas"
    assert form.editor("comorbidities").boxes[2].isChecked()
    assert form.lines_editor.model.rowCount() == 2
    assert form.draft_key() == case.uuid


def test_mark_saved_takes_the_new_revision(qtbot, form: CaseForm) -> None:
    type_into(qtbot, form, "case_code", "N-1")
    assert form.is_dirty() and form.draft_key() == "new"
    saved = validate_case(form.data()).case
    saved.uuid, saved.revision = "a" * 32, 1
    form.mark_saved(saved)
    assert not form.is_dirty()
    assert form.data()["uuid"] == "a" * 32 and form.data()["revision"] == 1
    type_into(qtbot, form, "ecog", "0")
    assert form.is_dirty()


def test_set_data_restores_a_draft_as_one_undoable_edit(qtbot, form: CaseForm) -> None:
    case = _stored_case()
    form.load(case)
    draft = form.data()
    draft["ki67_percent"] = 7
    draft["lines"][1]["best_response"] = "SD"
    draft["notes"] = "typed before the crash"
    form.set_data(draft)
    assert form.is_dirty()
    assert form.data() == draft
    assert form.editor("ki67_percent").lineEdit().text() == "7"
    form.undo_stack.undo()
    assert form.data() == {"uuid": case.uuid, "revision": 4, **case.to_dict()}


def test_focus_field_scrolls_to_the_field_and_focuses_it(qtbot, form: CaseForm) -> None:
    form.resize(700, 300)
    form.focus_field("egfr_ml_min")
    editor = form.editor("egfr_ml_min")
    qtbot.waitUntil(editor.hasFocus)
    viewport = form.scroll_area.viewport()
    top_left = editor.mapTo(viewport, editor.rect().topLeft())
    assert 0 <= top_left.y() <= viewport.height() - editor.height()

    form.load(_stored_case())
    form.focus_field("lines[2].outcome")
    table = form.lines_editor.table
    qtbot.waitUntil(table.hasFocus)
    assert (table.currentIndex().row(), table.currentIndex().column()) == (1, 3)


def test_tab_follows_the_form_top_to_bottom(qtbot, form: CaseForm) -> None:
    form.focus_field("case_code")
    qtbot.waitUntil(form.editor("case_code").hasFocus)
    seen: list[str] = []
    for _ in range(40):
        widget = QApplication.focusWidget()
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget.parentWidget(), ChecklistField):
            name = "field_comorbidities"
        if not seen or seen[-1] != name:
            seen.append(name)
        if widget is form.lines_editor.table:
            break
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    expected = [f"field_{s.key}" for s in CASE_FIELDS]
    assert seen[: len(expected)] == expected
    assert seen[len(expected)] == "LinesTable"


def test_each_label_has_a_buddy_and_its_own_mnemonic(qtbot, form: CaseForm) -> None:
    letters = []
    for spec in CASE_FIELDS:
        lab = form.findChild(QLabel, f"label_{spec.key}")
        buddy = lab.buddy()
        editor = form.editor(spec.key)
        assert buddy is editor or buddy.parentWidget() is editor
        if "&" in lab.text():
            letters.append(lab.text()[lab.text().index("&") + 1].lower())
    assert len(letters) >= len(CASE_FIELDS) - 2
    assert len(set(letters)) == len(letters)
    assert not set(letters) & set("fecvhl")  # the menus' letters


def test_alt_and_a_mnemonic_jumps_to_its_field(qtbot, form: CaseForm) -> None:
    lab = form.findChild(QLabel, "label_ki67_percent")
    letter = lab.text()[lab.text().index("&") + 1]
    form.focus_field("case_code")
    qtbot.waitUntil(form.editor("case_code").hasFocus)
    qtbot.keyClick(form.editor("case_code"), letter, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(form.editor("ki67_percent").hasFocus)


def test_the_korean_form_uses_the_korean_labels(qtbot) -> None:
    form = CaseForm("ko")
    qtbot.addWidget(form)
    titles = [box.title() for box in form.findChildren(QWidget) if hasattr(box, "title")]
    for section in SECTIONS.values():
        assert section["ko"] in titles
    assert "원발 부위" in form.findChild(QLabel, "label_primary_site").text()
    assert form.editor("sex").itemText(0) == "알 수 없음"
    assert form.editor("sex").itemText(1) == "여성"
    assert form.editor("diagnosis_date").placeholderText() == "기록 없음"
    assert isinstance(form.editor("ki67_percent"), NumberField)
    form.show()
    calendar = form.editor("diagnosis_date").open_calendar()
    assert calendar.locale().language() == QLocale.Language.Korean
    calendar.window().close()


def test_the_wheel_over_an_unfocused_combo_does_not_change_it(qtbot, form: CaseForm) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    combo = form.editor("pace")
    form.focus_field("case_code")
    centre = QPointF(combo.rect().center())
    event = QWheelEvent(centre, QPointF(combo.mapToGlobal(QPoint(5, 5))), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, event)
    assert form.data()["pace"] is None and form.undo_stack.count() == 0


def test_lines_problems_appear_on_their_row(qtbot, form: CaseForm) -> None:
    case = _stored_case()
    case.lines.append(Line(regimen="sunitinib", outcome="ongoing"))
    form.load(case)
    model = form.lines_editor.model
    assert [p.field for p in form.validation().errors] == ["lines[3].outcome"]
    assert model.cell_problems(2, 3) and not model.cell_problems(1, 3)
    assert "a second anti-tumour line other than an SSA is ongoing" in model.data(
        model.index(2, 3), Qt.ItemDataRole.ToolTipRole)
    assert "Line 3 · Outcome" in form.lines_editor.problems_label.text()


def test_ctrl_z_undoes_once_under_a_window_undo_action(qtbot) -> None:
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    form = CaseForm("en")
    window.setCentralWidget(form)
    undo = form.undo_stack.createUndoAction(window)
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    window.addAction(undo)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    choose(qtbot, form, "sex", "Male")
    type_into(qtbot, form, "birth_year", "1950")
    qtbot.keyClick(form.editor("birth_year"), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert form.data()["birth_year"] is None and form.data()["sex"] == "M"
    form.focus_field("sex")
    qtbot.keyClick(form.editor("sex"), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert form.data()["sex"] is None


def test_a_draft_with_values_outside_the_sets_is_shown_and_named(qtbot, form: CaseForm) -> None:
    form.set_data({"case_code": "Old-1", "sex": "X", "ki67_percent": "abc",
                   "sstr_heterogeneous": "yes", "lines": [{"regimen": "interferon"}]})
    data = form.data()
    assert (data["sex"], data["ki67_percent"], data["sstr_heterogeneous"]) == ("X", "abc", "yes")
    fields = {p.field for p in form.validation().errors}
    assert {"sex", "ki67_percent", "sstr_heterogeneous", "lines[1].regimen",
            "lines[1].outcome"} <= fields
    assert '"X" is not a recognised value' in form.message_text("sex")
    assert '"abc" is not a number' in form.message_text("ki67_percent")
    choose(qtbot, form, "sex", "Female")
    assert not form.problems_for("sex")
