"""Figures to files: CSV (UTF-8 with a byte-order mark, so spreadsheets read Korean), PNG and
SVG, each written through the one atomic writer (gepnet_desktop/safe_files.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from ... import safe_files

Painter = Callable[[QPainter, QRectF], object]
IMAGE_SUFFIXES = (".png", ".svg")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *,
              replace: bool = False) -> Path:
    data = "\ufeff" + csv_text(header, rows)
    return safe_files.write_bytes(path, data.encode("utf-8"), replace=replace)


def image_bytes(paint: Painter, size: QSize, suffix: str, title: str = "") -> bytes:
    """The figure drawn by `paint` as PNG (at twice the size, for print) or SVG."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if suffix == ".svg":
        svg = QSvgGenerator()
        svg.setOutputDevice(buffer)
        svg.setSize(size)
        svg.setViewBox(QRectF(0, 0, size.width(), size.height()))
        svg.setTitle(title)
        painter = QPainter(svg)
        paint(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
    else:
        image = QImage(size * 2, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(2)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        paint(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes
    data: QByteArray = buffer.data()
    buffer.close()
    return bytes(data.data())


def write_image(path: Path, paint: Painter, size: QSize, *, title: str = "",
                replace: bool = False) -> Path:
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise ValueError(suffix)
    return safe_files.write_bytes(path, image_bytes(paint, size, suffix, title),
                                  replace=replace)
