"""The main window on the screen at hand: the first size and any restored geometry kept inside
the screen's available area (QScreen.availableGeometry), so that a small laptop or a large
display scaling never opens a window larger than the screen."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FIRST_SIZE = QSize(1280, 820)
# Room left for the window manager's frame and title bar when the frame is not known yet.
FRAME_ALLOWANCE = QSize(8, 32)


def available_area(window: QWidget) -> QRect:
    """The available geometry (without task bars) of the screen the window is on."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def _frame(window: QWidget) -> QSize:
    """How much larger the window's frame is than its contents (an allowance before it shows)."""
    outer, inner = window.frameGeometry(), window.geometry()
    if window.isVisible() and outer.size() != inner.size():
        return outer.size() - inner.size()
    return FRAME_ALLOWANCE


def fit_to_screen(window: QWidget) -> None:
    """Shrink and move `window` (its frame included) inside the screen's available area; the
    minimum size gives way on a screen smaller than it."""
    area, frame = available_area(window), _frame(window)
    room = QSize(max(1, area.width() - frame.width()), max(1, area.height() - frame.height()))
    window.setMinimumSize(window.minimumSize().boundedTo(room))
    size = window.size().boundedTo(room)
    if size != window.size():
        window.resize(size)
    pos = window.pos()
    x = min(max(pos.x(), area.left()), area.right() + 1 - size.width() - frame.width())
    y = min(max(pos.y(), area.top()), area.bottom() + 1 - size.height() - frame.height())
    if (x, y) != (pos.x(), pos.y()):
        window.move(x, y)


def first_size(window: QWidget) -> None:
    """The size of a first start (nothing remembered): FIRST_SIZE, within the screen."""
    window.resize(FIRST_SIZE)
    fit_to_screen(window)
