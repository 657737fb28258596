"""The window's remembered preferences (QSettings in `window.ini` in the data dir).

Kept in the data dir, beside the database, so `--data-dir` (and each test's fresh data dir) gets
its own window geometry, splitter sizes and language. No patient identifier is ever stored here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from ... import paths

LANGUAGES = ("en", "ko")


class AppSettings:
    """Typed access to the few values the window remembers."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / "window.ini"
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def geometry(self) -> QByteArray | None:
        """The main window's saved geometry (QWidget.saveGeometry), if any."""
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        """Toolbar and dock state (QMainWindow.saveState), if any."""
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)

    def splitter_sizes(self, name: str) -> list[int] | None:
        """Saved sizes of the splitter `name`, or None."""
        raw = self._qs.value(f"splitters/{name}")
        if not raw:
            return None
        items = raw if isinstance(raw, list) else str(raw).split(",")
        try:
            sizes = [int(x) for x in items]
        except (TypeError, ValueError):
            return None
        return sizes if sizes and all(s >= 0 for s in sizes) else None

    def set_splitter_sizes(self, name: str, sizes: list[int]) -> None:
        self._qs.setValue(f"splitters/{name}", ",".join(str(int(s)) for s in sizes))

    @property
    def language(self) -> str | None:
        """The language chosen in the View menu ("en" or "ko"), or None when never chosen."""
        value = self._qs.value("ui/language")
        return value if value in LANGUAGES else None

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"language {value!r}; allowed: {', '.join(LANGUAGES)}")
        self._qs.setValue("ui/language", value)

    @property
    def last_folder(self) -> str:
        """The folder last used in a file dialog (import, export, backup)."""
        return str(self._qs.value("ui/last_folder") or "")

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._qs.setValue("ui/last_folder", value)

    @property
    def demo_offered(self) -> bool:
        """Whether the first start already offered the demonstration cases (asked once)."""
        return str(self._qs.value("ui/demo_offered") or "").lower() == "true"

    @demo_offered.setter
    def demo_offered(self, value: bool) -> None:
        self._qs.setValue("ui/demo_offered", "true" if value else "false")

    def sync(self) -> None:
        """Write pending values to disk."""
        self._qs.sync()
