"""What the store checks before it uses a database file: a missing or empty file where the
folder was used before (never replaced silently), damage found by SQLite's quick check, and
private file modes (0600 for the database and its -wal/-shm on POSIX)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import sqlite3
import zlib
from pathlib import Path

from .. import logs
from ..case import Problem
from ..i18n import tr
from ..packed import PACKED_SUFFIX, read_manifest, unpack
from .errors import DamagedDatabase, MissingDatabase

log = logging.getLogger(__name__)
BACKUP_DIR = "backups"
QUICK_CHECK_ROWS = 10
RESIDENT_PART = "warn_resident_number"


def marker(db_path: Path) -> Path:
    """The file that says a database was created here (a fresh folder has none)."""
    return Path(db_path).parent / f".{Path(db_path).stem}.created"


def mark_created(db_path: Path) -> None:
    """Note that a database was created in this folder (no patient data: the date only), so
    that the file going missing or empty later is never taken for a fresh start."""
    from .. import safe_files

    try:
        safe_files.write_text(marker(db_path), dt.date.today().isoformat() + "\n", replace=True)
    except OSError as exc:
        logs.log_exception(log, "the database's creation marker was not written", exc)


def earlier_use(folder: Path, stem: str = "gepnet") -> list[str]:
    """What in `folder` shows the program was used there before (empty: a fresh folder), as
    codes: message `store.evidence.<code>` names each (created, backups, wal, copies, drafts,
    settings, logs)."""
    folder = Path(folder)
    found: list[str] = []
    if (folder / f".{stem}.created").is_file():
        found.append("created")
    backups = folder / BACKUP_DIR
    if backups.is_dir() and (any(backups.glob("*.db")) or
                             any(backups.glob("*.db" + PACKED_SUFFIX))):
        found.append("backups")
    if any((folder / f"{stem}.db{end}").exists() for end in ("-wal", "-shm")):
        found.append("wal")
    if any(folder.glob(f"{stem}.schema*.db")) or any(folder.glob(f"{stem}.before-*.db")) or \
            any(folder.glob(f"{stem}.*before-restore-*")):
        found.append("copies")
    drafts = folder / "drafts"
    if drafts.is_dir() and any(drafts.glob("*.draft.json")):
        found.append("drafts")
    if (folder / "settings.json").is_file() or (folder / "window.ini").is_file():
        found.append("settings")
    if logs.earlier_log(folder):
        found.append("logs")
    return found


def evidence_words(evidence: list[str], lang: str = "en") -> str:
    """The codes of `earlier_use` as words: "automatic backups, drafts"."""
    return ", ".join(tr(f"store.evidence.{code}", lang) for code in evidence)


def auto_backups(db_path: Path, folder: Path | None = None) -> list[Path]:
    """The automatic backups of a database (compressed `.db.gz`, or plain `.db` as older
    versions wrote them) in `folder` (default: backups/ beside it), oldest first."""
    folder = db_path.parent / BACKUP_DIR if folder is None else folder
    stem = f"{db_path.stem}-auto-*{db_path.suffix}"
    return sorted([*folder.glob(stem), *folder.glob(stem + PACKED_SUFFIX)])


class _Discard:
    """A file that forgets what is written to it (to verify a compressed backup)."""

    def write(self, data: bytes) -> int:
        return len(data)


def backup_summary(backup: Path) -> tuple[int, str] | None:
    """(cases, local time written) of a readable backup that passes the quick check (a
    compressed one: its manifest, and every byte unpacked against the gzip checksum)."""
    manifest = read_manifest(backup)
    if manifest is not None:
        try:
            unpack(backup, _Discard())
            when = dt.datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        except (OSError, EOFError, zlib.error):
            return None
        cases = manifest.get("cases")
        return (cases, when) if isinstance(cases, int) else None
    try:
        conn = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
        try:
            if quick_check(conn):
                return None
            cases = int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
        finally:
            conn.close()
        when = dt.datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except (sqlite3.DatabaseError, OSError):
        return None
    return cases, when


def newest_good_backup(db_path: Path) -> tuple[Path, int, str] | None:
    """The newest automatic backup that can be read and passes the quick check, with its
    number of cases and time; None when there is none."""
    for backup in reversed(auto_backups(Path(db_path))):
        summary = backup_summary(backup)
        if summary is not None:
            return backup, *summary
    return None


def has_no_schema(path: Path, user_version: int) -> bool:
    """An SQLite file with schema version 0 and no tables (emptied, or made by another tool)."""
    if user_version != 0:
        return False
    try:
        conn = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True)
        try:
            return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def missing_database(path: Path, *, blank: bool = False) -> MissingDatabase | None:
    """The refusal for a missing or empty database file whose folder was used before, else
    None (a fresh folder: the database may be created). `blank`: the file is an SQLite
    database with no schema at all (no tables), which is as empty as a 0-byte file."""
    path = Path(path)
    try:
        size = 0 if blank else path.stat().st_size
    except FileNotFoundError:
        size = None
    except OSError:
        return None
    if size not in (None, 0):
        return None
    evidence = earlier_use(path.parent, path.stem)
    if not evidence:
        return None
    state = "missing" if size is None else (
        "empty (an SQLite file with no tables)" if blank else "empty (0 bytes)")
    head = (f"The database {path} is {state}, but this folder was used before "
            f"({evidence_words(evidence)}); no new database was created, so that nothing is "
            "replaced silently.")
    newest = newest_good_backup(path)
    if newest is None:
        advice = (f" There is no readable automatic backup in {path.parent / BACKUP_DIR}; "
                  "restore a backup you made (`gepnet-desktop restore FILE`), or start a new, "
                  "empty database from the window, which asks first.")
        return _details(MissingDatabase(head + advice, path, None), size, evidence)
    backup, cases, when = newest
    advice = (f" The newest automatic backup is {backup} ({cases} case"
              f"{'s' if cases != 1 else ''}, {when}): restore it with `gepnet-desktop "
              f"restore {backup}` (or from the window, which offers it), or start a new, "
              "empty database from the window, which asks first.")
    return _details(MissingDatabase(head + advice, path, backup), size, evidence, cases, when)


def _details(exc: MissingDatabase, size: int | None, evidence: list[str], cases: int = 0,
             when: str = "") -> MissingDatabase:
    """The parts of the sentence, for the window's own words: state ("missing" or "empty"),
    what shows earlier use, and the newest backup's cases and time."""
    exc.state = "missing" if size is None else "empty"
    exc.evidence = evidence
    exc.cases = cases
    exc.when = when
    return exc


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's quick check; the problems it reports (empty: none found)."""
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA quick_check({QUICK_CHECK_ROWS})")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def damaged(path: Path, problems: list[str]) -> DamagedDatabase:
    """The refusal to write into a database the quick check found damaged."""
    shown = "; ".join(problems[:3]) + ("; …" if len(problems) > 3 else "")
    return DamagedDatabase(
        f"The database {path} is damaged ({shown}); it can only be read, and nothing is "
        "written into it. Restore the newest good backup (`gepnet-desktop restore FILE`, or "
        "File > Restore in the window), or ask your IT support.", path, problems)


def resident_number_errors(warnings: list[Problem]) -> list[Problem]:
    """The case-code warnings that say "looks like a resident registration number", as errors:
    the store refuses such a code (a pseudonym is required)."""
    return [dataclasses.replace(p, severity="error") for p in warnings
            if p.field == "case_code" and any(code == RESIDENT_PART for code, _ in p.parts)]


def read_only_refusal(path: Path) -> str:
    """Why a database opened read-only (found damaged) takes no write."""
    return (f"The database {path} is open read-only because it is damaged; nothing was saved. "
            "Restore the newest good backup (File > Restore, or `gepnet-desktop restore "
            "FILE`), or ask your IT support.")


def make_private(path: Path) -> None:
    """Give the database and its -wal/-shm/-journal files mode 0600 when this user owns them
    (POSIX); files of another owner are left as they are."""
    if os.name != "posix":
        return
    for file in (path, *(Path(f"{path}{c}") for c in ("-wal", "-shm", "-journal"))):
        try:
            st = file.stat()
            if st.st_uid == os.getuid() and st.st_mode & 0o077:
                os.chmod(file, st.st_mode & 0o700)
        except OSError:
            continue


def create_private(path: Path) -> None:
    """Create an empty database file with mode 0600 (SQLite then gives its -wal and -shm the
    same mode); nothing happens when it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


__all__ = ["auto_backups", "create_private", "damaged", "earlier_use", "evidence_words",
           "make_private", "missing_database", "newest_good_backup", "quick_check",
           "read_only_refusal", "resident_number_errors"]
