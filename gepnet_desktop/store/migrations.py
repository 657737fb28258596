"""Numbered schema migrations, each in one transaction, the file copied aside first.

The schema version is SQLite's `user_version`. Migrations are frozen once released: a later
schema is a new migration, never an edit of an old one. A file whose version is above
SCHEMA_VERSION was written by a newer program and is refused untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlite_utils import Database

from .db import APPLICATION_ID, connect, count_write, pragma_int, write_transaction
from .errors import NewerSchemaError
from .guard import create_private

log = logging.getLogger(__name__)

# --- migration 1: the case record, its lines, the audit trail, the change counter -------------
_M1 = (
    """CREATE TABLE cases (
        uuid TEXT PRIMARY KEY NOT NULL,
        case_code TEXT NOT NULL UNIQUE,
        sex TEXT,
        birth_year INTEGER,
        diagnosis_date TEXT,
        notes TEXT,
        primary_site TEXT,
        differentiation TEXT,
        nec_subtype TEXT,
        ki67_percent REAL,
        mitoses_per_2mm2 REAL,
        functional_syndrome TEXT,
        sstr_status TEXT,
        sstr_heterogeneous INTEGER CHECK (sstr_heterogeneous IN (0, 1)),
        hepatic_burden TEXT,
        bulk_symptoms INTEGER CHECK (bulk_symptoms IN (0, 1)),
        pace TEXT,
        ecog INTEGER,
        egfr_ml_min REAL,
        comorbidities TEXT NOT NULL DEFAULT '[]',
        who_grade TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        deleted_at TEXT
    ) STRICT""",
    """CREATE TABLE lines (
        case_uuid TEXT NOT NULL REFERENCES cases(uuid) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 1),
        regimen TEXT NOT NULL,
        start_date TEXT,
        end_date TEXT,
        outcome TEXT NOT NULL,
        best_response TEXT,
        notes TEXT,
        PRIMARY KEY (case_uuid, position)
    ) STRICT""",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        os_user TEXT NOT NULL,
        case_uuid TEXT NOT NULL REFERENCES cases(uuid),
        action TEXT NOT NULL,
        revision INTEGER,
        changes TEXT NOT NULL
    ) STRICT""",
    "CREATE INDEX audit_case ON audit(case_uuid, id)",
    """CREATE TABLE store_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        changes INTEGER NOT NULL
    ) STRICT""",
    "INSERT INTO store_state (id, changes) VALUES (1, 0)",
    f"PRAGMA application_id = {APPLICATION_ID}",
)

# --- migration 2: the derived recommendation, and indexes for sorting and filtering ----------
_M2 = (
    "ALTER TABLE cases ADD COLUMN recommendation_node TEXT",
    "ALTER TABLE cases ADD COLUMN recommend_version TEXT",
    "CREATE INDEX cases_updated ON cases(updated_at, case_code)",
    "CREATE INDEX cases_site ON cases(primary_site, case_code)",
    "CREATE INDEX cases_grade ON cases(who_grade, case_code)",
    "CREATE INDEX cases_recommendation ON cases(recommendation_node, case_code)",
    "CREATE INDEX cases_deleted ON cases(deleted_at)",
)

# --- migration 3: full-text search (trigram: any substring of 3+ characters, Korean too) -----
# The index is keyed by `seq`, a stable integer per case (a rowid may change on VACUUM).
_M3 = (
    "ALTER TABLE cases ADD COLUMN seq INTEGER",
    "UPDATE cases SET seq = rowid",
    "CREATE UNIQUE INDEX cases_seq ON cases(seq)",
    """CREATE TRIGGER cases_seq_required BEFORE INSERT ON cases WHEN new.seq IS NULL
       BEGIN SELECT RAISE(ABORT, 'cases.seq is required'); END""",
    "CREATE VIRTUAL TABLE cases_fts USING fts5(case_code, notes, tokenize = 'trigram')",
    "INSERT INTO cases_fts (rowid, case_code, notes) SELECT seq, case_code, notes FROM cases",
    """CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
         INSERT INTO cases_fts (rowid, case_code, notes)
         VALUES (new.seq, new.case_code, new.notes);
       END""",
    """CREATE TRIGGER cases_fts_update AFTER UPDATE OF seq, case_code, notes ON cases BEGIN
         DELETE FROM cases_fts WHERE rowid = old.seq;
         INSERT INTO cases_fts (rowid, case_code, notes)
         VALUES (new.seq, new.case_code, new.notes);
       END""",
    """CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
         DELETE FROM cases_fts WHERE rowid = old.seq;
       END""",
)

# --- migration 4: search text in a narrow table of its own (scanned for 1-2 character searches,
# indexed by trigrams for longer ones), and an index covering the case list's columns --------
_M4 = (
    "DROP TRIGGER cases_fts_insert",
    "DROP TRIGGER cases_fts_update",
    "DROP TRIGGER cases_fts_delete",
    "DROP TABLE cases_fts",
    """CREATE TABLE case_text (
        seq INTEGER PRIMARY KEY REFERENCES cases(seq) ON DELETE CASCADE,
        case_code TEXT NOT NULL,
        notes TEXT
    ) STRICT""",
    "INSERT INTO case_text (seq, case_code, notes) SELECT seq, case_code, notes FROM cases",
    """CREATE VIRTUAL TABLE case_text_fts USING fts5(case_code, notes, content = 'case_text',
        content_rowid = 'seq', tokenize = 'trigram')""",
    "INSERT INTO case_text_fts (case_text_fts) VALUES ('rebuild')",
    """CREATE TRIGGER case_text_insert AFTER INSERT ON cases BEGIN
         INSERT INTO case_text (seq, case_code, notes)
         VALUES (new.seq, new.case_code, new.notes);
       END""",
    """CREATE TRIGGER case_text_update AFTER UPDATE OF seq, case_code, notes ON cases BEGIN
         DELETE FROM case_text WHERE seq = old.seq;
         INSERT INTO case_text (seq, case_code, notes)
         VALUES (new.seq, new.case_code, new.notes);
       END""",
    """CREATE TRIGGER case_text_fts_insert AFTER INSERT ON case_text BEGIN
         INSERT INTO case_text_fts (rowid, case_code, notes)
         VALUES (new.seq, new.case_code, new.notes);
       END""",
    """CREATE TRIGGER case_text_fts_delete AFTER DELETE ON case_text BEGIN
         INSERT INTO case_text_fts (case_text_fts, rowid, case_code, notes)
         VALUES ('delete', old.seq, old.case_code, old.notes);
       END""",
    """CREATE INDEX cases_search ON cases(seq, deleted_at, updated_at, case_code, primary_site,
        who_grade, recommendation_node, uuid, revision)""",
)

# --- migration 5: pathway contract 2. A line's progression date (null: not recorded, as in
# every line written before). The outcome column has no CHECK (the value set is validated in
# code), so `continued_after_progression` needs nothing here; rows of the earlier contract
# are recomputed by the recommend_version mechanism (cases.Store.refresh_derived).
_M5 = (
    "ALTER TABLE lines ADD COLUMN progression_date TEXT",
)


# --- the tamper-evident audit trail: every row chained by SHA-256 (audit.py), a clinician's
# name beside the OS account, rows without a case for database events (restore, export): the
# table is rebuilt (case_uuid may be NULL) and the existing rows are hashed in id order --------
_AUDIT_CHAIN = (
    """CREATE TABLE audit_chained (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        os_user TEXT NOT NULL,
        clinician TEXT,
        case_uuid TEXT REFERENCES cases(uuid),
        action TEXT NOT NULL,
        revision INTEGER,
        changes TEXT NOT NULL,
        hash TEXT NOT NULL CHECK (length(hash) = 64)
    ) STRICT""",
    "ALTER TABLE store_state ADD COLUMN audit_head TEXT",
)
_AUDIT_CHAIN_AFTER = (
    "DROP TABLE audit",
    "ALTER TABLE audit_chained RENAME TO audit",
    "CREATE INDEX audit_case ON audit(case_uuid, id)",
)


def _chain_existing_audit(db: Database) -> None:
    """Copy the audit rows into the chained table, hashing each over the one before."""
    from . import audit

    prev = audit.GENESIS
    cursor = db.execute("SELECT id, at, os_user, case_uuid, action, revision, changes "
                        "FROM audit ORDER BY id")
    while rows := cursor.fetchmany(2000):
        chained = []
        for r in rows:
            row = dict(zip(("id", "at", "os_user", "case_uuid", "action", "revision",
                            "changes"), r, strict=True)) | {"clinician": None}
            prev = audit.row_hash(prev, row)
            chained.append((*r[:3], None, *r[3:], prev))
        db.conn.executemany("INSERT INTO audit_chained (id, at, os_user, clinician, case_uuid, "
                            "action, revision, changes, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            chained)
    for sql in _AUDIT_CHAIN_AFTER:
        db.execute(sql)
    db.execute("UPDATE store_state SET audit_head = ? WHERE id = 1",
               (None if prev == audit.GENESIS else prev,))
    _baseline(db)


def _baseline(db: Database) -> None:
    """Where an older database's trail and its rows disagree (rows written before every change
    was audited, or edited by hand), one `baseline` row per case records the stored values as
    found when the chain began, so that the chain vouches for what follows."""
    from . import audit, trail

    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    user = audit.os_user()
    for m in list(trail.mismatches(db)):
        changes = {k: {"old": m.audited.get(k), "new": m.stored[k]}
                   for k in m.fields if k in m.stored}
        audit.record(db, at=stamp, user=user, case_uuid=m.uuid, action="baseline",
                     revision=m.revision, changes=changes)



# --- migration 7 (issue 12): dated observations (when the Ki-67 was measured, when the SSTR
# imaging was done), the missing field beside the stored recommendation (for the cohort's
# needs-data figures; every row is made stale so that the next refresh fills it in), and the
# tumour board's decisions per case with the snapshot of the recommendation they were taken
# against. Self-contained: it reads no other migration's number.
_M7 = (
    "ALTER TABLE cases ADD COLUMN ki67_date TEXT",
    "ALTER TABLE cases ADD COLUMN sstr_imaging_date TEXT",
    "ALTER TABLE cases ADD COLUMN recommendation_missing TEXT",
    "UPDATE cases SET recommend_version = NULL",
    """CREATE TABLE board_decisions (
        uuid TEXT PRIMARY KEY NOT NULL,
        case_uuid TEXT NOT NULL REFERENCES cases(uuid) ON DELETE CASCADE,
        date TEXT NOT NULL,
        decision TEXT NOT NULL,
        pathway_id TEXT,
        pathway_version TEXT,
        recommendation_node TEXT,
        options TEXT NOT NULL DEFAULT '[]',
        concordant INTEGER NOT NULL CHECK (concordant IN (0, 1)),
        reason TEXT,
        reason_text TEXT,
        attendees TEXT,
        notes TEXT,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
    ) STRICT""",
    "CREATE INDEX board_decisions_case ON board_decisions(case_uuid, date, created_at)",
    "CREATE INDEX board_decisions_date ON board_decisions(date, concordant, reason)",
    "CREATE INDEX cases_missing ON cases(recommendation_missing)",
)

# --- migration 8 (issue 13): lists at registry scale. The pathway label of a stored
# recommendation kept once (pathway_labels) and a small integer per row with an index, so
# "is anything stale" is an index lookup; an index for each filter of the case list with each
# of its sorts (keyset pages walk them, no sort of the matches); the wide covering index that
# no query needs any more is dropped. Self-contained: it reads no other migration's number.
_M8 = (
    """CREATE TABLE pathway_labels (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL UNIQUE
    ) STRICT""",
    "ALTER TABLE cases ADD COLUMN recommend_label INTEGER REFERENCES pathway_labels(id)",
    """INSERT INTO pathway_labels (label) SELECT DISTINCT recommend_version FROM cases
       WHERE recommend_version IS NOT NULL ORDER BY 1""",
    """UPDATE cases SET recommend_label = (SELECT id FROM pathway_labels
       WHERE label = cases.recommend_version) WHERE recommend_version IS NOT NULL""",
    "ALTER TABLE cases DROP COLUMN recommend_version",
    "DROP INDEX cases_search",
    "DROP INDEX cases_missing",
    "CREATE INDEX cases_label ON cases(recommend_label, seq)",
    "CREATE INDEX cases_site_grade ON cases(primary_site, who_grade, case_code)",
    "CREATE INDEX cases_site_recommendation ON cases(primary_site, recommendation_node, "
    "case_code)",
    "CREATE INDEX cases_site_updated ON cases(primary_site, updated_at, case_code)",
    "CREATE INDEX cases_grade_site ON cases(who_grade, primary_site, case_code)",
    "CREATE INDEX cases_grade_recommendation ON cases(who_grade, recommendation_node, "
    "case_code)",
    "CREATE INDEX cases_grade_updated ON cases(who_grade, updated_at, case_code)",
    "CREATE INDEX cases_recommendation_site ON cases(recommendation_node, primary_site, "
    "case_code)",
    "CREATE INDEX cases_recommendation_grade ON cases(recommendation_node, who_grade, "
    "case_code)",
    "CREATE INDEX cases_recommendation_updated ON cases(recommendation_node, updated_at, "
    "case_code)",
)


# --- migration 9 (issue 13): compact audit storage: a long `changes` text deflated into
# `packed` (see store/audit.py); rows written before stay as they are and read unchanged.
_M9 = (
    "ALTER TABLE audit ADD COLUMN packed BLOB",
)


# --- migration 10 (issue 13): a compact store. The lines keyed by (case_uuid, position) in a
# WITHOUT ROWID table, so the key is stored once (the rowid table kept it twice: in the table
# and in its primary-key index); the rows are copied in this migration's transaction. The nine
# filter x sort indexes of migration 8 are dropped; instead the index of each sort column holds
# the filter columns after the case code, so a page walking it tests each row's filters in the
# index (search.py reads the table only for the rows shown). cases_deleted keeps only the
# deleted cases (a partial index). Self-contained: it reads no other migration's number.
_M10_SORTS = (("cases_updated", "updated_at"), ("cases_site", "primary_site"),
              ("cases_grade", "who_grade"), ("cases_recommendation", "recommendation_node"))
_M10 = (
    """CREATE TABLE lines_keyed (
        case_uuid TEXT NOT NULL REFERENCES cases(uuid) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 1),
        regimen TEXT NOT NULL,
        start_date TEXT,
        end_date TEXT,
        outcome TEXT NOT NULL,
        best_response TEXT,
        notes TEXT,
        progression_date TEXT,
        PRIMARY KEY (case_uuid, position)
    ) STRICT, WITHOUT ROWID""",
    """INSERT INTO lines_keyed (case_uuid, position, regimen, start_date, end_date, outcome,
        best_response, notes, progression_date)
       SELECT case_uuid, position, regimen, start_date, end_date, outcome, best_response, notes,
        progression_date FROM lines ORDER BY case_uuid, position""",
    "DROP TABLE lines",
    "ALTER TABLE lines_keyed RENAME TO lines",
    *(f"DROP INDEX cases_{f}_{s}" for f, s in (
        ("site", "grade"), ("site", "recommendation"), ("site", "updated"),
        ("grade", "site"), ("grade", "recommendation"), ("grade", "updated"),
        ("recommendation", "site"), ("recommendation", "grade"),
        ("recommendation", "updated"))),
    *(sql for name, column in _M10_SORTS for sql in (
        f"DROP INDEX {name}",
        f"CREATE INDEX {name} ON cases({column}, case_code, " + ", ".join(
            c for c in ("primary_site", "who_grade", "recommendation_node") if c != column)
        + ", deleted_at)")),
    "DROP INDEX cases_deleted",
    "CREATE INDEX cases_deleted ON cases(deleted_at) WHERE deleted_at IS NOT NULL",
)


@dataclass(frozen=True)
class Migration:
    """One numbered step of the schema: SQL statements, then an optional Python step."""

    version: int
    name: str
    statements: tuple[str, ...]
    run: Callable[[Database], None] | None = None
    # A step that rebuilds a table runs with foreign-key enforcement off (SQLite's procedure
    # for rebuilding a table), so rows are copied exactly as they are: a line whose case was
    # removed with another tool stays, for `check` to report, rather than failing the upgrade.
    rebuilds_tables: bool = False

    def apply(self, db: Database) -> None:
        """Run the statements and the step (the caller holds the transaction)."""
        for sql in self.statements:
            db.execute(sql)
        if self.run is not None:
            self.run(db)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "cases, lines, audit trail", _M1),
    Migration(2, "derived recommendation and search indexes", _M2),
    Migration(3, "full-text search of case codes and notes", _M3),
    Migration(4, "search text table, trigram index over it, covering search index", _M4),
    Migration(5, "a line's progression date (pathway contract 2)", _M5),
    Migration(6, "tamper-evident audit trail (hash chain, clinician, database events)",
              _AUDIT_CHAIN, run=_chain_existing_audit),
    Migration(7, "observation dates, the missing field, tumour-board decisions", _M7),
    Migration(8, "pathway labels stored once, an index per list filter and sort", _M8),
    Migration(9, "compact audit storage (long changes deflated)", _M9),
    Migration(10, "lines keyed without a rowid, sort indexes holding the filters", _M10,
              rebuilds_tables=True),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


@dataclass(frozen=True)
class SchemaShape:
    """What a database of one schema version holds: its tables with their columns, and the
    names of its indexes and triggers."""

    version: int
    columns: dict[str, tuple[str, ...]]  # table (virtual and shadow tables too) -> columns
    indexes: frozenset[str]
    triggers: frozenset[str]


@cache
def schema_shape(version: int) -> SchemaShape:
    """The shape of schema `version` (0..SCHEMA_VERSION), from running the migrations up to
    it on an empty database in memory: the numbered history itself, never a list to keep."""
    if not 0 <= version <= SCHEMA_VERSION:
        raise ValueError(f"schema {version} is not one this program knows")
    db = connect(Path(":memory:"))
    try:
        for migration in MIGRATIONS[:version]:
            migration.apply(db)
        return read_shape(db, version)
    finally:
        db.close()


def read_shape(db: Database, version: int) -> SchemaShape:
    """The shape of an open database (see SchemaShape); `version` is the one it claims. Read
    through sqlite-utils' table API (SQLite's own `sqlite_*` objects left out)."""
    tables = [t for t in db.table_names() if not t.startswith("sqlite_")]
    return SchemaShape(version, {t: tuple(c.name for c in db.table(t).columns) for t in tables},
                       frozenset(i.name for t in tables for i in db.table(t).indexes
                                 if not i.name.startswith("sqlite_")),
                       frozenset(t.name for t in db.triggers))


def newer_schema_message(path: Path, version: int) -> str:
    return (f"{path} was written by a newer version of GEP-NET Pathway (database schema "
            f"{version}; this version reads up to schema {SCHEMA_VERSION}). Open it with the "
            "newer version, or restore a backup made by this version. The file was not changed.")


CopyProgress = Callable[[int, int], None]  # pages copied, pages in all
StepStart = Callable[["Migration", int, int], None]  # the migration, its number (1..), of how many
COPY_PAGES = 1024  # pages copied between two progress reports (4 MiB at SQLite's 4 KiB page)


def copy_aside(db: Database, path: Path, version: int,
               progress: CopyProgress | None = None) -> Path:
    """A consistent copy of the database (online backup API) before migrating it, named with
    the program version about to migrate it and the schema it comes from:
    `gepnet.before-0.2.0-from-schema4-20260101-120000.db`. `progress(done, total)` is told
    the pages copied every COPY_PAGES pages."""
    from .. import __version__

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = f"{path.stem}.before-{__version__}-from-schema{version}-{stamp}"
    target = path.with_name(f"{stem}{path.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{stem}-{n}{path.suffix}")
    create_private(target)  # the copy holds every case: 0600 from the start
    dest = sqlite3.connect(str(target))
    try:
        if progress is None:
            db.conn.backup(dest)
        else:
            db.conn.backup(dest, pages=COPY_PAGES, progress=lambda _status, remaining, total:
                           progress(total - remaining, total))
            pages = pragma_int(db, "page_count")
            progress(pages, pages)
        dest.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        dest.close()
        target.unlink(missing_ok=True)
        raise
    dest.close()
    return target


def migrate(db: Database, path: Path, *, upto: int = SCHEMA_VERSION,
            keep_copy: bool = True,
            on_step: Callable[[Migration], None] | None = None,
            on_start: StepStart | None = None,
            on_copy: CopyProgress | None = None) -> Path | None:
    """Bring the database to schema `upto`; returns the copy made aside, if one was made.

    Each migration runs in its own BEGIN IMMEDIATE transaction together with the new
    user_version, and re-reads the version inside it, so two programs opening the same old file
    at once migrate it only once. `keep_copy` false skips the copy (for a scratch file).
    `on_copy(done, total)` follows the copy aside, `on_start(migration, n, count)` is told
    before each migration and `on_step(migration)` after it.
    """
    current = pragma_int(db, "user_version")
    if current > SCHEMA_VERSION:
        raise NewerSchemaError(newer_schema_message(path, current))
    pending = [m for m in MIGRATIONS if current < m.version <= upto]
    if not pending:
        return None
    aside = copy_aside(db, path, current, on_copy) if current >= 1 and keep_copy else None
    if aside:
        log.info("database copied to %s before migrating from schema %d", aside.name, current)
    for number, migration in enumerate(pending, 1):
        if on_start:
            on_start(migration, number, len(pending))
        if migration.rebuilds_tables:
            db.execute("PRAGMA foreign_keys = OFF")  # outside a transaction, where it holds
        try:
            with write_transaction(db, count_change=False):
                if pragma_int(db, "user_version") < migration.version:
                    migration.apply(db)
                    db.execute(f"PRAGMA user_version = {migration.version}")
                    if migration.version > 1:  # the first one creates the counter, at 0
                        count_write(db)
        finally:
            if migration.rebuilds_tables:
                db.execute("PRAGMA foreign_keys = ON")
        if on_step:
            on_step(migration)
        log.info("database migrated to schema %d (%s)", migration.version, migration.name)
    return aside
