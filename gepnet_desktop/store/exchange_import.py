"""Importing an exchange file: all or nothing, known uuids matched by revision.

See `import_cases` for the rules; the README's "Exchange files" section for the table.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..case import Case
from ..case.decision import BoardDecision, validate_decision
from ..case.fields import DECISIONS_KEY
from ..i18n import tr
from ..json_stream import NotLineShaped
from . import audit, ids
from .bulk import BulkInserts, large_against, put_back, set_aside
from .cases import Store, now
from .db import savepoint, write_transaction
from .decisions import get_decision
from .decisions import insert as insert_decision
from .decisions import replace_content as replace_decision
from .errors import Cancelled, DuplicateCodeError, ImportFailed, RecordProblem
from .exchange_format import format_for, read_records
from .import_records import Prepared, record_case
from .import_workers import prepared_records, worker_count
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
                 fmt: str | None = None, workers: int | None = None) -> ImportReport:
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
    database is written without the secondary indexes and the search text's trigger: the
    indexes are built again and the new cases' text copied in one statement before the commit.
    `progress(done, total)` counts the bytes of the file read (total: its size, reached when
    the work is done); returning False cancels, and nothing is written.
    The records are checked and their rows computed by `workers` worker processes (default:
    by the file's size, none for a small file; import_workers.py), with the same result.
    """
    path = Path(path).expanduser().resolve()
    fmt = format_for(path, fmt)
    with read_records(path, fmt):  # a missing or unreadable file said so before any lock
        pass
    progress = _never_back(progress)
    with write_transaction(store.db):
        try:  # an export's layout first, its records decoded by whoever checks them
            with savepoint(store.db, "import_by_lines"):
                report, size = _import_all(store, path, fmt, progress, workers, by_lines=True)
            layout_known = True
        except NotLineShaped:
            layout_known = False
        if not layout_known:  # another layout: read again, as a whole
            report, size = _import_all(store, path, fmt, progress, workers, by_lines=False)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL gives its space back
    if progress is not None:
        progress(size, size)  # after the commit: a late "cancel" changes nothing
    log.info("import: %d added, %d replaced (%d still deleted), %d unchanged, %d skipped, "
             "%d conflicts", report.added, report.replaced, len(report.replaced_still_deleted),
             report.unchanged, len(report.skipped_older), len(report.conflicts))
    return report


def _import_all(store: Store, path: Path, fmt: str, progress: Progress | None,
                workers: int | None, *, by_lines: bool) -> tuple[ImportReport, int]:
    """Every record of the file checked and written inside the caller's transaction (see
    import_cases); the report and the file's size. `by_lines`: a JSON file as export lays it
    out, else NotLineShaped (nothing is left written by then: the caller's savepoint)."""
    report = ImportReport(source=str(path))
    problems: list[RecordProblem] = []
    seen = _Seen()
    with read_records(path, fmt, by_lines=by_lines and fmt == "json") as records, \
            contextlib.closing(prepared_records(
                records, store.recommend, store.recommend_factory, store.recommend_version,
                worker_count(records.size) if workers is None else workers)) as prepared:
        aside = set_aside(store) if large_against(store.db, records.size) else None
        bulk = BulkInserts(store, problems)
        try:
            for (position, obj, _), prep in prepared:
                if prep.unreadable:
                    raise NotLineShaped
                report.total += 1
                _one_record(store, bulk, position, obj, prep, seen, report, problems)
                _tick(progress, report.total, records.done, records.size)
            bulk.flush()  # the last batch's codes checked too
        except ImportFailed as exc:  # a CSV row that cannot be read: the rest neither
            bulk.check_codes()  # those read before it are still reported in full
            problems += exc.problems
        if problems:
            raise ImportFailed(str(path), sorted(problems, key=_problem_sort_key))
        if aside is not None:
            put_back(store.db, aside)
        if not keep_going(progress, records.size, records.size):
            raise Cancelled("The import was cancelled; nothing was written.")
        return report, records.size


def _never_back(progress: Progress | None) -> Progress | None:
    """`progress` told no less than it was told before (a file read again after a layout it
    could not take line by line starts over, but its progress bar does not)."""
    if progress is None:
        return None
    told = 0

    def forward(done: int, total: int) -> bool:
        nonlocal told
        told = max(told, done)
        return progress(told, total)

    return forward


@dataclass
class _Seen:
    """What the records read so far used: uuids and codes (each with the number of the record
    that used it first) and board decisions' uuids."""

    kind: str = "record"
    uuids: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)


def _one_record(store: Store, bulk: BulkInserts, position: str, obj: Any, prep: Prepared,
                seen: _Seen, report: ImportReport, problems: list[RecordProblem]) -> None:
    """Write one record `prepare` checked, or note its problems (once a problem was found
    nothing will be committed, but every record is still checked, so that every problem is
    reported)."""
    problems += prep.problems
    decisions = _checked_decisions(position, prep, problems, seen.decisions)
    if not prep.valid or not _unique_in_file(position, prep.uuid, prep.code, seen, problems):
        return
    try:
        known = prep.uuid is not None and store.db.execute(
            "SELECT 1 FROM cases WHERE uuid = ?", (prep.uuid,)).fetchone() is not None
        if known:
            bulk.flush()
            case_uuid = _apply_known(store, position, record_case(position, obj),
                                     prep.deleted_at, report)
        else:
            bulk.add(position, prep)
            report.added += 1
            case_uuid = prep.new_uuid
        if decisions:
            bulk.flush()
            if position in bulk.left_out:  # its code is taken (noted): no case to decide on
                return
            _apply_decisions(store, position, prep.code, case_uuid, decisions, report,
                             problems)
    except DuplicateCodeError as exc:
        problems.append(RecordProblem(position, prep.code, "case_code",
                                      str(exc).removeprefix("case_code: ")))


def _problem_sort_key(problem: RecordProblem) -> tuple[int, str]:
    """Problems in file order: by record or row number, then field."""
    digits = problem.position.rsplit(" ", 1)[-1]
    return (int(digits) if digits.isdigit() else 0, problem.field)


def _tick(progress: Progress | None, count: int, done: int, total: int) -> None:
    """Every 200 records: the bytes read so far, short of the end until the commit."""
    if count % 200 == 0 and not keep_going(progress, min(done, max(total - 1, 0)), total):
        raise Cancelled("The import was cancelled; nothing was written.")


def _unique_in_file(position: str, uuid: str | None, code: str | None, seen: _Seen,
                    problems: list[RecordProblem]) -> bool:
    kind, _, number = position.rpartition(" ")
    seen.kind = kind
    ok = True
    if uuid is not None:
        if uuid in seen.uuids:
            problems.append(RecordProblem(position, code, "uuid", "the same uuid as "
                                          f"{kind} {seen.uuids[uuid]}; each case may "
                                          "appear once"))
            ok = False
        seen.uuids.setdefault(uuid, int(number))
    code = code or ""
    if code in seen.codes:
        problems.append(RecordProblem(position, code, "case_code", "the same case "
                                      f"code as {kind} {seen.codes[code]}; case codes are "
                                      "unique"))
        ok = False
    seen.codes.setdefault(code, int(number))
    return ok


def _checked_decisions(position: str, prep: Prepared, problems: list[RecordProblem],
                       seen: dict[str, str]) -> list[BoardDecision]:
    """The record's board decisions, validated (each problem named `board_decisions[N].field`);
    a uuid used by an earlier record's decision is refused."""
    raw, code = prep.decisions, prep.code
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(RecordProblem(position, code, DECISIONS_KEY, "is not a list; allowed: "
                                      "a list of board decision objects, as export writes it"))
        return []
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
    return out


def _apply_decisions(store: Store, position: str, code: str | None, case_uuid: str,
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
            problems.append(RecordProblem(position, code, f"{DECISIONS_KEY}[{i}].uuid",
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
                    position, code, case_uuid, f"board decision {i}: the file and the "
                    f"database both hold revision {revision} of it with different contents; "
                    "not applied. Compare the two and correct it by hand"))
        else:
            new = d.with_changes(uuid=stored.uuid, case_uuid=case_uuid, revision=revision,
                                 created_at=d.created_at or stored.created_at,
                                 updated_at=d.updated_at or now())
            replace_decision(store, stored, new, action="decision_import")
            report.decisions_replaced += 1


def _apply_known(store: Store, position: str, case: Case, deleted_at: str | None,
                 report: ImportReport) -> str:
    """Write a record of a case the database holds, inside the import's transaction (see
    import_cases; the buffered new cases flushed first); returns its uuid."""
    stored, stored_deleted_at = store._load_for_write(case.uuid or "", case.case_code)
    revision = case.revision or 1
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
