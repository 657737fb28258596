"""The message catalogue (resources/i18n/*.po, gepnet_desktop/i18n.py): complete in both
languages, the same placeholders in both, every key the code names is there and every key is
used, and the compiled .mo says exactly what the .po says."""

from __future__ import annotations

import ast
import gettext
import io
import os
import re
import string
from pathlib import Path

import pytest

from gepnet_desktop import i18n
from gepnet_desktop.po import (
    PoError,
    compile_dir,
    compile_mo,
    format_po,
    messages,
    parse_po,
    read_po,
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gepnet_desktop"
I18N = ROOT / "resources" / "i18n"
# Folders whose words are not in the catalogue yet: the window's tables move in a second step
# (README, Words and translations). Empty this when they have moved.
NOT_YET = ("ui",)
# ui folders (and the window's part) that use the catalogue already (issue 12's screens).
IN_CATALOGUE = ("ui/timeline", "ui/cohort", "ui/board", "ui/window/case_screens.py")
# The field table declares the labels of fields and values beside the fields themselves.
OWN_LABELS = {"case/fields.py"}
# New modules of the tumour-board work that still carry a table of their own: to be moved.
PENDING = {"case/decision.py", "cli/board_cmds.py"}
HANGUL = re.compile("[\uac00-\ud7a3]")


def catalogue(lang: str) -> dict[str, str]:
    return messages(read_po(I18N / f"{lang}.po"))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def modules() -> list[Path]:
    """The package's modules whose words are in the catalogue."""
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p.relative_to(PACKAGE).parts[0] not in NOT_YET
                  or str(p.relative_to(PACKAGE).as_posix()).startswith(IN_CATALOGUE))


def test_every_message_has_english_and_korean() -> None:
    en, ko = catalogue("en"), catalogue("ko")
    assert len(en) > 100
    assert sorted(set(en) - set(ko)) == [], "these messages have no Korean text in ko.po"
    assert sorted(set(ko) - set(en)) == [], "these messages have no English text in en.po"
    assert [k for k in en if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+", k)] == []


def test_both_languages_have_the_same_placeholders() -> None:
    en, ko = catalogue("en"), catalogue("ko")
    differ = {k: (sorted(placeholders(en[k])), sorted(placeholders(ko[k])))
              for k in en if k in ko and placeholders(en[k]) != placeholders(ko[k])}
    assert differ == {}
    named = [k for k, text in (*en.items(), *ko.items())
             if any(not n.isidentifier() for n in placeholders(text))]
    assert named == [], "write placeholders as {name}"


def _keys_named(tree: ast.AST) -> tuple[set[str], set[str]]:
    """The keys a module names: literal strings that look like catalogue keys, codes of
    `part("code", ...)` (message case.<code>), and the fixed start of `tr(f"start{...}")` or
    `tr("start" + ...)`."""
    namespaces = {k.split(".")[0] for k in catalogue("en")}
    keys, prefixes = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", node.value) and \
                node.value.split(".")[0] in namespaces:
            keys.add(node.value)
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            if name == "part" and isinstance(first, ast.Constant):
                keys.add(f"case.{first.value}")
            if name == "tr" and isinstance(first, ast.JoinedStr):  # tr(f"chart.kind.{k}")
                head = first.values[0]
                assert isinstance(head, ast.Constant), ast.unparse(node)
                prefixes.add(head.value)
            if name == "tr" and isinstance(first, ast.BinOp) and \
                    isinstance(first.left, ast.Constant):  # tr("chart.kind." + kind)
                prefixes.add(first.left.value)
    return keys, prefixes


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    en = catalogue("en")
    missing, seen = {}, set()
    for path in modules():
        source = path.read_text(encoding="utf-8")
        keys, prefixes = _keys_named(ast.parse(source))
        literal = set(re.findall(r"\btr\(\s*[\"']([^\"']+[^.])[\"']", source))
        assert literal <= keys, path  # the plain grep finds nothing the walk missed
        seen |= keys | {k for k in en for p in prefixes if k.startswith(p)}
        for key in sorted(keys - set(en)):
            missing.setdefault(str(path.relative_to(ROOT)), []).append(key)
        for prefix in prefixes:
            if not any(k.startswith(prefix) for k in en):
                missing.setdefault(str(path.relative_to(ROOT)), []).append(prefix + "*")
    assert missing == {}
    assert {"case.end_while_ongoing", "explain.below", "summary.rec", "cli.check_record",
            "demo.offer", "value.unknown"} <= seen
    unused = sorted(set(en) - seen)
    assert unused == [], "no code names these messages: remove them from en.po and ko.po"


def _korean_strings(tree: ast.AST) -> list[str]:
    """The string constants of a module that hold Korean, docstrings left out."""
    docstrings = {id(body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and (body := node.body) and isinstance(body[0], ast.Expr)
                  and isinstance(body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and HANGUL.search(node.value)]


def test_no_module_keeps_its_own_phrase_table() -> None:
    """Korean text in code outside the catalogue is a table the catalogue should hold."""
    own = {str(p.relative_to(PACKAGE)) for p in modules()
           if _korean_strings(ast.parse(p.read_text(encoding="utf-8")))}
    assert own - OWN_LABELS - PENDING == set()


def test_the_compiled_catalogue_says_what_the_source_says(tmp_path: Path) -> None:
    for lang in i18n.LANGUAGES:
        source = read_po(I18N / f"{lang}.po")
        compiled = gettext.GNUTranslations(io.BytesIO(compile_mo(source)))
        assert compiled.info()["content-type"] == "text/plain; charset=UTF-8"
        assert {k: compiled.gettext(k) for k in messages(source)} == messages(source)
        assert compiled.gettext("no.such.key") == "no.such.key"
    mos = compile_dir(I18N, tmp_path)
    assert sorted(p.name for p in mos) == ["en.mo", "ko.mo"]
    for mo in mos:
        with mo.open("rb") as fh:
            read = gettext.GNUTranslations(fh)
        assert all(read.gettext(k) == v for k, v in catalogue(mo.stem).items())


def test_po_text_round_trips() -> None:
    entries = [("a note", "x.quote", 'say "hi" \\ there'), ("", "x.lines", "one\ntwo\n"),
               ("", "x.spaces", " or "), ("", "x.long", "word " * 40 + "end")]
    text = format_po(entries, "en", "test")
    assert messages(parse_po(text)) == {k: v for _, k, v in entries}
    assert all(len(line) <= 100 for line in text.splitlines()[1:])


@pytest.mark.parametrize("text, problem", [
    ('msgid "a.b"\n', "has no msgstr"),
    ('msgid "a.b"\nmsgstr "x"\nmsgid "a.b"\nmsgstr "y"\n', "appears twice"),
    ('msgctxt "c"\nmsgid "a.b"\nmsgstr "x"\n', "msgctxt is not used"),
    ('msgid "a.b"\nmsgstr "x\\q"\n', "unknown escape"),
    ('msgid a.b\nmsgstr "x"\n', "expected a quoted string"),
])
def test_a_broken_po_is_refused_naming_the_line(text: str, problem: str) -> None:
    with pytest.raises(PoError, match=problem) as info:
        parse_po(text, "ko.po")
    assert str(info.value).startswith("ko.po:")


def test_untranslated_and_fuzzy_entries_count_as_missing() -> None:
    text = 'msgid "a.one"\nmsgstr ""\n\n#, fuzzy\nmsgid "a.two"\nmsgstr "guess"\n\n' \
           'msgid "a.three"\nmsgstr "ok"\n'
    assert parse_po(text) == {"a.three": "ok"}


def test_tr_fills_placeholders_and_falls_back_to_english() -> None:
    assert i18n.tr("demo.offer", "en", n=3).startswith("Load 3 fictitious")
    assert "3개" in i18n.tr("demo.offer", "ko", n=3)
    assert i18n.tr("value.unknown", "de") == i18n.tr("value.unknown", None) == "Unknown"
    assert i18n.language("ko") == "ko" and i18n.language("fr") == "en"
    assert i18n.has("case.required") and not i18n.has("case.no_such_code")
    with pytest.raises(KeyError):
        i18n.tr("no.such.key", "ko")


def _install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "i18n"
    folder.mkdir()
    monkeypatch.setattr(i18n, "catalogue_dir", lambda: folder)
    i18n.translations.cache_clear()
    return folder


def test_the_runtime_reads_the_mo_and_else_compiles_the_po(tmp_path, monkeypatch) -> None:
    folder = _install(tmp_path, monkeypatch)
    try:
        po = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n' \
             'msgid "x.word"\nmsgstr "{what} from the po"\n'
        (folder / "en.po").write_text(po, encoding="utf-8")
        assert i18n.tr("x.word", "en", what="text") == "text from the po"  # no .mo: compiled
        i18n.translations.cache_clear()
        (folder / "en.mo").write_bytes(compile_mo({"": "Content-Type: text/plain; charset=UTF-8\n",
                                                   "x.word": "{what} from the mo"}))
        assert i18n.tr("x.word", "en", what="text") == "text from the mo"
        i18n.translations.cache_clear()
        stale = (folder / "en.po").stat().st_mtime - 10  # a .po edited after the .mo was made
        os.utime(folder / "en.mo", (stale, stale))
        assert i18n.tr("x.word", "en", what="text") == "text from the po"
        i18n.translations.cache_clear()
        (folder / "en.po").unlink()  # a bundle: the .mo only
        assert i18n.tr("x.word", "en", what="text") == "text from the mo"
    finally:
        i18n.translations.cache_clear()
