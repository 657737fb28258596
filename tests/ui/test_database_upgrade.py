"""An older database is upgraded on a worker thread when the window opens it: a progress dialog
names each step, the window's event loop keeps running, errors are sentences; the file is
checked once, on the worker, after a restore or a new database at the missing-database
question too; meanwhile the window takes no input and does not close, and an application that
quits waits for the worker (pytest-qt, offscreen, real files)."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from gepnet_desktop import paths
from gepnet_desktop.store import Store, guard, migrations
from gepnet_desktop.store.db import probe
from gepnet_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION, newer_schema_message
from gepnet_desktop.store.upgrade import check_sentence, copy_sentence, step_sentence
from gepnet_desktop.ui.window import dialogs
from gepnet_desktop.ui.window.app import start_session
from gepnet_desktop.ui.window.database_safety import NEW, RESTORE
from gepnet_desktop.ui.window.database_upgrade import DatabaseUpgrade
from gepnet_desktop.ui.window.main_window import MainWindow
from tests.store.contract1 import contract1_cases, old_schema_file
from tests.store.test_safety import damaged_database
from tests.ui.test_main_window import ScriptedPrompts
from tests.ui.test_safety_window import Prompts

CASES = 25


def _shown_window(qtbot, prompts, *, close: bool):
    """A main window on the data dir's database, shown; shut down (and closed) at the end."""
    made = MainWindow(db_path=paths.database_path(), prompts=prompts)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.prompts.answers["unsaved"] = [dialogs.DISCARD]
    if close:
        made.close()
    made.shutdown()
    if made.store is not None:
        made.store.close()
    made.deleteLater()


@pytest.fixture
def window(qtbot):
    """A main window on the data dir's database, shown but not started; closed at the end."""
    yield from _shown_window(qtbot, ScriptedPrompts(), close=True)


def _hold_step(monkeypatch: pytest.MonkeyPatch, version: int, gate: threading.Event) -> None:
    """Migration `version` waits (on the worker) until the GUI thread opens `gate`."""
    def wait(_db: object) -> None:
        if not gate.wait(20):
            raise RuntimeError("the window's event loop did not run during the upgrade")

    held = tuple(dataclasses.replace(m, run=wait) if m.version == version else m
                 for m in MIGRATIONS)
    monkeypatch.setattr(migrations, "MIGRATIONS", held)


def test_an_old_database_is_upgraded_under_a_progress_dialog_naming_each_step(
        window, qtbot, monkeypatch) -> None:
    path = old_schema_file(paths.database_path(), contract1_cases(CASES), 4)
    held = MIGRATIONS[6]  # the third step from schema 4: migration 7
    count = SCHEMA_VERSION - 4
    gate = threading.Event()
    _hold_step(monkeypatch, held.version, gate)
    seen: list[str] = []
    bar: list[float] = []  # the dialog's bar, as a fraction of the whole upgrade
    third = step_sentence(held, 3, count, "en")

    def tick() -> None:  # a timer on the GUI thread: it fires only while the loop runs
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QProgressDialog) and dialog.isVisible():
                seen.append(dialog.labelText())
                if dialog.maximum() > 0:
                    bar.append(dialog.value() / dialog.maximum())
                if dialog.labelText().startswith(third):
                    gate.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    try:
        assert start_session(window)
    finally:
        timer.stop()
    assert gate.is_set()
    assert bar == sorted(bar) and bar[-1] >= 3 / (count + 1), bar  # one bar, never back
    assert any(s.startswith(third) and "cannot be stopped halfway" in s for s in seen)
    [upgrade] = window.findChildren(DatabaseUpgrade)
    steps = [step_sentence(m, n, count, "en") for n, m in enumerate(MIGRATIONS[4:], 1)]
    assert upgrade.labels[0] == check_sentence("en")  # the quick check, on the worker too
    assert copy_sentence("en", 1, 1) in upgrade.labels  # 100%
    assert [s for s in upgrade.labels if s.startswith("Upgrading")] == steps
    assert f"step 3 of {count} (observation dates, missing fields, tumour-board decisions)" \
        in third
    qtbot.waitUntil(window.list_model.is_loaded, timeout=5000)
    assert window.list_model.rowCount() == CASES
    assert window.store.schema_version == SCHEMA_VERSION
    assert probe(path).user_version == SCHEMA_VERSION
    infos = [c for c in window.prompts.calls if c[0] == "info"]
    assert len(infos) == 1 and "from schema 4" in infos[0][2]
    assert not [c for c in window.prompts.calls if c[0] == "error"]


def test_the_steps_are_named_in_korean(window, qtbot) -> None:
    old_schema_file(paths.database_path(), contract1_cases(3), 5)
    window.lang = "ko"
    window.prompts.answers["offer_demo"] = [False]
    assert window.finish_start()
    [upgrade] = window.findChildren(DatabaseUpgrade)
    assert upgrade.labels[:2] == ["데이터베이스를 열기 전에 점검하는 중",
                                  "업그레이드 전에 데이터베이스 사본을 따로 만드는 중: 100%"]
    assert f"데이터베이스 업그레이드 중: {SCHEMA_VERSION - 5}단계 중 1단계 (변조를 알아챌 수 " \
        "있는 감사 기록)" in upgrade.labels


def test_a_current_database_is_checked_on_the_worker_without_an_upgrade(window) -> None:
    path = paths.database_path()
    Store.open(path, new=True).close()
    assert start_session(window)
    [check] = window.findChildren(DatabaseUpgrade)
    assert check.labels == [check_sentence("en")]
    assert list(path.parent.glob("gepnet.before-*")) == []
    assert not [c for c in window.prompts.calls if c[0] in ("info", "error")]


def test_a_new_database_is_made_without_the_worker(window) -> None:
    assert start_session(window)
    assert window.findChildren(DatabaseUpgrade) == []
    assert window.store.schema_version == SCHEMA_VERSION


def test_a_newer_database_gives_the_sentence_and_is_left_alone(window) -> None:
    path = paths.database_path()
    Store.open(path, new=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    assert not start_session(window)
    errors = [c for c in window.prompts.calls if c[0] == "error"]
    assert [e[2] for e in errors] == [newer_schema_message(path.resolve(), SCHEMA_VERSION + 1)]
    assert window.findChildren(DatabaseUpgrade) == []
    assert path.read_bytes() == before


def test_a_step_that_fails_on_the_worker_gives_the_stores_sentence(
        window, monkeypatch) -> None:
    path = old_schema_file(paths.database_path(), contract1_cases(2), 4)

    def full(_db: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(migrations, "MIGRATIONS", tuple(
        dataclasses.replace(m, run=full) if m.version == 6 else m for m in MIGRATIONS))
    assert not start_session(window)
    [error] = [c for c in window.prompts.calls if c[0] == "error"]
    assert error[2].startswith("The disk holding the database")
    assert "Traceback" not in error[2]
    assert probe(path).user_version == 5  # step 5 was committed, step 6 undone
    assert window.store is None


def test_file_open_upgrades_another_old_database(window, qtbot, tmp_path: Path) -> None:
    assert start_session(window)
    other = old_schema_file(tmp_path / "other" / "old.db", contract1_cases(4), 5)
    assert window.open_database(other)
    [upgrade] = window.findChildren(DatabaseUpgrade)
    count = SCHEMA_VERSION - 5
    assert upgrade.labels[-1] == step_sentence(MIGRATIONS[-1], count, count, "en")
    qtbot.waitUntil(lambda: window.list_model.is_loaded() and
                    window.list_model.rowCount() == 4, timeout=5000)
    assert window.store.schema_version == SCHEMA_VERSION
    assert Path(window.db_path) == other.resolve()


class QuickChecks:
    """Every quick check of the data dir's database file, recorded: True when it ran on the
    GUI thread. With `hold` set, a check waits (on its thread) until the event opens."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.on_gui: list[bool] = []
        self.hold: threading.Event | None = None
        self.holding = threading.Event()
        self._target = paths.database_path().resolve()
        real = guard.quick_check

        def recorded(conn: sqlite3.Connection) -> list[str]:
            files = [r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"]
            if files and files[0] and Path(files[0]).resolve() == self._target:
                self.on_gui.append(threading.current_thread() is threading.main_thread())
                if self.hold is not None:
                    self.holding.set()
                    if not self.hold.wait(20):
                        raise RuntimeError("the window's event loop did not run during the check")
            return real(conn)

        monkeypatch.setattr(guard, "quick_check", recorded)


def _every_10_ms(tick) -> QTimer:
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    return timer


def test_a_damaged_database_is_checked_once_on_the_worker_and_opened_read_only(
        window, monkeypatch) -> None:
    damaged_database(paths.database_path())
    checks = QuickChecks(monkeypatch)
    assert start_session(window)
    assert checks.on_gui == [False]  # once, and not again on the GUI thread
    assert window.banner.isVisible() and window.damage is not None
    assert window.store.read_only
    [check] = window.findChildren(DatabaseUpgrade)
    assert check.labels == [check_sentence("en")]


def _old_backup(cases: int, version: int) -> Path:
    """An automatic backup of an older schema beside a missing database."""
    backup = paths.database_path().parent / "backups" / "gepnet-auto-20260101-000000.db"
    return old_schema_file(backup, contract1_cases(cases), version)


@pytest.fixture
def asking_window(qtbot):
    """A main window whose prompts answer the missing-database question too."""
    yield from _shown_window(qtbot, Prompts(), close=False)


def test_an_older_backup_restored_at_the_question_is_upgraded_on_the_worker(
        asking_window, qtbot, monkeypatch) -> None:
    window = asking_window
    backup = _old_backup(6, 5)
    checks = QuickChecks(monkeypatch)
    gate = threading.Event()
    _hold_step(monkeypatch, 7, gate)  # a step of the restore's upgrade waits for the GUI
    restoring = "Restoring the backup gepnet-auto-20260101-000000.db"

    def tick() -> None:
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QProgressDialog) and dialog.isVisible() and \
                    dialog.labelText() == restoring:
                gate.set()

    window.prompts.answers["missing_database"] = [RESTORE]
    timer = _every_10_ms(tick)
    try:
        assert start_session(window)
    finally:
        timer.stop()
    assert gate.is_set()
    assert [c[0] for c in window.prompts.calls][:1] == ["missing_database"]
    [upgrade] = window.findChildren(DatabaseUpgrade)
    assert upgrade.labels == [restoring, check_sentence("en")]
    assert checks.on_gui == [False]
    qtbot.waitUntil(lambda: window.list_model.is_loaded() and
                    window.list_model.rowCount() == 6, timeout=5000)
    assert window.store.schema_version == SCHEMA_VERSION
    assert probe(backup).user_version == 5  # the backup itself is left as it was
    assert not [c for c in window.prompts.calls if c[0] == "error"]


def test_a_new_database_at_the_question_is_checked_on_the_worker(
        asking_window, qtbot, monkeypatch) -> None:
    window = asking_window
    _old_backup(2, 5)
    checks = QuickChecks(monkeypatch)
    window.prompts.answers["missing_database"] = [NEW]
    assert start_session(window)
    [check] = window.findChildren(DatabaseUpgrade)
    assert check.labels == [check_sentence("en")]
    assert checks.on_gui == [False]
    qtbot.waitUntil(window.list_model.is_loaded, timeout=5000)
    assert window.list_model.rowCount() == 0


def test_while_the_check_runs_the_window_takes_no_input_and_does_not_close(
        window, monkeypatch) -> None:
    Store.open(paths.database_path(), new=True).close()
    checks = QuickChecks(monkeypatch)
    checks.hold = threading.Event()
    seen: dict[str, object] = {}

    def tick() -> None:  # before the dialog's 400 ms: the window must refuse all the same
        if not checks.holding.is_set() or checks.hold.is_set():
            return
        seen["enabled"] = window.isEnabled()
        seen["closed"] = window.close()
        seen["visible"] = window.isVisible()
        shown = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
        seen["dialog"] = [(d.labelText(), d.isEnabled()) for d in shown]
        checks.hold.set()

    timer = _every_10_ms(tick)
    try:
        assert start_session(window)
    finally:
        timer.stop()
    assert seen == {"enabled": False, "closed": False, "visible": True,
                    "dialog": [(check_sentence("en"), True)]}  # shown at the close, not greyed
    assert checks.on_gui == [False]
    assert window.isEnabled() and window.is_ready()
    assert window.close()  # refused only while the check ran


def test_an_application_that_quits_during_the_upgrade_waits_for_the_worker(
        window, qtbot, monkeypatch) -> None:
    path = old_schema_file(paths.database_path(), contract1_cases(5), 4)
    gate = threading.Event()
    _hold_step(monkeypatch, 5, gate)  # the first step: four more follow on the worker
    app = QApplication.instance()
    ended: list[object] = []
    quit_while_held: list[bool] = []

    def tick() -> None:
        shown = [d for d in QApplication.topLevelWidgets()
                 if isinstance(d, QProgressDialog) and d.isVisible()]
        if shown and not gate.is_set():
            quit_while_held.append(True)
            app.quit()  # every event loop ends, the open's own too
            gate.set()

    def start() -> None:
        try:
            ended.append(start_session(window))
        except Exception as exc:  # recorded: the test says which
            ended.append(exc)
        app.quit()

    timer = _every_10_ms(tick)
    QTimer.singleShot(0, start)
    try:
        app.exec()
    finally:
        timer.stop()
        QCoreApplication.removePostedEvents(None, QEvent.Type.Quit)
    assert quit_while_held == [True]
    assert ended == [True]
    assert probe(path).user_version == SCHEMA_VERSION
    assert window.store.schema_version == SCHEMA_VERSION
    assert not [c for c in window.prompts.calls if c[0] == "error"]
    qtbot.waitUntil(lambda: window.list_model.is_loaded() and
                    window.list_model.rowCount() == 5, timeout=5000)
