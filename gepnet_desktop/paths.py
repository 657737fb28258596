"""Where the program keeps its data: the site policy's data folder when it fixes one, else
--data-dir, else GEPNET_DATA_DIR, else the user data dir."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from platformdirs import user_data_dir

from . import site_policy

ENV_VAR = "GEPNET_DATA_DIR"
DB_NAME = "gepnet.db"
_override: Path | None = None


class DataDirError(Exception):
    """The data folder cannot be created or written; str() is a sentence for the user."""


def set_data_dir(path: str | Path | None) -> None:
    """Use `path` as the data dir for this process (the --data-dir option)."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def data_dir(create: bool = True) -> Path:
    """The data dir, created on first use unless `create` is false."""
    requested = _override or (Path(os.environ[ENV_VAR]).expanduser().resolve()
                              if os.environ.get(ENV_VAR) else None)
    site = site_policy.fixed_data_dir(requested, "--data-dir" if _override else f"${ENV_VAR}")
    if site is not None:  # the site policy fixes it (site_policy.py)
        path = site
    elif _override is not None:
        path = _override
    elif os.environ.get(ENV_VAR):
        path = Path(os.environ[ENV_VAR]).expanduser().resolve()
    else:
        path = Path(user_data_dir("GEPNET-Pathway", appauthor=False))
    if create:
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise DataDirError(_unusable(path, exc.strerror or str(exc), site)) from None
        if not os.access(path, os.W_OK | os.X_OK):
            raise DataDirError(_unusable(path, "no permission to write there", site))
        make_private_folder(path)
    return path


def make_private_folder(path: Path) -> None:
    """Mode 0700 for a folder this user owns (POSIX): the cases are nobody else's to read."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        st = path.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o077:
            os.chmod(path, 0o700)


def _unusable(path: Path, reason: str, site: Path | None = None) -> str:
    if site is not None:
        return site_policy.unusable_data_dir(path, reason)
    return (f"The data folder {path} cannot be used ({reason}); choose another with --data-dir "
            f"DIR or the {ENV_VAR} setting.")


def database_path() -> Path:
    """The clinic's database file in the data dir."""
    return data_dir() / DB_NAME


def log_dir() -> Path:
    """Folder of the log files (no patient identifiers are ever logged)."""
    path = data_dir() / "logs"
    with contextlib.suppress(OSError):  # logs.setup_logging finds out and says so
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    """The current log file."""
    return log_dir() / "gepnet.log"
