"""The clinic's SQLite database: schema and migrations, the case repository with its audit
trail, exchange files (JSON, CSV), backups and checks. No Qt and no pathway here: the
recommendation stored for search comes from a callback given to `Store.open`."""

from .audit import AuditEntry
from .backup import (
    auto_backup,
    backup_database,
    list_auto_backups,
    moved_unreadable,
    restore_database,
    unchanged_since_auto_backup,
)
from .cases import Store
from .check import check_database, database_summary
from .errors import (
    Cancelled,
    ConflictError,
    DamagedDatabase,
    DatabaseBusy,
    DuplicateCodeError,
    ImportFailed,
    MissingDatabase,
    NewerSchemaError,
    NotADatabaseError,
    NotFoundError,
    RecordProblem,
    StoreError,
    ValidationFailed,
)
from .exchange import export_cases
from .exchange_import import ImportReport, import_cases
from .guard import missing_database, newest_good_backup
from .migrations import SCHEMA_VERSION
from .search import NEEDS_DATA, SORT_COLUMNS, CaseQuery, CaseRow

__all__ = [
    "NEEDS_DATA",
    "SCHEMA_VERSION",
    "SORT_COLUMNS",
    "AuditEntry",
    "Cancelled",
    "CaseQuery",
    "CaseRow",
    "ConflictError",
    "DamagedDatabase",
    "DatabaseBusy",
    "DuplicateCodeError",
    "ImportFailed",
    "ImportReport",
    "MissingDatabase",
    "NewerSchemaError",
    "NotADatabaseError",
    "NotFoundError",
    "RecordProblem",
    "Store",
    "StoreError",
    "ValidationFailed",
    "auto_backup",
    "backup_database",
    "check_database",
    "database_summary",
    "export_cases",
    "import_cases",
    "list_auto_backups",
    "missing_database",
    "moved_unreadable",
    "newest_good_backup",
    "restore_database",
    "unchanged_since_auto_backup",
]
