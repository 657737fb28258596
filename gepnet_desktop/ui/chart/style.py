"""Colours, pens and fonts of the chart: one place for its look."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontInfo

from ..common.fonts import FAMILY, register_fonts

# The bundled family first (Latin and Hangul, a faithful PDF text layer: common/fonts.py); then
# Latin, then Korean, should its files be missing.
FAMILIES_EN = [FAMILY, "Noto Sans", "Segoe UI", "Helvetica Neue", "Arial", "Noto Sans CJK KR",
               "DejaVu Sans", "Malgun Gothic", "Apple SD Gothic Neo", "NanumGothic"]
FAMILIES_KO = [FAMILY, "Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo", "NanumGothic",
               "Noto Sans", "Segoe UI", "Arial", "DejaVu Sans"]

TEXT = QColor("#1d2733")
TEXT_DIM = QColor("#9aa3ad")
MUTED = QColor("#5f6b7a")
WHITE = QColor("#ffffff")
PATH = QColor("#1565c0")
PATH_FILL = QColor("#e3effc")
REC = QColor("#2e7d32")
REC_FILL = QColor("#e4f3e6")
STOP = QColor("#c62828")
STOP_FILL = QColor("#fdecea")
DIM_FILL = QColor("#fafbfc")
DIM_BORDER = QColor("#cfd5dc")
EDGE = QColor("#6b7280")
EDGE_DIM = QColor("#d3d8de")
NEWER = QColor("#6a1b9a")
NEWER_FILL = QColor("#f3e5f5")
BANNER_FILL = QColor("#fff4ce")
BANNER_BORDER = QColor("#d39e00")
BANNER_TEXT = QColor("#5c4400")

# kind -> (fill, border, border width) when no case is shown.
KIND_STYLE: dict[str, tuple[QColor, QColor, float]] = {
    "start": (QColor("#e8edf3"), QColor("#44546a"), 1.6),
    "decision": (QColor("#fff8e6"), QColor("#b7791f"), 1.6),
    "group": (QColor("#eef3fb"), QColor("#5b7db1"), 1.6),
    "treatment": (QColor("#ffffff"), QColor("#1f3b5c"), 3.0),
    "action": (QColor("#f4f4f4"), QColor("#6b7280"), 1.6),
}

PROVENANCE_LETTER = {"paper": "P", "inferred": "I", "korea_specific": "K"}
PROVENANCE_COLOUR = {"paper": QColor("#37474f"), "inferred": QColor("#b45309"),
                     "korea_specific": QColor("#00796b")}

NODE_TEXT_PX = 13
NODE_TEXT_MIN_PX = 7
EDGE_TEXT_PX = 11
# The smallest text any chart item draws (a long label shrunk to fit its box), in scene px.
SMALLEST_TEXT_PX = NODE_TEXT_MIN_PX


def chart_font(lang: str, pixel_size: int, *, bold: bool = False,
               italic: bool = False) -> QFont:
    """The chart's font for `lang` at `pixel_size`, with a fallback list of families."""
    font = QFont()
    font.setFamily(resolved_family(lang))
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    font.setItalic(italic)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


_RESOLVED: dict[str, str] = {}


def resolved_family(lang: str) -> str:
    """The first family of the fallback list that this system has (one name, so that SVG
    viewers draw the text with the font it was measured in)."""
    if lang not in _RESOLVED:
        register_fonts()
        probe = QFont()
        probe.setFamilies(FAMILIES_KO if lang == "ko" else FAMILIES_EN)
        probe.setStyleHint(QFont.StyleHint.SansSerif)
        _RESOLVED[lang] = QFontInfo(probe).family()
    return _RESOLVED[lang]


def provenance_letter(kind: str) -> str:
    """The one-letter tag of a provenance kind."""
    return PROVENANCE_LETTER.get(kind, kind[:1].upper() or "?")


def provenance_colour(kind: str) -> QColor:
    """The colour of a provenance tag."""
    return PROVENANCE_COLOUR.get(kind, MUTED)
