"""The site policy: a machine-wide settings file written by the clinic's IT (site.ini).

Where it is: Linux `/etc/gepnet-desktop/site.ini`, Windows
`%ProgramData%\\GEPNET-Pathway\\site.ini`, macOS
`/Library/Application Support/GEPNET-Pathway/site.ini`; `$GEPNET_SITE_INI` names another
file (for testing). One `[site]` section; every key is optional, and what it sets is fixed for
every user of the machine (nothing a user sets overrides it):

- `data_dir`: the data folder (`{user}` is replaced by the operating-system user name, `~` by the
  home folder); beats `--data-dir`, `$GEPNET_DATA_DIR` and the user data dir.
- `second_backup_dir`: a folder on another disk or a USB stick; after each automatic backup the
  newest one is copied into `<folder>/<user>/` (the same number kept there). When the folder is
  not there the copy is skipped, and the user is told.
- `backups_to_keep`: how many automatic backups are kept (0 to 1000; 0 turns them off); beats
  `settings.json`.
- `language`: `en` or `ko`; beats `--lang` and View > Language.

A bad value is ignored (the program starts as if it were not set) and a sentence naming the file,
the key and what is allowed is said once (notices): never a traceback. This module needs nothing
else of the package, so paths and the store may read it.
"""

from __future__ import annotations

import configparser
import contextlib
import getpass
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import notices

log = logging.getLogger(__name__)

ENV_VAR = "GEPNET_SITE_INI"
SECTION = "site"
KEYS = ("data_dir", "second_backup_dir", "backups_to_keep", "language")
LANGUAGES = ("en", "ko")
MAX_BACKUPS_TO_KEEP = 1000  # as store/settings.py


@dataclass(frozen=True)
class SitePolicy:
    """What the site fixes (None: not fixed) and the sentences about what was ignored."""

    path: Path
    data_dir: Path | None = None
    second_backup_dir: Path | None = None
    backups_to_keep: int | None = None
    language: str | None = None
    problems: tuple[str, ...] = field(default=())

    def fixed(self) -> dict[str, object]:
        """The keys the site fixes, with their values."""
        return {k: getattr(self, k) for k in KEYS if getattr(self, k) is not None}


def default_location() -> Path:
    """Where this machine's site.ini is ($GEPNET_SITE_INI first: for testing)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(base) / "GEPNET-Pathway" / "site.ini"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/GEPNET-Pathway/site.ini")
    return Path("/etc/gepnet-desktop/site.ini")


def os_user() -> str:
    """The operating-system user name ("user" when it cannot be told)."""
    try:
        return getpass.getuser() or "user"
    except Exception:  # no login name in an empty environment
        return "user"


def _folder(path: Path, key: str, raw: str) -> tuple[Path | None, str | None]:
    text = raw.replace("{user}", os_user())
    if text.startswith("~"):
        with contextlib.suppress(RuntimeError):  # no home folder known
            text = str(Path(text).expanduser())
    folder = Path(text)
    if not text or "{" in text or not folder.is_absolute():
        return None, _bad(path, key, raw, "a full folder path, such as /srv/gepnet/{user} or "
                                         r"D:\GEPNET\{user} ({user} is the user name)")
    return folder, None


def _bad(path: Path, key: str, raw: str, allowed: str) -> str:
    return (f"Site policy {path}: {key} = {raw!r} is ignored; allowed: {allowed}. The program "
            "goes on as if it were not set; ask your IT contact to correct the file.")


def read_policy(path: Path) -> SitePolicy:
    """The policy in `path`; an absent file fixes nothing. Never raises: a file that cannot be
    read or parsed fixes nothing and says why, a bad value is left out and says why."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return SitePolicy(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else \
            "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)
        return SitePolicy(path, problems=(f"Site policy {path} cannot be read ({reason}); "
                                          "nothing in it is applied.",))
    # `key = value   ; a comment` is allowed (a ';' after a space), as in the README's example
    parser = configparser.ConfigParser(interpolation=None, strict=True,
                                       inline_comment_prefixes=(";",))
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return SitePolicy(path, problems=(
            f"Site policy {path} is not a valid settings file ({first}); nothing in it is "
            f"applied. It needs one [{SECTION}] section of key = value lines.",))
    problems: list[str] = []
    for name in parser.sections():
        if name != SECTION:
            problems.append(f"Site policy {path}: section [{name}] is ignored; only "
                            f"[{SECTION}] is read.")
    values: dict[str, object] = {}
    if parser.has_section(SECTION):
        for key, raw in parser.items(SECTION):
            raw = raw.strip()
            if key not in KEYS:
                problems.append(f"Site policy {path}: unknown key {key!r} is ignored; allowed "
                                f"keys: {', '.join(KEYS)}.")
            elif key in ("data_dir", "second_backup_dir"):
                folder, problem = _folder(path, key, raw)
                if problem:
                    problems.append(problem)
                else:
                    values[key] = folder
            elif key == "backups_to_keep":
                if raw.isascii() and raw.isdigit() and int(raw) <= MAX_BACKUPS_TO_KEEP:
                    values[key] = int(raw)
                else:
                    problems.append(_bad(path, key, raw, "a whole number from 0 to "
                                                         f"{MAX_BACKUPS_TO_KEEP} (0: none)"))
            elif raw.lower() in LANGUAGES:
                values[key] = raw.lower()
            else:
                problems.append(_bad(path, key, raw, " or ".join(LANGUAGES)))
    return SitePolicy(path, problems=tuple(problems), **values)  # type: ignore[arg-type]


_cache: dict[tuple[str, int, int], SitePolicy] = {}


def current() -> SitePolicy:
    """This machine's policy, read again when the file changes; its problems are said once."""
    path = default_location()
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        key = (str(path), -1, -1)
    policy = _cache.get(key)
    if policy is None:
        policy = read_policy(path)
        _cache.clear()
        _cache[key] = policy
        if policy.fixed():
            log.info("site policy %s fixes %s", path, ", ".join(policy.fixed()))
    for problem in policy.problems:
        notices.say(problem)
    return policy


def reset() -> None:
    """Forget the policy read (tests)."""
    _cache.clear()


# --- what the rest of the program asks ----------------------------------------------------------
def fixed_data_dir(requested: Path | None, how: str) -> Path | None:
    """The site's data folder, or None when the site does not fix it. `requested` is what the
    user asked for (`how`: "--data-dir" or "$GEPNET_DATA_DIR"): said once to be ignored."""
    policy = current()
    if policy.data_dir is None:
        return None
    if requested is not None and Path(requested).resolve() != policy.data_dir.resolve():
        notices.say(f"The data folder is fixed by the site policy ({policy.path}) at "
                    f"{policy.data_dir}; {how} {requested} is ignored.")
    return policy.data_dir


def unusable_data_dir(path: Path, reason: str) -> str:
    """The sentence for a site-fixed data folder that cannot be used."""
    return (f"The data folder {path}, set by the site policy ({current().path}), cannot be "
            f"used ({reason}); ask your IT contact (is the disk there?).")


def fixed_backups_to_keep() -> int | None:
    """The number of automatic backups the site fixes, or None."""
    return current().backups_to_keep


def fixed_language(requested: str | None = None) -> str | None:
    """The site's language, or None; a different `requested` one (--lang) is said ignored."""
    policy = current()
    if policy.language is None:
        return None
    if requested is not None and requested != policy.language:
        notices.say(f"The language is fixed by the site policy ({policy.path}) to "
                    f"{policy.language}; --lang {requested} is ignored.")
    return policy.language


def second_backup_folder() -> Path | None:
    """The second backup folder the site names (it may be absent: a USB stick), or None."""
    return current().second_backup_dir
