"""Exchange files: export and import of cases as JSON or CSV, exactly round-tripping.

JSON: a list of case objects (case-fields.md) with the store's keys uuid, revision, created_at,
updated_at and who_grade; one case per line, ordered by case code.
CSV: one row per case with the same keys as columns; `comorbidities` as values separated by ";",
`lines` as a JSON list of line objects in one cell; an empty cell is null (unknown).
Import is all or nothing; see `import_cases` for the rules on known uuids.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import tempfile
import uuid as uuidlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..case import CASE_FIELDS, Case
from ..case.fields import META_KEYS
from ..case.validation import validate_case
from . import audit
from .cases import CaseQuery, Store, now
from .db import read_transaction, write_transaction
from .errors import Cancelled, DuplicateCodeError, ImportFailed, RecordProblem, StoreError
from .rows import content

log = logging.getLogger(__name__)

Progress = Callable[[int, int], bool]
FORMATS = ("json", "csv")
CSV_COLUMNS: tuple[str, ...] = (*META_KEYS, *(f.key for f in CASE_FIELDS), "lines")
_KINDS = {f.key: f.kind for f in CASE_FIELDS} | {
    "uuid": "text", "revision": "int", "created_at": "text", "updated_at": "text",
    "who_grade": "text", "lines": "lines"}
_INT = re.compile(r"[+-]?\d+")
CSV_ENCODING = "utf-8-sig"  # with a byte-order mark, so spreadsheet programs read Korean right


@dataclass(frozen=True)
class RecordNote:
    """A record that was not applied, and why."""

    position: str
    case_code: str | None
    uuid: str | None
    message: str

    def __str__(self) -> str:
        who = f"{self.position} ({self.case_code})" if self.case_code else self.position
        return f"{who}: {self.message}"


@dataclass
class ImportReport:
    """What an import did."""

    source: str
    total: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped_older: list[RecordNote] = field(default_factory=list)
    conflicts: list[RecordNote] = field(default_factory=list)

    def summary(self) -> str:
        """A sentence or a few for the user."""
        text = (f"{self.source}: {self.total} records read; {self.added} added, "
                f"{self.replaced} replaced by a newer revision, {self.unchanged} already "
                f"present, {len(self.skipped_older)} skipped (older revision than the "
                f"database), {len(self.conflicts)} in conflict (not applied).")
        if self.conflicts:
            text += "\n" + "\n".join(f"  {c}" for c in self.conflicts)
        return text


def format_for(path: Path, fmt: str | None) -> str:
    """The exchange format: `fmt` if given, else from the file's suffix (.csv, else json)."""
    if fmt is None:
        return "csv" if path.suffix.lower() == ".csv" else "json"
    if fmt not in FORMATS:
        raise StoreError(f"format: {fmt!r} is not an exchange format; allowed: json, csv.")
    return fmt


# --- export ------------------------------------------------------------------------------------
def export_cases(store: Store, path: str | Path, fmt: str | None = None,
                 progress: Progress | None = None) -> int:
    """Write every case (not the deleted ones) to `path`; returns how many.

    The file appears only when complete: a cancel (progress returning False) or an error leaves
    no file. Cases are read from one consistent snapshot.
    """
    path = Path(path).expanduser().resolve()
    fmt = format_for(path, fmt)
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give the name of the file to write.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".partial")
    except OSError as exc:
        raise StoreError(f"{path}: cannot be written ({exc.strerror or exc}).") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8" if fmt == "json" else CSV_ENCODING,
                       newline="") as fh, read_transaction(store.db):
            total = store.count(CaseQuery())
            cases = _with_progress(store.iter_cases(), total, progress)
            n = _write_json(fh, cases) if fmt == "json" else _write_csv(fh, cases)
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be written ({exc.strerror or exc}); check the "
                         "folder and free space.") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    log.info("exported %d cases as %s", n, fmt)
    return n


def _with_progress(cases: Iterable[Case], total: int, progress: Progress | None
                   ) -> Iterable[Case]:
    for i, case in enumerate(cases, start=1):
        yield case
        if progress is not None and (i % 100 == 0 or i == total) and \
                progress(i, total) is False:
            raise Cancelled("The export was cancelled; no file was written.")


def _write_json(fh: io.TextIOBase, cases: Iterable[Case]) -> int:
    n = 0
    for case in cases:
        fh.write("[\n" if n == 0 else ",\n")
        fh.write(json.dumps(case.to_dict(meta=True), ensure_ascii=False))
        n += 1
    fh.write("\n]\n" if n else "[]\n")
    return n


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "lines":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if key == "comorbidities":
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return json.dumps(value)
    return str(value)


def _write_csv(fh: io.TextIOBase, cases: Iterable[Case]) -> int:
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for case in cases:
        data = case.to_dict(meta=True)
        writer.writerow([_cell(key, data.get(key)) for key in CSV_COLUMNS])
        n += 1
    return n


# --- reading files -----------------------------------------------------------------------------
Record = tuple[str, Any, list[RecordProblem]]  # position, object, problems found while parsing


def read_records(path: Path, fmt: str) -> list[Record]:
    """The records of an exchange file, each with its position ("record 3", "row 4")."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file; give the path of a JSON or CSV export.") \
            from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StoreError(f"{path}: is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in a "
                         "spreadsheet program) and import again.") from None
    return _json_records(path, text) if fmt == "json" else _csv_records(path, text)


def _json_records(path: Path, text: str) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(f"{path}: is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}).") from None
    items = data if isinstance(data, list) else [data]
    return [(f"record {i}", item, []) for i, item in enumerate(items, start=1)]


def _csv_records(path: Path, text: str) -> list[Record]:
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except StopIteration:
        raise StoreError(f"{path}: is empty; a CSV export starts with a header row.") from None
    except csv.Error as exc:
        raise StoreError(f"{path}: is not readable CSV ({exc}).") from None
    bad = [RecordProblem("row 1", None, col, "unknown column; allowed columns are "
                         + ", ".join(CSV_COLUMNS)) for col in header if col not in CSV_COLUMNS]
    bad += [RecordProblem("row 1", None, col, "the column appears twice")
            for i, col in enumerate(header) if col in header[:i]]
    if "case_code" not in header:
        bad.append(RecordProblem("row 1", None, "case_code", "the column is missing; it is "
                                 "required"))
    if bad:
        raise ImportFailed(str(path), bad)
    records: list[Record] = []
    try:
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            position = f"row {number}"
            if len(row) != len(header):
                records.append((position, None, [RecordProblem(
                    position, None, "row", f"has {len(row)} cells but the header has "
                    f"{len(header)}; allowed: one cell per column (quote cells holding commas)")]))
                continue
            obj: dict[str, Any] = {}
            problems: list[RecordProblem] = []
            for key, cell in zip(header, row, strict=True):
                obj[key] = _parse_cell(key, cell, position, problems)
            code = obj.get("case_code")
            problems = [RecordProblem(p.position, code if isinstance(code, str) else None,
                                      p.field, p.message) for p in problems]
            records.append((position, obj, problems))
    except csv.Error as exc:
        raise StoreError(f"{path}: is not readable CSV ({exc}).") from None
    return records


def _parse_cell(key: str, cell: str, position: str, problems: list[RecordProblem]) -> Any:
    """A typed value from a CSV cell; a cell that does not parse stays text, so validation
    names the field and what is allowed."""
    kind = _KINDS[key]
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
    if kind == "enum_list":
        return [v.strip() for v in cell.split(";") if v.strip()]
    if cell == "":
        return None
    if kind in ("int", "number"):
        text = cell.strip()
        if _INT.fullmatch(text):
            return int(text)
        try:
            return float(text)
        except ValueError:
            return cell
    if kind == "bool":
        return {"true": True, "false": False}.get(cell.strip().lower(), cell)
    return cell


# --- import ------------------------------------------------------------------------------------
def import_cases(store: Store, path: str | Path, progress: Progress | None = None,
                 fmt: str | None = None) -> ImportReport:
    """Import an exchange file, all or nothing.

    Every record is validated; any invalid record (or a case code already used by another
    case) means nothing is written, and ImportFailed lists every problem with its record or
    row, case code and field. A record without uuid is a new case. A known uuid: a higher
    revision replaces the stored case, a lower one is skipped, the same revision with the same
    content is left as it is, and with different content is a conflict: reported, not applied.
    `progress(done, total)` counts validation then writing (total = 2 x records); returning
    False cancels, and nothing is written.
    """
    path = Path(path).expanduser().resolve()
    records = read_records(path, format_for(path, fmt))
    report = ImportReport(source=str(path), total=len(records))
    total = 2 * len(records)
    problems: list[RecordProblem] = []
    valid: list[tuple[str, Case]] = []
    seen_uuid: dict[str, str] = {}
    seen_code: dict[str, str] = {}
    for i, (position, obj, parse_problems) in enumerate(records, start=1):
        problems += parse_problems
        if not parse_problems:
            case = _validate_record(position, obj, problems)
            if case is not None and _unique_in_file(position, case, seen_uuid, seen_code,
                                                    problems):
                valid.append((position, case))
        _tick(progress, i, total, "import")
    with write_transaction(store.db):
        for i, (position, case) in enumerate(valid, start=len(records) + 1):
            try:
                _apply(store, position, case, report)
            except DuplicateCodeError as exc:
                problems.append(RecordProblem(position, case.case_code, "case_code",
                                              str(exc).removeprefix("case_code: ")))
            _tick(progress, i, total, "import")
        if problems:
            raise ImportFailed(str(path), sorted(problems, key=_order))
    if progress is not None:
        progress(total, total)  # after the commit: a late "cancel" changes nothing
    log.info("import: %d added, %d replaced, %d unchanged, %d skipped, %d conflicts",
             report.added, report.replaced, report.unchanged, len(report.skipped_older),
             len(report.conflicts))
    return report


def _order(problem: RecordProblem) -> tuple[int, str]:
    digits = problem.position.rsplit(" ", 1)[-1]
    return (int(digits) if digits.isdigit() else 0, problem.field)


def _tick(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None and (done % 200 == 0 or done == total) and \
            progress(done, total) is False:
        raise Cancelled(f"The {what} was cancelled; nothing was written.")


def _validate_record(position: str, obj: Any, problems: list[RecordProblem]) -> Case | None:
    result = validate_case(obj, require_code=True)
    if result.ok and result.case is not None:
        return result.case
    code = obj.get("case_code") if isinstance(obj, dict) else None
    code = code if isinstance(code, str) else None
    problems += [RecordProblem(position, code, p.field, p.message) for p in result.errors]
    return None


def _unique_in_file(position: str, case: Case, seen_uuid: dict[str, str],
                    seen_code: dict[str, str], problems: list[RecordProblem]) -> bool:
    ok = True
    if case.uuid is not None:
        if case.uuid in seen_uuid:
            problems.append(RecordProblem(position, case.case_code, "uuid", "the same uuid as "
                                          f"{seen_uuid[case.uuid]}; each case may appear once"))
            ok = False
        seen_uuid.setdefault(case.uuid, position)
    code = case.case_code or ""
    if code in seen_code:
        problems.append(RecordProblem(position, case.case_code, "case_code", "the same case "
                                      f"code as {seen_code[code]}; case codes are unique"))
        ok = False
    seen_code.setdefault(code, position)
    return ok


def _apply(store: Store, position: str, case: Case, report: ImportReport) -> None:
    """Write one valid record inside the import's transaction (see import_cases)."""
    stored = None
    if case.uuid is not None:
        found = store.db.execute("SELECT 1 FROM cases WHERE uuid = ?", (case.uuid,)).fetchone()
        if found:
            stored, _deleted = store._load_for_write(case.uuid, case.case_code)
    revision = case.revision or 1
    if stored is None:
        new_uuid = case.uuid or str(uuidlib.uuid4())
        created = case.created_at or now()
        store._check_code_free(case.case_code, None)
        store._insert(case, uuid=new_uuid, revision=revision, created_at=created,
                      updated_at=case.updated_at or created)
        audit.record(store.db, at=now(), user=store.user, case_uuid=new_uuid, action="import",
                     revision=revision, changes=audit.diff(None, content(case)))
        report.added += 1
        return
    stored_revision = stored.revision or 0
    if revision < stored_revision:
        report.skipped_older.append(RecordNote(
            position, case.case_code, case.uuid, f"revision {revision} is older than the "
            f"database's revision {stored_revision}; skipped"))
        return
    changes = audit.diff(content(stored), content(case))
    if revision == stored_revision:
        if changes:
            report.conflicts.append(RecordNote(
                position, case.case_code, case.uuid, f"the file and the database both hold "
                f"revision {revision} of this case with different contents "
                f"({', '.join(changes)}); not applied. Compare the two and save the right "
                "version by hand"))
        else:
            report.unchanged += 1
        return
    store._check_code_free(case.case_code, case.uuid)
    store._replace(case, uuid=case.uuid or "", revision=revision,
                   updated_at=case.updated_at or now(),
                   created_at=case.created_at or stored.created_at)
    audit.record(store.db, at=now(), user=store.user, case_uuid=case.uuid or "",
                 action="import", revision=revision, changes=changes)
    report.replaced += 1


__all__ = ["CSV_COLUMNS", "FORMATS", "ImportReport", "RecordNote", "export_cases",
           "import_cases", "read_records"]
