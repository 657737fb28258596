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
        raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{name}: no such file; give the path of a JSON file, or - for standard "
                       "input") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise CliError(f"{name}: cannot be read ({reason})") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CliError(f"{name}: is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                       f"{exc.msg})") from None


def print_json(data: Any) -> None:
    """Print JSON to standard output, UTF-8, indented."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
