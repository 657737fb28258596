"""At start, when the workstation's setting `ask_clinician` is on: ask for the clinician's name,
recorded in the audit trail with every change beside the operating-system account."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from ...i18n import tr
from ...store import audit
from ...store.settings import CLINICIAN, asks_clinician, clinician_setting, save_setting

Ask = Callable[[QWidget | None, str, str, str], "str | None"]


def _dialog(parent: QWidget | None, title: str, label: str, default: str) -> str | None:
    name, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
    return name if ok else None


def ask_clinician(parent: QWidget | None, data_dir: Path, lang: str = "en",
                  ask: Ask | None = None) -> str | None:
    """Ask for the name when the setting is on (prefilled with the last one) and use it for
    this session; returns the name recorded from now on (None: none). A cancelled prompt
    keeps the workstation's `clinician` setting, if any."""
    folder = Path(data_dir)
    last = clinician_setting(folder)
    name = last
    if asks_clinician(folder):
        typed = (ask or _dialog)(parent, tr("ui.clinician.title", lang),
                                 tr("ui.clinician.label", lang, account=audit.os_user()),
                                 last or "")
        if typed is not None:
            printable = "".join(c for c in typed if c.isprintable())  # no controls, surrogates
            name = audit.clean_clinician(printable[:audit.MAX_CLINICIAN])
            if name and name != last:
                with contextlib.suppress(Exception):  # the name still counts for this session
                    save_setting(folder, CLINICIAN, name)  # the next start offers it
    try:
        audit.set_clinician(name)
    except ValueError:
        audit.set_clinician(None)
        return None
    return audit.session_clinician()
