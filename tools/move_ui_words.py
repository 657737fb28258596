"""One-off: move the window's word tables (gepnet_desktop/ui/) into the message catalogue.

Run from the repository root, once, after the issue-9 branch is merged, then delete this file:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/move_ui_words.py
    .venv/bin/ruff check --fix gepnet_desktop tests      # import order
    # tests/test_i18n.py: set NOT_YET = (); fix by hand what it and ruff still name

What it does:
1. appends every entry of the tables below to resources/i18n/en.po and ko.po, its key prefixed
   with the table's namespace (chart.legend.path, form.lines, field.yes, lines.cmd_add); the
   shell's keys are namespaced already (menu.file, act.save, status.*) and keep their names,
   but for the four of RENAME;
2. rewrites the call sites in gepnet_desktop/ui and tests: the first argument of `tr(...)`,
   `_t(...)` and `ui_text(...)` (a literal, or the fixed start of an f-string) gets the key of
   the table that call read, and the call becomes the catalogue's `tr`;
3. deletes the tables, the two ui `tr()`s, `ui/words.py` and `ui/chart/strings.py`.
Keys passed through a variable (`tr(title_key, ...)`, `_t(tip, ...)`) are not seen: the
literals that feed them are prefixed by hand; tests/test_i18n.py lists any key the catalogue
lacks and any message no code uses.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gepnet_desktop.po import format_po  # noqa: E402

UI = ROOT / "gepnet_desktop" / "ui"
# module, namespace ("": its keys are namespaced already), table name, the names its words are
# called by
TABLES = [
    ("shell_phrases", "", "PHRASES", ("tr",)),
    ("chart.strings", "chart", "STRINGS", ("tr",)),
    ("case_form", "form", "_TEXT", ("_t",)),
    ("field_common", "field", "_TEXT", ("ui_text",)),
    ("lines_model", "lines", "_TEXT", ("_t",)),
    ("lines_editor", "lines", "_TEXT", ("_t",)),
]
# Shell keys without a namespace, or in the chart's: their new keys.
RENAME = {"placeholder": "shell.placeholder", "toolbar": "shell.toolbar",
          "chart.no_case": "shell.no_case", "chart.fix_errors": "shell.fix_errors"}
# Words of the ui tables that are already in the catalogue under another key.
ALREADY = {"chart.chart.for"}  # the cli says it: cli.chart_caption


def full_key(namespace: str, key: str) -> str:
    """The catalogue key of a ui table's key."""
    return f"{namespace}.{key}" if namespace else RENAME.get(key, key)


def entries(table: dict) -> dict[str, tuple[str, str]]:
    """key -> (en, ko) from any of the three shapes of ui table."""
    if set(table) == {"en", "ko"}:  # {lang: {key: text}}
        return {k: (table["en"][k], table["ko"].get(k, "")) for k in table["en"]}
    out = {}
    for key, value in table.items():
        out[key] = value if isinstance(value, tuple) else (value["en"], value.get("ko", ""))
    return out


def collect() -> dict[str, tuple[str, str, str]]:
    """Every ui word: full key -> (comment, en, ko)."""
    words: dict[str, tuple[str, str, str]] = {}
    for module, namespace, name, _ in TABLES:
        table = getattr(importlib.import_module(f"gepnet_desktop.ui.{module}"), name)
        first = True
        for key, (en, ko) in entries(table).items():
            full = full_key(namespace, key)
            if full in ALREADY:
                continue
            if full in words and words[full][1:] != (en, ko):
                raise SystemExit(f"{full}: two ui tables give it different texts")
            comment = f"ui/{module.replace('.', '/')}.py" if first else ""
            words[full], first = (comment, en, ko), False
    return words


def append_po(words: dict[str, tuple[str, str, str]]) -> None:
    for i, lang in enumerate(("en", "ko")):
        path = ROOT / "resources" / "i18n" / f"{lang}.po"
        text = format_po([(c, k, (en, ko)[i]) for k, (c, en, ko) in words.items()], lang, "-")
        body = text.split("\n\n", 1)[1]  # without the header
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + body,
                        encoding="utf-8")


def table_of_import(source: str) -> dict[str, str]:
    """Which namespace each of the word functions of a file reads (by its imports)."""
    names: dict[str, str] = {}
    for module, namespace, _, callables in TABLES:
        leaf = module.split(".")[-1]
        for match in re.finditer(rf"from [.\w]*\b{re.escape(leaf)} import ([^\n]+)", source):
            for imported in re.split(r"[,\s()]+", match.group(1)):
                if imported in callables:
                    names[imported] = namespace
    return names


def rewrite(path: Path, own: dict[str, str]) -> bool:
    """Give the word calls of one file their catalogue keys; the calls become `tr`."""
    source = path.read_text(encoding="utf-8")
    names = table_of_import(source) | own
    if not names:
        return False
    new = source
    for name, namespace in names.items():
        def literal(m: re.Match, ns: str = namespace) -> str:
            return f"tr({m.group(1)}{full_key(ns, m.group(2))}{m.group(1)}"

        new = re.sub(rf"(?<![\w.]){re.escape(name)}\(\s*(['\"])([\w.]+)\1", literal, new)
        if namespace:
            new = re.sub(rf"(?<![\w.]){re.escape(name)}\(\s*f(['\"])",
                         lambda m, ns=namespace: f"tr(f{m.group(1)}{ns}.", new)
        new = re.sub(rf"(?<![\w.]){re.escape(name)}\(", "tr(", new)  # variable keys
    inside = path.is_relative_to(ROOT / "gepnet_desktop")
    depth = len(path.relative_to(ROOT / "gepnet_desktop").parts) - 1 if inside else 0
    target = "." * (depth + 1) + "i18n" if inside else "gepnet_desktop.i18n"
    for module, _, _, callables in TABLES:  # drop the old word functions from the imports
        leaf = module.split(".")[-1]

        def drop(m: re.Match, callables: tuple[str, ...] = callables) -> str:
            indent, names_ = m.group(1), re.split(r"\s*,\s*", m.group(3).strip("() \n"))
            kept = [n for n in names_ if n and n not in callables]
            out = f"{indent}{m.group(2)}{', '.join(kept)}\n" if kept else ""
            if indent and len(kept) < len(names_):  # a local import inside a function
                out += f"{indent}from {target} import tr\n"
            return out

        new = re.sub(rf"^([ \t]*)(from [.\w]*\b{re.escape(leaf)} import )([^\n]+)\n", drop,
                     new, flags=re.MULTILINE)
    new = re.sub(r"from [.\w]*\bwords import word\n", "", new)
    new = re.sub(r"^(_t|ui_text) = functools\.partial\(word, _TEXT\).*\n", "", new,
                 flags=re.MULTILINE)
    if not re.search(rf"^from {re.escape(target)} import tr$", new, re.MULTILINE) and \
            re.search(r"^\S.*\btr\(", new, re.MULTILINE | re.DOTALL):
        future = "from __future__ import annotations\n"
        at = new.index(future) + len(future) if future in new else 0
        new = new[:at] + f"from {target} import tr\n" + new[at:]
    path.write_text(new, encoding="utf-8")
    return True


def delete_tables() -> None:
    """Remove the tables and the two ui `tr()` functions; delete the modules left empty."""
    for module, _, name, _ in TABLES:
        path = UI / f"{module.replace('.', '/')}.py"
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines(keepends=True)
        doomed = []
        for node in ast.parse(source).body:
            targets = [getattr(t, "id", None) for t in getattr(node, "targets", [])] + \
                [getattr(getattr(node, "target", None), "id", None)]
            if name in targets or (isinstance(node, ast.FunctionDef) and node.name == "tr"):
                start = node.lineno - 1
                while start > 0 and lines[start - 1].lstrip().startswith("#"):
                    start -= 1
                doomed.append((start, node.end_lineno))
        for start, end in sorted(doomed, reverse=True):
            del lines[start:end]
        path.write_text("".join(lines), encoding="utf-8")
    for leftover in (UI / "words.py", UI / "chart" / "strings.py"):
        body = [n for n in ast.parse(leftover.read_text(encoding="utf-8")).body
                if not isinstance(n, (ast.Expr, ast.ImportFrom, ast.Import))]
        if not body:
            leftover.unlink()


def main() -> int:
    words = collect()
    append_po(words)
    owners = {UI / f"{m.replace('.', '/')}.py": {c: ns for c in calls}
              for m, ns, _, calls in TABLES}
    changed = [p for p in sorted([*UI.rglob("*.py"), *(ROOT / "tests").rglob("*.py")])
               if rewrite(p, owners.get(p, {}))]
    delete_tables()
    print(f"{len(words)} words moved; {len(changed)} files rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
