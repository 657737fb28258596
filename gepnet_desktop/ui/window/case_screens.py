"""The window's issue-12 screens, wired in one place: the Timeline tab (beside Case and
Pathway), the Cohort panel (View > Cohort, a dock beside the case), and the board decision
command (Case menu and the Pathway page's button).

A part of the window by composition: it is given the window, adds its tab, dock and actions,
and talks to the window through its public attributes and signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from ...case import validate_case
from ...i18n import tr
from ..cohort.tab import CohortTab
from ..common.shell_phrases import problem_sentence
from ..timeline.tab import TimelineTab
from .tasks import Task

if TYPE_CHECKING:
    from .main_window import MainWindow


class CaseScreens(QObject):
    """Timeline tab, Cohort dock and the board decision command of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        lang = window.lang
        self.timeline = TimelineTab(window.pathway, lang, window)
        window.tabs.addTab(self.timeline, tr("timeline.tab", lang))
        self.cohort = CohortTab(lambda: window.open_store(window.db_path), window.pathway,
                                lang, window)
        self.dock = QDockWidget(tr("cohort.dock", lang), window)
        self.dock.setObjectName("cohortDock")
        self.dock.setWidget(self.cohort)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self._stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.update_timeline)
        self._add_actions()
        self._connect()
        window.installEventFilter(self)
        self.update_timeline()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """At close, stop a cohort refresh after its current step (the window waits for its
        tasks); a close the user then cancels shows the figures stopped, Refresh computes
        them again."""
        if watched is self.window and event.type() == QEvent.Type.Close and \
                self.cohort.task is not None:
            self.cohort.task.cancel()
        return False

    def _add_actions(self) -> None:
        w, lang = self.window, self.window.lang
        self.show_timeline = QAction(tr("timeline.menu", lang), w)
        self.show_timeline.setObjectName("action_show_timeline")
        self.show_timeline.setShortcut(QKeySequence("Alt+3"))
        self.show_timeline.triggered.connect(self.focus_timeline)
        self.show_cohort = self.dock.toggleViewAction()
        self.show_cohort.setObjectName("action_show_cohort")
        self.show_cohort.setText(tr("cohort.menu", lang))
        self.show_cohort.setShortcut(QKeySequence("Alt+4"))
        view = w.menus["view"]
        first = view.actions()[0] if view.actions() else None
        before = view.actions()[2] if len(view.actions()) > 2 else first
        view.insertAction(before, self.show_timeline)
        view.insertAction(before, self.show_cohort)
        self.record = QAction(tr("board.record", lang), w)
        self.record.setObjectName("action_record_board_decision")
        self.record.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.record.triggered.connect(self.record_decision)
        w.menus["case"].addSeparator()
        w.menus["case"].addAction(self.record)

    def _connect(self) -> None:
        w = self.window
        assert w.form is not None and w.page is not None
        w.caseLoaded.connect(self._on_case)
        w.caseSaved.connect(self._on_saved)
        w.form.changed.connect(self._timer.start)
        w.page.boardDecisionRequested.connect(self.record_decision)
        w.recommendationsRefreshed.connect(lambda _o, _n: self._mark_stale())
        self.cohort.nodeActivated.connect(self.filter_by_node)
        self.cohort.caseActivated.connect(w.open_case)
        self.cohort.taskStarted.connect(self._track)
        self.dock.visibilityChanged.connect(self._on_dock_shown)
        self.timeline.decisions.changed.connect(self._mark_stale)

    # timeline
    def focus_timeline(self) -> None:
        if self.window._open:
            self.window.tabs.setCurrentWidget(self.timeline)
            self.timeline.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def update_timeline(self) -> None:
        """The form's content (saved or not) on the Timeline; the stored case's decisions."""
        w = self.window
        self._timer.stop()
        if not w.isVisible() and w.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
            return  # closed (its store may be closed too); nothing to follow
        stored = w._case if w._open and w._case is not None and w._case.uuid else None
        self.record.setEnabled(stored is not None)
        if w.page is not None:
            w.page.board_button.setEnabled(stored is not None)
        if not w._open or w.form is None:
            self.timeline.show_case(None, None)
            return
        result = validate_case(w.form.data())
        if not result.ok or result.case is None:
            problem = problem_sentence(result.errors[0], w.lang) if result.errors else ""
            self.timeline.show_case(None, w.store, stored=stored,
                                    note=tr("timeline.fix_errors", w.lang, problem=problem))
            return
        self.timeline.show_case(result.case, w.store, stored=stored)

    def _on_case(self, _uuid: str) -> None:
        self.update_timeline()

    def _on_saved(self, _uuid: str) -> None:
        self.update_timeline()
        self._mark_stale()

    # board decisions
    def record_decision(self) -> None:
        """Open "Record board decision" for the open, stored case."""
        w = self.window
        if not w._open or w._case is None or not w._case.uuid:
            w.statusBar().showMessage(tr("board.new_case", w.lang), 10000)
            return
        if w.has_unsaved_changes():
            w.statusBar().showMessage(tr("board.save_first", w.lang), 10000)
            return
        self.timeline.decisions.record()

    # cohort
    def filter_by_node(self, node: str) -> None:
        """Show the cases whose recommendation is `node` in the list."""
        bar = self.window.filter_bar
        bar.set_filter(bar.node, node)

    def _on_dock_shown(self, visible: bool) -> None:
        if visible and self._stale:
            self.refresh_cohort()

    def _mark_stale(self) -> None:
        self._stale = True
        if self.dock.isVisible():
            self.refresh_cohort()

    def refresh_cohort(self) -> Task | None:
        self._stale = False
        return self.cohort.refresh()

    def _track(self, task: Task) -> None:
        tasks = self.window.tasks
        tasks.append(task)

        def done() -> None:
            if task in tasks:
                tasks.remove(task)

        task.finished.connect(done)
