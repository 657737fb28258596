"""Store settings kept in the data dir (`settings.json`), such as how many backups to keep."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from ..safe_files import write_text

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
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_text(settings_path(folder), text, replace=True)


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


DEFAULT_BACKUPS_MAX_MB = 10240  # 10 GB: ten compressed backups of a 1,000,000-case database
MAX_BACKUPS_MAX_MB = 10_000_000


def backups_max_bytes(folder: Path) -> int | None:
    """The most the automatic backups may take together (setting `backups_max_mb`, default
    10,240 MB; 0: no bound but their number), in bytes; None for no bound."""
    value = load_settings(folder).get("backups_max_mb", DEFAULT_BACKUPS_MAX_MB)
    if isinstance(value, bool) or not isinstance(value, int) or not \
            0 <= value <= MAX_BACKUPS_MAX_MB:
        log.warning("setting backups_max_mb=%r ignored; allowed: a whole number of megabytes "
                    "from 0 (no bound) to %d", value, MAX_BACKUPS_MAX_MB)
        value = DEFAULT_BACKUPS_MAX_MB
    return value * 1024 * 1024 if value else None


CLINICIAN = "clinician"  # the clinician's name recorded in the audit trail (this workstation)
ASK_CLINICIAN = "ask_clinician"  # true: the window asks for the name at every start


def clinician_setting(folder: Path) -> str | None:
    """The clinician's name set for this workstation (setting `clinician`), or None."""
    value = load_settings(folder).get(CLINICIAN)
    if value is None or isinstance(value, str):
        return value or None
    log.warning("setting %s ignored; allowed: the clinician's name as text", CLINICIAN)
    return None


def asks_clinician(folder: Path) -> bool:
    """Whether the window asks for the clinician's name at start (setting `ask_clinician`)."""
    return load_settings(folder).get(ASK_CLINICIAN) is True
