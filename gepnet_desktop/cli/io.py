"""Reading and writing the files commands take: JSON from a path or standard input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

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


def print_json(data: Any) -> None:
    """Print JSON to standard output, UTF-8, indented."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
