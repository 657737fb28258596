"""Errors of the store. Each one's str() is a sentence a user can act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..case import Problem


class StoreError(Exception):
    """Anything the store refuses or cannot do; str() is a user-facing sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationFailed(StoreError):
    """The case has invalid fields; nothing was written. `problems` names each field."""

    def __init__(self, problems: Sequence[Problem], case_code: str | None = None) -> None:
        self.problems = list(problems)
        who = f"Case {case_code}" if case_code else "The case"
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{who} was not saved: correct these fields.\n{lines}")


class ConflictError(StoreError):
    """Someone else changed (or deleted) the case after it was opened; nothing was written."""


class DuplicateCodeError(StoreError):
    """Another case already uses this case code."""


class NewerSchemaError(StoreError):
    """The database was written by a newer version of the program; it was left untouched."""


class NotFoundError(StoreError):
    """No case with that uuid or code."""


class NotADatabaseError(StoreError):
    """The file is not a readable GEP-NET Pathway database."""


class MissingDatabase(StoreError):
    """The database is missing or empty where the folder shows earlier use: nothing was
    created. `path` is the file, `backup` the newest automatic backup (None: none found)."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup
        self.state = "missing"  # or "empty"
        self.evidence: list[str] = []  # codes of what shows earlier use (guard.earlier_use)
        self.cases = 0  # in the newest backup
        self.when = ""  # when the newest backup was written (local time)


class DamagedDatabase(StoreError):
    """SQLite's quick check found damage; writes are refused. `problems` are its findings."""

    def __init__(self, message: str, path: Path, problems: Sequence[str]) -> None:
        super().__init__(message)
        self.path = path
        self.problems = list(problems)


class DatabaseBusy(StoreError):
    """Another program or task holds the database for writing longer than the busy timeout."""


class Cancelled(StoreError):
    """The user cancelled a long operation; nothing was written."""


@dataclass(frozen=True)
class RecordProblem:
    """One problem with one record of an import file."""

    position: str  # "record 3" (JSON, from 1) or "row 4" (CSV, the header is row 1)
    case_code: str | None
    field: str
    message: str

    def __str__(self) -> str:
        who = f"{self.position} ({self.case_code})" if self.case_code else self.position
        return f"{who}: {self.field}: {self.message}"


class ImportFailed(StoreError):
    """The import file has invalid records; nothing was written. `problems` lists each one."""

    def __init__(self, source: str, problems: Sequence[RecordProblem]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        head = (f"{source}: nothing was imported, {n} problem{'s' if n != 1 else ''} found; "
                "correct the file and import it again.")
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))
