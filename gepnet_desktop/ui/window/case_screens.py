"""The window's issue-12 screens, one part of the window: the Timeline tab (beside Case and
Pathway), the Cohort panel (View > Cohort, a dock beside the case), and the board decision
command (Case menu and the Pathway page's button).

Built by `window_parts.build_parts` with the editor, the Pathway page and the case list it
follows; the window adds the Timeline tab as its third, calls `stop()` at close and waits for
`tasks`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QTabWidget

from ...i18n import tr
from ...pathway import Pathway
from ..cohort.tab import CohortTab
from ..common.shell_phrases import problem_sentence
from ..timeline.tab import TimelineTab
from .tasks import Task

if TYPE_CHECKING:
    from ..cases.case_list_pane import CaseListPane
    from .case_editor import CaseEditor
    from .database import OpenDatabase
    from .live_pathway import LivePathway


class CaseScreens(QObject):
    """Timeline tab, Cohort dock and the board decision command of one main window."""

    message = Signal(str, int)  # a sentence for the status bar, and for how long (ms)

    def __init__(self, db: OpenDatabase, pathway: Pathway, lang: str, *, editor: CaseEditor,
                 live: LivePathway, case_list: CaseListPane, tabs: QTabWidget,
                 menus: dict[str, QMenu], window: QMainWindow) -> None:
        super().__init__(window)
        self._db, self._editor, self._live, self._list = db, editor, live, case_list
        self._tabs = tabs
        self.lang = lang
        self.tasks: list[Task] = []
        self.timeline = TimelineTab(pathway, lang, window)
        self.cohort = CohortTab(db.connect, pathway, lang, window)
        self.dock = QDockWidget(tr("cohort.dock", lang), window)
        self.dock.setObjectName("cohortDock")
        self.dock.setWidget(self.cohort)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self._stale = True
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.update_timeline)
        self._add_actions(window, menus)
        self._connect()
        self.update_timeline()

    def _add_actions(self, window: QMainWindow, menus: dict[str, QMenu]) -> None:
        lang = self.lang
        self.show_timeline = QAction(tr("timeline.menu", lang), window)
        self.show_timeline.setObjectName("action_show_timeline")
        self.show_timeline.setShortcut(QKeySequence("Alt+3"))
        self.show_timeline.triggered.connect(self.focus_timeline)
        self.show_cohort = self.dock.toggleViewAction()
        self.show_cohort.setObjectName("action_show_cohort")
        self.show_cohort.setText(tr("cohort.menu", lang))
        self.show_cohort.setShortcut(QKeySequence("Alt+4"))
        view = menus["view"]
        before = view.actions()[2]  # after Show case and Show pathway
        view.insertActions(before, [self.show_timeline, self.show_cohort])
        self.record = QAction(tr("board.record", lang), window)
        self.record.setObjectName("action_record_board_decision")
        self.record.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.record.triggered.connect(self.record_decision)
        menus["case"].addSeparator()
        menus["case"].addAction(self.record)

    def _connect(self) -> None:
        editor = self._editor
        editor.caseLoaded.connect(lambda _uuid: self.update_timeline())
        editor.caseClosed.connect(self.update_timeline)
        editor.caseSaved.connect(self._on_saved)
        editor.form.changed.connect(self._timer.start)
        self._live.page.boardDecisionRequested.connect(self.record_decision)
        self.cohort.nodeActivated.connect(self.filter_by_node)
        self.cohort.caseActivated.connect(editor.open_case)
        self.cohort.taskStarted.connect(self._track)
        self.dock.visibilityChanged.connect(self._on_dock_shown)
        self.timeline.decisions.changed.connect(self.mark_stale)

    # timeline
    def focus_timeline(self) -> None:
        if self._editor.is_open():
            self._tabs.setCurrentWidget(self.timeline)
            self.timeline.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def update_timeline(self) -> None:
        """The form's content (saved or not) on the Timeline; the stored case's decisions."""
        self._timer.stop()
        if self._stopped:
            return  # closed (its store may be closed too); nothing to follow
        editor, lang = self._editor, self.lang
        stored = editor.stored_case()
        self.record.setEnabled(stored is not None)
        self._live.page.board_button.setEnabled(stored is not None)
        if not editor.is_open():
            self.timeline.show_case(None, None)
            return
        store = self._db.store
        result = editor.form.check().walk  # the form's one check of its last change
        if not result.ok or result.case is None:
            problem = problem_sentence(result.errors[0], lang) if result.errors else ""
            self.timeline.show_case(None, store, stored=stored,
                                    note=tr("timeline.fix_errors", lang, problem=problem))
            return
        self.timeline.show_case(result.case, store, stored=stored)

    def _on_saved(self, _uuid: str) -> None:
        self.update_timeline()
        self.mark_stale()

    # board decisions
    def record_decision(self) -> None:
        """Open "Record board decision" for the open, stored case."""
        if self._editor.stored_case() is None:
            self.message.emit(tr("board.new_case", self.lang), 10000)
            return
        if self._editor.has_unsaved_changes():
            self.message.emit(tr("board.save_first", self.lang), 10000)
            return
        self.timeline.decisions.record()

    # cohort
    def filter_by_node(self, node: str) -> None:
        """Show the cases whose recommendation is `node` in the list."""
        bar = self._list.filter_bar
        bar.set_filter(bar.node, node)

    def _on_dock_shown(self, visible: bool) -> None:
        if visible and self._stale:
            self.refresh_cohort()

    def mark_stale(self) -> None:
        """The figures are out of date: recompute now if shown, else when next shown."""
        self._stale = True
        if self.dock.isVisible() and not self._stopped and self._db.available():
            self.refresh_cohort()

    def refresh_cohort(self) -> Task | None:
        self._stale = False
        return self.cohort.refresh()

    def release(self) -> None:
        """The database is about to be replaced or closed: a refresh stops after its step."""
        self.cohort.shutdown()
        self._stale = True

    def stop(self) -> None:
        """At close: stop a running refresh after its current step (the window waits for
        `tasks`) and follow the form no more."""
        self._stopped = True
        self._timer.stop()
        if self.cohort.task is not None:
            self.cohort.task.cancel()

    def _track(self, task: Task) -> None:
        self.tasks.append(task)

        def done() -> None:
            if task in self.tasks:
                self.tasks.remove(task)

        task.finished.connect(done)
