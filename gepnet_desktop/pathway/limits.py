"""Limits a pathway data file must keep before it is checked at all: its size, how deeply it
nests, how many nodes, edges and options it has, and only finite numbers. A file beyond them
(a 1,500-node chain, nesting a thousand levels deep, NaN in a layout) is refused with one
sentence naming the limit, never an error from deep inside the checks or the drawing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_BYTES = 2_000_000  # the bundled file is 44 kB
MAX_DEPTH = 32  # the bundled file nests 9 levels
MAX_COUNTS = {"nodes": 500, "edges": 2000, "options": 500}  # bundled: 26, 35, 15


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _depth(doc: Any) -> int:
    """How many levels of lists and objects the document nests (without recursion)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, (list, dict)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            stack.extend((v, level + 1) for v in (value.values() if isinstance(value, dict)
                                                  else value))
    return deepest


def limit_problems(path: str | Path) -> list[str]:
    """Sentences for the limits the file at `path` goes beyond (empty: within them). A file
    that cannot be read or parsed is left to the loader's own sentences."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return []
    if size > MAX_BYTES:
        return [f"{path}: the file has {size:,} bytes; a pathway file may have at most "
                f"{MAX_BYTES:,} (the bundled one has about 44,000)"]
    try:
        doc = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except RecursionError:
        return [f"{path}: the file nests lists and objects too deeply to read; a pathway file "
                f"may nest at most {MAX_DEPTH} levels"]
    except ValueError as exc:
        if isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
            return []
        if str(exc) in ("NaN", "Infinity", "-Infinity"):
            return [f"{path}: the file holds {exc}, which is not a number; a pathway file may "
                    "hold only finite numbers (check the layout values)"]
        return [f"{path}: the file holds a number too long to read; a pathway file may hold "
                "only numbers of ordinary size"]
    except OSError:
        return []
    depth = _depth(doc)
    if depth > MAX_DEPTH:
        return [f"{path}: the file nests lists and objects more than {MAX_DEPTH} levels deep; "
                f"a pathway file may nest at most {MAX_DEPTH} (the bundled one nests 9)"]
    problems = []
    if isinstance(doc, dict):
        for key, most in MAX_COUNTS.items():
            section = doc.get(key)
            if isinstance(section, (list, dict)) and len(section) > most:
                problems.append(f"{path}: the file has {len(section):,} {key}; a pathway file "
                                f"may have at most {most:,} {key}")
    return problems


__all__ = ["MAX_BYTES", "MAX_COUNTS", "MAX_DEPTH", "limit_problems"]
