"""What the main window's parts may use of the window: its declared attributes and the methods
one part calls on another. Read by the type checker only (at run time the parts derive from
`object`); the window's composition into parts with signals (issue 10) retires it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
)

if TYPE_CHECKING:
    from ...case import Case, Problem
    from ...pathway import Evaluation, Pathway
    from ...store import DamagedDatabase, Store
    from ..cases.case_filters import CaseFilterBar
    from ..cases.case_list import CaseListModel
    from ..chart.pathway_page import PathwayPage
    from ..form.case_form import CaseForm
    from ..form.drafts import DraftAutosaver, DraftStore
    from . import dialogs
    from .error_dialog import ExceptionHandler
    from .safety_banner import SafetyBanner
    from .settings import AppSettings
    from .tasks import Task


class WindowHost(QMainWindow):
    """The main window as its parts see it (declarations only)."""

    started = Signal()
    caseLoaded = Signal(str)
    caseSaved = Signal(str)
    taskFinished = Signal(str, str)
    recommendationsRefreshed = Signal(str, int)

    store: Store | None
    db_path: Path
    open_store: Callable[[Path], Store]
    _normal_opener: Callable[[Path], Store]
    _verify_at_open: bool
    pathway: Pathway
    lang: str
    settings: AppSettings
    prompts: dialogs.Prompts
    tasks: list[Task]
    last_evaluation: Evaluation | None
    _case: Case | None
    _open: bool
    _copy_code: str | None
    _last_deleted: str | None
    _store_closed: bool
    _selecting: bool
    _pending_row: int | None
    _last_backup: dt.datetime | None
    _refresh_task: Task | None
    _seen_changes: int
    form: CaseForm | None
    page: PathwayPage | None
    drafts: DraftStore
    autosaver: DraftAutosaver
    commands: dict[str, QAction]
    filter_bar: CaseFilterBar
    list_model: CaseListModel
    list_view: QTableView
    tabs: QTabWidget
    placeholder: QLabel
    right: QStackedWidget
    undo_delete_button: QPushButton
    refresh_bar: QProgressBar
    count_label: QLabel
    dir_label: QLabel
    backup_label: QLabel
    log_label: QLabel
    banner: SafetyBanner
    damage: DamagedDatabase | None
    exception_handler: ExceptionHandler
    log_problem: str | None
    _chart_timer: QTimer
    _watch_timer: QTimer
    _undo_delete_timer: QTimer

    # Methods one part calls on another (defined by the parts and the window).
    def is_ready(self) -> bool: raise NotImplementedError
    def store_available(self) -> bool: raise NotImplementedError
    def has_unsaved_changes(self) -> bool: raise NotImplementedError
    def maybe_leave(self) -> bool: raise NotImplementedError
    def open_case(self, uuid: str) -> bool: raise NotImplementedError
    def update_pathway(self) -> None: raise NotImplementedError
    def export_chart_to(self, dest: Path) -> bool: raise NotImplementedError
    def export_report_to(self, dest: Path) -> bool: raise NotImplementedError
    def choose_restore(self) -> None: raise NotImplementedError
    def choose_export_report(self) -> None: raise NotImplementedError
    def restore_from(self, source: Path) -> Task | None: raise NotImplementedError
    def refresh_recommendations(self) -> Task: raise NotImplementedError
    def report_backup_failure(self, reason: str) -> None: raise NotImplementedError
    def _update_title(self) -> None: raise NotImplementedError
    def _update_actions(self) -> None: raise NotImplementedError
    def _update_dir_label(self) -> None: raise NotImplementedError
    def _case_name(self) -> str: raise NotImplementedError
    def _stop_refresh(self) -> None: raise NotImplementedError
    def _select_current_row(self) -> None: raise NotImplementedError
    def _close_editor(self) -> None: raise NotImplementedError
    def _clear_damage(self) -> None: raise NotImplementedError
    def _refuse(self, problems: list[Problem]) -> None: raise NotImplementedError
    def _open_checked(self, path: Path) -> Store | None: raise NotImplementedError
    def _may_write(self, dest: Path, what_key: str) -> bool: raise NotImplementedError
