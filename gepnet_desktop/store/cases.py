"""The repository of cases: create, update with optimistic locking, soft delete, search.

One Store is one connection; open one per thread (the GUI thread and each worker). Several
Stores may be open on the same file at once: SQLite's WAL and busy timeout arbitrate.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from ..case import Case, validate_case
from ..logs import log_exception
from ..safe_files import protect
from . import audit, guard, ids
from .audit import AuditEntry
from .db import (
    APPLICATION_ID,
    BUSY_TIMEOUT_S,
    connect,
    connect_reading,
    enable_wal,
    pragma_int,
    probe,
    read_transaction,
    write_transaction,
)
from .errors import (
    ConflictError,
    DuplicateCodeError,
    NewerSchemaError,
    NotADatabaseError,
    NotFoundError,
    StoreError,
    ValidationFailed,
)
from .migrations import (
    SCHEMA_VERSION,
    CopyProgress,
    StepStart,
    migrate,
    newer_schema_message,
)
from .progress import Progress, keep_going
from .recommend import Recommend, RecommendFactory, recommendation
from .rows import (
    CASE_SELECT,
    FIELD_COLUMNS,
    INSERT_CASE,
    INSERT_LINE,
    LINE_SELECT,
    case_values,
    content,
    line_rows,
    load_cases,
    row_to_case,
)
from .search import (
    ROW_SELECT,
    CaseQuery,
    CaseRow,
    RowKey,
    count_rows,
    iter_pages,
    list_row,
    search_page,
)

log = logging.getLogger(__name__)


def _stale_parts(label: int) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The stale rows as three ranges of the label index."""
    return (("recommend_label IS NULL", ()), ("recommend_label < ?", (label,)),
            ("recommend_label > ?", (label,)))


def now() -> str:
    """The current time as stored: ISO 8601, UTC, milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def code_used_message(code: str | None, by_deleted: bool) -> str:
    """The sentence for a case code another case (a deleted one, or not) already has."""
    where = (" by a deleted case (restore that one, or choose another code)" if by_deleted
             else " by another case; choose another code")
    return f"{code} is already used{where}."


class Store:
    """The clinic's cases in one SQLite file."""

    def __init__(self, db: Database, path: Path, *, recommend: Recommend | None,
                 recommend_version: str | None, user: str,
                 clinician: str | None = None) -> None:
        self.db = db
        self.path = path
        self.recommend = recommend
        self.recommend_version = recommend_version if recommend else None
        # `recommend` made again in another process (an import's workers); None: not possible
        self.recommend_factory: RecommendFactory | None = None
        self.user = user
        self.clinician = clinician  # the name typed at start, recorded beside the OS account
        self.migrated_copy: Path | None = None
        self.read_only = False  # opened with mode=ro (a damaged file): writes are refused

    # --- opening and closing ------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, recommend: Recommend | None = None,
             user: str | None = None, recommend_version: str | None = None,
             busy_timeout: float = BUSY_TIMEOUT_S, new: bool = False, verify: bool = False,
             read_only: bool = False, clinician: str | None = None,
             on_copy: CopyProgress | None = None, on_start: StepStart | None = None) -> Store:
        """Open the database at `path`, creating it or migrating it to the current schema.

        `recommend(case)` gives the pathway node stored for search (None: no recommendation,
        e.g. the walk needs data); `recommend_version` names the pathway it comes from, so rows
        computed by another version are refreshed by `refresh_derived`.
        A file from a newer program raises NewerSchemaError and is left untouched.
        `busy_timeout` (seconds) is how long a write waits for another writer to finish.
        `user` is the OS account recorded in the audit trail (default: asked of the system),
        `clinician` the name typed at start (default: this session's, `audit.set_clinician`).

        A missing or empty file whose folder was used before (backups, drafts, settings, logs)
        raises MissingDatabase and nothing is created, unless `new` (the user chose to start a
        new database). `verify` runs SQLite's quick check (the window's and the writing
        commands' open): damage raises DamagedDatabase. `read_only` opens the file with
        mode=ro and no upgrade (a damaged file): every write is refused with a sentence.
        `on_copy` and `on_start` follow an upgrade (`migrate`'s: the copy aside, each step).
        """
        path = Path(path).expanduser().resolve()
        header = probe(path)
        if not new and (header is None or guard.has_no_schema(path, header.user_version)):
            missing = guard.missing_database(path, blank=header is not None)
            if missing is not None:
                raise missing
        if header is None and read_only:
            raise NotADatabaseError(f"{path}: no database there (the file is missing or "
                                    "empty).")
        if header is not None:
            if header.user_version > SCHEMA_VERSION:
                raise NewerSchemaError(newer_schema_message(path, header.user_version))
            if header.application_id not in (0, APPLICATION_ID) or (
                    header.application_id == 0 and header.user_version != 0):
                raise NotADatabaseError(f"{path} is not a GEP-NET Pathway database (it belongs "
                                        "to another program); choose the gepnet.db file.")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        created = header is None and not read_only
        if read_only:
            db = connect_reading(path, guard.read_only_refusal(path), busy_timeout)
        else:
            db = connect(path, busy_timeout)
            guard.make_private(path)
            if created:
                guard.mark_created(path)
        protect(path)
        try:
            if verify and header is not None:
                problems = guard.quick_check(db.conn)
                if problems:
                    raise guard.damaged(path, problems)
            version = pragma_int(db, "user_version")
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(newer_schema_message(path, version))
            if version == 0 and db.table_names():
                raise NotADatabaseError(f"{path} is not a GEP-NET Pathway database (it holds "
                                        "other tables); choose the gepnet.db file.")
            if read_only:
                aside = None
                if version != SCHEMA_VERSION:
                    raise StoreError(f"{path} is from an older version of the program and can "
                                     "only be upgraded when it is not damaged; restore a "
                                     "backup.")
            else:
                aside = migrate(db, path, on_copy=on_copy, on_start=on_start)
                enable_wal(db)
                guard.make_private(path)  # the -wal and -shm files just made
        except StoreError:
            db.close()
            raise
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StoreError(f"{path} could not be opened ({exc}). Nothing was changed: an "
                             "upgrade that fails is undone. Run `gepnet-desktop check`, or "
                             "restore a backup.") from exc
        except BaseException:
            db.close()
            raise
        store = cls(db, path, recommend=recommend, recommend_version=recommend_version,
                    user=user or audit.os_user(),
                    clinician=audit.clean_clinician(clinician) or audit.session_clinician())
        store.migrated_copy = aside
        store.read_only = read_only
        return store

    def close(self) -> None:
        """Close the connection (safe to call twice)."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return pragma_int(self.db, "user_version")

    # --- writing --------------------------------------------------------------------------
    def create(self, case: Case) -> Case:
        """Save a new case; returns the stored copy with a new uuid, revision 1 and dates.

        Raises ValidationFailed (nothing written) or DuplicateCodeError.
        """
        valid = self._validated(case)
        new_uuid = ids.new_uuid()
        stamp = now()
        with write_transaction(self.db):
            self._check_code_free(valid.case_code, None)
            self._insert(valid, uuid=new_uuid, revision=1, created_at=stamp, updated_at=stamp)
            audit.record(self.db, at=stamp, user=self.user, case_uuid=new_uuid,
                         action="create", revision=1, changes=audit.diff(None, content(valid)),
                         clinician=self.clinician)
        log.info("case %s created", new_uuid)
        return self._must_get(new_uuid)

    def update(self, case: Case) -> Case:
        """Save changes to a stored case; returns the new stored copy (revision + 1).

        `case.revision` must be the stored revision, else ConflictError and nothing is written.
        Saving a case without any change returns the stored copy as it is.
        """
        if not case.uuid:
            raise NotFoundError("This case has not been saved yet, so it cannot be updated; "
                                "create it instead.")
        valid = self._validated(case)
        with read_transaction(self.db):
            stored, deleted_at = self._load_for_write(case.uuid, case.case_code)
        if deleted_at is None and case.revision == stored.revision and \
                content(stored) == content(valid):
            return stored  # nothing to write
        with write_transaction(self.db):
            stored, deleted_at = self._load_for_write(case.uuid, case.case_code)
            if deleted_at is not None:
                raise ConflictError(f"Case {stored.case_code} was deleted after you opened it; "
                                    "nothing was saved. Restore it first, then save again.")
            if case.revision != stored.revision:
                raise ConflictError(self._conflict_message(stored, case.revision))
            changes = audit.diff(content(stored), content(valid))
            if not changes:
                return stored
            self._check_code_free(valid.case_code, case.uuid)
            revision = (stored.revision or 0) + 1
            stamp = now()
            self._replace(valid, uuid=case.uuid, revision=revision, updated_at=stamp,
                          lines_changed="lines" in changes)
            audit.record(self.db, at=stamp, user=self.user, case_uuid=case.uuid,
                         action="update", revision=revision, changes=changes,
                         clinician=self.clinician)
        log.info("case %s updated to revision %d", case.uuid, revision)
        return self._must_get(case.uuid)

    def delete(self, uuid: str) -> None:
        """Soft delete: the case leaves the list but stays in the file (see restore)."""
        self._set_deleted(uuid, deleted=True)

    def restore(self, uuid: str) -> None:
        """Bring a soft-deleted case back."""
        self._set_deleted(uuid, deleted=False)

    def refresh_batches(self, batch: int = 500) -> Iterator[tuple[int, int]]:
        """Recompute the stale recommendations (computed by another pathway version, or
        never), `batch` rows per transaction; yields (done, total) after each commit.

        One batch of 500 takes about 30 ms, so a command or the window waiting to write waits
        no longer than that. The stale rows are found through the label index (never a scan);
        a row whose computation fails is left without a label and tried once per refresh.
        Stopping the generator keeps what was committed.
        """
        if self.recommend is None:
            return
        total = self.stale_count()
        done = 0
        for part in ("recommend_label < ?", "recommend_label > ?", "recommend_label IS NULL"):
            last_seq = 0  # the NULL part goes by seq: a row that fails stays behind it
            while done < total:
                with write_transaction(self.db):
                    label = self._label_for_write()
                    if part.endswith("NULL"):
                        rows = self.db.execute(
                            f"SELECT uuid, seq FROM cases WHERE {part} AND seq > ? "
                            "ORDER BY seq LIMIT ?", (last_seq, batch)).fetchall()
                    else:
                        rows = self.db.execute(
                            f"SELECT uuid, seq FROM cases WHERE {part} "
                            "ORDER BY recommend_label, seq LIMIT ?", (label, batch)).fetchall()
                    self._store_derived([r[0] for r in rows])
                if not rows:
                    break
                last_seq = rows[-1][1]
                done += len(rows)
                yield min(done, total), total
        if done:
            log.info("recommendation refreshed for %d cases", done)

    def refresh_derived(self, progress: Progress | None = None, batch: int = 500) -> int:
        """Recompute every stale recommendation (see refresh_batches); `progress(done, total)`
        returning False stops after the current batch. Returns the number of rows refreshed."""
        done = 0
        for done, total in self.refresh_batches(batch):
            if not keep_going(progress, done, total):
                break
        return done

    def refresh_rows(self, uuids: Sequence[str]) -> None:
        """Recompute the stored recommendation of these cases now, if stale (one transaction)."""
        if self.recommend is None or not uuids:
            return
        with write_transaction(self.db):
            label = self._label_for_write()
            marks = ", ".join("?" * len(uuids))
            stale = [r[0] for r in self.db.execute(
                f"SELECT uuid FROM cases WHERE uuid IN ({marks}) AND recommend_label IS NOT ?",
                (*uuids, label))]
            self._store_derived(stale)

    def _store_derived(self, uuids: Sequence[str]) -> None:
        """Compute and store the recommendation of these cases (inside a write transaction)."""
        for case in self._load_many(uuids):
            node, missing, label = self._derive(case)
            self.db.execute("UPDATE cases SET recommendation_node = ?, "
                            "recommendation_missing = ?, recommend_label = ? "
                            "WHERE uuid = ?", (node, missing, label, case.uuid))

    # --- reading --------------------------------------------------------------------------
    def get(self, uuid: str, include_deleted: bool = False) -> Case | None:
        """The stored case, or None (also None when deleted, unless include_deleted)."""
        with read_transaction(self.db):
            row = self.db.execute(f"SELECT {CASE_SELECT} FROM cases WHERE uuid = ?",
                                  (uuid,)).fetchone()
            if row is None or (row[4] is not None and not include_deleted):
                return None
            lines = self.db.execute(f"SELECT {LINE_SELECT} FROM lines WHERE case_uuid = ? "
                                    "ORDER BY position", (uuid,)).fetchall()
        return row_to_case(row, lines)

    def get_by_code(self, case_code: str, include_deleted: bool = False) -> Case | None:
        """The case with this code, or None."""
        row = self.db.execute("SELECT uuid FROM cases WHERE case_code = ?",
                              (case_code,)).fetchone()
        return self.get(row[0], include_deleted) if row else None

    def row(self, uuid: str) -> CaseRow | None:
        """The case's line of the case list (deleted or not), or None."""
        found = self.db.execute(f"SELECT {ROW_SELECT}, recommend_label FROM cases "
                                "WHERE uuid = ?", (uuid,)).fetchone()
        label = self.current_label()
        return list_row(found, label) if found else None

    def is_deleted(self, uuid: str) -> bool:
        """Whether the case exists and is soft-deleted."""
        row = self.db.execute("SELECT deleted_at FROM cases WHERE uuid = ?", (uuid,)).fetchone()
        return bool(row and row[0] is not None)

    def search(self, query: CaseQuery, after: RowKey | None = None, limit: int = 200, *,
               skip: int = 0) -> list[CaseRow]:
        """One keyset page of the case list: the `limit` rows after the row keyed `after`
        (`search.row_key`; None: from the top), `skip` of them passed over first; sorted as
        the query says (ties broken by case code), stale recommendations marked."""
        return search_page(self.db, query, after, limit, skip=skip, label=self.current_label())

    def iter_rows(self, query: CaseQuery, batch: int = 1000, *,
                  refresh: bool = False) -> Iterator[CaseRow]:
        """Every row the query matches, in order, a keyset page at a time. With `refresh`,
        the stale recommendations of each page are recomputed (one short transaction) before
        its rows are given: refresh everything first when the query filters or sorts by the
        recommendation, which recomputing may change."""
        for page in iter_pages(self.db, query, batch, label=self.current_label()):
            stale = [r.uuid for r in page if r.stale] if refresh else []
            if stale:
                self.refresh_rows(stale)
                fresh = {u: self.row(u) for u in stale}
                page = [fresh.get(r.uuid) or r for r in page]
            yield from page

    def count(self, query: CaseQuery) -> int:
        """How many cases the query matches."""
        return count_rows(self.db, query)

    def history(self, uuid: str) -> list[AuditEntry]:
        """Every recorded change of the case, oldest first."""
        return audit.history(self.db, uuid)

    def change_counter(self) -> int:
        """A number that grows with every committed write, by any connection to the file."""
        return int(self.db.execute("SELECT changes FROM store_state WHERE id = 1").fetchone()[0])

    def current_label(self) -> int | None:
        """The id of this store's pathway label (`recommend_version`): 0 before any row was
        computed with it (no row is current yet), None when the store computes none."""
        if self.recommend is None:
            return None
        row = self.db.execute("SELECT id FROM pathway_labels WHERE label = ?",
                              (self.recommend_version,)).fetchone()
        return int(row[0]) if row else 0

    def _label_for_write(self) -> int | None:
        """The label's id, stored now if new (inside a write transaction)."""
        if self.recommend is None:
            return None
        self.db.execute("INSERT INTO pathway_labels (label) VALUES (?) ON CONFLICT DO NOTHING",
                        (self.recommend_version,))
        return int(self.db.execute("SELECT id FROM pathway_labels WHERE label = ?",
                                   (self.recommend_version,)).fetchone()[0])

    def stale_count(self) -> int:
        """Rows whose stored recommendation comes from another pathway version (or none):
        three ranges of the label index, no scan of the table."""
        label = self.current_label()
        if label is None:
            return 0
        return sum(int(self.db.execute(f"SELECT count(*) FROM cases WHERE {part}", params)
                       .fetchone()[0]) for part, params in _stale_parts(label))

    def has_stale(self) -> bool:
        """Whether any stored recommendation is stale (three index lookups)."""
        label = self.current_label()
        return label is not None and any(
            self.db.execute(f"SELECT EXISTS (SELECT 1 FROM cases WHERE {part})", params)
            .fetchone()[0] for part, params in _stale_parts(label))

    def iter_cases(self, *, include_deleted: bool = False, batch: int = 500) -> Iterator[Case]:
        """Every case ordered by case code, loaded in batches (wrap in read_transaction for a
        consistent snapshot)."""
        for case, _deleted_at in self.iter_cases_with_state(include_deleted=include_deleted,
                                                            batch=batch):
            yield case

    def iter_cases_with_state(self, *, include_deleted: bool = False, batch: int = 500
                              ) -> Iterator[tuple[Case, str | None]]:
        """Like iter_cases, each case with its deleted_at (None: not deleted); a keyset walk
        of the case code index, `batch` cases at a time (memory stays flat)."""
        where = "" if include_deleted else "+deleted_at IS NULL AND "
        last = ""
        while uuids := self.db.execute(
                f"SELECT uuid, case_code FROM cases WHERE {where}case_code > ? "
                "ORDER BY case_code LIMIT ?", (last, batch)).fetchall():
            yield from load_cases(self.db, [u for u, _code in uuids])
            last = uuids[-1][1]

    # --- internals (also used by exchange_import.py) -----------------------------------------
    def _validated(self, case: Case) -> Case:
        result = validate_case(case.to_dict(), require_code=True)
        if not result.ok or result.case is None:
            raise ValidationFailed(result.errors, case.case_code)
        refused = guard.resident_number_errors(result.warnings)
        if refused:
            raise ValidationFailed(refused, None)  # the code is not repeated in the message
        return result.case

    def _derive(self, case: Case, label: int | None = None, *, uuid: str | None = None
                ) -> tuple[str | None, str | None, int | None]:
        """(node, missing field, label id) of the stored recommendation (inside a write
        transaction: the label is stored if new; `label`: its id, already found)."""
        if self.recommend is None:
            return None, None, None
        try:
            node, missing = recommendation(case, self.recommend)
        except Exception as exc:
            log_exception(log, "recommendation could not be computed for case "
                          f"{uuid or case.uuid}", exc)
            return None, None, None
        return node, missing, label if label is not None else self._label_for_write()

    def _check_code_free(self, code: str | None, own_uuid: str | None) -> None:
        row = self.db.execute("SELECT uuid, deleted_at FROM cases WHERE case_code = ?",
                              (code,)).fetchone()
        if row and row[0] != own_uuid:
            raise DuplicateCodeError(f"case_code: {code_used_message(code, bool(row[1]))}")

    def _last_seq(self) -> int:
        """The highest case number given so far: of the stored cases, or of the newest import
        batch when its last case's row was removed (numbers are never given twice)."""
        stored = int(self.db.execute("SELECT coalesce(max(seq), 0) FROM cases").fetchone()[0])
        return max(stored, audit.last_batch_seq(self.db))

    def _insert(self, case: Case, *, uuid: str, revision: int, created_at: str,
                updated_at: str, deleted_at: str | None = None) -> None:
        seq = self._last_seq() + 1
        node, missing, version = self._derive(case, uuid=uuid)  # the row of CASE_ROW_COLUMNS
        self.db.execute(INSERT_CASE, [uuid, seq, revision, created_at, updated_at, deleted_at,
                                      *case_values(case).values(), node, missing, version])
        self._write_lines(uuid, case, replace=False)

    def _replace(self, case: Case, *, uuid: str, revision: int, updated_at: str,
                 lines_changed: bool = True, created_at: str | None = None) -> None:
        values = case_values(case)
        node, missing, version = self._derive(case, uuid=uuid)
        values.update(recommendation_node=node, recommendation_missing=missing,
                      recommend_label=version, revision=revision, updated_at=updated_at)
        if created_at is not None:
            values["created_at"] = created_at
        sets = ", ".join(f"{k} = ?" for k in values)
        self.db.execute(f"UPDATE cases SET {sets} WHERE uuid = ?", [*values.values(), uuid])
        if lines_changed:
            self._write_lines(uuid, case, replace=True)

    def _write_lines(self, uuid: str, case: Case, *, replace: bool) -> None:
        if replace:
            self.db.execute("DELETE FROM lines WHERE case_uuid = ?", (uuid,))
        rows = line_rows(uuid, case.lines)
        if rows:
            self.db.conn.executemany(INSERT_LINE, rows)

    def _load_for_write(self, uuid: str, code: str | None) -> tuple[Case, str | None]:
        row = self.db.execute(f"SELECT {CASE_SELECT} FROM cases WHERE uuid = ?",
                              (uuid,)).fetchone()
        if row is None:
            name = f"Case {code}" if code else "This case"
            raise NotFoundError(f"{name} is not in this database (it may have been opened from "
                                "another database); nothing was saved.")
        lines = self.db.execute(f"SELECT {LINE_SELECT} FROM lines WHERE case_uuid = ? "
                                "ORDER BY position", (uuid,)).fetchall()
        return row_to_case(row, lines), row[4]

    def _load_many(self, uuids: Sequence[str]) -> list[Case]:
        return [case for case, _deleted_at in load_cases(self.db, uuids)]

    def _must_get(self, uuid: str) -> Case:
        case = self.get(uuid, include_deleted=True)
        if case is None:  # pragma: no cover - just written in this connection
            raise NotFoundError("The case just saved could not be read back.")
        return case

    def _conflict_message(self, stored: Case, yours: int | None) -> str:
        last = self.db.execute("SELECT os_user, at FROM audit WHERE case_uuid = ? "
                               "ORDER BY id DESC LIMIT 1", (stored.uuid,)).fetchone()
        who = f" by {last[0]} at {last[1]}" if last else ""
        return (f"Case {stored.case_code} was changed{who} after you opened it (your copy is "
                f"revision {yours}, the stored one is revision {stored.revision}); nothing was "
                "saved. Reload the case and make your changes again.")

    def _set_deleted(self, uuid: str, *, deleted: bool) -> None:
        with write_transaction(self.db):
            row = self.db.execute("SELECT deleted_at, revision FROM cases WHERE uuid = ?",
                                  (uuid,)).fetchone()
            if row is None:
                raise NotFoundError("That case is not in this database.")
            if (row[0] is not None) == deleted:
                return
            stamp = now()
            new = stamp if deleted else None
            self.db.execute("UPDATE cases SET deleted_at = ? WHERE uuid = ?", (new, uuid))
            audit.record(self.db, at=stamp, user=self.user, case_uuid=uuid,
                         action="delete" if deleted else "restore", revision=row[1],
                         changes={"deleted_at": {"old": row[0], "new": new}},
                         clinician=self.clinician)
        log.info("case %s %s", uuid, "deleted" if deleted else "restored")


__all__ = ["FIELD_COLUMNS", "CaseQuery", "CaseRow", "Progress", "Store", "now"]
