"""The main window on real widgets and a real database file: saving, refusing, prompts, drafts,
duplicate and delete with undo, the live pathway, file tasks, settings and the error dialog."""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from gepnet_desktop import demo, paths
from gepnet_desktop.case import validate_case
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.packed import readable_copy
from gepnet_desktop.pathway import evaluate
from gepnet_desktop.store import Cancelled, CaseQuery, Store, StoreError
from gepnet_desktop.ui.cases.case_list import SORT_ROLE
from gepnet_desktop.ui.chart.view import READABLE_ZOOM
from gepnet_desktop.ui.form.choice_fields import EnumCombo
from gepnet_desktop.ui.form.drafts import DraftStore, default_folder
from gepnet_desktop.ui.window import dialogs
from gepnet_desktop.ui.window.app import choose_language, start_session
from gepnet_desktop.ui.window.error_dialog import ExceptionHandler
from gepnet_desktop.ui.window.main_window import MainWindow
from gepnet_desktop.ui.window.settings import AppSettings
from gepnet_desktop.ui.window.tasks import run_with_progress
from tests.conftest import load_vignettes


class ScriptedPrompts:
    """Answers the window's questions from a script and records what was asked."""

    def __init__(self) -> None:
        self.answers: dict[str, list] = {}
        self.calls: list[tuple] = []

    def _answer(self, kind: str, default):
        queue = self.answers.get(kind) or []
        return queue.pop(0) if queue else default

    def unsaved(self, parent, case):
        self.calls.append(("unsaved", case))
        return self._answer("unsaved", dialogs.DISCARD)

    def restore_draft(self, parent, case, others):
        self.calls.append(("restore_draft", case, others))
        return self._answer("restore_draft", True)

    def conflict(self, parent, case):
        self.calls.append(("conflict", case))
        return self._answer("conflict", dialogs.CANCEL)

    def confirm(self, parent, title, text):
        self.calls.append(("confirm", title, text))
        return self._answer("confirm", True)

    def offer_demo(self, parent, text):
        self.calls.append(("offer_demo", text))
        return self._answer("offer_demo", False)

    def error(self, parent, title, text):
        self.calls.append(("error", title, text))

    def info(self, parent, title, text):
        self.calls.append(("info", title, text))

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]


@pytest.fixture
def open_window(qtbot):
    """Make main windows on the test's data dir; closed (and stores closed) at the end."""
    made: list[tuple[MainWindow, object]] = []

    def make(lang: str = "en", db_path: Path | None = None, **options) -> MainWindow:
        store = open_clinic(db_path or paths.database_path())
        window = MainWindow(store, lang=lang, prompts=ScriptedPrompts(), **options)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(window.list_model.is_loaded, timeout=5000)
        made.append((window, store))
        return window

    yield make
    for window, store in made:
        window.prompts.answers["unsaved"] = [dialogs.DISCARD]
        window.close()
        window.shutdown()
        window.store.close()
        store.close()
        window.deleteLater()


def stored(*cases: dict) -> list:
    """Put cases in the data dir's database; returns the stored copies."""
    store = open_clinic(paths.database_path())
    try:
        return [store.create(validate_case(c, require_code=True).case) for c in cases]
    finally:
        store.close()


def type_into(qtbot, window: MainWindow, key: str, text: str) -> None:
    window.form.focus_field(key)
    qtbot.keyClicks(window.form.editor(key), text)


def choose(window: MainWindow, key: str, value) -> None:
    combo = window.form.editor(key)
    assert isinstance(combo, EnumCombo)
    window.form.focus_field(key)
    target = combo.findData(value)
    assert target >= 0
    combo.setCurrentIndex(target)


def select_row_of(qtbot, window: MainWindow, uuid: str) -> None:
    qtbot.waitUntil(lambda: window.list_model.row_of(uuid) is not None, timeout=5000)
    row = window.list_model.row_of(uuid)
    window.list_view.setCurrentIndex(window.list_model.index(row, 0))


def refreshed(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        window.list_model.refresh()


V01 = next(v for v in load_vignettes() if v["id"] == "V01")


# -- layout --------------------------------------------------------------------------------------
def test_menus_toolbar_status_bar_and_keyboard(open_window):
    window = open_window()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Case", "&View", "&Help"]
    for name, action in window.commands.items():
        reachable = not action.shortcut().isEmpty() or "&" in action.text()
        assert reachable, f"{name} has neither a shortcut nor a mnemonic"
    shortcuts = [a.shortcut().toString() for a in window.commands.values()
                 if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts)), "two actions share a shortcut"
    assert window.toolbar.actions()
    assert window.count_label.text() == "0 cases"
    assert str(paths.data_dir()) in window.dir_label.text()
    assert window.backup_label.text() == "Last backup: none yet"
    assert 700 <= window.minimumWidth() <= 960 and 450 <= window.minimumHeight() <= 540
    assert window.right.currentWidget() is window.placeholder
    assert not window.commands["save"].isEnabled()


def test_the_korean_window_has_korean_menus(open_window):
    window = open_window("ko")
    assert window.menuBar().actions()[0].text() == "파일(&F)"
    assert window.tabs.tabText(1) == "치료 경로"


def test_the_window_shows_before_the_database_opens(qtbot):
    window = MainWindow(db_path=paths.database_path(), prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        assert not window.is_ready() and window.form is None and window.store is None
        assert window.count_label.text() == "Opening the database…"
        assert not window.commands["new"].isEnabled()
        assert not window.commands["import"].isEnabled()
        window.update_pathway()  # nothing to draw yet, and no error
        with qtbot.waitSignal(window.started, timeout=5000):
            assert window.finish_start()
        assert window.is_ready() and window.commands["new"].isEnabled()
        assert window.tabs.count() == 3  # Case, Pathway, Timeline (issue 12)
        qtbot.waitUntil(window.list_model.is_loaded, timeout=5000)
        assert window.count_label.text() == "0 cases"
        assert window.finish_start()  # twice is harmless
    finally:
        window.shutdown()
        if window.store is not None:
            window.store.close()


def test_a_database_that_cannot_be_opened_is_named(qtbot, tmp_path):
    bad = tmp_path / "gepnet.db"
    bad.write_bytes(b"this is not a database" * 20)
    window = MainWindow(db_path=bad, prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    try:
        assert not window.finish_start()
        kind, title, message = window.prompts.calls[-1]
        assert (kind, title) == ("error", "Cannot open the database")
        assert str(bad) in message and "not a GEP-NET Pathway database" in message
        assert not window.is_ready()
        assert bad.read_bytes() == b"this is not a database" * 20
    finally:
        window.shutdown()


# -- saving --------------------------------------------------------------------------------------
def test_a_new_case_is_saved_and_the_dirty_marker_follows(qtbot, open_window):
    window = open_window()
    window.commands["new"].trigger()
    assert window.right.currentWidget() is window.tabs
    assert not window.isWindowModified()
    type_into(qtbot, window, "case_code", "MW-1")
    choose(window, "primary_site", "pancreas")
    type_into(qtbot, window, "ki67_percent", "7")
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        window.commands["save"].trigger()
    assert not window.isWindowModified()
    assert window.windowTitle().startswith("MW-1")
    store = window.store
    case = store.get_by_code("MW-1")
    assert case is not None and case.primary_site == "pancreas" and case.ki67_percent == 7
    assert window.list_model.total() == 1
    assert window.count_label.text() == "1 case"
    assert window.list_view.currentIndex().row() == window.list_model.row_of(case.uuid)


def test_an_invalid_ki67_blocks_saving_with_a_message_naming_the_field(qtbot, open_window):
    window = open_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "MW-2")
    type_into(qtbot, window, "ki67_percent", "150")
    assert window.save() is False
    kind, _title, message = window.prompts.calls[-1]
    assert kind == "error"
    assert message.startswith("The case was not saved. Ki-67: 150 is out of range")
    assert "0 to 100" in message
    assert "or empty for unknown" in message and "null" not in message  # the form's words
    assert window.statusBar().currentMessage() == message
    assert window.form.editor("ki67_percent").hasFocus()
    assert window.store.count(CaseQuery()) == 0
    assert window.isWindowModified()


def test_a_missing_case_code_is_named(qtbot, open_window):
    window = open_window()
    window.new_case()
    type_into(qtbot, window, "ki67_percent", "5")
    assert window.save() is False
    assert "Case code is required" in window.prompts.calls[-1][2]


def test_a_code_used_by_another_case_is_refused(qtbot, open_window):
    stored({"case_code": "DUP-1"})
    window = open_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "DUP-1")
    assert window.save() is False
    assert "DUP-1" in window.prompts.calls[-1][2]
    assert window.store.count(CaseQuery()) == 1


def test_undo_and_redo_actions_drive_the_form(qtbot, open_window):
    window = open_window()
    window.new_case()
    type_into(qtbot, window, "ki67_percent", "12")
    window.commands["undo"].trigger()
    assert window.form.data()["ki67_percent"] is None
    assert not window.isWindowModified()
    window.commands["redo"].trigger()
    assert window.form.data()["ki67_percent"] == 12
    assert window.isWindowModified()


# -- leaving with unsaved changes ----------------------------------------------------------------
def test_leaving_a_changed_case_asks_save_discard_or_cancel(qtbot, open_window):
    a, b = stored({"case_code": "A-1", "ki67_percent": 3}, {"case_code": "B-1"})
    window = open_window()
    select_row_of(qtbot, window, a.uuid)
    assert window.form.data()["case_code"] == "A-1"
    type_into(qtbot, window, "notes", "first edit")

    window.prompts.answers["unsaved"] = [dialogs.CANCEL]
    select_row_of(qtbot, window, b.uuid)
    assert window.prompts.calls[-1] == ("unsaved", "A-1")
    assert window.form.data()["case_code"] == "A-1"
    assert window.form.data()["notes"] == "first edit"
    qtbot.waitUntil(lambda: window.list_view.currentIndex().row()
                    == window.list_model.row_of(a.uuid), timeout=2000)

    window.prompts.answers["unsaved"] = [dialogs.DISCARD]
    select_row_of(qtbot, window, b.uuid)
    assert window.form.data()["case_code"] == "B-1"
    assert window.store.get(a.uuid).notes is None

    type_into(qtbot, window, "notes", "second edit")
    window.prompts.answers["unsaved"] = [dialogs.SAVE]
    assert window.open_case(a.uuid)
    assert window.store.get(b.uuid).notes == "second edit"
    assert window.form.data()["case_code"] == "A-1"
    assert window.prompts.kinds().count("unsaved") == 3


def test_a_failed_save_keeps_the_case_open(qtbot, open_window):
    a, b = stored({"case_code": "A-2"}, {"case_code": "B-2"})
    window = open_window()
    window.open_case(a.uuid)
    type_into(qtbot, window, "ki67_percent", "900")
    window.prompts.answers["unsaved"] = [dialogs.SAVE]
    assert not window.open_case(b.uuid)
    assert window.form.data()["case_code"] == "A-2"
    assert window.prompts.kinds()[-1] == "error"


def test_closing_with_unsaved_changes_asks(qtbot, open_window):
    window = open_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "CL-1")
    window.prompts.answers["unsaved"] = [dialogs.CANCEL]
    assert not window.close()
    assert window.isVisible()
    window.prompts.answers["unsaved"] = [dialogs.SAVE]
    assert window.close()
    assert not window.isVisible()
    assert window.store.get_by_code("CL-1") is not None
    assert DraftStore(default_folder()).load_all() == []


# -- duplicate, delete ---------------------------------------------------------------------------
def test_duplicate_makes_a_new_case_whose_code_must_change(qtbot, open_window):
    (a,) = stored({**V01["case"], "case_code": "ORIG"})
    window = open_window()
    window.open_case(a.uuid)
    window.commands["duplicate"].trigger()
    data = window.form.data()
    assert data["case_code"] == "ORIG-copy" and data["uuid"] is None
    assert data["ki67_percent"] == V01["case"]["ki67_percent"]
    assert window.isWindowModified()
    assert window.form.editor("case_code").hasFocus()
    assert window.save() is False
    assert "Case code: change the code of the copy" in window.prompts.calls[-1][2]
    editor = window.form.editor("case_code")
    editor.selectAll()
    qtbot.keyClicks(editor, "ORIG-2")
    assert window.save()
    copy = window.store.get_by_code("ORIG-2")
    assert copy.uuid != a.uuid and copy.revision == 1
    assert copy.to_dict() == {**a.to_dict(), "case_code": "ORIG-2"}


def test_delete_and_undo_delete(qtbot, open_window):
    a, _b = stored({"case_code": "DEL-1"}, {"case_code": "KEEP-1"})
    window = open_window()
    window.open_case(a.uuid)
    window.form.focus_field("case_code")
    qtbot.keyClick(window.form.editor("case_code"), Qt.Key.Key_Delete)  # a character, not the case
    assert window.store.get(a.uuid) is not None
    window.revert_case()
    window.focus_list()
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert window.store.get(a.uuid) is None
    assert window.list_model.total() == 1
    assert window.right.currentWidget() is window.placeholder
    assert window.commands["undo_delete"].isEnabled()
    assert window.undo_delete_button.isVisible()
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        window.undo_delete_button.click()
    assert window.store.get(a.uuid) is not None
    assert window.list_model.total() == 2
    assert window.form.data()["case_code"] == "DEL-1"
    assert not window.commands["undo_delete"].isEnabled()
    assert [e.action for e in window.store.history(a.uuid)][-2:] == ["delete", "restore"]


def test_a_case_changed_elsewhere_is_a_conflict(qtbot, open_window):
    (a,) = stored({"case_code": "CF-1", "ki67_percent": 2})
    window = open_window()
    window.open_case(a.uuid)
    other = open_clinic(paths.database_path())
    try:
        other.update(validate_case({**a.to_dict(meta=True), "ki67_percent": 4}).case)
    finally:
        other.close()
    type_into(qtbot, window, "notes", "mine")
    window.prompts.answers["conflict"] = [dialogs.CANCEL]
    assert not window.save()
    assert window.isWindowModified()
    window.prompts.answers["conflict"] = [dialogs.OVERWRITE]
    assert window.save()
    saved = window.store.get(a.uuid)
    assert saved.revision == 3 and saved.notes == "mine" and saved.ki67_percent == 2

    other = open_clinic(paths.database_path())
    try:
        other.update(validate_case({**saved.to_dict(meta=True), "ki67_percent": 9}).case)
    finally:
        other.close()
    type_into(qtbot, window, "notes", " again")
    window.prompts.answers["conflict"] = [dialogs.RELOAD]
    assert not window.save()
    assert window.form.data()["ki67_percent"] == 9 and not window.isWindowModified()


def test_a_row_still_loading_opens_when_it_arrives(qtbot, open_window):
    stored(*[{"case_code": f"P-{i:02d}"} for i in range(80)])
    window = open_window(page_size=5)
    assert window.list_model.total() == 80
    assert window.list_model.case_uuid(79) is None  # below the view: not fetched yet
    window.list_view.setCurrentIndex(window.list_model.index(79, 0))
    qtbot.waitUntil(lambda: window.form.data()["case_code"] is not None, timeout=5000)
    assert window.form.data()["case_code"] == window.list_model.index(79, 0).data()


def test_cases_written_elsewhere_appear_in_the_list(qtbot, open_window):
    window = open_window()
    assert window.case_list.is_watching()
    assert not window.check_outside_changes()
    stored({"case_code": "CLI-1"})  # another connection: the command line, another window
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        assert window.check_outside_changes()
    assert window.list_model.total() == 1
    assert not window.check_outside_changes()


def test_tab_goes_from_the_search_box_through_the_filters_to_the_list(qtbot, open_window):
    window = open_window()
    window.activateWindow()
    window.focus_search()
    qtbot.waitUntil(window.filter_bar.search.hasFocus, timeout=2000)
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    bar = window.filter_bar
    assert order == [bar.site, bar.grade, bar.node, window.list_view]


def test_next_and_previous_case(qtbot, open_window):
    stored({"case_code": "N-1"}, {"case_code": "N-2"}, {"case_code": "N-3"})
    window = open_window()
    window.step_case(1)
    first = window.form.data()["case_code"]
    window.commands["next"].trigger()
    second = window.form.data()["case_code"]
    window.commands["previous"].trigger()
    assert window.form.data()["case_code"] == first != second


# -- the live pathway ----------------------------------------------------------------------------
def test_the_pathway_follows_the_form_before_saving(qtbot, open_window):
    window = open_window()
    window.new_case()
    window.form.set_data({**V01["case"], "case_code": None})
    qtbot.waitUntil(lambda: window.page.evaluation() is not None
                    and window.page.evaluation().recommendation_node is not None, timeout=2000)
    ev = window.page.evaluation()
    assert ev.path == V01["expected"]["path"]
    assert ev.recommendation_node == V01["expected"]["recommendation_node"]
    assert window.page.scene.highlighted_node_ids() == ev.path

    type_into(qtbot, window, "ki67_percent", "0")  # "10": Ki-67 10% is no longer indolent
    qtbot.waitUntil(lambda: window.page.evaluation() is not None
                    and window.page.evaluation().path != ev.path, timeout=2000)
    want = evaluate(validate_case(window.form.data()).case)
    assert window.page.evaluation().path == want.path

    type_into(qtbot, window, "ki67_percent", "00")  # "1000": out of range
    qtbot.waitUntil(lambda: window.page.evaluation() is None, timeout=2000)
    assert "Ki-67" in window.page.status_label.text()
    assert window.page.scene.highlighted_node_ids() == []
    assert window.store.count(CaseQuery()) == 0  # nothing was saved on the way


def test_the_pathway_tab_shows_a_long_path_readably_at_the_default_size(qtbot, open_window):
    case = stored(next(c for c in demo.demo_cases() if c.case_code == "DEMO-06").to_dict())[0]
    window = open_window()
    area = window.screen().availableGeometry()  # the first start: 1280 x 820 within the screen
    assert area.contains(window.frameGeometry()) and window.height() > 720
    window.open_case(case.uuid)
    window.show_tab(1)
    view = window.page.view
    qtbot.waitUntil(lambda: window.page.evaluation() is not None, timeout=5000)
    ev = window.page.evaluation()

    def shown(node_id: str) -> bool:
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        return visible.contains(view.pathway_scene().node_item(node_id).scene_box())

    assert view.zoom() >= READABLE_ZOOM - 1e-9  # box text at 10 px or more
    assert shown(ev.recommendation_node) and shown(ev.path[-2])  # the end of the path
    assert not shown(ev.path[0])  # too long for the window at that size
    window.page.path_action.trigger()  # Zoom to path: the whole path, smaller
    assert view.zoom() < READABLE_ZOOM and all(shown(n) for n in ev.path)


def test_at_the_smallest_window_the_pathway_tab_opens_on_the_end_of_the_path(qtbot,
                                                                              open_window):
    # DEMO-05 stops at a box beside the one before it (same row): that box is the end.
    case = stored(next(c for c in demo.demo_cases() if c.case_code == "DEMO-05").to_dict())[0]
    window = open_window()
    window.resize(780, 480)  # the window's minimum size
    qtbot.waitUntil(lambda: window.width() == 780, timeout=2000)
    window.open_case(case.uuid)
    window.show_tab(1)
    view = window.page.view
    qtbot.waitUntil(lambda: window.page.evaluation() is not None, timeout=5000)
    ev = window.page.evaluation()
    assert ev.stop_node == ev.path[-1]
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert view.zoom() >= READABLE_ZOOM - 1e-9
    assert visible.contains(view.pathway_scene().node_item(ev.stop_node).scene_box().center())


def test_a_path_ending_on_the_full_width_bar_opens_on_its_last_steps(qtbot, open_window):
    # DEMO-07 ends on "later lines", a bar across the whole chart: the view frames only the part
    # of it under the box before it, so the first view shows the last steps and Zoom to path is
    # not Fit to window.
    case = stored(next(c for c in demo.demo_cases() if c.case_code == "DEMO-07").to_dict())[0]
    window = open_window()
    window.open_case(case.uuid)
    window.show_tab(1)
    view = window.page.view
    qtbot.waitUntil(lambda: window.page.evaluation() is not None, timeout=5000)
    ev = window.page.evaluation()
    boxes = [view.pathway_scene().node_item(n).scene_box() for n in ev.path]
    bar, before = boxes[-1], boxes[-2]
    assert bar.width() > 4 * before.width() and bar.left() < before.left() < bar.right()
    under = QRectF(before.left(), bar.top(), before.width(), bar.height())

    def shown(box: QRectF) -> bool:
        return view.mapToScene(view.viewport().rect()).boundingRect().contains(box)

    assert view.zoom() >= READABLE_ZOOM - 1e-9
    assert shown(under) and shown(boxes[-2]) and shown(boxes[-3])  # the last steps, readable
    window.page.fit_action.trigger()
    whole = view.zoom()
    window.page.path_action.trigger()  # Zoom to path: the path's boxes, larger than the chart
    assert view.zoom() > 1.5 * whole
    assert shown(under) and all(shown(box) for box in boxes[:-1])


def test_a_missing_field_link_jumps_to_the_field(qtbot, open_window):
    window = open_window()
    window.new_case()
    choose(window, "differentiation", "well")
    type_into(qtbot, window, "ki67_percent", "4")
    qtbot.waitUntil(lambda: window.page.evaluation() is not None
                    and "sstr_status" in window.page.evaluation().missing, timeout=2000)
    window.commands["show_pathway"].trigger()
    assert window.tabs.currentWidget() is window.page
    buttons = window.page.missing_buttons()
    assert [b.objectName() for b in buttons] == ["missing:sstr_status"]
    buttons[0].click()
    assert window.tabs.currentWidget() is window.form
    qtbot.waitUntil(window.form.editor("sstr_status").hasFocus, timeout=2000)


def test_a_missing_field_link_gives_the_field_the_focus_once_the_window_is_active(qtbot,
                                                                                  open_window):
    # A link clicked while another window is active (as offscreen, in acceptance runs) still
    # makes the field the window's focus; it has the keyboard focus when the window is active.
    window = open_window()
    window.new_case()
    choose(window, "differentiation", "well")
    type_into(qtbot, window, "ki67_percent", "30")  # G3: the walk needs the primary site
    qtbot.waitUntil(lambda: window.page.evaluation() is not None
                    and window.page.evaluation().missing == ["primary_site"], timeout=2000)
    window.show_tab(1)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other, timeout=2000)
    window.page.missing_buttons()[0].click()
    editor = window.form.editor("primary_site")
    assert window.tabs.currentWidget() is window.form and window.focusWidget() is editor
    window.activateWindow()
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    viewport = window.form.scroll_area.viewport()
    where = editor.geometry().translated(editor.parentWidget().mapTo(viewport, QPoint(0, 0)))
    assert viewport.rect().contains(where)  # scrolled into view


# -- drafts --------------------------------------------------------------------------------------
def test_a_draft_is_offered_and_restored_after_a_crash(qtbot, open_window):
    crashed = open_window()
    crashed.new_case()
    type_into(qtbot, crashed, "case_code", "CR-1")
    type_into(qtbot, crashed, "ki67_percent", "8")
    drafts = DraftStore(default_folder())
    qtbot.waitUntil(lambda: bool(drafts.load_all())
                    and drafts.load_all()[0][1]["ki67_percent"] == 8, timeout=3000)
    # The crash: the process dies; nothing of the window runs again.
    crashed.list_model.shutdown()
    crashed.hide()
    crashed.form.changed.disconnect()
    crashed.form.dirtyChanged.disconnect()

    window = open_window()
    assert window.offer_drafts()
    assert window.prompts.calls[-1] == ("restore_draft", "CR-1", 0)
    data = window.form.data()
    assert data["case_code"] == "CR-1" and data["ki67_percent"] == 8
    assert window.isWindowModified()
    assert window.save()
    assert window.store.get_by_code("CR-1").ki67_percent == 8
    assert drafts.load_all() == []


def test_a_draft_of_a_stored_case_comes_back_on_that_case(qtbot, open_window):
    (a,) = stored({"case_code": "DR-1", "ki67_percent": 2})
    drafts = DraftStore(default_folder())
    drafts.save(a.uuid, {**a.to_dict(meta=True), "ki67_percent": 3})
    drafts.save("new", {"case_code": "DR-NEW", "lines": []})
    window = open_window()
    window.prompts.answers["restore_draft"] = [False, True]
    assert window.offer_drafts()
    assert [c[1] for c in window.prompts.calls] == ["DR-NEW", "DR-1"]
    assert window.form.data()["uuid"] == a.uuid
    assert window.form.data()["ki67_percent"] == 3
    assert [k for k, _ in drafts.load_all()] == [a.uuid]  # the refused one is gone


def test_declining_every_draft_removes_them(open_window):
    open_clinic(paths.database_path()).close()  # drafts without a database: see test_safety
    drafts = DraftStore(default_folder())
    drafts.save("new", {"case_code": "X", "lines": []})
    window = open_window()
    window.prompts.answers["restore_draft"] = [False]
    assert not window.offer_drafts()
    assert drafts.load_all() == []
    assert window.right.currentWidget() is window.placeholder


# -- file menu -----------------------------------------------------------------------------------
def test_delete_asks_about_unsaved_changes_first(qtbot, open_window):
    a, b, c = stored({"case_code": "DU-1"}, {"case_code": "DU-2"}, {"case_code": "DU-3"})
    window = open_window()
    drafts = DraftStore(default_folder())

    # Cancel: nothing deleted, the edit and its draft stay.
    window.open_case(a.uuid)
    type_into(qtbot, window, "notes", "kept edit")
    window.save_draft()
    window.prompts.answers["unsaved"] = [dialogs.CANCEL]
    assert not window.delete_case()
    assert window.prompts.calls[-1] == ("unsaved", "DU-1")
    assert window.store.get(a.uuid) is not None
    assert window.form.data()["notes"] == "kept edit" and window.isWindowModified()
    assert [d["notes"] for _k, d in drafts.load_all()] == ["kept edit"]

    # Save: the edit is stored, then the case deleted; Undo delete brings the edit back.
    window.prompts.answers["unsaved"] = [dialogs.SAVE]
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        assert window.delete_case()
    assert window.store.get(a.uuid) is None
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        assert window.undo_delete()
    assert window.store.get(a.uuid).notes == "kept edit"
    assert window.form.data()["notes"] == "kept edit"

    # Discard: the stored version is deleted, as the user chose.
    window.open_case(b.uuid)
    type_into(qtbot, window, "notes", "thrown away")
    window.prompts.answers["unsaved"] = [dialogs.DISCARD]
    assert window.delete_case()
    assert window.store.get(b.uuid) is None
    assert window.prompts.calls[-1] == ("unsaved", "DU-2")
    assert drafts.load_all() == []

    # Nothing changed: no question.
    window.open_case(c.uuid)
    asked = window.prompts.kinds().count("unsaved")
    assert window.delete_case()
    assert window.prompts.kinds().count("unsaved") == asked
    assert window.store.get(c.uuid) is None


def test_deleting_a_new_unsaved_case_asks_first(qtbot, open_window):
    window = open_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "NEW-DEL")
    window.prompts.answers["unsaved"] = [dialogs.CANCEL]
    assert not window.delete_case()
    assert window.prompts.calls[-1] == ("unsaved", "New case")
    assert window.form.data()["case_code"] == "NEW-DEL"
    window.prompts.answers["unsaved"] = [dialogs.DISCARD]
    assert window.delete_case()
    assert window.right.currentWidget() is window.placeholder
    assert window.store.get_by_code("NEW-DEL") is None


def finish(qtbot, window: MainWindow, task) -> str:
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as blocker:
        pass
    return blocker.args[1]


def test_export_import_backup_and_restore(qtbot, open_window, tmp_path):
    stored({"case_code": "EX-1"}, {"case_code": "EX-2"})
    window = open_window()
    out = tmp_path / "cases.json"
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.export_to(out)
    assert done.args == ["ui.task.export", "succeeded"]
    assert sorted(c["case_code"] for c in json.loads(out.read_text())) == ["EX-1", "EX-2"]

    new = tmp_path / "new.json"
    new.write_text(json.dumps([{"case_code": "IM-1"}, {"case_code": "IM-2"}]))
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.import_from(new)
    assert done.args == ["ui.task.import", "succeeded"]
    assert window.prompts.calls[-1][0] == "info" and "2 added" in window.prompts.calls[-1][2]
    qtbot.waitUntil(lambda: window.list_model.total() == 4, timeout=5000)

    backup = tmp_path / "backup.db"
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.backup_to(backup)
    assert done.args == ["ui.task.backup", "succeeded"]
    assert backup.is_file() and window.backup_label.text().startswith("Last backup: 20")

    window.open_case(window.store.get_by_code("IM-1").uuid)
    window.delete_case()
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.restore_from(backup)
    assert done.args == ["ui.task.restore", "succeeded"]
    assert window.store.get_by_code("IM-1") is not None
    qtbot.waitUntil(lambda: window.list_model.total() == 4, timeout=5000)


def gate_restore(monkeypatch):
    """Hold File > Restore's work until the test lets it go: (started, release) events."""
    import gepnet_desktop.store as store_package

    started, release = threading.Event(), threading.Event()
    real_restore = store_package.restore_database

    def gated(db_path, source, progress=None):
        started.set()
        if not release.wait(10):
            raise RuntimeError("the test never released the restore")
        return real_restore(db_path, source, progress)

    monkeypatch.setattr(store_package, "restore_database", gated)
    return started, release


STORE_ACTIONS = ("new", "save", "open_db", "import", "export", "backup", "restore", "next",
                 "previous", "load_demo", "undo_delete", "delete", "duplicate")


def test_while_a_restore_has_the_database_closed_nothing_can_use_it(qtbot, open_window,
                                                                   tmp_path, monkeypatch):
    (a,) = stored({"case_code": "RS-1"})
    window = open_window()
    with qtbot.waitSignal(window.taskFinished, timeout=10000):
        window.backup_to(tmp_path / "backup.db")
    window.open_case(a.uuid)
    window.delete_case()
    assert window.commands["undo_delete"].isEnabled()
    started, release = gate_restore(monkeypatch)
    try:
        window.restore_from(tmp_path / "backup.db")
        qtbot.waitUntil(started.is_set, timeout=5000)
        for name in STORE_ACTIONS:
            assert not window.commands[name].isEnabled(), name
        assert not window.list_view.isEnabled() and not window.filter_bar.isEnabled()
        assert not window.undo_delete_button.isVisible()
        qtbot.keyClick(window.list_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert window.right.currentWidget() is window.placeholder
        with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
            release.set()
    finally:
        release.set()
    assert done.args == ["ui.task.restore", "succeeded"]
    for name in ("new", "open_db", "import", "export", "backup", "restore", "load_demo"):
        assert window.commands[name].isEnabled(), name
    assert window.list_view.isEnabled() and window.filter_bar.isEnabled()
    qtbot.waitUntil(lambda: window.list_model.total() == 1, timeout=5000)
    window.commands["new"].trigger()
    type_into(qtbot, window, "case_code", "AFTER-1")
    assert window.save()
    assert window.store.get_by_code("AFTER-1") is not None


def test_a_database_that_cannot_be_reopened_after_a_restore_is_named(qtbot, open_window,
                                                                      tmp_path, monkeypatch):
    stored({"case_code": "RF-1"})
    window = open_window()
    with qtbot.waitSignal(window.taskFinished, timeout=10000):
        window.backup_to(tmp_path / "backup.db")
    started, release = gate_restore(monkeypatch)
    real_opener = window.open_store

    def broken_opener(path):
        raise StoreError(f"{path}: the disk went away.")

    try:
        window.restore_from(tmp_path / "backup.db")
        qtbot.waitUntil(started.is_set, timeout=5000)
        window.open_store = broken_opener
        with qtbot.waitSignal(window.taskFinished, timeout=10000):
            release.set()
    finally:
        release.set()
    assert window.prompts.calls[-1][:2] == ("error", "Cannot open the database")
    assert "the disk went away" in window.prompts.calls[-1][2]
    assert window.store is None
    for name in STORE_ACTIONS:
        if name != "open_db":
            assert not window.commands[name].isEnabled(), name
    assert window.commands["open_db"].isEnabled()
    window.open_store = real_opener
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        assert window.open_database(tmp_path / "backup.db")
    assert window.commands["new"].isEnabled() and window.list_model.total() == 1


def test_a_bad_import_names_the_record_and_writes_nothing(qtbot, open_window, tmp_path):
    window = open_window()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"case_code": "OK-1"}, {"case_code": "BAD", "ki67_percent": 900}]))
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.import_from(bad)
    assert done.args == ["ui.task.import", "failed"]
    kind, title, message = window.prompts.calls[-1]
    assert kind == "error" and title == "Import failed"
    assert "BAD" in message and "ki67_percent" in message
    assert window.store.count(CaseQuery()) == 0


def test_a_large_import_from_the_window_shares_its_work_with_worker_processes(
        qtbot, open_window, tmp_path, caplog):
    from gepnet_desktop.case.sample import random_case_dict
    from gepnet_desktop.store.import_workers import WORKERS_FROM_BYTES

    rng = random.Random(3)
    source = tmp_path / "registry.json"  # laid out as export writes it
    source.write_text("[\n" + ",\n".join(json.dumps(random_case_dict(rng, code=f"W-{i:05d}"))
                                          for i in range(6500)) + "\n]\n", encoding="utf-8")
    assert source.stat().st_size >= WORKERS_FROM_BYTES
    window = open_window()
    with caplog.at_level(logging.INFO, logger="gepnet_desktop.store.import_workers"), \
            qtbot.waitSignal(window.taskFinished, timeout=120000) as done:
        window.import_from(source)
    assert done.args == ["ui.task.import", "succeeded"]
    assert "6500 added" in window.prompts.calls[-1][2]
    assert "import: 6500 records prepared by" in caplog.text
    assert "prepared by 0 worker" not in caplog.text
    qtbot.waitUntil(lambda: window.list_model.total() == 6500, timeout=10000)


def test_open_another_database(qtbot, open_window, tmp_path):
    stored({"case_code": "HERE-1"})
    window = open_window()
    assert window.list_model.total() == 1
    other = tmp_path / "elsewhere" / "other.db"
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        assert window.open_database(other)
    assert window.list_model.total() == 0
    assert str(other.parent) in window.dir_label.text()
    assert window.about_info()["database"] == str(other.resolve())
    not_db = tmp_path / "notes.db"
    not_db.write_text("not a database at all, just text " * 10)
    assert not window.open_database(not_db)
    assert window.prompts.calls[-1][0] == "error" and "notes.db" in window.prompts.calls[-1][2]
    assert window.store.path == other.resolve()


def test_export_chart_and_report_of_the_open_case(qtbot, open_window, tmp_path):
    (a,) = stored({**V01["case"], "case_code": "RP-1"})
    window = open_window()
    window.open_case(a.uuid)
    assert window.export_chart_to(tmp_path / "chart.svg")
    assert "<svg" in (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert window.export_report_to(tmp_path / "report.html")
    assert "RP-1" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert window.export_report_to(tmp_path / "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_automatic_backup_on_start(qtbot, open_window):
    stored({"case_code": "AB-1"})
    window = open_window()
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.auto_backup()
    assert done.args == ["auto-backup", "succeeded"]
    backups = list((paths.data_dir() / "backups").glob("*.db.gz"))
    assert len(backups) == 1
    with readable_copy(backups[0]) as plain, sqlite3.connect(plain) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    assert window.backup_label.text().startswith("Last backup: 20")


def test_an_automatic_backup_skipped_for_no_change_keeps_the_last_backup_time(qtbot,
                                                                             open_window):
    import os

    from gepnet_desktop.store import auto_backup

    stored({"case_code": "AS-1"})
    store = open_clinic(paths.database_path())
    try:
        first = auto_backup(store)
    finally:
        store.close()
    then = dt.datetime(2020, 1, 2, 3, 4).timestamp()
    os.utime(first, (then, then))
    window = open_window()
    assert window.backup_label.text() == "Last backup: 2020-01-02 03:04"
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.auto_backup()
    assert done.args == ["auto-backup", "succeeded"]
    assert list((paths.data_dir() / "backups").glob("*.db.gz")) == [first]  # nothing changed
    assert window.backup_label.text() == "Last backup: 2020-01-02 03:04"
    window.prompts.answers["unsaved"] = [dialogs.DISCARD]
    assert window.close()  # still nothing changed: no backup at close either
    assert list((paths.data_dir() / "backups").glob("*.db.gz")) == [first]
    assert window.prompts.calls == []


def test_closing_takes_an_automatic_backup(qtbot, open_window):
    stored({"case_code": "CB-1"})
    window = open_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "CB-2")
    window.prompts.answers["unsaved"] = [dialogs.SAVE]
    assert window.close()
    backups = list((paths.data_dir() / "backups").glob("*.db.gz"))
    assert len(backups) == 1  # taken after the save the closing asked for
    with readable_copy(backups[0]) as plain, sqlite3.connect(plain) as conn:
        codes = sorted(r[0] for r in conn.execute("SELECT case_code FROM cases"))
    assert codes == ["CB-1", "CB-2"]
    assert window.settings.geometry is not None  # the window's state was saved before


def test_a_skipped_or_failed_backup_at_close_does_not_stop_the_closing(qtbot, open_window,
                                                                       monkeypatch, caplog):
    import gepnet_desktop.store as store_package

    stored({"case_code": "CF-1"})
    calls: list[str] = []
    secret = "SECRET-CF"  # stands for a value the user typed

    def skipped(store, progress=None):
        calls.append("skipped")
        return None

    def broken(store, progress=None):
        calls.append("broken")
        raise StoreError(f"backups/gepnet-auto.db: disk full while copying {secret}")

    monkeypatch.setattr(store_package, "auto_backup", skipped)
    window = open_window()
    assert window.close() and not window.isVisible()
    assert calls == ["skipped"] and window.prompts.calls == []

    monkeypatch.setattr(store_package, "auto_backup", broken)
    other = open_window()
    with caplog.at_level(logging.ERROR, logger="gepnet_desktop"):
        assert other.close() and not other.isVisible()
    assert calls == ["skipped", "broken"]
    # shown, not only logged (issue 9): one dialog with the store's sentence
    assert [c[:2] for c in other.prompts.calls] == [("error", "The automatic backup failed")]
    assert "disk full" in other.prompts.calls[0][2]
    assert "StoreError" in caplog.text and "SECRET-CF" not in caplog.text


def test_the_backup_at_close_runs_on_a_worker_while_the_window_repaints(qtbot, open_window):
    from PySide6.QtCore import QTimer

    stored({"case_code": "CW-1"})
    window = open_window()
    window.store.create(validate_case({"case_code": "CW-2"}, require_code=True).case)
    closing = {"returned": False, "ticks_while_closing": 0}

    def tick() -> None:  # the GUI thread's event loop, as a repaint would need it
        if not closing["returned"]:
            closing["ticks_while_closing"] += 1

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(0)
    assert window.close()
    closing["returned"] = True
    timer.stop()
    assert closing["ticks_while_closing"] > 0  # the loop ran during the backup: no freeze
    [backup] = list((paths.data_dir() / "backups").glob("*.db.gz"))
    with readable_copy(backup) as plain, sqlite3.connect(plain) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT case_code FROM cases")) == \
            ["CW-1", "CW-2"]


def test_long_work_reports_progress_and_can_be_cancelled(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    seen: list[tuple[int, int]] = []

    def job(progress):
        done = 0
        while progress(done, 10**12):  # until the user cancels
            done += 1
        raise Cancelled("The export was cancelled; no file was written.")

    task = run_with_progress(host, "Export", "Export: working…", job, min_duration_ms=0)
    task.progressed.connect(lambda d, t: seen.append((d, t)))
    try:
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
        assert task.dialog.maximum() == 1000 and task.is_running()
        qtbot.waitUntil(task.dialog.isVisible, timeout=5000)
        with qtbot.waitSignal(task.cancelled, timeout=5000):
            qtbot.mouseClick(task.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    finally:
        task.cancel()
        task.wait()
    assert task.outcome == "cancelled"

    def broken(_progress):
        raise StoreError("cases.json: cannot be written (disk full).")

    failing = run_with_progress(host, "Export", "Export: working…", broken)
    with qtbot.waitSignal(failing.failed, timeout=5000) as blocker:
        pass
    assert str(blocker.args[0]) == "cases.json: cannot be written (disk full)."

    finishing = run_with_progress(host, "Export", "Export: working…", lambda p: p(1, 1) and 7)
    with qtbot.waitSignal(finishing.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [7]


def test_a_cancel_after_the_job_finished_its_work_reports_success(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    worked, pressed = threading.Event(), threading.Event()

    def job(progress):
        progress(1, 1)
        worked.set()  # the work is done (committed) here
        assert pressed.wait(5)
        progress(1, 1)  # the late Cancel: False now, but nothing is left to stop
        return 42

    task = run_with_progress(host, "Import", "Import: working…", job)
    try:
        qtbot.waitUntil(worked.is_set, timeout=5000)
        task.cancel()
        with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
            pressed.set()
    finally:
        pressed.set()
        task.wait()
    assert blocker.args == [42]
    assert task.outcome == "succeeded" and task.is_cancelled()


def test_an_error_after_a_cancel_is_a_failure(qtbot):
    host = QWidget()
    qtbot.addWidget(host)

    def job(progress):
        while progress(0, 1):
            pass
        raise StoreError("cases.json: cannot be read.")

    task = run_with_progress(host, "Import", "Import: working…", job)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.cancel()
    assert str(blocker.args[0]) == "cases.json: cannot be read."
    assert task.outcome == "failed"


def test_an_import_cancelled_after_its_commit_shows_its_summary(qtbot, open_window, tmp_path,
                                                                monkeypatch):
    import gepnet_desktop.store as store_package

    window = open_window()
    new = tmp_path / "late.json"
    new.write_text(json.dumps([{"case_code": "LATE-1"}, {"case_code": "LATE-2"}]))
    committed, pressed = threading.Event(), threading.Event()
    real_import = store_package.import_cases

    def import_then_late_cancel(store, path, progress=None):
        report = real_import(store, path, progress=progress)
        committed.set()
        assert pressed.wait(5)
        progress(1, 1)  # returns False: the user pressed Cancel after the commit
        return report

    monkeypatch.setattr(store_package, "import_cases", import_then_late_cancel)
    task = window.import_from(new)
    try:
        qtbot.waitUntil(committed.is_set, timeout=5000)
        task.dialog.findChild(QPushButton).click()  # the progress window's Cancel
        with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
            pressed.set()
    finally:
        pressed.set()
        task.wait()
    assert done.args == ["ui.task.import", "succeeded"]
    assert window.prompts.calls[-1][0] == "info" and "2 added" in window.prompts.calls[-1][2]
    qtbot.waitUntil(lambda: window.list_model.total() == 2, timeout=5000)


# -- a new pathway version ---------------------------------------------------------------------
def test_recommendations_of_an_older_pathway_are_recomputed_off_the_gui_thread(qtbot,
                                                                                monkeypatch):
    # Rows written under an older pathway version that stopped every walk for missing data.
    path = paths.database_path()
    old = Store.open(path, recommend=lambda case: None, recommend_version="kr-gepnet-2021@0.9",
                     user="tester")
    rng = random.Random(11)
    try:
        for i in range(40):
            old.create(validate_case(random_case_dict(rng, code=f"OLD-{i:02d}"),
                                     require_code=True).case)
    finally:
        old.close()
    # Hold the background update until the test lets it go, to work in the window meanwhile.
    started, release = threading.Event(), threading.Event()
    original = Store.refresh_derived

    def gated(self, progress=None, batch=1000):
        started.set()
        if not release.wait(10):
            raise RuntimeError("the test never released the update")
        return original(self, progress, batch)

    monkeypatch.setattr(Store, "refresh_derived", gated)
    window = MainWindow(db_path=path, prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.finish_start()  # opens without recomputing on the GUI thread
        assert window.store.stale_count() == 40
        qtbot.waitUntil(started.is_set, timeout=5000)
        qtbot.waitUntil(window.refresh_bar.isVisible, timeout=5000)
        assert window.refresh_bar.text() == "Updating recommendations 0%"
        qtbot.waitUntil(window.list_model.is_loaded, timeout=5000)
        assert window.list_model.total() == 40
        assert window.list_model.index(0, 3).data() == "(needs data)"  # the old rows, for now
        # The window works while the update waits: open a case, edit it, see its path, save.
        window.list_view.setCurrentIndex(window.list_model.index(0, 0))
        qtbot.waitUntil(lambda: window.form.data()["case_code"].startswith("OLD-"),
                        timeout=5000)
        window.form.set_data({**window.form.data(), "differentiation": "well",
                              "nec_subtype": None, "ki67_percent": 4, "mitoses_per_2mm2": 1,
                              "sstr_status": "positive", "hepatic_burden": "le25",
                              "bulk_symptoms": False, "pace": "stable", "lines": []})
        qtbot.waitUntil(lambda: window.page.evaluation() is not None
                        and window.page.evaluation().recommendation_node is not None,
                        timeout=5000)
        assert window.save()
        assert window.store.stale_count() == 39  # the saved case is current already
        assert window.refresh_bar.isVisible() and not release.is_set()
        with qtbot.waitSignal(window.recommendationsRefreshed, timeout=10000) as done:
            release.set()
        assert done.args == ["succeeded", 39]
        assert not window.refresh_bar.isVisible()
        assert window.statusBar().currentMessage() == \
            "Recommendations updated for the current pathway version (39 cases)."
        qtbot.waitUntil(window.list_model.is_loaded, timeout=5000)
        assert window.store.stale_count() == 0
        shown = {}
        for row in range(window.list_model.rowCount()):
            qtbot.waitUntil(lambda r=row: window.list_model.case_uuid(r) is not None,
                            timeout=5000)
            shown[window.list_model.case_uuid(row)] = window.list_model.index(row, 3).data(
                SORT_ROLE)
        want = {c.uuid: evaluate(c).recommendation_node for c in window.store.iter_cases()}
        assert shown == want and len(want) == 40
        assert any(node is not None for node in want.values())
    finally:
        release.set()
        window.shutdown()
        if window.store is not None:
            window.store.close()


# -- help, settings ------------------------------------------------------------------------------
def demo_codes_in_store() -> list[str]:
    store = open_clinic(paths.database_path())
    try:
        return sorted(r.case_code for r in store.search(CaseQuery(include_deleted=True)))
    finally:
        store.close()


def listed_codes(qtbot, window: MainWindow) -> list[str]:
    model = window.list_model
    codes = []
    for row in range(model.rowCount()):
        qtbot.waitUntil(lambda r=row: model.case_uuid(r) is not None, timeout=5000)
        codes.append(model.index(row, 0).data())
    return sorted(codes)


def test_the_first_start_offers_the_demonstration_cases_and_yes_loads_them(qtbot, open_window):
    window = open_window()
    window.prompts.answers["offer_demo"] = [True]
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        assert start_session(window)
    asked = [c for c in window.prompts.calls if c[0] == "offer_demo"]
    assert asked == [("offer_demo", demo.offer_text(8, "en"))]
    assert "fictitious" in asked[0][1]
    want = [c.case_code for c in demo.demo_cases()]
    assert len(want) == 8 and all(code.startswith("DEMO-") for code in want)
    assert listed_codes(qtbot, window) == want == demo_codes_in_store()
    assert window.statusBar().currentMessage().startswith("8 fictitious demonstration cases")
    tip = window.list_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Fictitious demonstration case"
    opened = window.store.get_by_code("DEMO-01")
    assert opened.notes.startswith(demo.DEMO_NOTICE)
    window.close()
    again = open_window()  # the database is no longer empty, and the offer was made
    assert start_session(again)
    assert "offer_demo" not in again.prompts.kinds()


def test_no_to_the_demonstration_cases_loads_none_and_is_not_asked_again(qtbot, open_window):
    window = open_window()
    window.prompts.answers["offer_demo"] = [False]
    assert start_session(window)
    assert window.prompts.kinds().count("offer_demo") == 1
    assert demo_codes_in_store() == []
    assert AppSettings().demo_offered
    window.close()
    again = open_window()  # still empty, but asked once already
    assert start_session(again)
    assert "offer_demo" not in again.prompts.kinds()
    assert demo_codes_in_store() == []


def test_a_database_with_cases_is_not_offered_the_demonstration_cases(open_window):
    stored({"case_code": "REAL-1"})
    window = open_window()
    assert start_session(window)
    assert "offer_demo" not in window.prompts.kinds()
    assert demo_codes_in_store() == ["REAL-1"]


def test_help_loads_the_demonstration_cases_any_time(qtbot, open_window):
    first = stored(demo.demo_cases()[0].to_dict())[0]
    window = open_window()
    assert window.menus["help"].actions()[-1] is window.commands["load_demo"]
    with qtbot.waitSignal(window.list_model.queryFinished, timeout=5000):
        window.commands["load_demo"].trigger()  # only the seven missing ones
    assert window.list_model.total() == 8
    assert window.store.get(first.uuid).revision == 1  # the one there is left as it was
    window.open_case(window.store.get_by_code("DEMO-02").uuid)
    window.delete_case()
    window.commands["load_demo"].trigger()  # a deleted one counts as there
    assert window.statusBar().currentMessage() == \
        "The demonstration cases are already in this database."
    assert len(demo_codes_in_store()) == 8


def test_the_demonstration_offer_box_answers_yes_or_no(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    prompts = dialogs.Prompts("en")
    for button_text, want in (("Load them", True), ("No, start empty", False)):
        clicked: list[str] = []

        def click(text=button_text, seen=clicked) -> None:
            box = QApplication.activeModalWidget()
            if box is None:
                QTimer.singleShot(10, click)
                return
            seen.append(box.windowTitle())
            next(b for b in box.findChildren(QPushButton) if b.text() == text).click()

        QTimer.singleShot(0, click)
        assert prompts.offer_demo(host, "Load 8 fictitious cases?") is want
        assert clicked == ["Demonstration cases"]


def test_about_shows_version_pathway_data_dir_and_log_file(open_window):
    window = open_window()
    dialog = window.show_about()
    values = {k: v.text() for k, v in dialog.values.items()}
    assert values["version"] == "0.1.0"
    assert values["pathway"] == f"{window.pathway.id} {window.pathway.version}"
    assert values["data_dir"] == str(paths.data_dir())
    assert values["log_file"] == str(paths.log_file())
    dialog.close()


def test_geometry_and_splitter_sizes_are_remembered(qtbot, open_window):
    window = open_window()
    window.resize(790, 650)  # within the offscreen screen (800 x 800)
    window.splitter.setSizes([333, 700])
    sizes = window.splitter.sizes()
    window.close()
    again = open_window()
    assert (again.size().width(), again.size().height()) == (790, 650)
    assert again.splitter.sizes() == sizes


def test_the_language_choice_is_kept_for_the_next_start(open_window):
    window = open_window()
    window.commands["lang_ko"].trigger()
    assert AppSettings().language == "ko"
    assert window.statusBar().currentMessage() == "언어는 다음 시작 때 바뀝니다."

    class Args:
        lang = "en"
        lang_given = False

    assert choose_language(Args(), AppSettings().language) == "ko"
    Args.lang_given = True
    assert choose_language(Args(), AppSettings().language) == "en"


# -- errors --------------------------------------------------------------------------------------
@pytest.mark.qt_no_exception_capture
def test_an_uncaught_exception_shows_the_dialog_and_keeps_the_case(qtbot, open_window, caplog):
    window = open_window()
    handler = ExceptionHandler(rescue=window.rescue, parent=lambda: window)
    handler.install()
    try:
        window.new_case()
        type_into(qtbot, window, "case_code", "EXC-1")

        secret = "SECRET-CODE-42"  # stands for a value the user typed

        def broken() -> None:
            raise RuntimeError(f"boom with {secret}")

        with caplog.at_level(logging.ERROR, logger="gepnet_desktop"):
            QTimer.singleShot(0, broken)
            qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(),
                            timeout=3000)
    finally:
        handler.uninstall()
    dialog = handler.dialog
    assert "RuntimeError: boom with SECRET-CODE-42" in dialog.details.toPlainText()
    assert dialog.log_label.text() == str(paths.log_file())
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert "RuntimeError" in copied and str(paths.log_file()) in copied
    assert "RuntimeError" in caplog.text and "SECRET-CODE-42" not in caplog.text
    drafts = DraftStore(default_folder()).load_all()
    assert [d["case_code"] for _k, d in drafts] == ["EXC-1"]
    assert window.isVisible() and window.form.data()["case_code"] == "EXC-1"
    assert window.save()
    dialog.close()
