"""Starts the Qt application and the main window on the clinic's database."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import APP_NAME, __version__, paths
from ..bundled import resource_path
from ..logs import setup_logging

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
    return app


def _icon_path() -> Path | None:
    path = resource_path("icons", "gepnet-desktop.png")
    return path if path.is_file() else None


def choose_language(args: argparse.Namespace, saved: str | None) -> str:
    """--lang when given on the command line, else the language chosen in the View menu,
    else the system's."""
    if getattr(args, "lang_given", False) or saved is None:
        return args.lang if args.lang in ("en", "ko") else "en"
    return saved


def build_window(args: argparse.Namespace):  # -> MainWindow | None
    """Open the database in the data dir and make the main window (not shown yet).

    Returns None, after telling the user why in a message box, when the database cannot be
    opened (a newer schema, not a database, a folder that cannot be written).
    """
    from ..clinic import open_clinic
    from ..store import StoreError
    from .error_dialog import ExceptionHandler
    from .main_window import MainWindow
    from .settings import AppSettings

    application()
    setup_logging()
    settings = AppSettings()
    lang = choose_language(args, settings.language)
    handler = ExceptionHandler(lang=lang)
    handler.install()
    try:
        store = open_clinic(paths.database_path())
    except (StoreError, OSError) as exc:
        log.error("cannot open the database: %s", type(exc).__name__)
        QMessageBox.critical(None, APP_NAME, str(exc))
        handler.uninstall()
        return None
    window = MainWindow(store, lang=lang, settings=settings)
    handler.rescue = window.rescue
    handler.parent = lambda: window
    window.exception_handler = handler
    log.info("window ready (schema %s)", getattr(store, "schema_version", "?"))
    return window


def start_session(window) -> None:  # window: MainWindow
    """After the window is shown: offer drafts left by a crash, then the automatic backup."""
    window.offer_drafts()
    window.auto_backup()


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window and run the event loop; returns the exit code."""
    app = application()
    window = build_window(args)
    if window is None:
        return 2
    window.show()
    QTimer.singleShot(0, lambda: start_session(window))
    code = app.exec()
    window.shutdown()
    window.store.close()
    window.exception_handler.uninstall()
    return int(code)
