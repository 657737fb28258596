"""The one message catalogue: every sentence and word of the program, in English and Korean.

The texts live in `resources/i18n/<lang>.po` (msgid: a stable key such as
`case.end_while_ongoing`; msgstr: the text, placeholders written `{name}`). A bundle carries
them compiled (`<lang>.mo`, made by build.spec); a source checkout or an installed wheel has only
the `.po`, compiled in memory at the first look-up. Either way Python's gettext reads them.
No Qt: the case, pathway, store and cli layers use `tr` as the window does.

Labels of case fields and their values stay in the field table (case/fields.py), labels of the
pathway's boxes in the pathway data file.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from .po import compile_mo, messages, read_po

LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"


def language(lang: str | None) -> str:
    """`lang` when the program speaks it, else English."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def catalogue_dir() -> Path:
    """The folder of the `.po` (and, in a bundle, `.mo`) files."""
    from .bundled import resource_path

    return resource_path("i18n")


def _mo_is_current(mo: Path, po: Path) -> bool:
    """A `.mo` is used unless its `.po` is beside it and newer (an edited source checkout)."""
    if not mo.is_file():
        return False
    return not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime


@functools.cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The compiled catalogue of `lang`: its `.mo` when present, else its `.po` compiled here."""
    folder = catalogue_dir()
    mo, po = folder / f"{lang}.mo", folder / f"{lang}.po"
    if _mo_is_current(mo, po):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.GNUTranslations(io.BytesIO(compile_mo(read_po(po))))


def source_messages(lang: str) -> dict[str, str]:
    """The messages of `lang`'s `.po` source, key -> text (for checks and tools)."""
    return messages(read_po(catalogue_dir() / f"{lang}.po"))


def _lookup(key: str, lang: str) -> str | None:
    text = translations(lang).gettext(key)
    return None if text == key else text


def has(key: str) -> bool:
    """Whether the catalogue holds `key` (in English, the language every key has)."""
    return _lookup(key, DEFAULT_LANGUAGE) is not None


def tr(key: str, lang: str | None = "en", **values: object) -> str:
    """The text of `key` in `lang` (English when it has none), with `values` filled in.

    An unknown key is a programming error: KeyError (tests/test_i18n.py checks every key the
    code names)."""
    text = _lookup(key, language(lang))
    if text is None:
        text = _lookup(key, DEFAULT_LANGUAGE)
        if text is None:
            raise KeyError(key)
    return text.format(**values) if values else text
