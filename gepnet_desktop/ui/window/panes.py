"""The main window's panes: the case list that can be collapsed and brought back (its splitter
handle, View > Show case list, Ctrl+Shift+L) and that gives way when the window narrows, and the
chart in the whole window (View > Chart in full window, F11; Esc leaves it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QWidget

from ... import i18n

if TYPE_CHECKING:
    from .main_window import MainWindow

COMPACT_WIDTH = 1100  # a window narrower than this shows the case, not the list, at first
DEFAULT_SHARE = 0.4   # the list's share of a wide window at the first start
SHRINK_SHARE = 0.35   # a narrowing window takes the list down to this share of its width
SHORTCUTS = {"toggle_list": "Ctrl+Shift+L", "chart_mode": "F11", "leave_chart": "Esc"}


class Panes(QObject):
    """The list pane and the full-window chart of one MainWindow."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.splitter = window.splitter
        pane = self.splitter.widget(0)
        assert pane is not None  # the list, built with the window
        self.list_pane: QWidget = pane
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setCollapsible(0, True)  # the list gives way; the case never does
        self._list_width = 0     # the width the list comes back at
        self._chart_mode = False
        self._before_chart: dict[str, bool] = {}
        self.actions = self._build_actions()
        self.splitter.splitterMoved.connect(lambda _pos, _index: self._sync())
        for name in ("find", "focus_list"):  # finding a case needs the list
            window.commands[name].triggered.connect(lambda _c=False: self.bring_back_list())
        window.installEventFilter(self)

    def _build_actions(self) -> dict[str, QAction]:
        lang, window = self.window.lang, self.window
        actions = {}
        for name, slot in (("toggle_list", self.set_list_visible),
                           ("chart_mode", self.set_chart_mode),
                           ("leave_chart", lambda _c=False: self.set_chart_mode(False))):
            action = QAction(i18n.tr(f"window.act.{name}", lang), window)
            action.setObjectName(f"action_{name}")
            action.setShortcut(QKeySequence(SHORTCUTS[name]))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(name != "leave_chart")
            action.triggered.connect(slot)
            window.addAction(action)
            actions[name] = action
        actions["toggle_list"].setChecked(True)
        actions["leave_chart"].setEnabled(False)  # Esc belongs to the chart mode only
        return actions

    # the list ---------------------------------------------------------------------------------
    def list_visible(self) -> bool:
        return self.splitter.sizes()[0] > 0

    def set_list_visible(self, visible: bool) -> None:
        """Collapse the case list (the case takes its room) or bring it back."""
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if bool(visible) != self.list_visible():
            if visible:  # at its last width, at most DEFAULT_SHARE (SHRINK_SHARE if narrow)
                share = DEFAULT_SHARE if self.window.width() >= COMPACT_WIDTH else SHRINK_SHARE
                width = self._list_width or int(total * share)
                width = max(self.list_pane.minimumWidth(), min(width, int(total * share)))
                self.splitter.setSizes([width, max(0, total - width)])
            else:
                self._list_width = sizes[0]
                self.splitter.setSizes([0, total])
        self._sync()

    def bring_back_list(self) -> None:
        """Show the list (leaving the chart mode) for a command that works in it."""
        if self._chart_mode:
            self.set_chart_mode(False)
        if not self.list_visible():
            self.set_list_visible(True)

    def first_split(self) -> None:
        """The split of a first start: the list at two fifths of a wide window, collapsed in a
        narrow one (a laptop at 125% or 150%), where the chart needs the room."""
        width = sum(self.splitter.sizes()) or self.splitter.width()
        left = max(self.list_pane.minimumWidth(), int(width * DEFAULT_SHARE))
        if self.window.width() < COMPACT_WIDTH:  # it comes back at its narrowest
            self._list_width = self.list_pane.minimumWidth()
            self.splitter.setSizes([0, width])
        else:
            self.splitter.setSizes([left, max(0, width - left)])
        self._sync()

    def _give_way(self, old: int, new: int) -> None:
        """A narrowing window takes its room from the list first: down to SHRINK_SHARE, and
        collapsed when the window becomes narrower than COMPACT_WIDTH."""
        if new >= old or not self.list_visible() or self._chart_mode:
            return
        if new < COMPACT_WIDTH <= old:
            self.set_list_visible(False)
            return
        sizes = self.splitter.sizes()
        total = sum(sizes)
        cap = max(self.list_pane.minimumWidth(), int(total * SHRINK_SHARE))
        if sizes[0] > cap:
            self.splitter.setSizes([cap, total - cap])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize \
                and isinstance(event, QResizeEvent) and self.window.isVisible() \
                and event.oldSize().width() > 0:
            self._give_way(event.oldSize().width(), event.size().width())
        return False

    # the chart in the whole window ------------------------------------------------------------
    def chart_mode(self) -> bool:
        return self._chart_mode

    def set_chart_mode(self, on: bool) -> None:
        """The chart alone in the window (menus, the chart's tools and its notice stay), or
        everything back as it was."""
        on = bool(on)
        if on == self._chart_mode:
            self._sync()
            return
        window = self.window
        parts: dict[str, QWidget] = {"toolbar": window.toolbar, "status": window.statusBar(),
                                     "tabbar": window.tabs.tabBar()}
        if window.page is not None:
            parts["panel"] = window.page.panel
        if on:
            self._before_chart = {name: not w.isHidden() for name, w in parts.items()}
            self._before_chart["list"] = self.list_visible()
            self._chart_mode = True
            self.set_list_visible(False)
            for widget in parts.values():
                widget.hide()
            if window.page is not None and window.is_ready():
                window.show_tab(1)
                window.page.view.setFocus()
        else:
            self._chart_mode = False
            for name, widget in parts.items():
                widget.setVisible(self._before_chart.get(name, True))
            self.set_list_visible(self._before_chart.get("list", True))
        self._sync()

    def _sync(self) -> None:
        """The actions tell the panes' state."""
        self.actions["toggle_list"].setChecked(self.list_visible())
        self.actions["chart_mode"].setChecked(self._chart_mode)
        self.actions["leave_chart"].setEnabled(self._chart_mode)


def attach(window: MainWindow) -> Panes:
    """The panes of `window`, their commands in its View menu and in `window.commands`."""
    panes = Panes(window)
    view = window.menus["view"]
    first = view.actions()[0]  # the View menu is never empty
    view.insertAction(first, panes.actions["toggle_list"])
    view.insertAction(first, panes.actions["chart_mode"])
    view.insertSeparator(first)
    window.commands.update(panes.actions)
    return panes
