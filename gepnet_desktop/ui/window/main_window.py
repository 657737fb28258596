"""The main window: the case list on the left, the open case (form and pathway) on the right.

It wires the pieces together and holds no clinical rule and no SQL: cases come from and go to the
store, rules from `case/` (validation) and `pathway/` (the walk), labels from their data.
MainWindow is put together from parts, each in its own module:

- `window_actions`: actions, menus, toolbar; `case_table`: the list's table view;
- `list_navigation`: following the list (filters, selection, outside writes);
- `case_editing`: open, save, conflicts, new, duplicate, delete, drafts;
- `live_pathway`: the Pathway page following the form; chart and report export, printing;
- `file_operations`: the File menu and its background tasks;
- `database_upkeep`: stored recommendations kept current; the demonstration cases.

This module builds the window and holds its start, status bar, settings, Help and closing.

It starts in two steps, so that the window appears as fast as a bare one: the frame (menus,
toolbar, the list and its filters, the status bar) is built and shown first; `finish_start()`,
run right after the first paint, opens the database (loading the store and sqlite-utils) and
builds the case form and the Pathway page. Given an open store, the constructor does both.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import APP_NAME, __version__, paths
from ...case import Case
from ...pathway import Evaluation, Pathway, default_pathway, text
from ..cases.case_filters import CaseFilterBar
from ..cases.case_list import CaseListModel
from ..cases.case_table import make_case_table
from ..cases.list_navigation import ListNavigation
from ..common.shell_phrases import tr
from . import dialogs, window_actions
from .case_editing import CaseEditing
from .database_safety import DatabaseSafety
from .database_upkeep import DatabaseUpkeep
from .file_operations import FileOperations
from .live_pathway import LivePathway
from .settings import AppSettings
from .tasks import Task

if TYPE_CHECKING:  # loaded by finish_start(), after the first paint
    from ...store import Store
    from ..chart.pathway_page import PathwayPage
    from ..form.case_form import CaseForm
    from ..form.drafts import DraftStore

log = logging.getLogger(__name__)

StoreOpener = Callable[[Path], "Store"]
DRAFT_DELAY_MS = 300
WATCH_INTERVAL_MS = 3000


def _default_opener(path: Path) -> Store:
    """The clinic's store, without recomputing stale recommendations on the calling thread
    (the window does that on a worker: `refresh_recommendations`)."""
    from ...clinic import open_clinic

    return open_clinic(path, refresh=False)


class MainWindow(CaseEditing, ListNavigation, LivePathway, FileOperations, DatabaseUpkeep,
                 DatabaseSafety, QMainWindow):
    """The application's window. Public methods are what menus call and tests drive."""

    started = Signal()         # the database is open and the form built: ready for work
    caseLoaded = Signal(str)   # uuid of the case now in the form, "" for a new case
    caseSaved = Signal(str)    # uuid of the case just saved
    taskFinished = Signal(str, str)  # task name, outcome ("succeeded", "failed", "cancelled")
    recommendationsRefreshed = Signal(str, int)  # outcome, rows recomputed (background update)

    def __init__(self, store: Store | None = None, *, db_path: Path | None = None,
                 open_store: StoreOpener | None = None,
                 pathway: Pathway | None = None, lang: str = "en",
                 settings: AppSettings | None = None, drafts: DraftStore | None = None,
                 prompts: dialogs.Prompts | None = None, page_size: int = 200,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if store is None and db_path is None:
            raise ValueError("MainWindow needs an open store or the path of a database")
        self.store: Store | None = store
        self.db_path = Path(store.path if store is not None else db_path)
        self.open_store = open_store or _default_opener
        self._normal_opener = self.open_store
        self._verify_at_open = open_store is None  # the window's own open: quick check first
        self.pathway = pathway or default_pathway()
        self.lang = lang
        self.settings = settings or AppSettings()
        self._drafts = drafts
        self.prompts = prompts or dialogs.Prompts(lang)
        self.tasks: list[Task] = []
        self.last_evaluation: Evaluation | None = None
        self._case: Case | None = None      # the stored case in the form (None: new or none)
        self._open = False                   # a case (stored or new) is in the form
        self._copy_code: str | None = None
        self._last_deleted: str | None = None
        self._store_closed = False           # a restore is replacing the database file
        self._selecting = False
        self._pending_row: int | None = None
        self._last_backup: dt.datetime | None = None
        self._refresh_task: Task | None = None
        self.form: CaseForm | None = None
        self.page: PathwayPage | None = None

        self.setObjectName("MainWindow")
        self.setMinimumSize(780, 480)  # fits 1920x1080 at 200% (960x540 logical)
        self._build_widgets(page_size)
        self.commands = window_actions.build_actions(self)
        self.menus = window_actions.build_menus(self, self.commands)
        self.toolbar = window_actions.build_toolbar(self, self.commands)
        # Delete deletes the case only from the list: in a text field it deletes a character.
        self.commands["delete"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.list_view.addAction(self.commands["delete"])
        self._build_status_bar()
        self._wire()
        self._restore_settings()
        self._update_title()
        self._update_actions()
        if store is not None:
            self._build_editor()

    def is_ready(self) -> bool:
        """True once the database is open and the form and chart are built."""
        return self.form is not None

    def finish_start(self) -> bool:
        """Open the database and build the form and the Pathway page (the second step of the
        start). False, after telling the user why, when the database cannot be opened."""
        if self.is_ready():
            return True
        from ...store import StoreError

        try:
            store = self._open_checked(self.db_path)
        except (StoreError, OSError) as exc:
            log.error("cannot open the database: %s", type(exc).__name__)
            self.count_label.setText("")
            self.prompts.error(self, tr("error.open_db.title", self.lang), str(exc))
            return False
        if store is None:  # the user chose to quit rather than restore or start anew
            self.count_label.setText("")
            return False
        self.store = store
        self._build_editor()
        return True

    def _build_editor(self) -> None:
        """The second step: the case form, the Pathway page, drafts; then the list's query."""
        from ..chart.pathway_page import PathwayPage
        from ..form.case_form import CaseForm
        from ..form.drafts import DraftAutosaver, DraftStore, default_folder

        assert self.store is not None
        self.db_path = Path(self.store.path)
        self.drafts = self._drafts or DraftStore(default_folder())
        self.form = CaseForm(self.lang, parent=self)
        self.page = PathwayPage(self.pathway, self.lang, parent=self)
        self.tabs.addTab(self.form, tr("tab.form", self.lang))
        self.tabs.addTab(self.page, tr("tab.pathway", self.lang))
        self.form.changed.connect(self._on_form_changed)
        self.form.dirtyChanged.connect(self._on_dirty_changed)
        self.page.missingFieldActivated.connect(self.go_to_field)
        self.autosaver = DraftAutosaver(self.form, self.drafts, delay_ms=DRAFT_DELAY_MS,
                                        parent=self)
        self.autosaver.failed.connect(lambda reason: self.form.set_unprotected(
            tr("form.unprotected", self.lang, reason=reason)))
        self.autosaver.protected.connect(lambda: self.form.set_unprotected(None))
        window_actions.connect_undo_stack(self.commands, self.form.undo_stack, self.lang)
        self._update_dir_label()
        self._update_backup_label()
        self._update_actions()
        self.update_pathway()
        self._seen_changes = self.store.change_counter()
        self._watch_timer.start()
        self.list_model.start()
        self.refresh_recommendations()
        QWidget.setTabOrder(self.list_view, self.tabs)
        from .case_screens import CaseScreens  # issue 12: Timeline tab, Cohort, board decision

        self.screens = CaseScreens(self)
        self.started.emit()

    # -- construction --------------------------------------------------------------------------
    def _build_widgets(self, page_size: int) -> None:
        self.filter_bar = CaseFilterBar(self.pathway, self.lang, parent=self)
        db_path = self.db_path
        self.list_model = CaseListModel(lambda: self.open_store(db_path), self.pathway,
                                        self.lang, page_size=page_size, active=False,
                                        parent=self)
        view = make_case_table(self.list_model, self.lang, self)
        self.list_view = view

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(view, 1)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("caseTabs")
        self.placeholder = QLabel(tr("placeholder", self.lang), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setMargin(24)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.placeholder)
        self.right.addWidget(self.tabs)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        left.setMinimumWidth(260)
        self.right.setMinimumWidth(400)
        self.splitter.setSizes([420, 860])
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._build_banner())
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.undo_delete_button = QPushButton(tr("status.undo_delete_button", self.lang), self)
        self.undo_delete_button.setFlat(True)
        self.undo_delete_button.setObjectName("undoDeleteButton")
        self.undo_delete_button.clicked.connect(self.undo_delete)
        self.undo_delete_button.hide()
        status.addPermanentWidget(self.undo_delete_button)  # messages hide normal widgets
        self.refresh_bar = QProgressBar(self)
        self.refresh_bar.setObjectName("refreshProgress")
        self.refresh_bar.setRange(0, 1000)
        self.refresh_bar.setFormat(tr("status.refreshing", self.lang))
        self.refresh_bar.setToolTip(tr("status.refreshing_tip", self.lang))
        self.refresh_bar.setMaximumWidth(self.fontMetrics().horizontalAdvance(
            self.refresh_bar.format()) + 60)
        self.refresh_bar.hide()
        status.addPermanentWidget(self.refresh_bar)
        self.count_label = QLabel(tr("status.opening", self.lang), self)
        self.dir_label = QLabel(self)
        self.backup_label = QLabel(self)
        for label in (self.count_label, self.dir_label, self.backup_label):
            status.addPermanentWidget(label)
        self._update_dir_label()
        self._update_backup_label()

    def _wire(self) -> None:
        self.filter_bar.queryChanged.connect(self._on_filters)
        self.list_model.queryFinished.connect(self._on_list_loaded)
        self.list_model.dataChanged.connect(self._on_rows_arrived)
        self.list_model.countChanged.connect(self._on_count)
        self.list_model.queryFailed.connect(
            lambda message: self.statusBar().showMessage(message, 10000))
        self.list_view.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.list_view.activated.connect(lambda index: self._open_row(index.row()))
        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.setInterval(0)
        self._chart_timer.timeout.connect(self.update_pathway)
        # Writes by others (another window, the command line): refresh the list when the
        # database's change counter moves (one single-row read every few seconds).
        self._seen_changes = -1
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_INTERVAL_MS)
        self._watch_timer.timeout.connect(self.check_outside_changes)
        self._undo_delete_timer = QTimer(self)
        self._undo_delete_timer.setSingleShot(True)
        self._undo_delete_timer.setInterval(15000)
        self._undo_delete_timer.timeout.connect(self.undo_delete_button.hide)

    # -- settings ------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)
        sizes = self.settings.splitter_sizes("main")
        self._default_split = not (sizes and len(sizes) == 2)
        if not self._default_split:
            self.splitter.setSizes(sizes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._default_split:  # first start: the list takes about two fifths of the width
            self._default_split = False
            width = self.splitter.width()
            left = max(self.splitter.widget(0).minimumWidth(), width * 2 // 5)
            self.splitter.setSizes([left, max(0, width - left)])

    def save_settings(self) -> None:
        """Remember geometry, toolbar state and splitter sizes."""
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.set_splitter_sizes("main", self.splitter.sizes())
        self.settings.sync()

    def set_language(self, lang: str) -> None:
        """Remember the language; it applies at the next start."""
        self.settings.language = lang
        self.settings.sync()
        if lang != self.lang:
            self.statusBar().showMessage(tr("status.language", lang), 10000)

    # -- titles and labels ---------------------------------------------------------------------
    def _case_name(self) -> str:
        if self._case is not None and self._case.case_code:
            return self._case.case_code
        return tr("title.new", self.lang)

    def _update_title(self) -> None:
        if self._open:
            self.setWindowTitle(f"{self._case_name()}[*] — {APP_NAME}")
        else:
            self.setWindowTitle(f"{APP_NAME}[*]")
        self.setWindowModified(self.has_unsaved_changes())

    def _update_actions(self) -> None:
        ready = self.is_ready()
        available = ready and self.store_available()
        window_actions.update_enabled(self.commands, case_open=self._open and available,
                                      ready=available)
        self.commands["open_db"].setEnabled(ready and not self._store_closed)
        self.commands["undo_delete"].setEnabled(available and self._last_deleted is not None)
        if ready and not available:
            self.undo_delete_button.hide()
        for widget in (self.filter_bar, self.list_view):  # opening a row reads the store
            widget.setEnabled(available or not ready)

    def _update_dir_label(self) -> None:
        self.dir_label.setText(tr("status.data_dir", self.lang, path=str(self.db_path.parent)))
        self.dir_label.setToolTip(str(self.db_path))

    def _on_count(self, count: int) -> None:
        key = "status.count_one" if count == 1 else "status.count"
        self.count_label.setText(tr(key, self.lang, n=count))

    # -- help ----------------------------------------------------------------------------------
    def about_info(self) -> dict[str, str]:
        return {
            "name": APP_NAME,
            "notice": text(self.pathway.notice, self.lang),
            "version": __version__,
            "pathway": f"{self.pathway.id} {self.pathway.version}",
            "database": str(self.db_path),
            "data_dir": str(paths.data_dir()),
            "log_file": str(paths.log_file()) + (" (cannot be written)" if
                                                  getattr(self, "log_label", None) else ""),
        }

    def show_about(self) -> dialogs.AboutDialog:
        dialog = dialogs.AboutDialog(self.about_info(), self.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.about_dialog = dialog
        return dialog

    def show_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir())))

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_leave():
            event.ignore()
            return
        self.save_settings()
        self.shutdown()
        self.backup_at_close()
        event.accept()

    def shutdown(self) -> None:
        """Stop the worker threads (idempotent)."""
        self._watch_timer.stop()
        if self._refresh_task is not None:
            self._refresh_task.cancel()
        self.wait_for_tasks()
        self.list_model.shutdown()
