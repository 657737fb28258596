"""Draw the application icon with QPainter; write resources/icons/ (PNG, Windows ICO, macOS ICNS).

The motif is the program itself: a small flowchart, one branch lit. ICO and ICNS files hold PNG
images, so they are assembled here with `struct` (no image library, no download).
Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/make_icon.py`.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

from gepnet_desktop.ui.chart.export import png_bytes

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
NAME = "gepnet-desktop"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512))
LIT = QColor("#f5b700")
DIM = QColor(255, 255, 255, 120)
WHITE = QColor("#ffffff")


def draw(size: int) -> QImage:
    """The icon at `size` x `size` pixels, drawn on a 256-unit canvas."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)
    small = size <= 24
    grad = QLinearGradient(0, 0, 0, 256)
    grad.setColorAt(0, QColor("#1673a8"))
    grad.setColorAt(1, QColor("#0b3a61"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(grad))
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 52, 52)

    width = 16 if small else 11
    top, diamond, left, right = QPointF(128, 58), QPointF(128, 122), QPointF(72, 198), \
        QPointF(184, 198)

    def link(a: QPointF, b: QPointF, colour: QColor) -> None:
        path = QPainterPath(a)
        path.lineTo(a.x(), (a.y() + b.y()) / 2 + (0 if a.x() == b.x() else 6))
        path.lineTo(b.x(), (a.y() + b.y()) / 2 + (0 if a.x() == b.x() else 6))
        path.lineTo(b)
        p.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                      Qt.PenJoinStyle.RoundJoin))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)

    link(top, diamond, LIT)
    link(diamond, left, DIM)
    link(diamond, right, LIT)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(WHITE)
    p.drawRoundedRect(QRectF(84, 34, 88, 44), 22, 22)            # start
    r = 34
    p.drawPolygon(QPolygonF([QPointF(128, 122 - r), QPointF(128 + r * 1.25, 122),
                             QPointF(128, 122 + r), QPointF(128 - r * 1.25, 122)]))  # decision
    p.setBrush(DIM)
    p.drawRoundedRect(QRectF(36, 184, 72, 44), 8, 8)              # option off the path
    p.setBrush(LIT)
    p.drawRoundedRect(QRectF(148, 184, 72, 44), 8, 8)             # the patient's option
    p.end()
    return image


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows .ico whose entries are PNG images (Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images.items():
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def icns(images: dict[bytes, bytes]) -> bytes:
    """A macOS .icns whose entries are PNG images."""
    body = b"".join(kind + struct.pack(">I", 8 + len(blob)) + blob for kind, blob in images.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = sorted({*ICO_SIZES, *(s for _, s in ICNS_TYPES)})
    pngs = {s: png_bytes(draw(s)) for s in sizes}
    (OUT / f"{NAME}.png").write_bytes(pngs[256])
    (OUT / f"{NAME}-512.png").write_bytes(pngs[512])
    (OUT / f"{NAME}.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (OUT / f"{NAME}.icns").write_bytes(icns({kind: pngs[s] for kind, s in ICNS_TYPES}))
    for f in sorted(OUT.iterdir()):
        print(f"{f.name}: {f.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
