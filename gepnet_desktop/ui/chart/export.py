"""The chart as a sheet (title, reconstruction banner, chart, footer) in SVG, PNG or PDF."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication

from ... import APP_NAME, __version__
from ...pathway import Evaluation, Pathway, text
from ...safe_files import WriteRefused, atomic_path
from ..common.fonts import register_fonts
from . import style
from .scene import PathwayScene

CHART_SUFFIXES = (".svg", ".png", ".pdf")
PAD = 28.0
_app: QApplication | None = None


class ExportError(ValueError):
    """A file could not be written; the message says which and why."""


def ensure_app() -> QApplication:
    """The running QApplication, or a new one (headless when there is no display)."""
    global _app
    app = QApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
    register_fonts()
    return _app


@contextmanager
def atomic_target(path: Path, allowed: tuple[str, ...], what: str, *,
                  replace: bool = False) -> Iterator[Path]:
    """A temporary file beside `path` to write to (safe_files.atomic_path); it replaces
    `path` only when all went well. An existing file needs `replace`; the database, a backup
    or a symbolic link are never written over (ExportError says so)."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ExportError(f"{path}: a {what} is written as {', '.join(allowed)}; "
                          f"give a file name ending in one of them")
    if not path.parent.is_dir():
        raise ExportError(f"{path}: the folder {path.parent} does not exist; choose an "
                          "existing folder")
    try:
        with atomic_path(path, replace=replace) as tmp:
            yield tmp
            if not tmp.is_file() or tmp.stat().st_size == 0:
                raise ExportError(f"{path}: nothing could be written there; check the "
                                  "folder's permissions and free space")
    except WriteRefused as exc:
        raise ExportError(str(exc)) from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def footer_text(pathway: Pathway, lang: str) -> str:
    """Application, pathway and source, and today's date."""
    src = pathway.source
    ref = f"Yoo et al. 2021, {src.get('figure', 'Fig. 1')}, doi:{src.get('doi', '')}"
    return (f"{APP_NAME} {__version__} · {pathway.id} {pathway.version} · {ref} · "
            f"{dt.date.today().isoformat()}")


class Sheet:
    """Where the parts of an exported chart go, in scene units."""

    def __init__(self, scene: PathwayScene, caption: str = "") -> None:
        self.scene = scene
        self.lang = scene.lang
        self.caption = caption
        self.chart = scene.chart_rect()
        width = self.chart.width() + 2 * PAD
        self.title_font = style.chart_font(self.lang, 24, bold=True)
        self.caption_font = style.chart_font(self.lang, 16)
        self.banner_font = style.chart_font(self.lang, 16, bold=True)
        self.footer_font = style.chart_font(self.lang, 12)
        y = PAD
        self.title_rect = QRectF(PAD, y, width - 2 * PAD, QFontMetricsF(self.title_font).height())
        y = self.title_rect.bottom() + 6
        self.caption_rect = QRectF()
        if caption:
            self.caption_rect = QRectF(PAD, y, width - 2 * PAD,
                                       QFontMetricsF(self.caption_font).height())
            y = self.caption_rect.bottom() + 6
        self.banner_rect = QRectF(PAD, y + 4, width - 2 * PAD,
                                  QFontMetricsF(self.banner_font).height() + 16)
        y = self.banner_rect.bottom() + 8
        self.chart_target = QRectF(PAD, y, self.chart.width(), self.chart.height())
        y = self.chart_target.bottom() + 4
        self.footer_rect = QRectF(PAD, y, width - 2 * PAD,
                                  QFontMetricsF(self.footer_font).height())
        self.size = QSize(int(width + 0.5), int(self.footer_rect.bottom() + PAD + 0.5))

    def paint(self, painter: QPainter, target: QRectF | None = None) -> None:
        """Draw the sheet, scaled to fit `target` (default: its own size at the origin)."""
        pathway = self.scene.pathway
        painter.save()
        if target is not None:
            k = min(target.width() / self.size.width(), target.height() / self.size.height())
            painter.translate(target.left() + (target.width() - self.size.width() * k) / 2,
                              target.top() + (target.height() - self.size.height() * k) / 2)
            painter.scale(k, k)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, self.size.width(), self.size.height()), style.WHITE)
        painter.setPen(style.TEXT)
        painter.setFont(self.title_font)
        painter.drawText(self.title_rect, int(Qt.AlignmentFlag.AlignLeft
                                              | Qt.AlignmentFlag.AlignVCenter),
                         text(pathway.title, self.lang))
        if self.caption:
            painter.setFont(self.caption_font)
            painter.setPen(style.MUTED)
            painter.drawText(self.caption_rect, int(Qt.AlignmentFlag.AlignLeft
                                                    | Qt.AlignmentFlag.AlignVCenter), self.caption)
        painter.setPen(QPen(style.BANNER_BORDER, 1.5))
        painter.setBrush(style.BANNER_FILL)
        painter.drawRoundedRect(self.banner_rect, 6, 6)
        painter.setFont(self.banner_font)
        painter.setPen(style.BANNER_TEXT)
        painter.drawText(self.banner_rect.adjusted(14, 0, -14, 0),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         "⚠ " + text(pathway.notice, self.lang))
        selected = self.scene.selected_node()
        self.scene.set_selected_node(None)
        try:
            self.scene.render(painter, self.chart_target, self.chart,
                              Qt.AspectRatioMode.KeepAspectRatio)
        finally:
            self.scene.set_selected_node(selected)
        painter.setFont(self.footer_font)
        painter.setPen(style.MUTED)
        painter.drawText(self.footer_rect, int(Qt.AlignmentFlag.AlignLeft
                                               | Qt.AlignmentFlag.AlignVCenter),
                         footer_text(pathway, self.lang))
        painter.restore()


def _paint_on(device, draw: Callable[[QPainter], object]) -> None:
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(0, "the file could not be opened for drawing")
    try:
        draw(painter)
    finally:
        painter.end()


def sheet_image(sheet: Sheet, scale: float = 1.0) -> QImage:
    """The sheet as an image, `scale` pixels per scene unit."""
    size = QSize(max(1, int(sheet.size.width() * scale)), max(1, int(sheet.size.height() * scale)))
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(style.WHITE)
    _paint_on(image, lambda p: sheet.paint(p, QRectF(0, 0, size.width(), size.height())))
    return image


def export_chart(scene: PathwayScene, path: str | os.PathLike[str], *, caption: str = "",
                 scale: float = 2.0, replace: bool = False) -> Path:
    """Write the chart to `path` as SVG, PNG or PDF (by suffix; a PDF's pages are A3 landscape:
    pdf_pages); an ExportError says why not. An existing file is replaced only with `replace`."""
    from .pdf_pages import paint_chart_pages

    out = Path(path)
    sheet = Sheet(scene, caption)
    with atomic_target(out, CHART_SUFFIXES, "chart", replace=replace) as tmp:
        suffix = out.suffix.lower()
        if suffix == ".svg":
            gen = QSvgGenerator()
            gen.setFileName(str(tmp))
            gen.setSize(sheet.size)
            gen.setViewBox(QRect(0, 0, sheet.size.width(), sheet.size.height()))
            gen.setTitle(text(scene.pathway.title, scene.lang))
            gen.setDescription(text(scene.pathway.notice, scene.lang))
            _paint_on(gen, sheet.paint)
        elif suffix == ".png":
            if not sheet_image(sheet, scale).save(str(tmp), "PNG"):  # type: ignore[call-overload]
                raise OSError(0, "the image could not be saved")
        else:
            writer = QPdfWriter(str(tmp))
            writer.setTitle(text(scene.pathway.title, scene.lang))
            writer.setCreator(f"{APP_NAME} {__version__}")
            writer.setResolution(300)
            writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A3),
                                             QPageLayout.Orientation.Landscape,
                                             QMarginsF(10, 10, 10, 10),
                                             QPageLayout.Unit.Millimeter))
            heading = caption or text(scene.pathway.title, scene.lang)
            _paint_on(writer, lambda p: paint_chart_pages(writer, p, scene, heading,
                                                         new_page=False))
    return out


def png_bytes(image: QImage) -> bytes:
    """An image as PNG file bytes, in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes
    buffer.close()
    return bytes(data.data())


def render_chart_image(pathway: Pathway, ev: Evaluation | None, lang: str = "en",
                       scale: float = 1.0, caption: str = "") -> QImage:
    """The chart sheet for `ev` as an image (used by reports and the frozen self-test)."""
    ensure_app()
    scene = PathwayScene(pathway, lang)
    scene.set_evaluation(ev)
    try:
        return sheet_image(Sheet(scene, caption), scale)
    finally:
        scene.deleteLater()
