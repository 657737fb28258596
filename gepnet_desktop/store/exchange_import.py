"""Importing an exchange file: all or nothing, known uuids matched by revision.

See `import_cases` for the rules; the README's "Exchange files" section for the table.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid as uuidlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..case import Case
from ..case.decision import BoardDecision, validate_decision
from ..case.fields import DECISIONS_KEY
from ..case.validation import SURROGATE, validate_case
from ..i18n import tr
from . import audit, ids
from .bulk import BulkInserts, drop_secondary_indexes, large_against, recreate
from .cases import Store, now
from .db import write_transaction
from .decisions import get_decision
from .decisions import insert as insert_decision
from .decisions import replace_content as replace_decision
from .errors import Cancelled, DuplicateCodeError, ImportFailed, RecordProblem
from .exchange_format import DELETED_KEY, format_for, read_records
from .guard import resident_number_errors
from .progress import Progress, keep_going
from .rows import content

log = logging.getLogger(__name__)


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
    # replaced by a newer revision, but deleted in this database: they stay deleted (hidden)
    replaced_still_deleted: list[RecordNote] = field(default_factory=list)
    # marked deleted in the file, but not in this database: they stay in its list
    deleted_elsewhere: list[RecordNote] = field(default_factory=list)
    # tumour-board decisions carried by the records (issue 12)
    decisions_read: int = 0
    decisions_added: int = 0
    decisions_replaced: int = 0
    decisions_unchanged: int = 0
    decisions_skipped: int = 0

    def summary(self, lang: str = "en") -> str:
        """A sentence or a few for the user, in `lang`."""
        text = tr("store.import.summary", lang, source=self.source, total=self.total,
                  added=self.added, replaced=self.replaced,
                  still_deleted=len(self.replaced_still_deleted), unchanged=self.unchanged,
                  skipped=len(self.skipped_older), conflicts=len(self.conflicts))
        if self.decisions_read:
            text += " " + tr("store.import.decisions", lang, read=self.decisions_read,
                             added=self.decisions_added, replaced=self.decisions_replaced,
                             unchanged=self.decisions_unchanged, skipped=self.decisions_skipped)
        for notes, head in ((self.conflicts, "store.import.head_conflicts"),
                            (self.replaced_still_deleted, "store.import.head_still_deleted"),
                            (self.deleted_elsewhere, "store.import.head_deleted_elsewhere")):
            if notes:
                text += f"\n{tr(head, lang)}\n" + "\n".join(f"  {n}" for n in notes)
        return text


# --- import ------------------------------------------------------------------------------------
def import_cases(store: Store, path: str | Path, progress: Progress | None = None,
                 fmt: str | None = None) -> ImportReport:
    """Import an exchange file, all or nothing.

    Every record is validated; any invalid record (or a case code already used by another
    case) means nothing is written, and ImportFailed lists every problem with its record or
    row, case code and field. A record without uuid is a new case. A known uuid: a higher
    revision replaces the stored case, a lower one is skipped, the same revision with the same
    content is left as it is, and with different content is a conflict: reported, not applied.
    A record's `deleted_at` (files exported with deleted cases) is kept for a case new to the
    database; a known case keeps the database's deleted state (an import never deletes or
    restores one): a newer revision of a case deleted here replaces its content and is
    reported as replaced but still deleted, and a record deleted in the file but not here is
    reported as deleted elsewhere. The file is read one record at a time, each checked and
    written as it comes inside the one transaction (new cases in batches), so memory stays flat;
    the WAL is truncated after the commit. A file likely holding at least as many cases as the
    database is written without the secondary indexes, built again before the commit.
    `progress(done, total)` counts the bytes of the file read (total: its size, reached when
    the work is done); returning False cancels, and nothing is written.
    """
    path = Path(path).expanduser().resolve()
    report = ImportReport(source=str(path))
    problems: list[RecordProblem] = []
    seen = _Seen()
    with read_records(path, format_for(path, fmt)) as records, write_transaction(store.db):
        dropped = drop_secondary_indexes(store.db) if large_against(store.db, records.size) \
            else []
        bulk = BulkInserts(store)
        try:
            for position, obj, parse_problems in records:
                report.total += 1
                _one_record(store, bulk, position, obj, parse_problems, seen, report, problems)
                _tick(progress, report.total, records.done, records.size)
        except ImportFailed as exc:  # a CSV row that cannot be read: the rest neither
            problems += exc.problems
        if problems:
            raise ImportFailed(str(path), sorted(problems, key=_problem_sort_key))
        bulk.flush()
        recreate(store.db, dropped)
        if not keep_going(progress, records.size, records.size):
            raise Cancelled("The import was cancelled; nothing was written.")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL gives its space back
    if progress is not None:
        progress(records.size, records.size)  # after the commit: a late "cancel" changes nothing
    log.info("import: %d added, %d replaced (%d still deleted), %d unchanged, %d skipped, "
             "%d conflicts", report.added, report.replaced, len(report.replaced_still_deleted),
             report.unchanged, len(report.skipped_older), len(report.conflicts))
    return report


@dataclass
class _Seen:
    """What the records read so far used: uuids and codes (each with the number of the record
    that used it first) and board decisions' uuids."""

    kind: str = "record"
    uuids: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)


def _one_record(store: Store, bulk: BulkInserts, position: str, obj: Any,
                parse_problems: list[RecordProblem], seen: _Seen, report: ImportReport,
                problems: list[RecordProblem]) -> None:
    """Check one record and write it (once a problem was found nothing will be committed, but
    every record is still checked, so that every problem is reported)."""
    problems += parse_problems
    if parse_problems:
        return
    obj, deleted_at = _take_deleted_at(position, obj, problems)
    obj, decisions = _take_decisions(position, obj, problems, seen.decisions)
    case = _validate_record(position, obj, problems)
    if case is None or not _fits_store(position, case, problems) or \
            not _unique_in_file(position, case, seen, problems):
        return
    try:
        case_uuid = _apply(store, bulk, position, case, deleted_at, report)
        if decisions:
            bulk.flush()
            _apply_decisions(store, position, case, case_uuid, decisions, report, problems)
    except DuplicateCodeError as exc:
        problems.append(RecordProblem(position, case.case_code, "case_code",
                                      str(exc).removeprefix("case_code: ")))


def _problem_sort_key(problem: RecordProblem) -> tuple[int, str]:
    """Problems in file order: by record or row number, then field."""
    digits = problem.position.rsplit(" ", 1)[-1]
    return (int(digits) if digits.isdigit() else 0, problem.field)


def _tick(progress: Progress | None, count: int, done: int, total: int) -> None:
    """Every 200 records: the bytes read so far, short of the end until the commit."""
    if count % 200 == 0 and not keep_going(progress, min(done, max(total - 1, 0)), total):
        raise Cancelled("The import was cancelled; nothing was written.")


def _take_deleted_at(position: str, obj: Any, problems: list[RecordProblem]
                     ) -> tuple[Any, str | None]:
    """The record without its deleted_at, and that value (checked: None or a date and time)."""
    if not isinstance(obj, dict) or DELETED_KEY not in obj:
        return obj, None
    obj = dict(obj)
    value = obj.pop(DELETED_KEY)
    if value is None or (isinstance(value, str) and _is_time(value)):
        return obj, value
    code = obj.get("case_code")
    problems.append(RecordProblem(
        position, code if isinstance(code, str) else None, DELETED_KEY,
        f"{value!r} is not a date and time; allowed: empty or null (the case is not deleted), "
        "or an ISO 8601 date and time such as 2024-05-01T09:30:00.000+00:00, as export "
        "writes it"))
    return obj, None


def _is_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return "T" in text or " " in text


def _validate_record(position: str, obj: Any, problems: list[RecordProblem]) -> Case | None:
    result = validate_case(obj, require_code=True)
    refused = resident_number_errors(result.warnings)
    if result.ok and result.case is not None and not refused:
        return result.case
    code = obj.get("case_code") if isinstance(obj, dict) else None
    code = code if isinstance(code, str) and not refused and not SURROGATE.search(code) \
        else None  # never repeat such a code (nor one that is not text)
    problems += [RecordProblem(position, code, p.field, p.message)
                 for p in [*result.errors, *refused]]
    return None


MAX_REVISION = 2**53  # saved again and again, a revision stays exact in any JSON reader


def _fits_store(position: str, case: Case, problems: list[RecordProblem]) -> bool:
    """What the store needs beyond a valid record: a canonical UUID (lower case, with hyphens,
    as export writes it) and a revision from 1 to 2^53, so the case can be saved again."""
    ok = True
    if case.uuid is not None:
        try:
            canonical = str(uuidlib.UUID(case.uuid))
        except ValueError:
            canonical = None
        if canonical != case.uuid:
            shown = case.uuid if len(case.uuid) <= 40 else f"{case.uuid[:37]}..."
            problems.append(RecordProblem(
                position, case.case_code, "uuid", f"{shown!r} is not a UUID as the program "
                "writes it; allowed: 36 characters such as 0f6c1a52-3b9e-4f3e-9a51-"
                "2d3c4b5a6f70 (lower case), or null for a new case"))
            ok = False
    if case.revision is not None and not 1 <= case.revision <= MAX_REVISION:
        problems.append(RecordProblem(
            position, case.case_code, "revision", f"a revision of {len(str(case.revision))} "
            f"digits is out of range; allowed: a whole number from 1 to 2^53 "
            f"({MAX_REVISION:,}), or null for a new case"))
        ok = False
    return ok


def _unique_in_file(position: str, case: Case, seen: _Seen,
                    problems: list[RecordProblem]) -> bool:
    kind, _, number = position.rpartition(" ")
    seen.kind = kind
    ok = True
    if case.uuid is not None:
        if case.uuid in seen.uuids:
            problems.append(RecordProblem(position, case.case_code, "uuid", "the same uuid as "
                                          f"{kind} {seen.uuids[case.uuid]}; each case may "
                                          "appear once"))
            ok = False
        seen.uuids.setdefault(case.uuid, int(number))
    code = case.case_code or ""
    if code in seen.codes:
        problems.append(RecordProblem(position, case.case_code, "case_code", "the same case "
                                      f"code as {kind} {seen.codes[code]}; case codes are "
                                      "unique"))
        ok = False
    seen.codes.setdefault(code, int(number))
    return ok


def _take_decisions(position: str, obj: Any, problems: list[RecordProblem],
                    seen: dict[str, str]) -> tuple[Any, list[BoardDecision]]:
    """The record without its board_decisions, and those decisions, validated (each problem
    named `board_decisions[N].field`)."""
    if not isinstance(obj, dict) or DECISIONS_KEY not in obj:
        return obj, []
    obj = dict(obj)
    raw = obj.pop(DECISIONS_KEY)
    code = obj.get("case_code")
    code = code if isinstance(code, str) else None
    if raw is None:
        return obj, []
    if not isinstance(raw, list):
        problems.append(RecordProblem(position, code, DECISIONS_KEY, "is not a list; allowed: "
                                      "a list of board decision objects, as export writes it"))
        return obj, []
    out: list[BoardDecision] = []
    for i, item in enumerate(raw, start=1):
        result = validate_decision(item, path=f"{DECISIONS_KEY}[{i}].")
        problems += [RecordProblem(position, code, p.field, p.message) for p in result.errors]
        d = result.decision
        if d is None:
            continue
        if d.uuid is not None:
            if d.uuid in seen:
                problems.append(RecordProblem(position, code, f"{DECISIONS_KEY}[{i}].uuid",
                                              f"the same uuid as a decision of {seen[d.uuid]}; "
                                              "each decision may appear once"))
                continue
            seen[d.uuid] = position
        out.append(d)
    return obj, out


def _apply_decisions(store: Store, position: str, case: Case, case_uuid: str,
                     decisions: list[BoardDecision], report: ImportReport,
                     problems: list[RecordProblem]) -> None:
    """Write a record's board decisions, matched on their uuid like cases (a new uuid is added;
    a higher revision replaces, a lower one is skipped; the same revision with other content
    is a conflict). A known decision keeps the database's deleted state."""
    for i, d in enumerate(decisions, start=1):
        report.decisions_read += 1
        stored = get_decision(store, d.uuid) if d.uuid else None
        if stored is None:
            stamp = now()
            new = d.with_changes(uuid=d.uuid or ids.new_uuid(), case_uuid=case_uuid,
                                 revision=d.revision or 1, created_at=d.created_at or stamp,
                                 updated_at=d.updated_at or d.created_at or stamp)
            insert_decision(store, new, action="decision_import")
            report.decisions_added += 1
            continue
        if stored.case_uuid != case_uuid:
            problems.append(RecordProblem(position, case.case_code, f"{DECISIONS_KEY}[{i}].uuid",
                                          "a decision with this uuid belongs to another case in "
                                          "this database; give it no uuid to add it as new"))
            continue
        revision, stored_revision = d.revision or 1, stored.revision or 0
        if revision < stored_revision:
            report.decisions_skipped += 1
        elif revision == stored_revision:
            if d.content() == stored.content():
                report.decisions_unchanged += 1
            else:
                report.conflicts.append(RecordNote(
                    position, case.case_code, case_uuid, f"board decision {i}: the file and the "
                    f"database both hold revision {revision} of it with different contents; "
                    "not applied. Compare the two and correct it by hand"))
        else:
            new = d.with_changes(uuid=stored.uuid, case_uuid=case_uuid, revision=revision,
                                 created_at=d.created_at or stored.created_at,
                                 updated_at=d.updated_at or now())
            replace_decision(store, stored, new, action="decision_import")
            report.decisions_replaced += 1


def _apply(store: Store, bulk: BulkInserts, position: str, case: Case,
           deleted_at: str | None, report: ImportReport) -> str:
    """Write one valid record inside the import's transaction (see import_cases); returns
    the case's uuid in the database. A new case is buffered in `bulk`; anything else flushes
    it first."""
    stored, stored_deleted_at = None, None
    if case.uuid is not None:
        found = store.db.execute("SELECT 1 FROM cases WHERE uuid = ?", (case.uuid,)).fetchone()
        if found:
            bulk.flush()
            stored, stored_deleted_at = store._load_for_write(case.uuid, case.case_code)
    revision = case.revision or 1
    if stored is None:
        new_uuid = case.uuid or ids.new_uuid()
        stamp = now()
        created = case.created_at or stamp
        store._check_code_free(case.case_code, None)  # in-file repeats: _unique_in_file
        bulk.add(case, uuid=new_uuid, revision=revision, created_at=created,
                 updated_at=case.updated_at or created, deleted_at=deleted_at, at=stamp)
        report.added += 1
        return new_uuid
    stored_revision = stored.revision or 0
    if revision < stored_revision:
        report.skipped_older.append(RecordNote(
            position, case.case_code, case.uuid, f"revision {revision} is older than the "
            f"database's revision {stored_revision}; skipped"))
        return stored.uuid or ""
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
        return stored.uuid or ""
    store._check_code_free(case.case_code, case.uuid)
    store._replace(case, uuid=case.uuid or "", revision=revision,
                   updated_at=case.updated_at or now(),
                   created_at=case.created_at or stored.created_at)
    audit.record(store.db, at=now(), user=store.user, case_uuid=case.uuid or "",
                 action="import", revision=revision, changes=changes,
                 clinician=store.clinician)
    if stored_deleted_at is not None:
        report.replaced_still_deleted.append(RecordNote(
            position, case.case_code, case.uuid, f"revision {revision} replaced the stored "
            f"one, but the case was deleted in this database ({stored_deleted_at}) and stays "
            "deleted"))
        return stored.uuid or ""
    report.replaced += 1
    if deleted_at is not None:
        report.deleted_elsewhere.append(RecordNote(
            position, case.case_code, case.uuid, f"revision {revision} replaced the stored "
            f"one; the file marks it deleted ({deleted_at}), this database does not"))
    return stored.uuid or ""


__all__ = ["ImportReport", "RecordNote", "import_cases"]
