"""End to end: `gepnet-desktop` without a subcommand opens the window on the data dir's database;
a case is typed in, saved, found with the search box, and reopened, as a user would."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from gepnet_desktop import cli
from gepnet_desktop.pathway import evaluate
from gepnet_desktop.store import CaseQuery, Store
from gepnet_desktop.ui.form.choice_fields import EnumCombo
from gepnet_desktop.ui.window.main_window import MainWindow


def _main_window() -> MainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            return widget
    return None


def _wait(qtbot, condition, timeout: int = 5000) -> None:
    qtbot.waitUntil(condition, timeout=timeout)


def _choose(window: MainWindow, key: str, label_start: str) -> None:
    combo = window.form.editor(key)
    assert isinstance(combo, EnumCombo)
    window.form.focus_field(key)
    index = next(i for i in range(combo.count()) if combo.itemText(i).startswith(label_start))
    while combo.currentIndex() != index:  # with the arrow keys, as a user would
        down = index > combo.currentIndex()
        QTest.keyClick(combo, Qt.Key.Key_Down if down else Qt.Key.Key_Up)


class _AnswerBox:
    """Answers the first message box titled `title` by clicking `button`, as a user would
    (the box is modal: it runs its own event loop, in which this timer still fires)."""

    def __init__(self, title: str, button: str) -> None:
        self.title, self.button, self.seen = title, button, ""
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.windowTitle() == self.title:
            self.seen = box.text()
            self.timer.stop()
            next(b for b in box.buttons() if b.text() == self.button).click()


def _drive(qtbot, seen: dict) -> None:
    """What the user does once the window is up."""
    _wait(qtbot, lambda: _main_window() is not None)
    window = _main_window()
    seen["title"] = window.windowTitle()
    _wait(qtbot, window.list_model.is_loaded)
    seen["count_before"] = window.list_model.total()
    # After the first-start question closes, the user clicks into the window (the offscreen
    # platform does not give the activation back by itself).
    window.activateWindow()
    _wait(qtbot, window.isActiveWindow)

    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Case > New
    _wait(qtbot, lambda: window.form.editor("case_code").hasFocus())
    qtbot.keyClicks(window.form.editor("case_code"), "E2E-777")
    _choose(window, "primary_site", "Pancreas")
    _choose(window, "differentiation", "Well")
    window.form.focus_field("ki67_percent")
    qtbot.keyClicks(window.form.editor("ki67_percent"), "12")
    _choose(window, "sstr_status", "Positive")
    seen["modified"] = window.isWindowModified()
    qtbot.keyClick(window.form.editor("ki67_percent"), Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)  # Save
    _wait(qtbot, lambda: not window.isWindowModified())
    seen["grade"] = window.store.get_by_code("E2E-777").who_grade

    window.new_case()  # leave the case, then find it again
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Find
    _wait(qtbot, window.filter_bar.search.hasFocus)
    qtbot.keyClicks(window.filter_bar.search, "777")
    _wait(qtbot, lambda: window.list_model.is_loaded() and window.list_model.total() == 1
          and window.list_model.index(0, 0).data() == "E2E-777")
    rect = window.list_view.visualRect(window.list_model.index(0, 0))
    qtbot.mouseClick(window.list_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    _wait(qtbot, lambda: window.form.data()["case_code"] == "E2E-777")
    seen["reopened"] = window.form.data()
    seen["title_after"] = window.windowTitle()
    window.commands["show_pathway"].trigger()
    _wait(qtbot, lambda: window.page.evaluation() is not None)
    seen["path"] = window.page.evaluation().path
    seen["db"] = window.store.path
    window.close()


def test_the_program_opens_its_window_and_a_case_goes_round(qtbot, tmp_path: Path):
    data = tmp_path / "clinic data"
    seen: dict = {}
    failure: list[BaseException] = []

    def drive() -> None:
        try:
            _drive(qtbot, seen)
        except BaseException as exc:  # reported after the event loop ends
            failure.append(exc)
            window = _main_window()
            if window is not None:
                window.form.load(None)
                window.close()
        QApplication.quit()

    QTimer.singleShot(0, drive)
    offer = _AnswerBox("Demonstration cases", "No, start empty")  # the first start asks
    started = time.monotonic()
    code = cli.main(["--data-dir", str(data), "--lang", "en"])
    offer.timer.stop()
    if failure:
        raise failure[0]
    assert code == 0
    assert time.monotonic() - started < 60
    assert seen["count_before"] == 0
    assert "fictitious demonstration cases" in offer.seen
    assert seen["title"] == "GEP-NET Pathway[*]"
    assert seen["modified"] is True
    assert seen["grade"] == "G2"
    assert seen["reopened"]["primary_site"] == "pancreas"
    assert seen["reopened"]["ki67_percent"] == 12
    assert seen["title_after"].startswith("E2E-777")
    # --data-dir: the database, the log and the automatic backup are in that folder
    assert seen["db"] == (data / "gepnet.db").resolve()
    store = Store.open(data / "gepnet.db")
    try:
        assert [r.case_code for r in store.search(CaseQuery())] == ["E2E-777"]
        saved = store.get_by_code("E2E-777")
    finally:
        store.close()
    assert seen["path"] == evaluate(saved).path  # the Pathway tab shows this case's walk
    assert (data / "logs" / "gepnet.log").is_file()
    assert "E2E-777" not in (data / "logs" / "gepnet.log").read_text(encoding="utf-8")
    assert list((data / "backups").glob("*.db.gz"))


@pytest.mark.parametrize("lang, menu", [("ko", "파일(&F)")])
def test_the_window_speaks_korean_with_lang_ko(qtbot, tmp_path: Path, lang, menu):
    seen = {}

    def look() -> None:
        try:
            qtbot.waitUntil(lambda: _main_window() is not None, timeout=5000)
            window = _main_window()
            qtbot.waitUntil(window.is_ready, timeout=5000)
            seen["menu"] = window.menuBar().actions()[0].text()
            seen["tab"] = window.tabs.tabText(0)
            window.close()
        finally:
            QApplication.quit()

    QTimer.singleShot(0, look)
    offer = _AnswerBox("예시 증례", "아니요, 빈 상태로 시작")
    assert cli.main(["--data-dir", str(tmp_path / "d"), "--lang", lang]) == 0
    offer.timer.stop()
    assert seen == {"menu": menu, "tab": "증례"}
    assert "가상의 예시 증례 8개" in offer.seen
