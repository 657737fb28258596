"""Qt's own words (the Save/Discard/Cancel buttons, the file dialog, Close) in the window's
language: PySide6 ships Qt's translations (qtbase_<lang>.qm), loaded with a QTranslator at the
start; the default QLocale follows the language, so Qt's calendars and numbers do too."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

LOCALES = {"en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
           "ko": QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)}
_installed: QTranslator | None = None  # the translator in force


def translation_folders() -> list[Path]:
    """Where qtbase_<lang>.qm may be: Qt's translations folder, and in a PyInstaller bundle
    the copy of it the bundle carries."""
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders.append(Path(bundle) / "PySide6" / "Qt" / "translations")
    return folders


def install(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Load Qt's translation of `lang` into `app` (English needs none); the translator, or
    None when there is none to load (Qt's words then stay English)."""
    global _installed
    QLocale.setDefault(LOCALES.get(lang, LOCALES["en"]))
    if _installed is not None:  # one language at a time (a second window, a test)
        QCoreApplication.removeTranslator(_installed)
        _installed = None
    if lang == "en":
        return None
    for folder in translation_folders():
        translator = QTranslator(app)
        if translator.load(f"qtbase_{lang}", str(folder)):
            app.installTranslator(translator)
            _installed = translator
            return translator
    log.warning("Qt's %s translation not found; Qt's own buttons stay English", lang)
    return None
