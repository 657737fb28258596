"""The gettext files of the message catalogue: read a `.po`, write a `.po`, compile a `.mo`.

Standard library only and no import of the package, so that build.spec can load this file by
its path and compile `resources/i18n/*.po` into the bundle. The subset of the format we use:
one `msgid` (a stable key such as `case.end_while_ongoing`) and one `msgstr` (the text) per
entry, strings split over lines, `#` comments; no contexts, no plural forms. As `msgfmt` does,
an entry with an empty `msgstr` or marked `#, fuzzy` is left out (it counts as untranslated).

    python -m gepnet_desktop.po OUT_DIR     # compile every resources/i18n/*.po into OUT_DIR
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

MO_MAGIC = 0x950412DE
HEADER_FIELDS = ("Project-Id-Version: GEP-NET Pathway", "MIME-Version: 1.0",
                 "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "r": "\r"}


class PoError(ValueError):
    """A `.po` file that cannot be read; the message names the file and the line."""


def _unquote(token: str, where: str) -> str:
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise PoError(f"{where}: expected a quoted string, found {token!r}")
    out, chars = [], iter(token[1:-1])
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            if nxt not in _ESCAPES:
                raise PoError(f"{where}: unknown escape \\{nxt}")
            out.append(_ESCAPES[nxt])
        elif ch == '"':
            raise PoError(f"{where}: a quote inside a string must be written \\\"")
        else:
            out.append(ch)
    return "".join(out)


def parse_po(text: str, name: str = "<po>") -> dict[str, str]:
    """The entries of a `.po` text, msgid -> msgstr, in file order (the header under "")."""
    entries: dict[str, str] = {}
    msgid: str | None = None
    msgstr: str | None = None
    field: str | None = None
    fuzzy = next_fuzzy = False
    start = 0

    def close() -> None:
        nonlocal msgid, msgstr, field
        if msgid is None:
            return
        if msgstr is None:
            raise PoError(f"{name}:{start}: msgid {msgid!r} has no msgstr")
        if msgid in entries:
            raise PoError(f"{name}:{start}: msgid {msgid!r} appears twice")
        if msgstr and not fuzzy:
            entries[msgid] = msgstr
        msgid = msgstr = field = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line, where = raw.strip(), f"{name}:{number}"
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in (f.strip() for f in line[2:].split(",")):
                next_fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid":
            close()
            msgid, field, start = _unquote(rest.strip(), where), "msgid", number
            fuzzy, next_fuzzy = next_fuzzy, False
        elif keyword == "msgstr":
            if msgid is None or msgstr is not None:
                raise PoError(f"{where}: msgstr without its msgid")
            msgstr, field = _unquote(rest.strip(), where), "msgstr"
        elif keyword in ("msgctxt", "msgid_plural") or keyword.startswith("msgstr["):
            raise PoError(f"{where}: {keyword} is not used in this catalogue")
        elif line.startswith('"'):
            if field == "msgid" and msgid is not None:
                msgid += _unquote(line, where)
            elif field == "msgstr" and msgstr is not None:
                msgstr += _unquote(line, where)
            else:
                raise PoError(f"{where}: a string outside an entry")
        else:
            raise PoError(f"{where}: cannot read {line[:40]!r}")
    close()
    return entries


def read_po(path: Path | str) -> dict[str, str]:
    """The entries of a `.po` file, msgid -> msgstr (the header under "")."""
    path = Path(path)
    return parse_po(path.read_text(encoding="utf-8-sig"), str(path))


def messages(entries: Mapping[str, str]) -> dict[str, str]:
    """The entries without the header."""
    return {k: v for k, v in entries.items() if k}


def compile_mo(entries: Mapping[str, str]) -> bytes:
    """The `.mo` file of the entries (GNU format, little-endian, no hash table), as `msgfmt`
    writes it; `gettext.GNUTranslations` reads it."""
    pairs = sorted((k.encode("utf-8"), v.encode("utf-8")) for k, v in entries.items())
    count = len(pairs)
    ids_at = 7 * 4
    strs_at = ids_at + count * 8
    data_at = strs_at + count * 8
    ids, strs, blob = [], [], bytearray()
    for key, _ in pairs:
        ids.append((len(key), data_at + len(blob)))
        blob += key + b"\0"
    for _, value in pairs:
        strs.append((len(value), data_at + len(blob)))
        blob += value + b"\0"
    head = struct.pack("<7I", MO_MAGIC, 0, count, ids_at, strs_at, 0, data_at)
    table = b"".join(struct.pack("<2I", n, at) for n, at in ids + strs)
    return head + table + bytes(blob)


def compile_file(po: Path | str, mo: Path | str) -> Path:
    """Compile one `.po` file into a `.mo` file; returns the `.mo` path."""
    mo = Path(mo)
    mo.parent.mkdir(parents=True, exist_ok=True)
    mo.write_bytes(compile_mo(read_po(po)))
    return mo


def compile_dir(source: Path | str, out: Path | str) -> list[Path]:
    """Compile every `*.po` of `source` into `out` (same stem, `.mo`)."""
    return [compile_file(po, Path(out) / f"{po.stem}.mo")
            for po in sorted(Path(source).glob("*.po"))]


def _quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
               .replace("\r", "\\r").replace("\n", "\\n"))
    return f'"{escaped}"'


def _wrapped(keyword: str, text: str, width: int = 96) -> list[str]:
    """`keyword "text"`, split over lines at newlines, or at spaces when too long."""
    if "\n" in text.rstrip("\n"):
        pieces = text.splitlines(keepends=True)
    elif len(keyword) + len(_quote(text)) + 1 <= width:
        return [f"{keyword} {_quote(text)}"]
    else:
        words, pieces, current = text.split(" "), [], ""
        for i, word in enumerate(words):
            piece = word + (" " if i < len(words) - 1 else "")
            if current and len(current) + len(piece) > width - 4:
                pieces.append(current)
                current = ""
            current += piece
        pieces.append(current)
    return [f'{keyword} ""'] + [_quote(p) for p in pieces]


def format_po(entries: Iterable[tuple[str, str, str]], language: str, title: str) -> str:
    """A `.po` text: the header for `language`, then each (comment, msgid, msgstr); a comment
    starting a new group is written as a `#.` line before its entry ("" writes none)."""
    header = "".join(f"{f}\n" for f in (*HEADER_FIELDS, f"Language: {language}"))
    out = [f"# {title}", 'msgid ""', *_wrapped("msgstr", header), ""]
    for comment, key, value in entries:
        if comment:
            out.extend(f"#. {line}" for line in comment.splitlines())
        out.extend(_wrapped("msgid", key))
        out.extend(_wrapped("msgstr", value))
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Compile resources/i18n/*.po into the folder given (build.spec does this for the bundle;
    a source checkout needs no `.mo`: the runtime compiles the `.po` in memory)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m gepnet_desktop.po OUT_DIR", file=sys.stderr)
        return 2
    source = Path(__file__).resolve().parent.parent / "resources" / "i18n"
    for mo in compile_dir(source, args[0]):
        print(mo)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
