"""The status bar's "The case was not saved. <problem>" goes away once that problem is fixed
in the form (it would otherwise stay for its full time, saying something no longer true)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ...case import validate_case
from ...i18n import tr
from ..common.shell_phrases import problem_sentence

if TYPE_CHECKING:
    from .main_window import MainWindow


class StaleRefusal(QObject):
    """Watches the status bar for a refused save and clears it when its problem is gone."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._problem: str | None = None  # the sentence of the refusal on show
        window.statusBar().messageChanged.connect(self._on_message)

    def _on_message(self, message: str) -> None:
        head = tr("ui.error.save.invalid", self.window.lang, problem="")
        self._problem = message[len(head):] if head and message.startswith(head) else None

    def check(self) -> None:
        """After an edit: clear the refusal when the form no longer has its problem."""
        form = self.window.form
        if self._problem is None or form is None:
            return
        lang = self.window.lang
        errors = validate_case(form.data(), require_code=True).errors
        if not any(self._problem.startswith(problem_sentence(p, lang)) for p in errors):
            self.window.statusBar().clearMessage()
