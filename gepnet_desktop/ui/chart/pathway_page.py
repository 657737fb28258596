"""The "Pathway" tab: the reconstruction banner, the chart with the patient's path, the panel."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...case.model import Case
from ...i18n import tr
from ...pathway import Evaluation, Pathway, text
from ...pathway.explain import field_label
from ...pathway.what_if import WhatIf
from . import ExportError, PathwayScene, PathwayView, export_chart
from .node_panel import NodePanel

log = logging.getLogger(__name__)

BANNER_CSS = ("QLabel#pathwayBanner { background: #fff4ce; border: 1px solid #d39e00; "
              "border-radius: 4px; color: #5c4400; padding: 6px 10px; font-weight: bold; }")
STRIP_CSS = {
    "rec": "QLabel { color: #2e7d32; font-weight: bold; }",
    "stop": "QLabel { color: #c62828; font-weight: bold; }",
    "note": "QLabel { color: #8a4b00; font-weight: bold; }",
    "none": "QLabel { color: #5f6b7a; }",
}
LINK_CSS = ("QPushButton { border: none; color: #1565c0; text-decoration: underline; "
            "padding: 0 4px; } QPushButton:focus { outline: 1px dotted #1565c0; }")


class ToolRows(QWidget):
    """Two rows of tools (None: a stretch) side by side when there is room, else one above the
    other; asks only for the room of the wider row, so a narrow window never cuts them off."""

    def __init__(self, first: tuple[QWidget | None, ...], second: tuple[QWidget | None, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        for widgets in (first, second):
            row = QHBoxLayout()
            row.setSpacing(6)  # its own: inherited from the box, the width would follow it
            for widget in widgets:
                if widget is None:
                    row.addStretch(1)
                else:
                    row.addWidget(widget)
            self._rows.append(row)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(16)
        self._box.addLayout(self._rows[0], 0)
        self._box.addLayout(self._rows[1], 1)

    def is_one_row(self) -> bool:
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    def arrange(self) -> None:
        """One row when the width holds both, else two."""
        needed = sum(row.sizeHint().width() for row in self._rows) + 16
        wide = self.width() >= needed
        if wide != self.is_one_row():
            self._box.setDirection(QBoxLayout.Direction.LeftToRight if wide
                                   else QBoxLayout.Direction.TopToBottom)
            self._box.setSpacing(16 if wide else 4)

    def minimumSizeHint(self) -> QSize:
        width = max(row.minimumSize().width() for row in self._rows)
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.arrange()
        super().resizeEvent(event)


class PathwayPage(QWidget):
    """What the main window embeds as its "Pathway" tab."""

    nodeSelected = Signal(str)
    missingFieldActivated = Signal(str)  # a case field key, e.g. "sstr_status"
    boardDecisionRequested = Signal()  # "Record board decision" (ui/window/case_screens.py)

    def __init__(self, pathway: Pathway, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pathway = pathway
        self.lang = lang
        self._ev: Evaluation | None = None
        self._note = ""
        self.caption = ""
        self.scene = PathwayScene(pathway, lang, self)
        self.view = PathwayView(self.scene, self)
        self.panel = NodePanel(pathway, lang, self)
        self._build()
        self._connect()
        self._retranslate()
        self._show_status()

    # layout
    def _build(self) -> None:
        self.banner = QLabel(self)
        self.banner.setObjectName("pathwayBanner")
        self.banner.setStyleSheet(BANNER_CSS)
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.zoom_out_button = QToolButton(self)
        self.zoom_in_button = QToolButton(self)
        self.fit_button = QToolButton(self)
        self.path_button = QToolButton(self)
        self.actual_button = QToolButton(self)
        self.zoom_label = QLabel(self)
        self.zoom_label.setMinimumWidth(44)
        self.newer_box = QCheckBox(self)
        self.export_button = QPushButton(self)
        self.board_button = QPushButton(self)
        self.board_button.setObjectName("recordBoardDecision")
        self.tools = ToolRows((self.zoom_out_button, self.zoom_in_button, self.zoom_label,
                               self.fit_button, self.path_button, self.actual_button, None),
                              (self.newer_box, None, self.export_button), self)
        panel_layout = self.panel.layout()  # under the options of the recommendation
        assert panel_layout is not None
        panel_layout.addWidget(self.board_button)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("pathwayStatus")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.missing_row = QHBoxLayout()
        self.missing_row.setContentsMargins(0, 0, 0, 0)
        self._missing_buttons: list[QPushButton] = []
        strip = self._strip = QHBoxLayout()
        strip.setContentsMargins(0, 0, 0, 0)
        strip.addWidget(self.status_label, 0)
        strip.addLayout(self.missing_row)
        strip.addStretch(1)
        self.warnings_label = QLabel(self)
        self.warnings_label.setObjectName("pathwayWarnings")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("QLabel { color: #8a4b00; }")

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.view)
        self.splitter.addWidget(frame)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 340])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.tools)
        layout.addLayout(strip)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.splitter, 1)

        self.zoom_in_action = self._action(self.view.zoom_in, QKeySequence.StandardKey.ZoomIn,
                                           "Ctrl+=")
        self.zoom_out_action = self._action(self.view.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.fit_action = self._action(self.view.fit_to_window, "Ctrl+0")
        self.path_action = self._action(self.view.fit_to_path, "Ctrl+9")
        self.actual_action = self._action(self.view.actual_size, "Ctrl+1")
        self.zoom_in_button.setDefaultAction(self.zoom_in_action)
        self.zoom_out_button.setDefaultAction(self.zoom_out_action)
        self.fit_button.setDefaultAction(self.fit_action)
        self.path_button.setDefaultAction(self.path_action)
        self.actual_button.setDefaultAction(self.actual_action)

    def _action(self, slot, *keys) -> QAction:
        action = QAction(self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _connect(self) -> None:
        self.scene.nodeClicked.connect(self.select_node)
        self.view.nodeActivated.connect(self.select_node)
        self.view.zoomChanged.connect(self._show_zoom)
        self.panel.nodeLinkActivated.connect(self._jump_to_node)
        self.panel.missingFieldActivated.connect(self.missingFieldActivated)
        self.newer_box.toggled.connect(self.set_newer_evidence_visible)
        self.export_button.clicked.connect(self._export_dialog)
        self.board_button.clicked.connect(self.boardDecisionRequested)

    def _retranslate(self) -> None:
        lang = self.lang
        self.banner.setText("⚠ " + text(self.pathway.notice, lang))
        self.zoom_in_action.setText("+")
        self.zoom_in_action.setToolTip(f"{tr('chart.zoom_in', lang)} (Ctrl+=)")
        self.zoom_out_action.setText("−")
        self.zoom_out_action.setToolTip(f"{tr('chart.zoom_out', lang)} (Ctrl+-)")
        self.fit_action.setText(tr("chart.fit", lang))
        self.fit_action.setToolTip(f"{tr('chart.fit', lang)} (Ctrl+0)")
        self.path_action.setText(tr("chart.fit_path", lang))
        self.path_action.setToolTip(f"{tr('chart.fit_path', lang)} (Ctrl+9)")
        self.actual_action.setText(tr("chart.actual", lang))
        self.actual_action.setToolTip(f"{tr('chart.actual', lang)} (Ctrl+1)")
        self.newer_box.setText(tr("chart.newer", lang))
        self.newer_box.setToolTip(tr("chart.newer_note", lang))
        self.export_button.setText(tr("chart.export", lang))
        self.board_button.setText(tr("board.record", lang))
        self._show_zoom(self.view.zoom())
        self.tools.arrange()

    # public API
    def evaluation(self) -> Evaluation | None:
        return self._ev

    def set_evaluation(self, ev: Evaluation | None, note: str = "") -> None:
        """Show `ev`'s path; None (with a note such as "Fix the errors…") shows no path."""
        moved = (ev.path if ev else []) != (self._ev.path if self._ev else [])
        self._ev = ev
        self._note = note
        self.scene.set_evaluation(ev)
        if moved and self.view.is_fitted_to_path():
            self.view.refit()
        self.panel.show_node(self.scene.selected_node(), ev, note=note)
        self._show_status()

    def set_what_if(self, ev: Evaluation, case: Case, found: list[WhatIf]) -> None:
        """What would change `ev`'s recommendation, for the panel (kept while `ev` is shown)."""
        self.panel.set_what_if(ev, case, found)

    def select_node(self, node_id: str | None) -> None:
        """Mark a box and show its details in the panel (None: the path overview)."""
        if node_id is not None and node_id not in self.pathway.nodes:
            return
        self.scene.set_selected_node(node_id)
        self.panel.show_node(node_id, self._ev, note=self._note)
        if node_id is not None:
            self.nodeSelected.emit(node_id)

    def show_first_view(self) -> None:
        """A case's own first view, whatever the last case showed: the end of its path at a
        readable size, and the panel's overview from its top, where the recommendation is."""
        self.select_node(None)
        self.view.fit_to_path(readable=True)
        self.panel.scroll_to_top()

    def set_language(self, lang: str) -> None:
        """Relabel the page, chart and panel in `lang`."""
        self.lang = lang
        self.scene.set_language(lang)
        self.panel.set_language(lang)
        self._retranslate()
        self._show_status()

    def set_newer_evidence_visible(self, visible: bool) -> None:
        """Switch the newer-evidence layer; it never changes the evaluation."""
        if self.newer_box.isChecked() != visible:
            self.newer_box.setChecked(visible)
            return
        self.scene.set_newer_evidence_visible(visible)
        self.panel.set_newer_evidence_visible(visible)

    def missing_buttons(self) -> list[QPushButton]:
        """The links to the fields the walk needs (empty unless it stopped)."""
        return list(self._missing_buttons)

    def export_chart(self, path: str | os.PathLike[str], *, replace: bool = False) -> Path:
        """Write the chart as shown to `path` (.svg, .png or .pdf); an existing file only with
        `replace` (never the database or a backup)."""
        return export_chart(self.scene, path, caption=self.caption, replace=replace)

    # internals
    def _show_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")

    def _jump_to_node(self, node_id: str) -> None:
        self.view.ensureVisible(self.scene.node_item(node_id).sceneBoundingRect(), 40, 40)
        self.select_node(node_id)

    def _show_status(self) -> None:
        for button in self._missing_buttons:
            self.missing_row.removeWidget(button)
            button.deleteLater()
        self._missing_buttons = []
        ev, lang = self._ev, self.lang
        if ev is None:
            kind = "note" if self._note else "none"
            words = f"⚠ {self._note}" if self._note else tr("chart.no_case", lang)
        elif ev.recommendation_node:
            kind = "rec"
            words = "★ " + tr("chart.status.rec", lang, node=text(
                self.pathway.nodes[ev.recommendation_node].label, lang))
        else:
            kind = "stop"
            words = "! " + tr("chart.status.stop", lang,
                              node=text(self.pathway.nodes[ev.path[-1]].label, lang))
            for key in ev.missing:
                button = QPushButton(field_label(key, lang), self)
                button.setObjectName(f"missing:{key}")
                button.setStyleSheet(LINK_CSS)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.setToolTip(tr("chart.missing.hint", lang))
                button.clicked.connect(lambda _=False, k=key: self.missingFieldActivated.emit(k))
                self.missing_row.addWidget(button)
                self._missing_buttons.append(button)
        self.status_label.setStyleSheet(STRIP_CSS[kind])
        self.status_label.setText(words)
        self._fit_status()
        warnings = [text(self.pathway.warnings.get(w), lang) or w for w in ev.warnings] \
            if ev else []
        self.warnings_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings_label.setVisible(bool(warnings))

    def _fit_status(self) -> None:
        """The status line on one line when it fits beside its links, else wrapped to the
        page's width (a long box name on a narrow page)."""
        layout = self.layout()
        assert layout is not None  # built in __init__
        margins = layout.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        links = sum(b.sizeHint().width() for b in self._missing_buttons)
        one_line = self.status_label.fontMetrics().horizontalAdvance(self.status_label.text())
        wrap = one_line + links + 8 * (1 + len(self._missing_buttons)) > room
        if wrap != self.status_label.wordWrap():
            self.status_label.setWordWrap(wrap)
            self._strip.setStretch(0, 1 if wrap else 0)  # wrapped: the whole width
            self._strip.setStretch(2, 0 if wrap else 1)  # else the links beside the text

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_status()
        super().resizeEvent(event)

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("chart.export.title", self.lang),
                                              "pathway-chart.svg",
                                              tr("chart.export.filter", self.lang))
        if not path:
            return
        try:
            self.export_chart(path, replace=True)  # the file dialog asked before replacing
        except ExportError as exc:
            log.warning("chart export failed: %s", exc.__class__.__name__)
            QMessageBox.warning(self, tr("chart.export.failed", self.lang), str(exc))
