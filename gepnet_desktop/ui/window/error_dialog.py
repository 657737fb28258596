"""Uncaught exceptions: log them, save the work in progress, show a dialog, keep running.

The log gets the exception's type and stack (file, line, function) but not its message, which
may quote a value the user typed (a case code, a note). The dialog shows the full details, with
a button that copies them and the log file's path, on the user's own screen.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import APP_NAME, __version__, paths
from ...i18n import tr
from ...logs import log_exception

log = logging.getLogger(__name__)
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def details_text(exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> str:
    """The text the dialog shows and copies: version, log file, full traceback."""
    lines = traceback.format_exception(exc_type, exc, tb)
    head = f"{APP_NAME} {__version__}, Python {sys.version.split()[0]}\n"
    return head + "".join(lines)


class ErrorDialog(QDialog):
    """Tells the user something went wrong; shows the details with a copy button."""

    def __init__(self, details: str, log_path: str, lang: str = "en",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("ui.crash.title", lang))
        self.setMinimumWidth(560)
        self.lang = lang
        intro = QLabel(tr("ui.crash.text", lang), self)
        intro.setWordWrap(True)
        self.log_label = QLabel(log_path, self)
        self.log_label.setTextInteractionFlags(self.log_label.textInteractionFlags()
                                               | self.log_label.textInteractionFlags().
                                               TextSelectableByMouse)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlainText(details)
        self.details.setMinimumHeight(180)
        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton(tr("ui.crash.copy", lang), self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(tr("ui.crash.close", lang))
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.log_label)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def add_details(self, details: str) -> None:
        """Another error while the dialog is open: append its details."""
        self.details.appendPlainText("\n" + details)

    def copy_details(self) -> None:
        """Copy the details and the log file path to the clipboard."""
        text = f"{self.details.toPlainText()}\nLog file: {self.log_label.text()}\n"
        QApplication.clipboard().setText(text)
        self.copy_button.setText(tr("ui.crash.copied", self.lang))


class ExceptionHandler:
    """`sys.excepthook` for the GUI: log, rescue the work in progress, show one dialog."""

    def __init__(self, *, rescue: Callable[[], None] | None = None,
                 parent: Callable[[], QWidget | None] | None = None, lang: str = "en") -> None:
        self.rescue = rescue
        self.parent = parent
        self.lang = lang
        self.dialog: ErrorDialog | None = None
        self._previous = sys.excepthook
        self._busy = False

    def install(self) -> None:
        """Become `sys.excepthook` (the previous hook is kept for `uninstall`)."""
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(self, exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt) or self._busy:
            self._previous(exc_type, exc, tb)
            return
        self._busy = True
        try:
            exc.__traceback__ = tb
            log_exception(log, "uncaught exception", exc)
            if self.rescue is not None:
                try:
                    self.rescue()
                except Exception as inner:
                    log_exception(log, "saving the draft after an error failed", inner)
            self.show(details_text(exc_type, exc, tb))
        except Exception:
            self._previous(exc_type, exc, tb)
        finally:
            self._busy = False

    def show(self, details: str) -> ErrorDialog:
        """Show (or add to) the error dialog without blocking the event loop."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_details(details)
            return self.dialog
        parent = self.parent() if self.parent else None
        self.dialog = ErrorDialog(details, str(paths.log_file()), self.lang, parent)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
