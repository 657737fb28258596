"""`site` (the site policy in force, for IT) and `auto-backup` (the window's rotating automatic
backup, from a scheduled task: copied to the site's second backup folder too)."""

from __future__ import annotations

import argparse
import sys

from .. import paths, site_policy
from .errors import CliError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    site = sub.add_parser("site", help="show the site policy (site.ini) in force on this machine",
                          description="Where this machine's site.ini is, what it fixes, and "
                                      "what in it was ignored. Exit 0, or 1 when something in "
                                      "it was ignored.")
    site.set_defaults(func=run_site)
    auto = sub.add_parser("auto-backup", help="take the automatic backup now (as the window "
                                              "does at start and close)",
                          description="The rotating automatic backup in the data dir's "
                                      "backups/ folder (skipped when nothing changed since the "
                                      "newest one), then the copy to the site's second backup "
                                      "folder when site.ini names one.")
    auto.set_defaults(func=run_auto_backup)


def run_site(args: argparse.Namespace) -> int:
    policy = site_policy.current()
    exists = policy.path.is_file()
    print(f"site policy: {policy.path}" + ("" if exists else " (not there: nothing is fixed)"))
    for key, value in policy.fixed().items():
        print(f"  {key} = {value}")
    print(f"data folder in use: {paths.data_dir(create=False)}")
    return 1 if policy.problems else 0


def run_auto_backup(args: argparse.Namespace) -> int:
    from ..store import StoreError, auto_backup
    from .open_db import open_database

    try:
        with open_database(args.lang, refresh=False) as store:
            dest = auto_backup(store)
    except StoreError as exc:
        raise CliError(str(exc), 2) from None
    if dest is None:
        print("automatic backup: none written (nothing changed since the newest one, or "
              "backups_to_keep is 0)", file=sys.stdout)
    else:
        print(f"automatic backup written: {dest}")
    return 0
