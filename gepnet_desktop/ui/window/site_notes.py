"""The window's side of notices and of the site policy: a note (a site-policy problem, a second
backup folder not there) in the status bar, an upgrade of the database as an information
message once, and the View > Language choices disabled when the site fixes the language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel

from ... import notices, site_policy
from ...i18n import tr

if TYPE_CHECKING:
    from .main_window import MainWindow

NOTE_MS = 60000


class NoticeRelay(QObject):
    """Carries a notice from any thread to the GUI thread (a queued signal)."""

    arrived = Signal(str, str)  # kind, sentence

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.notes: list[str] = []
        self.label = QLabel("", window)
        self.label.setObjectName("noticeLabel")
        self.label.setVisible(False)
        window.statusBar().addPermanentWidget(self.label)
        self.arrived.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._stop = notices.listen(self.arrived.emit, replay=True)
        window.destroyed.connect(self.stop)

    def stop(self, *_args: object) -> None:
        """Listen no more (the window is going)."""
        self._stop()

    def _show(self, kind: str, message: str) -> None:
        window = self.window
        if kind == notices.UPGRADE:
            window.prompts.info(window, tr("ui.upgrade.title", window.lang), message)
            return
        self.notes.append(message)
        window.statusBar().showMessage(message, NOTE_MS)
        short = message if len(message) <= 60 else message[:57] + "…"
        self.label.setText(f"⚠ {short}")
        self.label.setToolTip("\n\n".join(self.notes))
        self.label.setVisible(True)


def attach(window: MainWindow) -> NoticeRelay:
    """Show the notices in `window` from now on (and those said before); once per window."""
    relay = window.notice_relay
    if relay is None:
        relay = NoticeRelay(window)
        window.notice_relay = relay
        policy = site_policy.current()
        if policy.language is not None:
            tip = tr("ui.site_policy.fixed", window.lang, path=policy.path)
            for code in ("en", "ko"):
                action = window.commands.get(f"lang_{code}")
                if action is not None:
                    action.setEnabled(False)
                    action.setToolTip(tip)
    return relay
