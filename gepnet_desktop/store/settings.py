"""Store settings kept in the data dir (`settings.json`), such as how many backups to keep."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
DEFAULT_BACKUPS_TO_KEEP = 10
MAX_BACKUPS_TO_KEEP = 1000


def settings_path(folder: Path) -> Path:
    return Path(folder) / SETTINGS_FILE


def load_settings(folder: Path) -> dict[str, Any]:
    """The settings in `folder`; an absent or unreadable file gives {} (and a log line)."""
    path = settings_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("settings file %s ignored: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(folder: Path, key: str, value: Any) -> None:
    """Set one key, keeping the others; the file is replaced atomically."""
    data = load_settings(folder)
    data[key] = value
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".settings-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        os.replace(tmp, settings_path(folder))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def backups_to_keep(folder: Path) -> int:
    """How many automatic backups to keep (setting `backups_to_keep`, default 10; 0 = none).
    The site policy's number, when it sets one, beats the setting."""
    from ..site_policy import fixed_backups_to_keep

    fixed = fixed_backups_to_keep()
    if fixed is not None:
        return fixed
    value = load_settings(folder).get("backups_to_keep", DEFAULT_BACKUPS_TO_KEEP)
    if isinstance(value, bool) or not isinstance(value, int) or not \
            0 <= value <= MAX_BACKUPS_TO_KEEP:
        log.warning("setting backups_to_keep=%r ignored; allowed: a whole number from 0 to %d",
                    value, MAX_BACKUPS_TO_KEEP)
        return DEFAULT_BACKUPS_TO_KEEP
    return value
