"""How validation problems look beside the fields and in the lines table: the two severities,
their colours and symbols, the icon drawn in code, and problems as rich text.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

from ...i18n import tr

ERROR, WARNING = "error", "warning"
# Colours of the two severities: (symbol colour, text colour, cell background).
SEVERITY_COLOURS: dict[str, tuple[str, str, str]] = {
    ERROR: ("#c62828", "#b71c1c", "#fde2e1"),
    WARNING: ("#e08e00", "#7a4f00", "#fff1cc"),
}
SEVERITY_SYMBOL = {ERROR: "✖", WARNING: "⚠"}


def problem_icon(severity: str, size: int = 14, ratio: float = 2.0) -> QIcon:
    """A red disc with a cross (error) or an amber triangle with "!" (warning), drawn in code."""
    pix = QPixmap(int(size * ratio), int(size * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(SEVERITY_COLOURS[severity][0])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    s = float(size)
    white = QPen(QColor("white"), s / 7)
    white.setCapStyle(Qt.PenCapStyle.RoundCap)
    if severity == ERROR:
        painter.drawEllipse(QRectF(0.5, 0.5, s - 1, s - 1))
        painter.setPen(white)
        a, b = s * 0.32, s * 0.68
        painter.drawLine(QPointF(a, a), QPointF(b, b))
        painter.drawLine(QPointF(a, b), QPointF(b, a))
    else:
        painter.drawPolygon(QPolygonF([QPointF(s / 2, 0.5), QPointF(s - 0.5, s - 1),
                                       QPointF(0.5, s - 1)]))
        painter.setPen(white)
        painter.drawLine(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.62))
        painter.drawPoint(QPointF(s / 2, s * 0.80))
    painter.end()
    return QIcon(pix)


def problem_html(message: str, severity: str, head: str = "") -> str:
    """One problem as rich text: a coloured symbol, an optional bold head, the message."""
    symbol_colour, text_colour, _bg = SEVERITY_COLOURS[severity]
    head_html = f"<b>{html.escape(head)}:</b> " if head else ""
    return (f'<span style="color:{symbol_colour}">{SEVERITY_SYMBOL[severity]}</span>&nbsp;'
            f'<span style="color:{text_colour}">{head_html}{html.escape(message)}</span>')


def display_message(problem: Any, field_label: str, lang: str = "en") -> str:
    """A validation message as shown beside its field, in the form's language: "Case code is
    required; ...", "150 is out of range; ..." (the form's word for null is "empty")."""
    message = problem.text(lang, labels=True).replace("or null for unknown", "or empty for unknown")
    if problem.needs_field_name:
        return tr("ui.field.problem", lang, field=field_label, message=message)
    return message[:1].upper() + message[1:]


def problems_html(items: list[tuple[str, str, Any]], lang: str = "en") -> str:
    """Several problems as (head, field label, Problem), one a line, in the order given."""
    return "<br>".join(problem_html(display_message(p, field, lang), p.severity, head)
                       for head, field, p in items)
