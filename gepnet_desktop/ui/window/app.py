"""Starts the Qt application and the main window on the clinic's database."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from ... import APP_NAME, __version__, paths
from ...bundled import resource_path
from ...logs import setup_logging
from ..common.fonts import register_fonts

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The QApplication (created once), named for QSettings and the window manager."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("GEPNET-Pathway")
    app.setDesktopFileName("gepnet-desktop")
    icon = _icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    register_fonts()  # the chart's and the report's family (ui/common/fonts.py)
    return app


def _icon_path() -> Path | None:
    path = resource_path("icons", "gepnet-desktop.png")
    return path if path.is_file() else None


def choose_language(args: argparse.Namespace, saved: str | None) -> str:
    """--lang when given on the command line, else the language chosen in the View menu,
    else the system's; the site policy's language beats all three."""
    from ...site_policy import fixed_language

    site = fixed_language()
    if site is not None:
        return site
    if getattr(args, "lang_given", False) or saved is None:
        return args.lang if args.lang in ("en", "ko") else "en"
    return saved


class _AfterFirstPaint(QObject):
    """Calls `callback` once, just after the window's first paint (or after `fallback_ms`)."""

    def __init__(self, window: QWidget, callback: Callable[[], None],
                 fallback_ms: int = 1000) -> None:
        super().__init__(window)
        self._callback = callback
        self._done = False
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        if not self._done:
            self._done = True
            self._callback()


def build_window(args: argparse.Namespace):  # -> MainWindow
    """The main window on the data dir's database, not shown yet and not started: show it,
    then call `window.finish_start()` (run_gui does this after the first paint)."""
    from .error_dialog import ExceptionHandler
    from .main_window import MainWindow
    from .settings import AppSettings

    application()
    log_problem = setup_logging()  # a sentence when the log file cannot be written
    settings = AppSettings()
    lang = choose_language(args, settings.language)
    from . import qt_translations

    qt_translations.install(application(), lang)  # Qt's own buttons and dialogs too
    handler = ExceptionHandler(lang=lang)
    handler.install()
    window = MainWindow(db_path=paths.database_path(), lang=lang, settings=settings)
    handler.rescue = window.rescue
    handler.parent = lambda: window
    window.exception_handler = handler
    window.log_problem = log_problem
    return window


def start_session(window) -> bool:  # window: MainWindow
    """After the first paint: open the database and build the editor, then (first start on an
    empty database) offer the demonstration cases, offer drafts left by a crash and start the
    automatic backup. False when the database cannot be opened."""
    from .site_notes import attach

    attach(window)  # notices (site policy, second backup folder, upgrade) shown in the window
    from .clinician_prompt import ask_clinician

    ask_clinician(window, Path(window.db_path).parent, window.lang)  # setting ask_clinician
    if not window.finish_start():
        return False
    log.info("window ready (schema %s)", getattr(window.store, "schema_version", "?"))
    parts = window.need()
    parts.safety.report_log_problem(window.log_problem)
    parts.upkeep.offer_demo_cases()
    parts.editor.offer_drafts()
    parts.files.auto_backup()
    return True


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window and run the event loop; returns the exit code (2 when the
    database cannot be opened: the user was told why; 1 when Qt's X11 libraries are missing)."""
    from . import platform_check

    if platform_check.refuse_start(choose_language(args, None)):
        return 1
    app = application()
    window = build_window(args)
    failed: list[bool] = []

    def start() -> None:
        if not start_session(window):
            failed.append(True)
            window.close()
            app.exit(2)

    _AfterFirstPaint(window, start)
    window.show()
    code = app.exec()
    # Closing the last window and quit() each post a Quit event; drop the leftover one so that
    # a later event loop in this process (a test's) does not end at once.
    # None: posted to any receiver (Qt's documented use; the stubs want a QObject).
    QCoreApplication.removePostedEvents(None, QEvent.Type.Quit)  # type: ignore[arg-type]
    window.shutdown()
    if window.store is not None:
        window.store.close()
    window.exception_handler.uninstall()
    return 2 if failed else int(code)
