"""The site's second backup folder (site policy `second_backup_dir`: another disk, a USB stick).

After each automatic backup the newest one is copied into `<folder>/<user>/` and the copies
there are rotated like those in the data dir. A folder that is not there (the stick is out) or
that cannot be written is skipped: the user is told once (notices), the backup in the data dir
stands, and nothing fails.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from .. import notices, site_policy
from .guard import auto_backups

log = logging.getLogger(__name__)


def copy_to_second_folder(db_path: Path, keep: int) -> Path | None:
    """Copy the newest automatic backup of `db_path` to the second backup folder, keeping the
    newest `keep` there; returns the copy (also when it was there already), or None when the
    site names no second folder, there is no backup yet, or the folder is not usable."""
    folder = site_policy.second_backup_folder()
    if folder is None or keep <= 0:
        return None
    backups = auto_backups(db_path)
    if not backups:
        return None
    newest = backups[-1]
    if not folder.is_dir():
        notices.say(f"The second backup folder {folder} (site policy) is not there: is the "
                    f"disk or USB stick connected? The automatic backup is kept in "
                    f"{newest.parent} only.")
        return None
    target_dir = folder / site_policy.os_user()
    target = target_dir / newest.name
    try:
        target_dir.mkdir(exist_ok=True)
        if not (target.is_file() and target.stat().st_size == newest.stat().st_size):
            fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{newest.name}-",
                                       suffix=".partial")
            os.close(fd)
            try:
                shutil.copyfile(newest, tmp)
                os.replace(tmp, target)
            finally:
                Path(tmp).unlink(missing_ok=True)
            log.info("automatic backup copied to the second backup folder (%s)", target.name)
        copies = auto_backups(db_path, target_dir)
        for stale in copies[:-keep]:
            stale.unlink(missing_ok=True)
    except OSError as exc:
        notices.say(f"The automatic backup could not be copied to the second backup folder "
                    f"{folder} ({exc.strerror or exc}); it is kept in {newest.parent} only.")
        return None
    return target
