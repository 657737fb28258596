"""The bundled font family (resources/fonts, OFL): Latin and Hangul in one TrueType family, so
that a printed report or chart reads the same on every workstation and its PDF text layer holds
exactly the characters drawn.

Why a bundled font: Qt writes a PDF's text layer by mapping each drawn glyph back to a character
through the font's character map. A font that shapes text into glyphs its map does not reach
(Noto Sans CJK's default `locl` turns Latin digits into other glyphs) or that maps several
characters to one glyph (the Debian build of Nanum Gothic maps space and control characters to
one glyph) loses or changes characters in that layer ("Ki-" for "Ki-67"). This family (Nanum
Gothic as built for Google Fonts) maps each character to its own glyph and substitutes none by
default; tests/ui/test_report_pdf.py reads the text of generated PDFs back.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from ...bundled import resource_path

FAMILY = "NanumGothic"
FILES = ("NanumGothic-Regular.ttf", "NanumGothic-Bold.ttf")
_registered: list[str] = []


def register_fonts() -> str:
    """Add the bundled fonts to Qt's font database once (needs a QGuiApplication); returns the
    family name, or "" when the files are missing (the system's fonts are used then)."""
    if not _registered:
        for name in FILES:
            ident = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
            _registered.extend(QFontDatabase.applicationFontFamilies(ident) if ident >= 0 else [])
        _registered.append("")  # tried: do not try again
    return FAMILY if FAMILY in _registered else ""
