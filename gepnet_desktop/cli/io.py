"""Reading and writing the files commands take: JSON from a path or standard input."""

from __future__ import annotations

import io
import json
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..json_stream import JsonItems
from .errors import CliError


def read_json(source: str) -> Any:
    """Parse JSON from a file, or from standard input for '-'; a CliError names the problem."""
    name = "standard input" if source == "-" else source
    try:
        raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"{name}: no such file; give the path of a JSON file, or - for standard "
                       "input") from None
    except IsADirectoryError:
        raise CliError(f"{name}: is a folder; give the path of a JSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise CliError(f"{name}: cannot be read ({reason})") from None
    try:
        return json.loads(raw.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise CliError(f"{name}: is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                       f"{exc.msg})") from None
    except (ValueError, RecursionError):  # a number of thousands of digits, nesting too deep
        raise CliError(f"{name}: holds a number too long or nesting too deep to read; a case "
                       "file has plain numbers and at most a few levels") from None


@contextmanager
def open_source(source: str) -> Iterator[IO[bytes]]:
    """The bytes of a file, or of standard input for '-'; a CliError names the problem."""
    name = "standard input" if source == "-" else source
    if source == "-":  # a replaced stdin (tests, embedding) may have no byte buffer
        buffer = getattr(sys.stdin, "buffer", None)
        yield buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode("utf-8"))
        return
    try:
        fh = open(source, "rb")  # noqa: SIM115 - closed below, after the caller is done
    except FileNotFoundError:
        raise CliError(f"{name}: no such file; give the path of a JSON file, or - for standard "
                       "input") from None
    except IsADirectoryError:
        raise CliError(f"{name}: is a folder; give the path of a JSON file") from None
    except OSError as exc:
        raise CliError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    with fh:
        yield fh


def json_items(source: str) -> Iterator[tuple[JsonItems, Any]]:
    """The cases of a JSON file one at a time (the items of a list, or its one object), each
    with the reader (whose `is_list` says which); a CliError names a problem of the file."""
    name = "standard input" if source == "-" else source
    with open_source(source) as fh:
        items = JsonItems(fh)
        try:
            for item in items:
                yield items, item
        except json.JSONDecodeError as exc:
            raise CliError(f"{name}: is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                           f"{exc.msg})") from None
        except UnicodeDecodeError:
            raise CliError(f"{name}: cannot be read (it is not UTF-8 text)") from None
        except (ValueError, RecursionError):
            raise CliError(f"{name}: holds a number too long or nesting too deep to read; a "
                           "case file has plain numbers and at most a few levels") from None
        except OSError as exc:
            raise CliError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def json_piece(item: Any, first: bool) -> str:
    """One item of a JSON list as `print_json` writes the list (after "[" or a comma)."""
    text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return ("[\n  " if first else ",\n  ") + text


def print_json(data: Any) -> None:
    """Print JSON to standard output, UTF-8, indented."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def stream_json(items: Iterable[Any]) -> int:
    """Print a JSON array to standard output one item at a time, as `print_json` would lay it
    out (the first item is printed before the last is read); the number printed."""
    n = 0
    for item in items:
        sys.stdout.write(("[\n" if n == 0 else ",\n") +
                         textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "  "))
        n += 1
    sys.stdout.write("\n]\n" if n else "[]\n")
    return n


def terminal_progress(lang: str) -> Callable[[int, int], bool] | None:
    """A progress callback that shows "recomputing ... done of total" on standard error when
    it is a terminal (None otherwise: scripts and pipes see nothing)."""
    if not sys.stderr.isatty():
        return None
    from ..i18n import tr

    def show(done: int, total: int) -> bool:
        sys.stderr.write("\r" + tr("cli.refreshing", lang, done=done, total=total))
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
        return True

    return show
