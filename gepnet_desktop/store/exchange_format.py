"""The exchange file formats, JSON and CSV: writing cases, reading records back.

JSON: a list of case objects (case-fields.md) with the store's keys uuid, revision, created_at,
updated_at and who_grade; one case per line, ordered by case code.
CSV: one row per case with the same keys as columns; `comorbidities` as values separated by ";",
`lines` as a JSON list of line objects in one cell; an empty cell is null (unknown).
Exported with deleted cases, every record also has `deleted_at` (null when not deleted), last.
Tumour-board decisions (issue 12) travel with their case: in JSON a `board_decisions` list after
`lines` on the cases that have any, in CSV a `board_decisions` column after `lines` (a JSON list
in one cell) when the file holds any; files without them (contract 1 and 2) read unchanged.
A line object has the keys of case/fields.py's LINE_FIELDS, `progression_date` (contract 2)
included, null when not recorded; a file of contract 1, whose lines have no such key, reads
unchanged (the date is simply not recorded).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..case import CASE_FIELDS, Case
from ..case.fields import DECISIONS_KEY, META_KEYS
from ..json_stream import JsonItems, JsonLines
from .errors import ImportFailed, RecordProblem, StoreError

FORMATS = ("json", "csv")
CSV_COLUMNS: tuple[str, ...] = (*META_KEYS, *(f.key for f in CASE_FIELDS), "lines")
DELETED_KEY = "deleted_at"  # in files exported with deleted cases: when the case was deleted
_KINDS = {f.key: f.kind for f in CASE_FIELDS} | {
    "uuid": "text", "revision": "int", "created_at": "text", "updated_at": "text",
    "who_grade": "text", "lines": "lines", DECISIONS_KEY: "json_list", DELETED_KEY: "text"}
StoredCase = tuple[Case, "str | None"]  # a case and its deleted_at
# A case's board decisions as exchange objects, by case uuid (none: the file carries none).
DecisionsOf = Callable[[str], list[dict[str, Any]]]
_INT = re.compile(r"[+-]?\d+")
CSV_ENCODING = "utf-8-sig"  # with a byte-order mark, so spreadsheet programs read Korean right


def format_for(path: Path, fmt: str | None) -> str:
    """The exchange format: `fmt` if given, else from the file's suffix (.csv, else json)."""
    if fmt is None:
        return "csv" if path.suffix.lower() == ".csv" else "json"
    if fmt not in FORMATS:
        raise StoreError(f"format: {fmt!r} is not an exchange format; allowed: json, csv.")
    return fmt


# --- writing -----------------------------------------------------------------------------------
def record_dict(case: Case, deleted_at: str | None, with_deleted: bool,
                decisions: DecisionsOf | None = None, *, column: bool = False
                ) -> dict[str, Any]:
    """The exchange object of a stored case; `with_deleted` adds its deleted_at (last);
    `decisions` its board decisions after `lines` (when it has any, or always with `column`)."""
    data = case.to_dict(meta=True)
    if decisions is not None:
        found = decisions(case.uuid or "")
        if found or column:
            data[DECISIONS_KEY] = found
    if with_deleted:
        data[DELETED_KEY] = deleted_at
    return data


def write_json(fh: IO[str], cases: Iterable[StoredCase], with_deleted: bool = False,
               decisions: DecisionsOf | None = None) -> int:
    """Write the cases as a JSON list, one object per line; returns how many."""
    n = 0
    for case, deleted_at in cases:
        fh.write("[\n" if n == 0 else ",\n")
        fh.write(json.dumps(record_dict(case, deleted_at, with_deleted, decisions),
                            ensure_ascii=False))
        n += 1
    fh.write("\n]\n" if n else "[]\n")
    return n


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key in ("lines", DECISIONS_KEY):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if key == "comorbidities":
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return json.dumps(value)
    return str(value)


def write_csv(fh: IO[str], cases: Iterable[StoredCase], with_deleted: bool = False,
              decisions: DecisionsOf | None = None) -> int:
    """Write the header row and one row per case; returns how many cases. With `decisions`,
    a board_decisions column follows lines (an empty cell: none)."""
    columns: tuple[str, ...] = (*CSV_COLUMNS, DECISIONS_KEY) if decisions else CSV_COLUMNS
    columns = (*columns, DELETED_KEY) if with_deleted else columns
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(columns)
    n = 0
    for case, deleted_at in cases:
        data = record_dict(case, deleted_at, with_deleted, decisions)
        writer.writerow([_cell(key, data.get(key)) for key in columns])
        n += 1
    return n


# --- reading -----------------------------------------------------------------------------------
Record = tuple[str, Any, list[RecordProblem]]  # position, object, problems found while parsing


class Records:
    """The records of an exchange file, read one at a time (memory stays flat whatever the
    file's size), each with its position ("record 3", "row 4"); `done` counts the bytes read
    of `size`. Close it (or use it in a `with`) when done."""

    def __init__(self, path: Path, fmt: str, *, by_lines: bool = False) -> None:
        self.path, self.fmt, self.by_lines = path, fmt, by_lines
        try:
            self._fh = path.open("rb")
            self.size = os.fstat(self._fh.fileno()).st_size
        except FileNotFoundError:
            raise StoreError(f"{path}: no such file; give the path of a JSON or CSV export.") \
                from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
        self._json: JsonItems | JsonLines | None = None
        self._csv_read = 0

    @property
    def done(self) -> int:
        return min(self._json.read if self._json else self._csv_read, self.size)

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def __iter__(self) -> Iterator[Record]:
        try:
            if self.fmt == "json":
                yield from self._json_records()
            else:
                yield from _csv_records(self.path, self._lines())
        except UnicodeDecodeError:
            raise StoreError(f"{self.path}: is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in "
                             "a spreadsheet program) and import again.") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot be read ({exc.strerror or exc}).") from None

    def _json_records(self) -> Iterator[Record]:
        if self.by_lines:  # NotLineShaped for a file laid out otherwise: read it again
            self._json = JsonLines(self._fh)
            for i, text in enumerate(self._json, start=1):
                yield (f"record {i}", text, [])
            return
        self._json = JsonItems(self._fh)
        try:
            for i, item in enumerate(self._json, start=1):
                yield (f"record {i}", item, [])
        except json.JSONDecodeError as exc:
            raise StoreError(f"{self.path}: is not valid JSON (line {exc.lineno}, column "
                             f"{exc.colno}: {exc.msg}).") from None
        except UnicodeDecodeError:
            raise
        except (ValueError, RecursionError):  # a number of thousands of digits, deep nesting
            raise StoreError(f"{self.path}: holds a number too long or nesting too deep to "
                             "read; an export has numbers of a few digits and at most four "
                             "levels (a list of cases, their lines).") from None

    def _lines(self) -> Iterator[str]:
        """The file's lines as text (line ends kept, for the CSV reader), counted in bytes."""
        first = True
        for raw in self._fh:
            self._csv_read += len(raw)
            text = raw.decode("utf-8")
            if first:
                text, first = text.removeprefix("\ufeff"), False
            yield text


def read_records(path: Path, fmt: str, *, by_lines: bool = False) -> Records:
    """The records of an exchange file, streamed (see Records); `by_lines`: a JSON file's
    records as undecoded text, one a line (JsonLines; NotLineShaped when it is laid out
    otherwise)."""
    return Records(path, fmt, by_lines=by_lines)


def _csv_records(path: Path, lines: Iterator[str]) -> Iterator[Record]:
    rows = csv.reader(lines, strict=True)
    numbered = _numbered_rows(rows)
    try:
        _, header = next(numbered)
    except StopIteration:
        raise StoreError(f"{path}: is empty; a CSV export starts with a header row.") from None
    except _MalformedRow as exc:
        raise ImportFailed(str(path), [exc.problem]) from None
    allowed = (*CSV_COLUMNS, DECISIONS_KEY, DELETED_KEY)
    bad = [RecordProblem("row 1", None, col, "unknown column; allowed columns are "
                         + ", ".join(allowed)) for col in header if col not in allowed]
    bad += [RecordProblem("row 1", None, col, "the column appears twice")
            for i, col in enumerate(header) if col in header[:i]]
    if "case_code" not in header:
        bad.append(RecordProblem("row 1", None, "case_code", "the column is missing; it is "
                                 "required"))
    if bad:
        raise ImportFailed(str(path), bad)
    try:
        for number, row in numbered:
            if any(cell.strip() for cell in row):
                yield _csv_record(f"row {number}", header, row)
    except _MalformedRow as exc:  # the rest of the file cannot be read
        raise ImportFailed(str(path), [exc.problem]) from None


class _MalformedRow(Exception):
    """A row the CSV reader cannot split into cells (a quote not closed, text after one)."""

    def __init__(self, number: int, first_line: int, last_line: int, exc: csv.Error) -> None:
        text = str(exc)
        if "end of data" in text:
            detail = ("a quote opened in it is never closed, so the rest of the file would be "
                      "one cell")
        elif "expected after" in text:
            detail = "a closing quote is followed by more text instead of a comma"
        else:
            detail = text
        lines = f"line {first_line}" if last_line <= first_line else \
            f"lines {first_line}-{last_line}"
        self.problem = RecordProblem(
            f"row {number}", None, "row", f"is not well-formed CSV ({lines}: {detail}); "
            "allowed: a cell as it is, or in double quotes with each quote inside it written "
            "twice (\"\"), as export writes it")
        super().__init__(self.problem.message)


def _numbered_rows(rows: Any) -> Iterator[tuple[int, list[str]]]:
    """The rows of a csv.reader with their numbers (the header is row 1); _MalformedRow for a
    row that cannot be read."""
    number = 0
    while True:
        number += 1
        first_line = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _MalformedRow(number, first_line, rows.line_num, exc) from None
        yield number, row


def _csv_record(position: str, header: list[str], row: list[str]) -> Record:
    """One data row as a record, with the problems of its cells."""
    if len(row) != len(header):
        return (position, None, [RecordProblem(
            position, None, "row", f"has {len(row)} cells but the header has "
            f"{len(header)}; allowed: one cell per column (quote cells holding commas)")])
    obj: dict[str, Any] = {}
    problems: list[RecordProblem] = []
    for key, cell in zip(header, row, strict=True):
        obj[key] = _parse_cell(key, cell, position, problems)
    code = obj.get("case_code")
    problems = [RecordProblem(p.position, code if isinstance(code, str) else None,
                              p.field, p.message) for p in problems]
    return (position, obj, problems)


def _parse_cell(key: str, cell: str, position: str, problems: list[RecordProblem]) -> Any:
    """A typed value from a CSV cell; a cell that does not parse stays text, so validation
    names the field and what is allowed."""
    kind = _KINDS[key]
    if kind == "json_list":
        if not cell.strip():
            return None
        try:
            return json.loads(cell)
        except json.JSONDecodeError as exc:
            problems.append(RecordProblem(position, None, key, f"is not valid JSON ({exc.msg}); "
                                          "allowed: a JSON list of decision objects, as "
                                          "written by export"))
            return None
    if kind == "lines":
        if not cell.strip():
            return []
        try:
            return json.loads(cell)
        except json.JSONDecodeError as exc:
            problems.append(RecordProblem(position, None, "lines", f"is not valid JSON "
                                          f"({exc.msg}); allowed: a JSON list of line objects, "
                                          "as written by export"))
            return []
        except (ValueError, RecursionError):
            problems.append(RecordProblem(position, None, "lines", "holds a number too long or "
                                          "nesting too deep to read; allowed: a JSON list of "
                                          "line objects, as written by export"))
            return []
    if kind == "enum_list":
        return [v.strip() for v in cell.split(";") if v.strip()]
    if cell == "":
        return None
    if kind in ("int", "number"):
        text = cell.strip()
        if _INT.fullmatch(text):
            try:
                return int(text)
            except ValueError:  # thousands of digits: left as text, which validation refuses
                return cell
        try:
            return float(text)
        except ValueError:
            return cell
    if kind == "bool":
        return {"true": True, "false": False}.get(cell.strip().lower(), cell)
    return cell


__all__ = ["CSV_COLUMNS", "CSV_ENCODING", "DELETED_KEY", "FORMATS", "Record", "Records",
           "StoredCase",
           "format_for", "read_records", "record_dict", "write_csv", "write_json"]
