"""The Cohort view: every figure of store/cohort.py over the whole database, computed on a
worker thread (ui/window/tasks.py) with its own connection; the GUI thread only lays out the
result. A click on a recommendation's bar emits `nodeActivated(node)` (the window filters the
case list by it); a double-click on a case due for review emits `caseActivated(uuid)`. Every
figure exports as CSV, PNG or SVG."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import tr
from ...pathway import Pathway
from ...safe_files import WriteRefused
from ..window.tasks import Task, failure_sentence
from .charts import CURVE_STYLES, BarChart, KmPlot
from .due_model import UUID_ROLE, DueModel
from .export import IMAGE_SUFFIXES, write_csv, write_image
from .figures import BarFigure, bar_figures, due_header, due_words, pfs_steps, pfs_summary

if TYPE_CHECKING:
    from ...store import Store
    from ...store.cohort import Cohort, DueCase, PfsGroup

log = logging.getLogger(__name__)
BAR_FIGURES = ("by_recommendation", "needs_data", "by_quarter", "reasons")
FIGURES = (*BAR_FIGURES, "due", "pfs_table", "pfs")
SHOWN_CURVES = 3
SIZING_ROWS = 50


def compute(store: Store, today: dt.date | None, progress: Any
            ) -> tuple[Cohort, Sequence[DueCase]]:
    """The cohort and the cases due for review (run on the worker)."""
    from ...store.cohort import compute_cohort

    cohort = compute_cohort(store, today=today, progress=progress)
    return cohort, cohort.due


class CohortTab(QWidget):
    """The clinic's figures; `refresh()` recomputes them in the background."""

    nodeActivated = Signal(str)
    caseActivated = Signal(str)
    taskStarted = Signal(object)   # the Task (the window waits for it at close)
    refreshed = Signal(str)        # outcome: "succeeded", "failed", "cancelled"

    def __init__(self, open_store: Callable[[], Store], pathway: Pathway, lang: str = "en",
                 parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.open_store = open_store
        self.pathway = pathway
        self.lang = lang
        self.today = today
        self.task: Task | None = None
        self._again = False
        self._cohort: Cohort | None = None
        self._due: Sequence[DueCase] = ()
        self._figures: dict[str, BarFigure] = {}
        self.setObjectName("cohortTab")
        self._build()

    # building
    def _build(self) -> None:
        lang = self.lang
        self.refresh_button = QPushButton(tr("cohort.refresh", lang), self)
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel(tr("cohort.not_yet", lang), self)
        self.status.setObjectName("cohortStatus")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.refresh_button)
        top.addWidget(self.status, 1)
        body = QWidget(self)
        column = QVBoxLayout(body)
        self.charts: dict[str, BarChart] = {}
        self.boxes: dict[str, QGroupBox] = {}
        for name in BAR_FIGURES:
            chart = BarChart(lang, body, clickable=name == "by_recommendation")
            chart.setObjectName(f"cohort_{name}")
            self.charts[name] = chart
            extra = QLabel(tr("cohort.click_hint", lang), body) \
                if name == "by_recommendation" else None
            column.addWidget(self._section(name, body, chart, extra))
        self.charts["by_recommendation"].barActivated.connect(self.nodeActivated)
        self.due_model = DueModel(lang, self)
        self.due_view = QTableView(body)
        self.due_view.setObjectName("cohort_due")
        self.due_view.setModel(self.due_model)
        self.due_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.due_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.due_view.verticalHeader().hide()
        self.due_view.horizontalHeader().setStretchLastSection(True)
        # column widths from the first rows only: the list may hold tens of thousands
        self.due_view.horizontalHeader().setResizeContentsPrecision(SIZING_ROWS)
        self.due_view.verticalHeader().setSectionResizeMode(
            self.due_view.verticalHeader().ResizeMode.Fixed)
        self.due_view.setMinimumHeight(180)
        self.due_view.activated.connect(self._open_due)  # a double-click, or Enter
        column.addWidget(self._section("due", body, self.due_view,
                                       QLabel(tr("cohort.due_hint", lang), body)))
        self.pfs_table = QTableWidget(0, 7, body)
        self.pfs_table.setObjectName("cohort_pfs_table")
        self.pfs_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pfs_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pfs_table.verticalHeader().hide()
        self.pfs_table.horizontalHeader().setResizeContentsPrecision(SIZING_ROWS)
        self.pfs_table.setMinimumHeight(160)
        self.pfs_table.itemSelectionChanged.connect(self._plot_selected)
        column.addWidget(self._section("pfs_table", body, self.pfs_table,
                                       QLabel(tr("cohort.pfs_hint", lang, n=len(CURVE_STYLES)),
                                              body)))
        self.km = KmPlot(lang, body)
        self.km.setObjectName("cohort_pfs")
        column.addWidget(self._section("pfs", body, self.km,
                                       QLabel(tr("cohort.pfs_method", lang), body)))
        column.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)

    def _section(self, name: str, parent: QWidget, widget: QWidget,
                 extra: QLabel | None = None) -> QGroupBox:
        box = QGroupBox(tr(f"cohort.title.{name}", self.lang), parent)
        box.setObjectName(f"section_{name}")
        inner = QVBoxLayout(box)
        if extra is not None:
            extra.setWordWrap(True)
            extra.setStyleSheet("QLabel { color: #5f6b7a; }")
            inner.addWidget(extra)
        inner.addWidget(widget)
        export = QPushButton(tr("cohort.export", self.lang), box)
        export.setObjectName(f"export_{name}")
        export.clicked.connect(lambda: self.choose_export(name))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(export)
        inner.addLayout(row)
        self.boxes[name] = box
        return box

    # computing
    def cohort(self) -> Cohort | None:
        return self._cohort

    def due_cases(self) -> list[DueCase]:
        return list(self._due)

    def is_busy(self) -> bool:
        return self.task is not None

    def refresh(self) -> Task | None:
        """Recompute on a worker (once more at the end if asked again meanwhile)."""
        if self.task is not None:
            self._again = True
            return None
        opener, today = self.open_store, self.today

        def job(progress: Any) -> tuple[Cohort, Sequence[DueCase]]:
            store = opener()
            try:
                return compute(store, today, progress)
            finally:
                store.close()

        task = Task("cohort", job, self)
        self.task = task
        self.status.setText(tr("cohort.computing", self.lang))
        self.refresh_button.setEnabled(False)
        task.finished.connect(lambda: self._finished(task))
        self.taskStarted.emit(task)
        task.start()
        return task

    def shutdown(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait()

    def _finished(self, task: Task) -> None:
        self.task = None
        self.refresh_button.setEnabled(True)
        if task.outcome == "succeeded":
            cohort, due = task.result
            self.show_cohort(cohort, due)
        elif task.outcome == "failed":
            self.status.setText(tr("cohort.failed", self.lang,
                                   reason=failure_sentence(task.error, self.lang)))
        else:
            self.status.setText(tr("cohort.cancelled", self.lang))
        self.refreshed.emit(task.outcome or "failed")
        if self._again:
            self._again = False
            self.refresh()

    # showing
    def show_cohort(self, cohort: Cohort, due: Sequence[DueCase]) -> None:
        """Lay out computed figures (the only work on the GUI thread)."""
        self._cohort, self._due = cohort, due
        lang = self.lang
        for figure in bar_figures(cohort, self.pathway, lang):
            self._figures[figure.name] = figure
            self.charts[figure.name].set_figure(figure)
        self.due_model.set_cases(due)
        self.due_view.resizeColumnsToContents()
        self.boxes["due"].setTitle(tr("cohort.title.due_n", lang, n=f"{len(due):,}"))
        header, rows = pfs_summary(cohort.pfs, lang)
        self.pfs_table.blockSignals(True)
        self.pfs_table.clearContents()
        self.pfs_table.setHorizontalHeaderLabels(header)
        self.pfs_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.pfs_table.setItem(r, c, item)
        self.pfs_table.resizeColumnsToContents()
        self.pfs_table.blockSignals(False)
        self.pfs_table.clearSelection()
        biggest = sorted(range(len(cohort.pfs)), key=lambda i: -cohort.pfs[i].curve.n)
        self.pfs_table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for i in biggest[:SHOWN_CURVES]:
            self.pfs_table.selectRow(i)
        self.pfs_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._plot_selected()
        self.status.setText(tr("cohort.computed", lang, n=f"{cohort.cases:,}",
                               time=dt.datetime.now().strftime("%H:%M")))

    def selected_groups(self) -> list[PfsGroup]:
        if self._cohort is None:
            return []
        rows = sorted(i.row() for i in self.pfs_table.selectionModel().selectedRows())
        return [self._cohort.pfs[r] for r in rows][:len(CURVE_STYLES)]

    def _plot_selected(self) -> None:
        self.km.set_groups(self.selected_groups())

    def _open_due(self, index: QModelIndex) -> None:
        uuid = self.due_model.data(index, UUID_ROLE)
        if uuid:
            self.caseActivated.emit(uuid)

    def figure(self, name: str) -> BarFigure | None:
        return self._figures.get(name)

    # export
    def table_of(self, name: str) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """The CSV of one figure: header and rows."""
        lang = self.lang
        if name in BAR_FIGURES:
            figure = self._figures.get(name)
            return (figure.header, list(figure.rows)) if figure else ((), [])
        if name == "due":
            return due_header(lang), [due_words(d, lang) for d in self._due]
        groups = self._cohort.pfs if self._cohort else []
        if name == "pfs_table":
            return pfs_summary(groups, lang)
        return pfs_steps(self.selected_groups(), lang)

    def painter_of(self, name: str) -> tuple[Callable[[QPainter, QRectF], object], QSize]:
        """How to draw a figure for an image, and its size."""
        if name in BAR_FIGURES:
            chart = self.charts[name]
            return chart.paint, QSize(max(chart.width(), 640), chart.sizeHint().height())
        if name == "pfs":
            return self.km.paint, QSize(max(self.km.width(), 720), 480)
        widget = self.due_view if name == "due" else self.pfs_table

        def grab(painter: QPainter, rect: QRectF) -> None:
            painter.drawPixmap(rect.toRect(), widget.grab())

        return grab, widget.size()

    def export_figure(self, name: str, path: Path, *, replace: bool = False) -> Path:
        """Write one figure as .csv, .png or .svg (safe_files; an existing file only with
        `replace`)."""
        path = Path(path)
        suffix = path.suffix.lower()
        title = tr(f"cohort.title.{name}", self.lang)
        if suffix == ".csv":
            header, rows = self.table_of(name)
            return write_csv(path, header, rows, replace=replace)
        if suffix not in IMAGE_SUFFIXES:
            raise ValueError(tr("cohort.export_suffix", self.lang, path=str(path)))
        paint, size = self.painter_of(name)
        return write_image(path, paint, size, title=title, replace=replace)

    def choose_export(self, name: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, tr("cohort.export_title", self.lang),
                                              f"cohort-{name}.csv",
                                              tr("cohort.export_filter", self.lang))
        if not path:
            return None
        try:
            return self.export_figure(name, Path(path), replace=True)  # the dialog asked
        except (WriteRefused, OSError, ValueError) as exc:
            log.warning("cohort export failed: %s", type(exc).__name__)
            QMessageBox.warning(self, tr("cohort.export_failed", self.lang), str(exc))
            return None
