"""Which part of the chart frames the patient's path: the boxes of the walk, and its end (the
last box and the steps before it that fit a given room). Used by the view and the PDF pages."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from .scene import PathwayScene

# A box reaching well past the box before it (a bar across the chart) counts only this far
# beyond that box on either side.
WIDE_BOX_MARGIN = 80


def path_boxes(scene: PathwayScene) -> list[QRectF]:
    """The highlighted boxes in the order of the walk, each wide box cut to its part under
    the box before it (plus WIDE_BOX_MARGIN each side)."""
    on_path = scene.highlighted_node_ids()
    ev = scene.evaluation
    order = [n for n in ev.path if n in on_path] if ev is not None else []
    order += [n for n in on_path if n not in order]
    boxes: list[QRectF] = []
    before: QRectF | None = None
    for nid in order:
        box = scene.node_item(nid).sceneBoundingRect()
        boxes.append(_under(box, before) if before is not None else box)
        before = box
    return boxes


def path_rect(scene: PathwayScene) -> QRectF:
    """The scene rectangle around the path's boxes, with a margin (empty when none)."""
    rect = QRectF()
    for box in path_boxes(scene):
        rect = rect.united(box)
    return rect.adjusted(-30, -30, 30, 30) if not rect.isEmpty() else rect


def path_end(scene: PathwayScene, width: float, height: float) -> QRectF:
    """The last box of the path (where the walk ends) and the steps before it, while they fit
    `width` x `height` scene units; the whole path rectangle when there are no boxes."""
    boxes = path_boxes(scene)[::-1]
    if not boxes:
        return path_rect(scene)
    shown = boxes[0]
    for box in boxes[1:]:
        wider = shown.united(box)
        if wider.width() > width or wider.height() > height:
            break
        shown = wider
    return shown


def _under(box: QRectF, before: QRectF) -> QRectF:
    """`box` as framed after `before`: a box reaching well past both sides of `before` (a bar
    across the chart) only where it lies under `before`, plus WIDE_BOX_MARGIN each side."""
    if box.left() >= before.left() or box.right() <= before.right() \
            or box.width() <= 2 * before.width():
        return box
    left = max(box.left(), before.left() - WIDE_BOX_MARGIN)
    right = min(box.right(), before.right() + WIDE_BOX_MARGIN)
    return QRectF(left, box.top(), right - left, box.height())
