"""The start of the window (issue 11): Qt's own words in the window's language, dates in the
language's form, and a bare Linux machine told which X11 libraries to install (exit 1) instead
of Qt's abort."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from gepnet_desktop import cli
from gepnet_desktop.ui.common.dates import date_text, date_time_text
from gepnet_desktop.ui.window import platform_check, qt_translations


@pytest.fixture
def korean_qt(qapp):
    """Qt's Korean translation installed for one test, removed after it."""
    yield qt_translations.install(qapp, "ko")
    qt_translations.install(qapp, "en")  # takes the Korean one out again


def test_qt_buttons_speak_korean_when_the_window_does(korean_qt, qtbot):
    assert korean_qt is not None, "PySide6's qtbase_ko.qm was not found"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                           | QDialogButtonBox.StandardButton.Discard
                           | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts & {"Save", "Discard", "Cancel"} == set()
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in t) for t in texts), texts
    assert QLocale().language() == QLocale.Language.Korean


def test_english_needs_no_qt_translation(qapp, qtbot):
    qt_translations.install(qapp, "ko")  # a Korean window before (another test, a restart)
    assert qt_translations.install(qapp, "en") is None
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.buttons()[0].text().replace("&", "") == "Cancel"


def test_the_translation_comes_from_qts_own_folder():
    folders = qt_translations.translation_folders()
    assert any((folder / "qtbase_ko.qm").is_file() for folder in folders)


def test_dates_in_the_languages_form():
    day = dt.date(2026, 3, 2)
    assert date_text(day, "en") == "2026-03-02"
    assert date_text(day, "ko") == "2026. 3. 2."
    assert date_time_text(dt.datetime(2026, 3, 2, 14, 5), "ko") == "2026. 3. 2. 14:05"


XCB_ENV = {"DISPLAY": ":0"}


def test_the_check_runs_only_where_qt_would_use_xcb():
    assert platform_check.uses_xcb(XCB_ENV, "linux")
    assert platform_check.uses_xcb({**XCB_ENV, "QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not platform_check.uses_xcb({**XCB_ENV, "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not platform_check.uses_xcb({}, "linux")  # no display: Qt says so itself
    assert not platform_check.uses_xcb(XCB_ENV, "win32")
    assert platform_check.missing_libraries({}, "linux", load=lambda _s: False) == []


def test_a_bare_machine_is_told_every_missing_library_and_the_install_line(
        monkeypatch, capsys, qapp):
    present = {"libxcb-icccm.so.4"}
    monkeypatch.setattr(platform_check, "loads", lambda soname: soname in present)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    windows_before = len(QApplication.topLevelWidgets())
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    for package in ("libxcb-cursor0", "libxcb-keysyms1", "libxkbcommon-x11-0"):
        assert package in err.split(":", 2)[-1].split("Install")[0]
    assert "libxcb-icccm4," not in err  # present: not listed as missing
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 " \
           "libxkbcommon-x11-0" in err
    assert "Traceback" not in err
    assert len(QApplication.topLevelWidgets()) == windows_before  # no window was made


def test_the_message_is_in_korean_with_lang_ko(monkeypatch, capsys):
    monkeypatch.setattr(platform_check, "loads", lambda soname: False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    assert cli.main(["--lang", "ko"]) == 1
    err = capsys.readouterr().err
    assert "라이브러리" in err and platform_check.INSTALL_LINE in err


def test_where_the_libraries_load_nothing_is_missing(monkeypatch):
    monkeypatch.setattr(platform_check, "loads", lambda soname: True)
    assert platform_check.missing_libraries(XCB_ENV, "linux") == []


def test_a_library_is_there_when_the_loader_loads_it():
    assert platform_check.loads("libc.so.6") and not platform_check.loads("libno-such.so.9")
