"""The lines-of-therapy table on real widgets: add, edit through the delegates, remove, reorder
(buttons and keys), undo, and validation shown on the row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from gepnet_desktop.case import Case, Line
from gepnet_desktop.ui.common.problem_style import ERROR, SEVERITY_COLOURS, WARNING
from gepnet_desktop.ui.form.case_form import CaseForm
from gepnet_desktop.ui.form.choice_fields import EnumCombo
from gepnet_desktop.ui.form.date_field import DateField
from gepnet_desktop.ui.form.lines_editor import LinesEditor
from gepnet_desktop.ui.form.lines_model import KEYS, LinesModel, parse_line_path

REGIMEN, START, END, OUTCOME, PROGRESSION, RESPONSE, NOTES = range(7)


def _shown_form(qtbot, lang: str) -> CaseForm:
    widget = CaseForm(lang)
    qtbot.addWidget(widget)
    widget.resize(900, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


@pytest.fixture
def form(qtbot) -> CaseForm:
    return _shown_form(qtbot, "en")


@pytest.fixture
def ko_form(qtbot) -> CaseForm:
    return _shown_form(qtbot, "ko")


def _case(*lines: Line) -> Case:
    return Case(case_code="L-1", differentiation="well", ki67_percent=5, lines=list(lines))


def regimens(editor: LinesEditor) -> list[str | None]:
    return [line["regimen"] for line in editor.lines()]


def edit_cell(qtbot, editor: LinesEditor, row: int, column: int):
    """Make a cell current and open its editor with F2, as a keyboard user does."""
    table = editor.table
    table.setFocus()
    table.setCurrentIndex(editor.model.index(row, column))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    widget = QApplication.focusWidget()
    assert widget is not table
    return widget


def press_enter(qtbot, editor: LinesEditor, widget) -> None:
    """Enter ends the edit; the view commits it from its event loop."""
    with qtbot.waitSignal(editor.table.itemDelegate().closeEditor):
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.table.state() != QAbstractItemView.State.EditingState)


def choose_in_cell(qtbot, editor: LinesEditor, row: int, column: int, label: str) -> None:
    combo = edit_cell(qtbot, editor, row, column)
    assert isinstance(combo, EnumCombo)
    target = next(i for i in range(combo.count()) if combo.itemText(i).startswith(label))
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up)
    with qtbot.waitSignal(editor.model.dataChanged):
        press_enter(qtbot, editor, combo)


def type_in_cell(qtbot, editor: LinesEditor, row: int, column: int, text: str) -> None:
    widget = edit_cell(qtbot, editor, row, column)
    qtbot.keyClicks(widget, text)
    with qtbot.waitSignal(editor.model.dataChanged):
        press_enter(qtbot, editor, widget)


def test_parse_line_path() -> None:
    assert parse_line_path("lines[2].end_date") == (1, "end_date")
    assert parse_line_path("lines[3]") == (2, None)
    assert parse_line_path("ki67_percent") is None


def test_adding_a_line_and_filling_it_in(qtbot, form: CaseForm) -> None:
    editor = form.lines_editor
    assert editor.empty_label.isVisible()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert editor.model.rowCount() == 1 and not editor.empty_label.isVisible()
    # a new line needs its regimen and outcome: shown on the row at once
    fields = sorted(p.field for p in form.validation().errors if p.field.startswith("lines"))
    assert fields == ["lines[1].outcome", "lines[1].regimen"]
    assert "Regimen is required" in editor.problems_label.text()

    choose_in_cell(qtbot, editor, 0, REGIMEN, "Everolimus")
    type_in_cell(qtbot, editor, 0, START, "20220301")
    choose_in_cell(qtbot, editor, 0, OUTCOME, "Ongoing")
    choose_in_cell(qtbot, editor, 0, RESPONSE, "SD")
    type_in_cell(qtbot, editor, 0, NOTES, "10 mg daily")
    assert form.data()["lines"] == [{"regimen": "everolimus", "start_date": "2022-03-01",
                                     "end_date": None, "outcome": "ongoing",
                                     "progression_date": None, "best_response": "SD",
                                     "notes": "10 mg daily"}]
    assert form.validation().ok is False  # only the case code is missing now
    assert [p.field for p in form.validation().errors] == ["case_code"]
    assert editor.problems_label.isHidden()
    model = editor.model
    assert model.data(model.index(0, REGIMEN)) == "Everolimus"
    assert model.data(model.index(0, END)) == "Not recorded"


def test_the_date_editor_of_a_cell_is_the_form_date_field(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="captem", outcome="completed")))
    widget = edit_cell(qtbot, form.lines_editor, 0, END)
    assert isinstance(widget, DateField)
    assert widget.placeholderText() == "Not recorded"


def test_an_end_before_the_start_is_shown_on_its_cell(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="lanreotide", outcome="progression", start_date="2021-06-01")))
    editor = form.lines_editor
    type_in_cell(qtbot, editor, 0, END, "20210101")
    errors = form.validation().errors
    assert [p.field for p in errors] == ["lines[1].end_date"]
    model = editor.model
    index = model.index(0, END)
    assert "before the start date 2021-06-01" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    background = model.data(index, Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == SEVERITY_COLOURS[ERROR][2]
    assert model.data(model.index(0, START), Qt.ItemDataRole.BackgroundRole) is None
    assert model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.DecorationRole)
    assert "Line 1 · End" in editor.problems_label.text()
    # corrected: the colour and the message go
    type_in_cell(qtbot, editor, 0, END, "20211231")
    assert form.validation().ok
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is None
    assert editor.problems_label.isHidden()


def test_a_second_ongoing_line_is_an_error_on_that_line(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="lanreotide", outcome="ongoing"),
                    Line(regimen="everolimus", outcome="progression"),
                    Line(regimen="sunitinib", outcome="progression")))
    editor = form.lines_editor
    choose_in_cell(qtbot, editor, 1, OUTCOME, "Ongoing")  # beside an SSA: allowed
    assert form.validation().ok
    choose_in_cell(qtbot, editor, 2, OUTCOME, "Ongoing")
    assert [p.field for p in form.validation().errors] == ["lines[3].outcome"]
    assert editor.model.cell_problems(2, OUTCOME)
    assert not editor.model.cell_problems(1, OUTCOME)
    assert "(line 2, Everolimus, is too)" in editor.problems_label.text()


def test_remove_and_reorder_with_buttons_and_undo(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="lanreotide", outcome="progression"),
                    Line(regimen="everolimus", outcome="toxicity"),
                    Line(regimen="sunitinib", outcome="ongoing")))
    editor = form.lines_editor
    editor.select_cell(2)
    assert not editor.down_button.isEnabled() and editor.up_button.isEnabled()
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert regimens(editor) == ["lanreotide", "sunitinib", "everolimus"]
    assert editor.current_row() == 1  # the moved line stays current
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert regimens(editor) == ["sunitinib", "lanreotide", "everolimus"]
    assert not editor.up_button.isEnabled()
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    assert regimens(editor) == ["lanreotide", "sunitinib", "everolimus"]
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert regimens(editor) == ["lanreotide", "everolimus"]
    assert form.is_dirty()

    for expected in (["lanreotide", "sunitinib", "everolimus"],
                     ["sunitinib", "lanreotide", "everolimus"],
                     ["lanreotide", "sunitinib", "everolimus"],
                     ["lanreotide", "everolimus", "sunitinib"]):
        form.undo_stack.undo()
        assert regimens(editor) == expected
    assert not form.is_dirty()
    # the removed line comes back with all its values
    form.undo_stack.redo()
    form.undo_stack.redo()
    form.undo_stack.redo()
    form.undo_stack.redo()
    form.undo_stack.undo()
    assert editor.lines()[1] == {"regimen": "sunitinib", "start_date": None, "end_date": None,
                                 "outcome": "ongoing", "progression_date": None,
                                 "best_response": None, "notes": None}


def test_the_keyboard_adds_moves_and_removes_lines(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="lanreotide", outcome="progression"),
                    Line(regimen="everolimus", outcome="ongoing")))
    editor = form.lines_editor
    table = editor.table
    editor.select_cell(0, "outcome")
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert regimens(editor) == ["everolimus", "lanreotide"]
    assert (editor.current_row(), table.currentIndex().column()) == (1, OUTCOME)
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert regimens(editor) == ["lanreotide", "everolimus"]
    qtbot.keyClick(table, Qt.Key.Key_Insert)  # after the current line
    assert regimens(editor) == ["lanreotide", None, "everolimus"]
    assert editor.current_row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert regimens(editor) == ["lanreotide", "everolimus"]
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert regimens(editor) == ["lanreotide", None, "everolimus"]


def test_a_cell_edit_is_one_undo_step(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="lanreotide", outcome="progression")))
    editor = form.lines_editor
    choose_in_cell(qtbot, editor, 0, RESPONSE, "PR")
    type_in_cell(qtbot, editor, 0, NOTES, "120 mg every 28 days")
    assert form.undo_stack.count() == 2
    form.undo_stack.undo()
    assert editor.lines()[0]["notes"] is None and editor.lines()[0]["best_response"] == "PR"
    form.undo_stack.undo()
    assert editor.lines()[0]["best_response"] is None
    assert not form.is_dirty()


def test_moving_past_either_end_does_nothing(qtbot) -> None:
    model = LinesModel()
    model.set_lines([{"regimen": "captem", "outcome": "completed"}])
    assert model.move_line(0, -1) == 0 and model.move_line(0, 1) == 0
    assert not model.remove_line(3)
    assert model.lines()[0]["regimen"] == "captem"


def test_the_model_passes_the_model_tester(qtmodeltester) -> None:
    model = LinesModel()
    model.set_lines([{"regimen": "captem", "outcome": "completed", "notes": "x"},
                     {"regimen": None, "outcome": "ongoing"}])
    qtmodeltester.check(model)
    assert model.columnCount() == len(KEYS)


def test_korean_headers_and_labels(qtbot) -> None:
    form = CaseForm("ko")
    qtbot.addWidget(form)
    form.load(_case(Line(regimen="lanreotide", outcome="ongoing")))
    model = form.lines_editor.model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "요법 *"
    assert model.data(model.index(0, REGIMEN)) == "란레오타이드"
    assert model.data(model.index(0, OUTCOME)) == "투여 중"
    assert form.lines_editor.add_button.text() == "라인 추가"


# -- contract 2: the new outcome, the progression date, problems as they are typed -------------
def test_the_outcome_offers_continued_after_progression_by_its_label(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="lanreotide", outcome="progression",
                         start_date="2021-01-04", progression_date="2022-02-01")))
    editor = form.lines_editor
    combo = edit_cell(qtbot, editor, 0, OUTCOME)
    assert isinstance(combo, EnumCombo)
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert "Continued after progression" in offered
    assert not any("_" in text for text in offered)
    qtbot.keyClick(combo, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.table.state() != QAbstractItemView.State.EditingState)
    choose_in_cell(qtbot, editor, 0, OUTCOME, "Continued after progression")
    assert editor.lines()[0]["outcome"] == "continued_after_progression"
    assert editor.model.data(editor.model.index(0, OUTCOME)) == "Continued after progression"
    assert form.validation().ok


def test_the_progression_date_column(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="everolimus", outcome="progression", start_date="2022-03-01")))
    editor = form.lines_editor
    model = editor.model
    assert model.headerData(PROGRESSION, Qt.Orientation.Horizontal) == "Progression date"
    assert model.data(model.index(0, PROGRESSION)) == "Not recorded"
    widget = edit_cell(qtbot, editor, 0, PROGRESSION)
    assert isinstance(widget, DateField) and widget.placeholderText() == "Not recorded"
    qtbot.keyClicks(widget, "20230115")
    with qtbot.waitSignal(model.dataChanged):
        press_enter(qtbot, editor, widget)
    assert editor.lines()[0]["progression_date"] == "2023-01-15"
    assert model.data(model.index(0, PROGRESSION)) == "2023-01-15"
    assert form.data()["lines"][0]["progression_date"] == "2023-01-15"
    assert form.validation().ok
    form.undo_stack.undo()
    assert editor.lines()[0]["progression_date"] is None


def _type_without_committing(qtbot, editor: LinesEditor, row: int, column: int,
                             text: str) -> DateField:
    widget = edit_cell(qtbot, editor, row, column)
    assert isinstance(widget, DateField)
    qtbot.keyClicks(widget, text)
    return widget


@pytest.mark.parametrize(("line", "column", "typed", "field", "says"), [
    (Line(regimen="captem", outcome="completed"), PROGRESSION, "20240501",
     "lines[1].progression_date", "progression date 2024-05-01 is set while the outcome is "
                                  "“Completed”"),
    (Line(regimen="everolimus", outcome="progression", start_date="2024-05-01"), PROGRESSION,
     "20240401", "lines[1].progression_date", "2024-04-01 is before the start date 2024-05-01"),
    (Line(regimen="everolimus", outcome="toxicity", start_date="2024-05-01"), END,
     "20240401", "lines[1].end_date", "2024-04-01 is before the start date 2024-05-01"),
    (Line(regimen="everolimus", outcome="progression"), START, "20990101",
     "lines[1].start_date", "2099-01-01 is in the future"),
])
def test_a_date_is_checked_as_it_is_typed(qtbot, form: CaseForm, line: Line, column: int,
                                          typed: str, field: str, says: str) -> None:
    form.load(_case(line))
    editor = form.lines_editor
    before = editor.lines()
    widget = _type_without_committing(qtbot, editor, 0, column, typed)
    qtbot.waitUntil(lambda: says in editor.problems_label.text())
    assert editor.lines() == before  # nothing committed yet
    assert widget.text() == f"{typed[:4]}-{typed[4:6]}-{typed[6:]}"  # the typing is kept
    assert widget.property("problem") == ERROR and says in widget.toolTip()
    assert [p.field for p in editor.model.problems()] == [field]
    assert editor.model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.DecorationRole)
    # Escape drops the typed date and its problem
    qtbot.keyClick(widget, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.problems_label.isHidden())
    assert editor.lines() == before and editor.model.problems() == []


def test_a_date_typed_right_clears_its_problem_as_it_is_typed(qtbot, form: CaseForm) -> None:
    form.load(_case(Line(regimen="everolimus", outcome="progression", start_date="2024-05-01")))
    editor = form.lines_editor
    widget = _type_without_committing(qtbot, editor, 0, PROGRESSION, "20240401")
    qtbot.waitUntil(lambda: "before the start date" in editor.problems_label.text())
    widget.selectAll()
    qtbot.keyClicks(widget, "20240601")
    qtbot.waitUntil(lambda: editor.problems_label.isHidden())
    assert widget.property("problem") == "" and widget.styleSheet() == ""
    with qtbot.waitSignal(editor.model.dataChanged):
        press_enter(qtbot, editor, widget)
    assert editor.lines()[0]["progression_date"] == "2024-06-01" and form.validation().ok


def test_a_typed_date_is_checked_with_the_rest_of_the_case(qtbot, form: CaseForm) -> None:
    # The soft check on an SSA ongoing reads the pace: the form gives it while a date is typed.
    case = _case(Line(regimen="lanreotide", outcome="ongoing"))
    case.pace = "slow_progression"
    form.load(case)
    editor = form.lines_editor
    assert [p.field for p in editor.model.problems()] == ["lines[1].outcome"]
    _type_without_committing(qtbot, editor, 0, START, "2023")
    qtbot.waitUntil(lambda: "lines[1].start_date" in [p.field for p in editor.model.problems()])
    assert "lines[1].outcome" in [p.field for p in editor.model.problems()]


def test_a_soft_check_shows_beside_its_line(qtbot, form: CaseForm) -> None:
    case = _case(Line(regimen="everolimus", outcome="progression"),
                 Line(regimen="lanreotide", outcome="ongoing"))
    case.pace = "rapid_progression"
    form.load(case)
    editor = form.lines_editor
    model = editor.model
    result = form.validation()
    assert result.ok and [p.field for p in result.warnings] == ["lines[2].outcome"]
    index = model.index(1, OUTCOME)
    background = model.data(index, Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == SEVERITY_COLOURS[WARNING][2]
    tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "if the disease progressed on it, record the line as “Continued after progression”" \
        in tip
    assert model.data(model.index(0, OUTCOME), Qt.ItemDataRole.BackgroundRole) is None
    assert "Line 2 · Outcome" in editor.problems_label.text()
    # recorded as continued after progression: the warning goes
    choose_in_cell(qtbot, editor, 1, OUTCOME, "Continued after progression")
    qtbot.waitUntil(lambda: editor.problems_label.isHidden())
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is None


def test_korean_problems_beside_the_line(qtbot, ko_form: CaseForm) -> None:
    form = ko_form
    case = _case(Line(regimen="prrt_lu177", outcome="completed", start_date="2023-01-02"))
    case.pace = "slow_progression"
    form.load(case)
    editor = form.lines_editor
    model = editor.model
    assert model.headerData(PROGRESSION, Qt.Orientation.Horizontal) == "진행일"
    assert model.data(model.index(0, PROGRESSION)) == "기록 없음"
    tip = model.data(model.index(0, OUTCOME), Qt.ItemDataRole.ToolTipRole)
    assert "이 치료 후 진행했다면 결과를 ‘진행’(으)로 기록하십시오" in tip
    assert "1차 라인 · 결과" in editor.problems_label.text()
    combo = edit_cell(qtbot, editor, 0, OUTCOME)
    assert "진행 후 지속 투여" in [combo.itemText(i) for i in range(combo.count())]
    qtbot.keyClick(combo, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.table.state() != QAbstractItemView.State.EditingState)
    widget = _type_without_committing(qtbot, editor, 0, PROGRESSION, "20240501")
    qtbot.waitUntil(lambda: "진행일 2024-05-01이 입력되어 있습니다" in editor.problems_label.text())
    assert "‘완료’" in widget.toolTip()
