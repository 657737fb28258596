"""The chart's viewport: zoom (Ctrl+wheel, Ctrl+= / Ctrl+-), fit to window, keyboard moves."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from .path_frame import path_end, path_rect
from .scene import PathwayScene

MIN_ZOOM, MAX_ZOOM, STEP = 0.1, 4.0, 1.2
# The first view of a path goes no smaller than this, so the boxes' text (13 px) stays readable
# (10 px); a path too long for the window then shows its end, with the steps before it that fit.
READABLE_ZOOM = 0.75


class PathwayView(QGraphicsView):
    """Shows a PathwayScene; drag to pan, Ctrl+wheel to zoom, N / P to step through the boxes."""

    zoomChanged = Signal(float)
    nodeActivated = Signal(str)  # a box chosen from the keyboard

    def __init__(self, scene: PathwayScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Pathway chart")
        self._fit_mode = True
        self._fit_path = True  # fitted to the patient's path (the whole chart when none)
        self._readable = True  # ... at READABLE_ZOOM or more (until the user chooses a zoom)

    def pathway_scene(self) -> PathwayScene:
        return self.scene()  # type: ignore[return-value]

    # zoom
    def zoom(self) -> float:
        """The current scale (1.0 = one scene unit per pixel)."""
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        """Scale to `factor` (clamped to 10%-400%), keeping the view's centre."""
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        self._fit_mode = self._fit_path = False
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(factor / self.zoom(), factor / self.zoom())
        self.setTransformationAnchor(anchor)
        self.zoomChanged.emit(self.zoom())

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / STEP)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit_to_window(self) -> None:
        """Show the whole chart; it stays fitted as the window resizes, until the user zooms."""
        self._fit_mode, self._fit_path = True, False
        self._refit()

    def fit_to_path(self, *, readable: bool = False) -> None:
        """Show the boxes of the patient's path as large as fits (at most 100%); it follows the
        path as the case changes, until the user zooms. The whole chart when there is no path.

        `readable` (the view's first mode): never below READABLE_ZOOM; a path that does not fit
        then shows its end (where the recommendation is) and the steps before it that fit.
        """
        self._fit_mode, self._fit_path, self._readable = True, True, readable
        self._refit()

    def is_fitted(self) -> bool:
        return self._fit_mode

    def is_fitted_to_path(self) -> bool:
        return self._fit_mode and self._fit_path

    def path_rect(self) -> QRectF:
        """The scene rectangle around the highlighted boxes (empty when none); a wide box counts
        only where it lies under the box before it on the path."""
        return path_rect(self.pathway_scene())

    def refit(self) -> None:
        """Fit again if the view is in a fitted mode (after the path or the window changed)."""
        if self._fit_mode:
            self._refit()

    def _refit(self) -> None:
        target = self.path_rect() if self._fit_path else QRectF()
        if target.isEmpty():
            target = self.sceneRect()
        self.fitInView(target, Qt.AspectRatioMode.KeepAspectRatio)
        if self._fit_path and self.zoom() > 1.0:
            self.scale(1.0 / self.zoom(), 1.0 / self.zoom())
            self.centerOn(target.center())
        elif self._fit_path and self._readable and self.zoom() < READABLE_ZOOM \
                and target != self.sceneRect():
            self.scale(READABLE_ZOOM / self.zoom(), READABLE_ZOOM / self.zoom())
            self.centerOn(self._path_end_rect().center())
        self.zoomChanged.emit(self.zoom())

    def _path_end_rect(self) -> QRectF:
        """The last box of the path (where the walk ends: the recommendation or the stop) and
        the steps before it, while they fit the viewport at the current zoom."""
        room = self.mapToScene(self.viewport().rect()).boundingRect().adjusted(30, 30, -30, -30)
        return path_end(self.pathway_scene(), room.width(), room.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                factor = min(max(self.zoom() * STEP ** steps, MIN_ZOOM), MAX_ZOOM)
                self._fit_mode = self._fit_path = False
                self.scale(factor / self.zoom(), factor / self.zoom())
                self.zoomChanged.emit(self.zoom())
            event.accept()
            return
        super().wheelEvent(event)

    # keyboard
    def step_node(self, forward: bool = True) -> str | None:
        """Select the next (or previous) box in reading order and bring it into view."""
        scene = self.pathway_scene()
        order = scene.node_order()
        if not order:
            return None
        current = scene.selected_node()
        if current in order:
            i = (order.index(current) + (1 if forward else -1)) % len(order)
        else:
            i = 0 if forward else len(order) - 1
        node_id = order[i]
        self.ensureVisible(scene.node_item(node_id).sceneBoundingRect(), 40, 40)
        self.nodeActivated.emit(node_id)
        return node_id

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_to_window()
        elif ctrl and key == Qt.Key.Key_9:
            self.fit_to_path()
        elif ctrl and key == Qt.Key.Key_1:
            self.actual_size()
        elif not ctrl and key == Qt.Key.Key_N:
            self.step_node(not mods & Qt.KeyboardModifier.ShiftModifier)
        elif not ctrl and key == Qt.Key.Key_P:
            self.step_node(False)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and \
                self.pathway_scene().selected_node():
            self.nodeActivated.emit(self.pathway_scene().selected_node())
        else:
            super().keyPressEvent(event)
            return
        event.accept()

