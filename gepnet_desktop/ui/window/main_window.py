"""The main window: the case list on the left, the open case (form and pathway) on the right.

It builds its parts and wires their signals; it holds no clinical rule and no SQL. The parts:

- `CaseListPane` (ui/cases): the filters and the lazy list; says `caseChosen`;
- `CaseEditor`: the form and the open case's life (save, conflicts, delete, drafts);
- `LivePathway`: the Pathway page, following the editor's one check of each edit; exports;
- `FileOperations`: the File menu and its background tasks;
- `DatabaseUpkeep`: stored recommendations kept current; the demonstration cases;
- `DatabaseSafety`: missing and damaged databases, failed backups, files an export replaces;
- `CaseScreens`: the Timeline tab, the Cohort dock, the board decision command;
- `StatusLabels`, and the commands, menus and toolbar of `window_actions`.

It starts in two steps, so that the window appears as fast as a bare one: the frame (menus,
toolbar, the list and its filters, the status bar) is built and shown first; `finish_start()`,
run right after the first paint, opens the database (loading the store and sqlite-utils) and
builds the parts that need it. Given an open store, the constructor does both.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import APP_NAME, __version__, paths
from ...i18n import tr
from ...pathway import Pathway, default_pathway, text
from ..cases.case_filters import CaseFilterBar
from ..cases.case_list import CaseListModel
from ..cases.case_list_pane import CaseListPane
from ..report.commands import add_report_actions
from . import dialogs, geometry, panes, user_guide, window_actions
from .database import OpenDatabase, StoreOpener
from .database_safety import DatabaseSafety
from .safety_banner import SafetyBanner
from .settings import AppSettings
from .stale_notice import StaleRefusal
from .status_labels import StatusLabels

if TYPE_CHECKING:  # loaded by finish_start(), after the first paint
    from ...store import DamagedDatabase, Store
    from ..chart.pathway_page import PathwayPage
    from ..form.case_form import CaseForm
    from ..form.drafts import DraftStore
    from .error_dialog import ExceptionHandler
    from .site_notes import NoticeRelay
    from .tasks import Task
    from .window_parts import WindowParts

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The application's window. Its public methods are what menus call and tests drive."""

    started = Signal()         # the database is open and the form built: ready for work
    caseLoaded = Signal(str)   # uuid of the case now in the form, "" for a new case
    caseSaved = Signal(str)    # uuid of the case just saved
    taskFinished = Signal(str, str)  # task name, outcome ("succeeded", "failed", "cancelled")
    recommendationsRefreshed = Signal(str, int)  # outcome, rows recomputed (background update)

    exception_handler: ExceptionHandler  # set by app.build_window
    log_problem: str | None = None       # why the log file cannot be written, if it cannot
    notice_relay: NoticeRelay | None = None

    def __init__(self, store: Store | None = None, *, db_path: Path | None = None,
                 open_store: StoreOpener | None = None,
                 pathway: Pathway | None = None, lang: str = "en",
                 settings: AppSettings | None = None, drafts: DraftStore | None = None,
                 prompts: dialogs.Prompts | None = None, page_size: int = 200,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if store is None and db_path is None:
            raise ValueError("MainWindow needs an open store or the path of a database")
        path = Path(store.path) if store is not None else Path(db_path or "")
        self.db = OpenDatabase(path, open_store, store)
        self.pathway = pathway or default_pathway()
        self.lang = lang
        self.settings = settings or AppSettings()
        self.prompts = prompts or dialogs.Prompts(lang)
        self._drafts = drafts
        self.parts: WindowParts | None = None  # built by finish_start()

        self.setObjectName("MainWindow")
        self.setMinimumSize(780, 480)  # fits 1920x1080 at 200% (960x540 logical)
        self.case_list = CaseListPane(self.db, self.pathway, lang, page_size=page_size,
                                      parent=self)
        self._build_layout()
        self.commands = window_actions.build_actions(self)
        self.menus = window_actions.build_menus(self, self.commands)
        self.toolbar = window_actions.build_toolbar(self, self.commands)
        add_report_actions(self)  # File > Print preview, Case > Copy summary as text
        self.panes = panes.attach(self)  # the list that gives way, the full-window chart
        user_guide.attach(self)  # Help > User guide (F1)
        self.stale_notice = StaleRefusal(self)
        # Delete deletes the case only from the list: in a text field it deletes a character.
        self.commands["delete"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.case_list.view.addAction(self.commands["delete"])
        self.status = StatusLabels(self.statusBar(), lang)
        self.status.show_database(self.db.path)
        self.status.show_last_backup(None)
        self.case_list.countChanged.connect(self.status.show_count)
        self.case_list.queryFailed.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.case_list.caseChosen.connect(self._open_chosen)
        self._restore_settings()
        self._update_title()
        self._update_actions()
        if store is not None:
            self._build_parts(self._safety())

    def _build_layout(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("caseTabs")
        self.placeholder = QLabel(tr("ui.placeholder", self.lang), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setMargin(24)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.placeholder)
        self.right.addWidget(self.tabs)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.case_list)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.case_list.setMinimumWidth(260)
        self.right.setMinimumWidth(400)
        self.splitter.setSizes([420, 860])
        central = QWidget(self)
        self._column = QVBoxLayout(central)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)
        self._column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    # -- the second step -----------------------------------------------------------------------
    def is_ready(self) -> bool:
        """True once the database is open and the form and chart are built."""
        return self.parts is not None

    def finish_start(self) -> bool:
        """Open the database and build the form and the Pathway page (the second step of the
        start). False, after telling the user why, when the database cannot be opened."""
        if self.is_ready():
            return True
        from ...store import StoreError

        safety = self._safety()
        try:
            store = safety.open_checked(self.db.path)
        except (StoreError, OSError) as exc:
            log.error("cannot open the database: %s", type(exc).__name__)
            self.status.clear_count()
            self.prompts.error(self, tr("ui.error.open_db.title", self.lang), str(exc))
            return False
        if store is None:  # the user chose to quit rather than restore or start anew
            self.status.clear_count()
            return False
        self.db.store = store
        self._build_parts(safety)
        return True

    def _safety(self) -> DatabaseSafety:
        """The part that opens the database, with its banner over the window."""
        safety = DatabaseSafety(self.db, self.prompts, self.lang, self)
        self._column.insertWidget(0, safety.banner)
        return safety

    def _build_parts(self, safety: DatabaseSafety) -> None:
        """The parts that need the open database, wired; then the list's first query."""
        from .window_parts import build_parts

        parts = self.parts = build_parts(self, safety, self._drafts)
        self.tabs.addTab(parts.editor.form, tr("ui.tab.form", self.lang))
        self.tabs.addTab(parts.pathway.page, tr("ui.tab.pathway", self.lang))
        self.tabs.addTab(parts.screens.timeline, tr("timeline.tab", self.lang))
        for widget in (parts.editor.undo_delete_button, parts.upkeep.refresh_bar):
            self.statusBar().insertPermanentWidget(0, widget)  # messages hide normal widgets
        window_actions.connect_undo_stack(self.commands, parts.editor.form.undo_stack,
                                          self.lang)
        self._wire(parts)
        self.db.path = Path(self.db.require().path)
        self._show_database()
        self._update_actions()
        parts.pathway.case_closed()
        self.case_list.start()
        parts.upkeep.refresh_recommendations()
        QWidget.setTabOrder(self.case_list.view, self.tabs)
        self.started.emit()

    def _wire(self, parts: WindowParts) -> None:
        editor, pathway, files, upkeep = parts.editor, parts.pathway, parts.files, parts.upkeep
        editor.caseChecked.connect(pathway.follow)
        editor.stateChanged.connect(self._on_editor_state)
        editor.dirtyChanged.connect(lambda dirty: self.setWindowModified(
            editor.is_open() and dirty))
        editor.caseLoaded.connect(pathway.case_opened)
        editor.caseClosed.connect(pathway.case_closed)
        editor.caseLoaded.connect(self.case_list.show_case)
        editor.caseClosed.connect(lambda: self.case_list.show_case(""))
        editor.caseSaved.connect(self.case_list.show_case)
        editor.caseLoaded.connect(self.caseLoaded)
        editor.caseSaved.connect(self.caseSaved)
        editor.formRequested.connect(lambda: self.tabs.setCurrentWidget(editor.form))
        pathway.fieldRequested.connect(editor.go_to_field)
        pathway.fieldRequested.connect(editor.form.highlight_field)
        editor.caseLoaded.connect(lambda _uuid: pathway.page.show_first_view())  # its own view
        editor.form.changed.connect(self.stale_notice.check)  # "not saved" once fixed goes
        for source in (editor, upkeep):
            source.casesChanged.connect(self.case_list.refresh)
        files.casesImported.connect(self.case_list.refresh)
        for part in (editor, pathway, files, upkeep, parts.screens):
            part.message.connect(self.statusBar().showMessage)
        files.releasing.connect(editor.close_case)
        files.releasing.connect(self.case_list.release)
        files.releasing.connect(upkeep.stop_refresh)
        files.releasing.connect(parts.screens.release)
        files.databaseOpened.connect(parts.screens.mark_stale)
        upkeep.recommendationsRefreshed.connect(lambda _o, _n: parts.screens.mark_stale())
        files.databaseOpened.connect(self.case_list.reconnect)
        files.databaseOpened.connect(self._show_database)
        files.databaseOpened.connect(upkeep.refresh_recommendations)
        files.availabilityChanged.connect(self._update_actions)
        files.databaseOpened.connect(self._update_actions)
        files.backupTaken.connect(self.status.show_last_backup)
        files.backupFailed.connect(self.status.show_backup_failure)
        files.backupFailed.connect(parts.safety.report_backup_failure)
        files.taskFinished.connect(self.taskFinished)
        upkeep.recommendationsRefreshed.connect(self.recommendationsRefreshed)
        parts.safety.restoreRequested.connect(
            lambda backup: files.choose_restore() if backup is None else
            files.restore_from(backup))

    def _open_chosen(self, uuid: str) -> None:
        """The user picked a row: open its case, or (unsaved edits kept) stay on this one."""
        if self.parts is None or not self.parts.editor.open_case(uuid):
            self.case_list.reselect_later()

    def _on_editor_state(self) -> None:
        editor = self.need().editor
        self.right.setCurrentWidget(self.tabs if editor.is_open() else self.placeholder)
        self._update_title()
        self._update_actions()

    def need(self) -> WindowParts:
        """The parts built by finish_start() (what menus reach only once it has run)."""
        if self.parts is None:
            raise RuntimeError("the window's database is not open yet")
        return self.parts

    # -- settings ------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        saved = self.settings.geometry
        if saved is None or not self.restoreGeometry(saved):
            geometry.first_size(self)
        geometry.fit_to_screen(self)  # a geometry saved on a larger screen
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)
        sizes = self.settings.splitter_sizes("main")
        self._default_split = not (sizes and len(sizes) == 2)
        if sizes and not self._default_split:
            self.splitter.setSizes(sizes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._default_split:  # first start: the list at two fifths, or collapsed
            self._default_split = False
            self.panes.first_split()

    def save_settings(self) -> None:
        """Remember geometry, toolbar state and splitter sizes (as outside the chart mode)."""
        self.panes.set_chart_mode(False)
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.set_splitter_sizes("main", self.splitter.sizes())
        self.settings.sync()

    def set_language(self, lang: str) -> None:
        """Remember the language; it applies at the next start."""
        self.settings.language = lang
        self.settings.sync()
        if lang != self.lang:
            self.statusBar().showMessage(tr("ui.status.language", lang), 10000)

    # -- title, commands, labels ---------------------------------------------------------------
    def _update_title(self) -> None:
        editor = self.parts.editor if self.parts is not None else None
        if editor is not None and editor.is_open():
            self.setWindowTitle(f"{editor.case_name()}[*] — {APP_NAME}")
        else:
            self.setWindowTitle(f"{APP_NAME}[*]")
        self.setWindowModified(self.has_unsaved_changes())

    def _update_actions(self) -> None:
        ready = self.is_ready()
        available = ready and self.db.available()
        editor = self.parts.editor if self.parts is not None else None
        window_actions.update_enabled(
            self.commands, case_open=available and editor is not None and editor.is_open(),
            ready=available)
        self.commands["open_db"].setEnabled(ready and not self.db.closed)
        self.commands["undo_delete"].setEnabled(
            available and editor is not None and editor.can_undo_delete())
        if editor is not None:
            editor.set_usable(available)
        self.case_list.set_usable(available or not ready)

    def _show_database(self) -> None:
        self.status.show_database(self.db.path)
        self.status.show_last_backup(self.need().files.last_backup())

    # -- help ----------------------------------------------------------------------------------
    def about_info(self) -> dict[str, str]:
        safety = self.parts.safety if self.parts is not None else None
        no_log = safety is not None and safety.log_label is not None
        return {
            "name": APP_NAME,
            "notice": text(self.pathway.notice, self.lang),
            "version": __version__,
            "pathway": f"{self.pathway.id} {self.pathway.version}",
            "database": str(self.db.path),
            "data_dir": str(paths.data_dir()),
            "log_file": str(paths.log_file()) + (
                " " + tr("ui.about.log_unwritable", self.lang) if no_log else ""),
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
        if self.parts is not None:
            self.parts.files.backup_at_close()
        event.accept()

    def shutdown(self) -> None:
        """Stop the worker threads (idempotent)."""
        if self.parts is not None:
            self.parts.upkeep.stop_refresh()
            self.parts.screens.stop()  # a cohort refresh stops after its current step
        self.wait_for_tasks()
        self.case_list.shutdown()

    def wait_for_tasks(self) -> None:
        """Block until every worker task has ended (at close)."""
        if self.parts is not None:
            parts = self.parts
            for task in [*parts.files.tasks, *parts.upkeep.tasks, *parts.screens.tasks]:
                task.wait()

    # -- what menus, scripts and tests reach through the window: each answered by its part -----
    @property
    def store(self) -> Store | None:
        return self.db.store

    @property
    def db_path(self) -> Path:
        return self.db.path

    @property
    def open_store(self) -> StoreOpener:
        return self.db.opener

    @open_store.setter
    def open_store(self, opener: StoreOpener) -> None:
        self.db.opener = opener

    def has_unsaved_changes(self) -> bool:
        return self.parts is not None and self.parts.editor.has_unsaved_changes()

    def maybe_leave(self) -> bool:
        return self.parts is None or self.parts.editor.maybe_leave()

    def store_available(self) -> bool:
        return self.db.available()

    @property
    def form(self) -> CaseForm | None:
        return self.parts.editor.form if self.parts is not None else None

    @property
    def page(self) -> PathwayPage | None:
        return self.parts.pathway.page if self.parts is not None else None

    @property
    def list_model(self) -> CaseListModel:
        return self.case_list.model

    @property
    def list_view(self) -> QTableView:
        return self.case_list.view

    @property
    def filter_bar(self) -> CaseFilterBar:
        return self.case_list.filter_bar

    @property
    def count_label(self) -> QLabel:
        return self.status.count_label

    @property
    def dir_label(self) -> QLabel:
        return self.status.dir_label

    @property
    def backup_label(self) -> QLabel:
        return self.status.backup_label

    @property
    def refresh_bar(self) -> QProgressBar:
        return self.need().upkeep.refresh_bar

    @property
    def undo_delete_button(self) -> QPushButton:
        return self.need().editor.undo_delete_button

    @property
    def banner(self) -> SafetyBanner:
        return self.need().safety.banner

    @property
    def damage(self) -> DamagedDatabase | None:
        return self.parts.safety.damage if self.parts is not None else None

    @property
    def log_label(self) -> QLabel | None:
        return self.parts.safety.log_label if self.parts is not None else None

    # the list
    def step_case(self, step: int) -> None: self.case_list.step(step)
    def focus_search(self) -> None: self.case_list.focus_search()
    def focus_list(self) -> None: self.case_list.focus_list()
    def check_outside_changes(self) -> bool: return self.case_list.check_outside_changes()

    def show_tab(self, index: int) -> None:
        """Show the case form (0) or the Pathway page (1) of the open case."""
        if self.parts is not None and self.parts.editor.is_open():
            self.tabs.setCurrentIndex(index)

    # the editor
    def open_case(self, uuid: str) -> bool: return self.need().editor.open_case(uuid)
    def new_case(self) -> bool: return self.need().editor.new_case()
    def save(self) -> bool: return self.need().editor.save()
    def revert_case(self) -> None: self.need().editor.revert_case()
    def delete_case(self) -> bool: return self.need().editor.delete_case()
    def undo_delete(self) -> bool: return self.need().editor.undo_delete()
    def save_draft(self) -> None: self.need().editor.save_draft()
    def offer_drafts(self) -> bool: return self.need().editor.offer_drafts()

    def rescue(self) -> None:
        """After an unexpected error: keep the case being edited as a draft."""
        if self.parts is not None:
            self.parts.editor.save_draft()

    # the Pathway page
    def update_pathway(self) -> None:
        """Walk the form's content now and show it (nothing to draw before the start ends)."""
        if self.parts is not None:
            self.parts.pathway.update_pathway()
    def export_chart_to(self, dest: Path) -> bool: return self.need().pathway.export_chart_to(dest)
    def export_report_to(self, dest: Path) -> bool:
        return self.need().pathway.export_report_to(dest)

    # files, upkeep, safety
    def open_database(self, path: Path) -> bool: return self.need().files.open_database(path)
    def import_from(self, source: Path) -> Task: return self.need().files.import_from(source)
    def export_to(self, dest: Path) -> Task | None: return self.need().files.export_to(dest)
    def backup_to(self, dest: Path) -> Task | None: return self.need().files.backup_to(dest)
    def restore_from(self, source: Path) -> Task | None:
        return self.need().files.restore_from(source)
    def auto_backup(self) -> Task: return self.need().files.auto_backup()
