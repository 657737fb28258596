"""The main window: the case list on the left, the open case (form and pathway) on the right.

It wires the pieces together and holds no clinical rule and no SQL: cases come from and go to the
store, rules from `case/` (validation) and `pathway/` (the walk), labels from their data.

It starts in two steps, so that the window appears as fast as a bare one: the frame (menus,
toolbar, the list and its filters, the status bar) is built and shown first; `finish_start()`,
run right after the first paint, opens the database (loading the store and sqlite-utils) and
builds the case form and the Pathway page. Given an open store, the constructor does both.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__, paths
from ..case import Case, Problem, validate_case
from ..pathway import Evaluation, Pathway, default_pathway, evaluate, text
from . import dialogs
from .case_list import COLUMNS, CaseFilterBar, CaseListModel
from .settings import AppSettings
from .shell_phrases import plain, problem_sentence, tr
from .tasks import Task, run_with_progress

if TYPE_CHECKING:  # loaded by finish_start(), after the first paint
    from ..store import Store, StoreError
    from .case_form import CaseForm
    from .drafts import DraftStore
    from .pathway_page import PathwayPage

log = logging.getLogger(__name__)

StoreOpener = Callable[[Path], "Store"]
DRAFT_DELAY_MS = 300
WATCH_INTERVAL_MS = 3000
COPY_SUFFIX = "-copy"


def _default_opener(path: Path) -> Store:
    """The clinic's store, without recomputing stale recommendations on the calling thread
    (the window does that on a worker: `refresh_recommendations`)."""
    from ..clinic import open_clinic

    return open_clinic(path, refresh=False)


class MainWindow(QMainWindow):
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
        self.db_path = Path(store.path if store is not None else db_path)  # type: ignore[arg-type]
        self.open_store = open_store or _default_opener
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
        self._selecting = False
        self._pending_row: int | None = None
        self._last_backup: dt.datetime | None = None
        self._refresh_task: Task | None = None
        self.form: CaseForm | None = None
        self.page: PathwayPage | None = None

        self.setObjectName("MainWindow")
        self.setMinimumSize(780, 480)  # fits 1920x1080 at 200% (960x540 logical)
        self._build_widgets(page_size)
        self._build_actions()
        self._build_menus_and_toolbar()
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
        from ..store import StoreError

        try:
            self.store = self.open_store(self.db_path)
        except (StoreError, OSError) as exc:
            log.error("cannot open the database: %s", type(exc).__name__)
            self.count_label.setText("")
            self.prompts.error(self, tr("error.open_db.title", self.lang), str(exc))
            return False
        self._build_editor()
        return True

    def _build_editor(self) -> None:
        """The second step: the case form, the Pathway page, drafts; then the list's query."""
        from .case_form import CaseForm
        from .drafts import DraftAutosaver, DraftStore, default_folder
        from .pathway_page import PathwayPage

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
        stack = self.form.undo_stack
        undo, redo = self.actions["undo"], self.actions["redo"]
        undo.triggered.connect(stack.undo)
        redo.triggered.connect(stack.redo)
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(
            lambda what: undo.setText(_with_detail(tr("act.undo", self.lang), what)))
        stack.redoTextChanged.connect(
            lambda what: redo.setText(_with_detail(tr("act.redo", self.lang), what)))
        undo.setEnabled(stack.canUndo())
        redo.setEnabled(stack.canRedo())
        self._update_dir_label()
        self._update_backup_label()
        self._update_actions()
        self.update_pathway()
        self._seen_changes = self.store.change_counter()
        self._watch_timer.start()
        self.list_model.start()
        self.refresh_recommendations()
        QWidget.setTabOrder(self.list_view, self.tabs)
        self.started.emit()

    # -- construction --------------------------------------------------------------------------
    def _build_widgets(self, page_size: int) -> None:
        self.filter_bar = CaseFilterBar(self.pathway, self.lang, parent=self)
        db_path = self.db_path
        self.list_model = CaseListModel(lambda: self.open_store(db_path), self.pathway,
                                        self.lang, page_size=page_size, active=False,
                                        parent=self)
        view = QTableView(self)
        view.setObjectName("caseList")
        view.setAccessibleName(tr("list.name", self.lang))
        view.setModel(self.list_model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.verticalHeader().hide()
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(view.fontMetrics().horizontalAdvance("MMMM"))
        header.setStretchLastSection(False)
        metrics = view.fontMetrics()
        samples = {"case_code": "MMMM-00000", "primary_site": "Jejunum / ileum",
                   "who_grade": "MiNEN", "updated_at": "2026-12-31"}
        for col, name in enumerate(COLUMNS):
            if name == "recommendation_node":
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                title = self.list_model.headerData(col, Qt.Orientation.Horizontal)
                width = max(metrics.horizontalAdvance(samples[name]),
                            metrics.horizontalAdvance(title) + 16)
                header.resizeSection(col, width + 14)
        header.setSortIndicator(COLUMNS.index("updated_at"), Qt.SortOrder.DescendingOrder)
        view.setSortingEnabled(True)
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
        self.setCentralWidget(self.splitter)

    def _action(self, name: str, slot: Callable[[], Any], shortcut: Any = None,
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(tr(f"act.{name}", self.lang), self)
        action.setObjectName(f"action_{name}")
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
            shown = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{plain(action.text())} ({shown})")
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(lambda _checked=False: slot())
        self.actions[name] = action
        return action

    def _build_actions(self) -> None:
        self.actions: dict[str, QAction] = {}
        sp = QStyle.StandardPixmap
        a = self._action
        a("open_db", self.choose_database, QKeySequence.StandardKey.Open, sp.SP_DirOpenIcon)
        a("backup", self.choose_backup, "Ctrl+B")
        a("restore", self.choose_restore)
        a("import", self.choose_import, "Ctrl+I", sp.SP_ArrowDown)
        a("export", self.choose_export, "Ctrl+E", sp.SP_ArrowUp)
        a("export_chart", self.choose_export_chart, "Ctrl+Shift+E")
        a("export_report", self.choose_export_report, "Ctrl+R", sp.SP_FileDialogDetailedView)
        a("print_report", self.print_report, QKeySequence.StandardKey.Print)
        a("quit", self.close, "Ctrl+Q")
        a("undo_delete", self.undo_delete, "Ctrl+Alt+Z")
        a("find", self.focus_search, QKeySequence.StandardKey.Find)
        a("new", self.new_case, QKeySequence.StandardKey.New, sp.SP_FileIcon)
        a("save", self.save, QKeySequence.StandardKey.Save, sp.SP_DialogSaveButton)
        a("duplicate", self.duplicate_case, "Ctrl+D", sp.SP_FileLinkIcon)
        a("delete", self.delete_case, QKeySequence.StandardKey.Delete, sp.SP_TrashIcon)
        a("revert", self.revert_case, "Ctrl+Shift+R")
        a("next", lambda: self.step_case(1), "Ctrl+PgDown")
        a("previous", lambda: self.step_case(-1), "Ctrl+PgUp")
        a("show_form", lambda: self.show_tab(0), "Alt+1")
        a("show_pathway", lambda: self.show_tab(1), "Alt+2")
        a("focus_list", self.focus_list, "Ctrl+L")
        a("about", self.show_about, QKeySequence.StandardKey.HelpContents)
        a("data_folder", self.show_data_folder)
        a("load_demo", self.load_demo_cases)
        self.actions["undo_delete"].setEnabled(False)
        # Delete deletes the case only from the list: in a text field it deletes a character.
        self.actions["delete"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.list_view.addAction(self.actions["delete"])
        # Wired to the form's undo stack once the form exists (_build_editor).
        a("undo", lambda: None, QKeySequence.StandardKey.Undo, sp.SP_ArrowBack)
        a("redo", lambda: None, QKeySequence.StandardKey.Redo, sp.SP_ArrowForward)
        self.actions["undo"].setEnabled(False)
        self.actions["redo"].setEnabled(False)
        group = QActionGroup(self)
        for code in ("en", "ko"):
            act = QAction(tr(f"lang.{code}", self.lang), self, checkable=True)
            act.setObjectName(f"action_lang_{code}")
            act.setChecked(code == self.lang)
            act.triggered.connect(lambda _c=False, c=code: self.set_language(c))
            group.addAction(act)
            self.actions[f"lang_{code}"] = act

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        ac = self.actions
        layout = {
            "file": ["open_db", None, "import", "export", None, "backup", "restore", None,
                     "export_chart", "export_report", "print_report", None, "quit"],
            "edit": ["undo", "redo", None, "undo_delete", None, "find"],
            "case": ["new", "save", "duplicate", "revert", None, "delete", None, "next",
                     "previous"],
            "view": ["show_form", "show_pathway", "focus_list", None],
            "help": ["about", "data_folder", None, "load_demo"],
        }
        self.menus = {}
        for name, items in layout.items():
            menu = bar.addMenu(tr(f"menu.{name}", self.lang))
            menu.setObjectName(f"menu_{name}")
            self.menus[name] = menu
            for item in items:
                if item is None:
                    menu.addSeparator()
                else:
                    menu.addAction(ac[item])
        lang_menu = self.menus["view"].addMenu(tr("menu.language", self.lang))
        lang_menu.addAction(ac["lang_en"])
        lang_menu.addAction(ac["lang_ko"])

        tools = QToolBar(tr("toolbar", self.lang), self)
        tools.setObjectName("mainToolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for item in ("new", "save", "duplicate", "delete", None, "undo", "redo", None,
                     "import", "export", "export_report"):
            if item is None:
                tools.addSeparator()
            else:
                tools.addAction(ac[item])
        self.addToolBar(tools)
        self.toolbar = tools
        for name in ("new", "save", "duplicate", "delete", "undo", "redo", "import", "export",
                     "export_report"):
            ac[name].setIconText(plain(ac[name].text()))

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
        for name in ("save", "duplicate", "delete", "revert", "export_chart", "export_report",
                     "print_report"):
            self.actions[name].setEnabled(self._open)
        ready = self.is_ready()
        for name in ("new", "open_db", "backup", "restore", "import", "export", "next",
                     "previous", "load_demo"):
            self.actions[name].setEnabled(ready)

    def _update_dir_label(self) -> None:
        self.dir_label.setText(tr("status.data_dir", self.lang, path=str(self.db_path.parent)))
        self.dir_label.setToolTip(str(self.db_path))

    def _update_backup_label(self) -> None:
        when = self._last_backup or (self._find_last_backup() if self.is_ready() else None)
        if when is None:
            self.backup_label.setText(tr("status.no_backup", self.lang))
        else:
            self.backup_label.setText(tr("status.last_backup", self.lang,
                                         when=when.strftime("%Y-%m-%d %H:%M")))

    def _find_last_backup(self) -> dt.datetime | None:
        """When the newest automatic backup of this database was written, if any."""
        from ..store.backup import list_auto_backups

        try:
            backups = list_auto_backups(self.db_path)
            return dt.datetime.fromtimestamp(backups[-1].stat().st_mtime) if backups else None
        except OSError:
            return None

    def _on_count(self, count: int) -> None:
        key = "status.count_one" if count == 1 else "status.count"
        self.count_label.setText(tr(key, self.lang, n=count))

    # -- the case list -------------------------------------------------------------------------
    def check_outside_changes(self) -> bool:
        """Refresh the list if the database changed since last seen; True when it had."""
        if self.store is None:
            return False
        try:
            changes = self.store.change_counter()
        except Exception as exc:  # a database being replaced (restore): try again later
            log.warning("change counter unreadable: %s", type(exc).__name__)
            return False
        if changes == self._seen_changes:
            return False
        self._seen_changes = changes
        self.list_model.refresh()
        return True

    def _on_filters(self, filters: dict[str, Any]) -> None:
        self.list_model.set_query(replace(self.list_model.query(), **filters))

    def _on_list_loaded(self) -> None:
        self._pending_row = None
        self._select_current_row()

    def _select_current_row(self) -> None:
        """Select the open case's row in the list if it is fetched, else clear the selection."""
        row = self.list_model.row_of(self._case.uuid) if self._case and self._case.uuid else None
        selection = self.list_view.selectionModel()
        self._selecting = True
        try:
            if row is None:
                selection.clear()
            else:
                index = self.list_model.index(row, 0)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
                self.list_view.scrollTo(index)
        finally:
            self._selecting = False

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        self._open_row(current.row())

    def _open_row(self, row: int) -> None:
        uuid = self.list_model.case_uuid(row)
        if uuid is None:  # the row's page is on its way: open it when it arrives
            self._pending_row = row
            return
        self._pending_row = None
        if not self.open_case(uuid):
            QTimer.singleShot(0, self._select_current_row)

    def _on_rows_arrived(self, top: QModelIndex, bottom: QModelIndex) -> None:
        row = self._pending_row
        if row is not None and top.row() <= row <= bottom.row():
            self._open_row(row)

    def step_case(self, step: int) -> None:
        """Open the next (1) or previous (-1) case of the list."""
        current = self.list_view.currentIndex()
        row = current.row() + step if current.isValid() else 0
        if 0 <= row < self.list_model.rowCount():
            self.list_view.setCurrentIndex(self.list_model.index(row, 0))

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def focus_list(self) -> None:
        self.list_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_tab(self, index: int) -> None:
        """Show the case form (0) or the Pathway page (1) of the open case."""
        if self._open:
            self.tabs.setCurrentIndex(index)

    # -- opening, leaving, saving --------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self._open and self.form is not None and self.form.is_dirty()

    def maybe_leave(self) -> bool:
        """Before the open case is replaced or the window closes: True when it is fine to go.

        With unsaved changes, asks: Save (go only if the save succeeds), Discard, or Cancel.
        """
        if not self.has_unsaved_changes():
            return True
        answer = self.prompts.unsaved(self, self._case_name())
        if answer == dialogs.SAVE:
            return self.save()
        if answer == dialogs.DISCARD:
            self._discard_edits()
            return True
        return False

    def _discard_edits(self) -> None:
        """Put the stored version (or an empty new case) back; the draft goes with the edits."""
        self.form.load(self._case)
        self._copy_code = None

    def _load(self, case: Case | None) -> None:
        """Put `case` (None: a new, empty case) in the form and show it."""
        self._case = case
        self._open = True
        self._copy_code = None
        self.form.load(case)
        self.right.setCurrentWidget(self.tabs)
        self._update_title()
        self._update_actions()
        self.update_pathway()
        self._select_current_row()
        self.caseLoaded.emit(case.uuid if case and case.uuid else "")

    def _close_editor(self) -> None:
        self._case = None
        self._open = False
        self._copy_code = None
        self.form.load(None)
        self.right.setCurrentWidget(self.placeholder)
        self._update_title()
        self._update_actions()
        self.update_pathway()
        self._select_current_row()

    def open_case(self, uuid: str) -> bool:
        """Open the stored case `uuid` (asking first about unsaved changes); True if opened."""
        if self._open and self._case is not None and self._case.uuid == uuid:
            return True
        if not self.maybe_leave():
            return False
        case = self.store.get(uuid)
        if case is None:
            self.list_model.refresh()
            return False
        self._load(case)
        log.info("opened case %s", uuid)
        return True

    def new_case(self) -> bool:
        """Start a new, empty case (asking first about unsaved changes)."""
        if not self.maybe_leave():
            return False
        self._load(None)
        self.tabs.setCurrentWidget(self.form)
        self.form.focus_field("case_code")
        return True

    def revert_case(self) -> None:
        """Throw away the edits: reload the stored case (or empty the new one)."""
        if not self._open:
            return
        stored = self.store.get(self._case.uuid) if self._case and self._case.uuid else None
        self._load(stored)

    def save(self) -> bool:
        """Save the case in the form. Refused, with a message naming the field, on any error."""
        if not self._open:
            return False
        result = self.form.validation()
        if not result.ok:
            self._refuse(result.errors)
            return False
        code = (self.form.data().get("case_code") or "").strip()
        if self._copy_code is not None and code == self._copy_code:
            self._refuse_text(tr("error.copy_code", self.lang, code=code), "case_code")
            return False
        case = result.case
        assert case is not None
        from ..store import ConflictError, StoreError, ValidationFailed

        try:
            stored = self.store.update(case) if case.uuid else self.store.create(case)
        except ConflictError:
            return self._resolve_conflict(case)
        except ValidationFailed as exc:
            self._refuse(exc.problems)
            return False
        except StoreError as exc:
            self._refuse_text(str(exc), _field_named_in(exc))
            return False
        self._after_save(stored)
        return True

    def _after_save(self, stored: Case) -> None:
        self._case = stored
        self._copy_code = None
        self.form.mark_saved(stored)  # clean again: the autosaver removes the draft
        self._update_title()
        self.statusBar().showMessage(tr("status.saved", self.lang), 5000)
        self.list_model.refresh()
        log.info("saved case %s revision %s", stored.uuid, stored.revision)
        self.caseSaved.emit(stored.uuid or "")

    def _refuse(self, problems: list[Problem]) -> None:
        first = problems[0]
        message = tr("error.save.invalid", self.lang, problem=problem_sentence(first, self.lang))
        if len(problems) > 1:
            message += tr("error.save.more", self.lang, n=len(problems) - 1)
        self._refuse_text(message, first.field)

    def _refuse_text(self, message: str, field: str | None) -> None:
        self.statusBar().showMessage(message, 15000)
        if field:
            self.go_to_field(field)
        self.prompts.error(self, tr("error.save.title", self.lang), message)

    def _resolve_conflict(self, mine: Case) -> bool:
        from ..store import StoreError

        answer = self.prompts.conflict(self, self._case_name())
        stored = self.store.get(mine.uuid) if mine.uuid else None
        if answer == dialogs.RELOAD:
            if stored is None:
                self._close_editor()
            else:
                self._load(stored)
            self.list_model.refresh()
            return False
        if answer == dialogs.OVERWRITE:
            try:
                if stored is None:
                    saved = self.store.create(replace(mine, uuid=None, revision=None))
                else:
                    saved = self.store.update(replace(mine, revision=stored.revision))
            except StoreError as exc:
                self._refuse_text(str(exc), _field_named_in(exc))
                return False
            self._after_save(saved)
            return True
        return False

    def go_to_field(self, field: str) -> None:
        """Show the form and put the cursor in `field` (a key or a line path)."""
        if not self._open:
            return
        self.tabs.setCurrentWidget(self.form)
        self.form.focus_field(field)

    # -- duplicate, delete ---------------------------------------------------------------------
    def duplicate_case(self) -> bool:
        """A copy of the open case as a new case (new uuid on save; its code must be changed)."""
        if not self._open or not self.maybe_leave():
            return False
        stored = self.store.get(self._case.uuid) if self._case and self._case.uuid else None
        data = stored.to_dict() if stored is not None else self.form.data()
        code = (data.get("case_code") or "").strip()
        copy_code = (code[: 40 - len(COPY_SUFFIX)] + COPY_SUFFIX) if code else COPY_SUFFIX[1:]
        data.update(case_code=copy_code)
        for key in ("uuid", "revision", "created_at", "updated_at"):
            data[key] = None
        self._load(None)
        self.form.set_data(data)
        self._copy_code = copy_code
        self.tabs.setCurrentWidget(self.form)
        self.form.focus_field("case_code")
        self.statusBar().showMessage(tr("status.copy_code", self.lang), 10000)
        return True

    def delete_case(self) -> bool:
        """Soft-delete the open case; Edit > Undo delete (or the status bar button) restores it."""
        if not self._open:
            return False
        if self._case is None or not self._case.uuid:
            self._close_editor()
            return True
        uuid = self._case.uuid
        from ..store import StoreError

        try:
            self.store.delete(uuid)
        except StoreError as exc:
            self.prompts.error(self, plain(tr("act.delete", self.lang)), str(exc))
            return False
        log.info("deleted case %s", uuid)
        self._last_deleted = uuid
        self._close_editor()
        self.list_model.refresh()
        self.actions["undo_delete"].setEnabled(True)
        self.undo_delete_button.show()
        self._undo_delete_timer.start()
        self.statusBar().showMessage(tr("status.deleted", self.lang), 15000)
        return True

    def undo_delete(self) -> bool:
        """Bring back the case deleted last, and open it."""
        uuid = self._last_deleted
        if uuid is None:
            return False
        from ..store import StoreError

        try:
            self.store.restore(uuid)
        except StoreError as exc:
            self.prompts.error(self, plain(tr("act.undo_delete", self.lang)), str(exc))
            return False
        log.info("restored case %s", uuid)
        self._last_deleted = None
        self.actions["undo_delete"].setEnabled(False)
        # Delete deletes the case only from the list: in a text field it deletes a character.
        self.actions["delete"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.list_view.addAction(self.actions["delete"])
        self.undo_delete_button.hide()
        self.list_model.refresh()
        self.open_case(uuid)
        self.statusBar().showMessage(tr("status.restored_case", self.lang), 5000)
        return True

    # -- the live pathway and drafts -----------------------------------------------------------
    def _on_form_changed(self) -> None:
        self._chart_timer.start()

    def _on_dirty_changed(self, dirty: bool) -> None:
        self.setWindowModified(self._open and dirty)

    def update_pathway(self) -> None:
        """Walk the form's current content (saved or not) and show it on the Pathway page."""
        self._chart_timer.stop()
        if self.page is None:
            return
        if not self._open:
            self.last_evaluation = None
            self.page.set_evaluation(None, tr("chart.no_case", self.lang))
            return
        result = validate_case(self.form.data())
        if not result.ok or result.case is None:
            self.last_evaluation = None
            problem = problem_sentence(result.errors[0], self.lang) if result.errors else ""
            self.page.set_evaluation(None, tr("chart.fix_errors", self.lang, problem=problem))
            return
        self.last_evaluation = evaluate(result.case, self.pathway, lang=self.lang)
        self.page.set_evaluation(self.last_evaluation)

    def save_draft(self) -> None:
        """Write the form's unsaved content to the drafts folder now (the autosaver also does,
        300 ms after an edit and when the user moves to another field)."""
        if self._open:
            self.autosaver.flush()

    def rescue(self) -> None:
        """After an unexpected error: keep the case being edited as a draft."""
        self.save_draft()

    def offer_drafts(self) -> bool:
        """Offer each draft left by a previous run (a crash), newest first; True when one was
        restored (the others stay for a later start)."""
        drafts = list(reversed(self.drafts.load_all()))
        for i, (key, data) in enumerate(drafts):
            name = (data.get("case_code") or "").strip() or tr("title.new", self.lang)
            if self.prompts.restore_draft(self, name, len(drafts) - i - 1):
                self.restore_draft(key, data)
                return True
            self.drafts.discard(key)
        return False

    def restore_draft(self, key: str, data: dict[str, Any]) -> None:
        """Put a draft back in the form (dirty, so the user saves or discards it)."""
        if not self.maybe_leave():
            return
        uuid = data.get("uuid")
        stored = self.store.get(uuid) if uuid else None
        if uuid and stored is None:  # deleted since: the draft becomes a new case
            data = {**data, "uuid": None, "revision": None}
        self._load(stored)
        self.form.set_data(data)
        self.save_draft()
        if key != self.form.draft_key():
            self.drafts.discard(key)
        self.tabs.setCurrentWidget(self.form)
        self.statusBar().showMessage(tr("status.draft_restored", self.lang), 10000)

    # -- file menu -----------------------------------------------------------------------------
    def _ask_path(self, title_key: str, filter_key: str, *, save: bool,
                  suggested: str = "") -> Path | None:
        folder = self.settings.last_folder or str(Path.home())
        start = str(Path(folder) / suggested) if suggested else folder
        title = plain(tr(title_key, self.lang))
        ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        name, _ = ask(self, title, start, tr(filter_key, self.lang))
        if not name:
            return None
        path = Path(name)
        self.settings.last_folder = str(path.parent)
        return path

    def choose_database(self) -> None:
        path = self._ask_path("act.open_db", "dialog.filter_db", save=False)
        if path:
            self.open_database(path)

    def choose_backup(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        path = self._ask_path("act.backup", "dialog.filter_db", save=True,
                              suggested=f"gepnet-backup-{stamp}.db")
        if path:
            self.backup_to(path)

    def choose_restore(self) -> None:
        path = self._ask_path("act.restore", "dialog.filter_db", save=False)
        if path and self.prompts.confirm(self, plain(tr("act.restore", self.lang)),
                                         tr("prompt.restore_db.text", self.lang, file=path.name)):
            self.restore_from(path)

    def choose_import(self) -> None:
        path = self._ask_path("act.import", "dialog.filter_exchange", save=False)
        if path:
            self.import_from(path)

    def choose_export(self) -> None:
        path = self._ask_path("act.export", "dialog.filter_exchange", save=True,
                              suggested="gepnet-cases.json")
        if path:
            self.export_to(path)

    def choose_export_chart(self) -> None:
        path = self._ask_path("act.export_chart", "dialog.filter_chart", save=True,
                              suggested="pathway.svg")
        if path:
            self.export_chart_to(path)

    def choose_export_report(self) -> None:
        path = self._ask_path("act.export_report", "dialog.filter_report", save=True,
                              suggested="case-report.pdf")
        if path:
            self.export_report_to(path)

    def open_database(self, path: Path) -> bool:
        """Work on another database file from now on (created if it does not exist)."""
        if not self.maybe_leave():
            return False
        from ..store import StoreError

        try:
            store = self.open_store(Path(path))
        except (StoreError, OSError) as exc:
            self.prompts.error(self, tr("error.open_db.title", self.lang), str(exc))
            return False
        self._stop_refresh()
        old, self.store = self.store, store
        self._close_editor()
        old.close()
        self._seen_changes = store.change_counter()
        db_path = self.db_path = Path(store.path)
        self.list_model.set_store_opener(lambda: self.open_store(db_path))
        self._last_backup = None
        self._update_dir_label()
        self._update_backup_label()
        self.refresh_recommendations()
        log.info("opened another database")
        return True

    def _run(self, name_key: str, job: Callable[[Any], Any],
             on_success: Callable[[Any], None] | None = None,
             on_end: Callable[[str], None] | None = None) -> Task:
        name = tr(name_key, self.lang)
        task = run_with_progress(self, name, tr("task.working", self.lang, what=name), job,
                                 cancel_text=tr("task.cancel", self.lang))
        self.tasks.append(task)

        def done(outcome: str) -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if on_end is not None:
                on_end(outcome)
            if outcome == "succeeded":
                if on_success is not None:
                    on_success(task.result)
                self.statusBar().showMessage(tr("status.done", self.lang, what=name), 10000)
            elif outcome == "cancelled":
                self.statusBar().showMessage(tr("status.cancelled", self.lang, what=name), 10000)
            else:
                self.prompts.error(self, tr("error.task.title", self.lang, what=name),
                                   _reason(task.error))
            self.taskFinished.emit(name_key, outcome)

        task.succeeded.connect(lambda _r: done("succeeded"))
        task.cancelled.connect(lambda: done("cancelled"))
        task.failed.connect(lambda _e: done("failed"))
        return task

    def _with_store(self, fn: Callable[[Store], Any]) -> Any:
        db_path = self.db_path
        store = self.open_store(db_path)
        try:
            return fn(store)
        finally:
            store.close()

    def backup_to(self, dest: Path) -> Task:
        """Copy the database to `dest` on a worker thread."""
        from ..store import backup_database

        db_path = self.db_path

        def finished(_result: Any) -> None:
            self._last_backup = dt.datetime.now()
            self._update_backup_label()

        return self._run("task.backup", lambda progress: backup_database(
            db_path, Path(dest), progress=progress), finished)

    def import_from(self, source: Path) -> Task:
        """Import cases from a JSON or CSV file on a worker thread (all or nothing)."""
        from ..store import import_cases

        def finished(report: Any) -> None:
            self.list_model.refresh()
            summary = getattr(report, "summary", None)
            if callable(summary):
                self.prompts.info(self, tr("task.import", self.lang), summary())
            elif report is not None:
                self.prompts.info(self, tr("task.import", self.lang), str(report))

        return self._run("task.import", lambda progress: self._with_store(
            lambda store: import_cases(store, Path(source), progress=progress)), finished)

    def export_to(self, dest: Path) -> Task:
        """Export every case to a JSON or CSV file (by its suffix) on a worker thread."""
        from ..store import export_cases

        fmt = "csv" if Path(dest).suffix.lower() == ".csv" else "json"
        return self._run("task.export", lambda progress: self._with_store(
            lambda store: export_cases(store, Path(dest), fmt=fmt, progress=progress)))

    def restore_from(self, source: Path) -> Task | None:
        """Replace the database with a backup (the current file is copied aside first)."""
        from ..store import restore_database

        if not self.maybe_leave():
            return None
        self._close_editor()
        db_path = self.db_path
        self._watch_timer.stop()
        self._stop_refresh()
        self.list_model.release_store()
        self.store.close()

        def reopen(_outcome: str) -> None:
            self.store = self.open_store(db_path)
            self._seen_changes = self.store.change_counter()
            self._watch_timer.start()
            self.list_model.set_store_opener(lambda: self.open_store(db_path))
            self.refresh_recommendations()

        return self._run("task.restore", lambda _progress: restore_database(
            db_path, Path(source)), on_end=reopen)

    def auto_backup(self) -> Task:
        """The rotating automatic backup in the data dir, quietly on a worker thread."""
        from ..store import auto_backup

        task = Task("auto-backup", lambda _progress: self._with_store(auto_backup), self)
        self.tasks.append(task)

        def finished() -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if task.outcome == "succeeded":
                self._last_backup = dt.datetime.now()
                self._update_backup_label()
            self.taskFinished.emit("auto-backup", task.outcome or "failed")

        task.finished.connect(finished)
        task.start()
        return task

    def refresh_recommendations(self) -> Task:
        """Recompute, on a worker thread with its own connection, the stored recommendation of
        the cases computed by another pathway version (after the pathway data changed: about
        6 s at 100,000 cases). Progress shows in the status bar; the list refreshes at the end.
        """
        self._stop_refresh()
        opener, db_path = self.open_store, self.db_path

        def job(progress: Any) -> int:
            store = opener(db_path)
            try:
                stale = store.stale_count()
                if not stale:
                    return 0
                log.info("recomputing the recommendation of %d cases", stale)
                progress(0, stale)
                return store.refresh_derived(progress)
            finally:
                store.close()

        task = Task("refresh-recommendations", job, self)
        self.tasks.append(task)
        self._refresh_task = task
        task.progressed.connect(self._show_refresh_progress)

        def finished() -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if self._refresh_task is task:
                self._refresh_task = None
                self.refresh_bar.hide()
            done = task.result if task.outcome == "succeeded" else 0
            if task.outcome == "succeeded" and done:
                self.list_model.refresh()
                self.statusBar().showMessage(tr("status.refreshed", self.lang, n=done), 10000)
            elif task.outcome == "failed":
                self.statusBar().showMessage(tr("status.refresh_failed", self.lang,
                                                reason=_reason(task.error)), 30000)
            self.recommendationsRefreshed.emit(task.outcome or "failed", done or 0)

        task.finished.connect(finished)
        task.start()
        return task

    def _show_refresh_progress(self, done: int, total: int) -> None:
        if total > 0 and done < total:
            self.refresh_bar.setValue(min(1000, done * 1000 // total))
            self.refresh_bar.show()

    def _stop_refresh(self) -> None:
        """Stop the background update after its current batch (each batch is committed; the
        rest is done at the next start)."""
        task = self._refresh_task
        if task is not None:
            task.cancel()
            task.wait()

    def wait_for_tasks(self) -> None:
        """Block until every worker task has ended (at close)."""
        for task in list(self.tasks):
            task.wait()

    # -- chart and report ----------------------------------------------------------------------
    def _current_case_and_evaluation(self) -> tuple[Case, Evaluation] | None:
        result = validate_case(self.form.data())
        if not result.ok or result.case is None:
            self._refuse(result.errors)
            return None
        return result.case, evaluate(result.case, self.pathway, lang=self.lang)

    def export_chart_to(self, dest: Path) -> bool:
        """Write the Pathway page's chart to an SVG, PNG or PDF file."""
        if not self._open:
            return False
        self.update_pathway()
        try:
            self.page.export_chart(Path(dest))
        except (OSError, ValueError) as exc:
            self.prompts.error(self, plain(tr("act.export_chart", self.lang)), str(exc))
            return False
        self.statusBar().showMessage(tr("status.done", self.lang,
                                        what=plain(tr("act.export_chart", self.lang))), 10000)
        return True

    def export_report_to(self, dest: Path) -> bool:
        """Write the tumour-board report of the open case to a PDF or HTML file."""
        from .report import write_report

        if not self._open:
            return False
        pair = self._current_case_and_evaluation()
        if pair is None:
            return False
        case, ev = pair
        try:
            write_report(case, ev, self.pathway, Path(dest), self.lang)
        except (OSError, ValueError) as exc:
            self.prompts.error(self, plain(tr("act.export_report", self.lang)), str(exc))
            return False
        self.statusBar().showMessage(tr("status.done", self.lang,
                                        what=plain(tr("act.export_report", self.lang))), 10000)
        return True

    def print_report(self) -> None:
        """Print the tumour-board report (the system's print dialog)."""
        from . import report

        if not self._open:
            return
        pair = self._current_case_and_evaluation()
        if pair is None:
            return
        printer = getattr(report, "print_report", None)
        if printer is None:
            self.choose_export_report()
            return
        printer(pair[0], pair[1], self.pathway, lang=self.lang, parent=self)

    # -- help ----------------------------------------------------------------------------------
    def about_info(self) -> dict[str, str]:
        return {
            "name": APP_NAME,
            "notice": text(self.pathway.notice, self.lang),
            "version": __version__,
            "pathway": f"{self.pathway.id} {self.pathway.version}",
            "database": str(self.db_path),
            "data_dir": str(paths.data_dir()),
            "log_file": str(paths.log_file()),
        }

    def show_about(self) -> dialogs.AboutDialog:
        dialog = dialogs.AboutDialog(self.about_info(), self.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.about_dialog = dialog
        return dialog

    def show_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir())))

    def offer_demo_cases(self) -> bool:
        """At the first start on an empty database (no case, not even a deleted one), ask once
        whether to load the fictitious demonstration cases; True when they were loaded."""
        if self.store is None or self.settings.demo_offered:
            return False
        from .. import demo
        from ..store import CaseQuery

        if self.store.count(CaseQuery(include_deleted=True)):
            return False
        self.settings.demo_offered = True  # asked once, whatever the answer
        self.settings.sync()
        try:
            n = len(demo.demo_cases())
        except demo.DemoDataError as exc:
            log.error("demonstration cases unreadable: %s", exc)
            return False
        if not self.prompts.offer_demo(self, demo.OFFER_TEXT[self.lang].format(n=n)):
            return False
        return self.load_demo_cases() > 0

    def load_demo_cases(self) -> int:
        """Help > Load demonstration cases: add those not in the database yet (one transaction)
        and refresh the list; the number added."""
        from .. import demo
        from ..store import StoreError

        if self.store is None:
            return 0
        try:
            added = demo.load_demo_cases(self.store)
        except (demo.DemoDataError, StoreError) as exc:
            self.prompts.error(self, tr("error.demo.title", self.lang), str(exc))
            return 0
        if added:
            log.info("loaded %d demonstration cases", added)
            self.list_model.refresh()
            self.statusBar().showMessage(tr("status.demo_loaded", self.lang, n=added), 10000)
        else:
            self.statusBar().showMessage(tr("status.demo_present", self.lang), 10000)
        return added

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_leave():
            event.ignore()
            return
        self.save_settings()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop the worker threads (idempotent)."""
        self._watch_timer.stop()
        if self._refresh_task is not None:
            self._refresh_task.cancel()
        self.wait_for_tasks()
        self.list_model.shutdown()


def _with_detail(action: str, what: str) -> str:
    """"&Undo" and "typing Ki-67" -> "&Undo typing Ki-67"."""
    return f"{action} {what}" if what else action


def _reason(exc: BaseException | None) -> str:
    """A store error's own sentence; for anything else its kind and where the log is."""
    from ..store import StoreError

    if isinstance(exc, StoreError | OSError):
        return str(exc)
    return f"{type(exc).__name__}; see {paths.log_file()}"


def _field_named_in(exc: StoreError) -> str | None:
    """The field a store error is about, when it says (duplicate code -> case_code)."""
    problems = getattr(exc, "problems", None)
    if problems:
        return problems[0].field
    return "case_code" if type(exc).__name__ == "DuplicateCodeError" else None
