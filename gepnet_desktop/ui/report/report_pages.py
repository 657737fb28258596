"""Reports on paged devices (a PDF file, a printer, the print preview): each report's A4
portrait pages, its timeline on a portrait page (report/timeline_page.py), then its chart on
landscape pages (chart/pdf_pages), one after another; an agenda puts a cover page first.
Everything is drawn as vector graphics with real text in the bundled font family
(common/fonts.py).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from ... import APP_NAME, __version__
from ...case.model import Case
from ...i18n import tr
from ...pathway import Evaluation, Pathway
from ..chart import style
from ..chart.export import ensure_app
from ..chart.pdf_pages import paint_chart_pages
from ..chart.scene import PathwayScene
from ..common.fonts import register_fonts
from .case_report import build_report_html, report_title
from .timeline_page import paint_timeline_page, report_timeline

LAYOUT_DPI = 96  # the documents are laid out at this resolution, then scaled to the device
PDF_DPI = 300
MARGIN_MM = 15.0
MAX_PAGE_BREAKS = 500
PAGE_TOUCH = 3.0  # layout px: more than the leading under a line of the report's largest font
PORTRAIT = QPageLayout.Orientation.Portrait
# Characters the bundled family lacks, printed as what it has (so the text layer says what
# the page shows whatever fallback fonts a workstation has).
PRINT_SAFE = str.maketrans({"⚠": "!", "−": "-"})


@dataclass(frozen=True)
class ReportItem:
    """One case's report: the case, its evaluation, the date of the board's latest decision."""

    case: Case
    ev: Evaluation
    board_date: str | None = None


def a4_layout() -> QPageLayout:
    """A4 portrait with 15 mm margins."""
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), PORTRAIT,
                       QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                       QPageLayout.Unit.Millimeter)


def html_document(html: str) -> tuple[QTextDocument, QImage]:
    """`html` laid out at LAYOUT_DPI whatever the screen (the image is the layout's device:
    keep it as long as the document)."""
    register_fonts()
    reference = QImage(1, 1, QImage.Format.Format_RGB32)
    reference.setDotsPerMeterX(round(LAYOUT_DPI / 0.0254))
    reference.setDotsPerMeterY(round(LAYOUT_DPI / 0.0254))
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(reference)
    doc.setDocumentMargin(0)
    doc.setDefaultFont(style.chart_font("en", 13))
    doc.setHtml(html.translate(PRINT_SAFE))
    return doc, reference


def keep_blocks_whole(doc: QTextDocument, page_height: float) -> None:
    """Start on the next page each paragraph of the main flow that would run over a page's
    foot, and each heading that would end a page. (Qt draws, with a page's lines, the line
    just above the page as well, clipped out of sight but in the PDF's text layer: a paragraph
    split across two pages would repeat a line in the text of the second.)"""
    for _ in range(MAX_PAGE_BREAKS):
        block = doc.begin()
        while block.isValid():
            if _runs_over(doc, block, page_height):
                fmt = block.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
                break
            block = block.next()
        else:
            return


def _runs_over(doc: QTextDocument, block: QTextBlock, page_height: float) -> bool:
    """Whether `block` (of the main flow) is split by a page's foot, or is a heading whose
    next block starts on the next page."""
    if doc.frameAt(block.position()) != doc.rootFrame() or not block.layout().lineCount():
        return False
    layout = doc.documentLayout()
    box = layout.blockBoundingRect(block)
    page = box.top() // page_height
    if block.blockFormat().headingLevel() and block.next().isValid():
        return layout.blockBoundingRect(block.next()).top() // page_height > page
    lines = block.layout()
    last = lines.lineAt(lines.lineCount() - 1)
    top = lines.position().y() + lines.lineAt(0).y()
    bottom = lines.position().y() + last.y() + last.height()
    return lines.lineCount() > 1 and bottom - top < page_height \
        and top // page_height != (bottom - 0.01) // page_height


def _draw_page(doc: QTextDocument, painter: QPainter, page: QRectF) -> None:
    """Draw the part of `doc` on `page`, choosing the lines with a clip a little inside it: a
    line ending on the page's first pixel (with its leading) belongs to the page before."""
    context = QAbstractTextDocumentLayout.PaintContext()
    context.clip = page.adjusted(0, PAGE_TOUCH, 0, -PAGE_TOUCH)
    painter.setClipRect(page)
    doc.documentLayout().draw(painter, context)


class PageSequence:
    """Draws documents and charts page after page on one device (begun by `painter`)."""

    def __init__(self, device: QPagedPaintDevice, painter: QPainter, lang: str) -> None:
        self.device, self.painter, self.lang = device, painter, lang
        self.started = False
        self.pages = 0

    def _next(self, orientation: QPageLayout.Orientation) -> QPageLayout:
        layout = self.device.pageLayout()
        layout.setOrientation(orientation)
        self.device.setPageLayout(layout)
        if self.started:
            self.device.newPage()
        self.started = True
        self.pages += 1
        return layout

    def document(self, html: str, footer: str) -> None:
        """`html` on portrait pages, each with `footer` and its page number at the bottom."""
        doc, _reference = html_document(html)
        dpi = self.device.logicalDpiX()
        k = dpi / LAYOUT_DPI
        font = QFont(style.resolved_family("en"))
        font.setPointSizeF(8)
        line = QFontMetricsF(font, self.device).height()
        layout = self.device.pageLayout()
        layout.setOrientation(PORTRAIT)
        rect = layout.paintRectPixels(dpi)
        page = QSizeF(int(rect.width() / k), int((rect.height() - 2 * line) / k))
        doc.setPageSize(page)
        keep_blocks_whole(doc, page.height())
        for i in range(doc.pageCount()):
            self._next(PORTRAIT)
            p = self.painter
            p.save()
            p.scale(k, k)
            p.translate(0, -i * page.height())
            _draw_page(doc, p, QRectF(0, i * page.height(), page.width(), page.height()))
            p.restore()
            self._footer(font, QRectF(0, rect.height() - line, rect.width(), line), footer)

    def timeline(self, case: Case, pathway: Pathway, heading: str, footer: str) -> None:
        """The case's timeline on a portrait page of its own, with `footer` and page number."""
        self._next(PORTRAIT)
        dpi = self.device.logicalDpiX()
        k = dpi / LAYOUT_DPI
        layout = self.device.pageLayout()
        rect = layout.paintRectPixels(dpi)
        font = QFont(style.resolved_family("en"))
        font.setPointSizeF(8)
        line = QFontMetricsF(font, self.device).height()
        p = self.painter
        p.save()
        p.scale(k, k)
        paint_timeline_page(p, QRectF(0, 0, rect.width() / k, (rect.height() - 2 * line) / k),
                            report_timeline(case, pathway), pathway, self.lang, heading)
        p.restore()
        self._footer(font, QRectF(0, rect.height() - line, rect.width(), line), footer)

    def _footer(self, font: QFont, where: QRectF, footer: str) -> None:
        """The page's footer: `footer` and the page number, right-aligned in `where`."""
        self.painter.setFont(font)
        self.painter.setPen(style.MUTED)
        self.painter.drawText(where, int(Qt.AlignmentFlag.AlignRight |
                                         Qt.AlignmentFlag.AlignVCenter),
                              tr("report.page", self.lang, title=footer, page=self.pages))

    def chart(self, scene: PathwayScene, heading: str) -> None:
        """The chart on landscape pages (chart/pdf_pages)."""
        shown = paint_chart_pages(self.device, self.painter, scene, heading,
                                  new_page=self.started)
        self.started = True
        self.pages += len(shown)


def paint_reports(device: QPagedPaintDevice, items: Sequence[ReportItem], pathway: Pathway,
                  lang: str = "en", *, cover_html: str | None = None,
                  cover_title: str = "") -> int:
    """Draw `cover_html` (if any) then each report on `device`; returns the number of pages."""
    ensure_app()
    register_fonts()
    layout = device.pageLayout()
    layout.setOrientation(PORTRAIT)
    device.setPageLayout(layout)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(0, "the file could not be opened for drawing")
    try:
        pages = PageSequence(device, painter, lang)
        if cover_html is not None:
            pages.document(cover_html, cover_title)
        for item in items:
            title = report_title(item.case, lang)
            pages.document(build_report_html(item.case, item.ev, pathway, lang,
                                             board_date=item.board_date, for_print=True), title)
            if item.case.lines:
                pages.timeline(item.case, pathway,
                               tr("report.timeline_heading", lang, title=title), title)
            scene = PathwayScene(pathway, lang)
            scene.set_evaluation(item.ev)
            try:
                pages.chart(scene, tr("report.chart_heading", lang, title=title))
            finally:
                scene.deleteLater()
        return pages.pages
    finally:
        painter.end()


def write_pdf(path: str | os.PathLike[str], items: Sequence[ReportItem], pathway: Pathway,
              lang: str = "en", *, title: str, cover_html: str | None = None,
              cover_title: str = "") -> int:
    """Write the reports (after a cover page, if given) to the PDF file `path` (the atomic
    writer's temporary file); returns the number of pages."""
    ensure_app()
    writer = QPdfWriter(os.fspath(path))
    writer.setCreator(f"{APP_NAME} {__version__}")
    writer.setTitle(title)
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(a4_layout())
    return paint_reports(writer, items, pathway, lang, cover_html=cover_html,
                         cover_title=cover_title)
