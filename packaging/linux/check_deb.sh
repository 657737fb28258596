#!/usr/bin/env bash
# CI (issue 14): the Debian package built from dist/gepnet-desktop (run after the bundle step),
# installed, the installed program run with an empty environment (--version, --self-test, a
# site policy, an upgrade and a downgrade of a database), its desktop entry validated, then
# removed: a user's data dir made before is left byte for byte, and the program is gone.
set -euo pipefail
cd "$(dirname "$0")/../.."
py=.venv/bin/python
started=$SECONDS

deb=$($py packaging/linux/build_deb.py --compression gzip)
echo "built $deb ($(du -h "$deb" | cut -f1))"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
home="$work/home"
nothing="$work/nothing"
mkdir -p "$home" "$nothing"

# A user's data dir with a database and a setting, made before the package is installed.
user_data="$home/.local/share/GEPNET-Pathway"
$py - "$user_data" <<'PY'
import sys
from pathlib import Path
from gepnet_desktop.case import validate_case
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.store.settings import save_setting
folder = Path(sys.argv[1])
with open_clinic(folder / "gepnet.db") as store:
    store.create(validate_case({"case_code": "KEEP-1", "ki67_percent": 4}, require_code=True).case)
save_setting(folder, "backups_to_keep", 5)
PY
(cd "$user_data" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/before.sha"

# Install: through apt (which also brings the Depends) when we are root, else into a temporary
# root with dpkg-deb -x (then the Depends are not checked).
installed=0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(realpath "$deb")" \
      > "$work/apt.log" 2>&1
  }
  if apt_install || { apt-get update -qq > /dev/null 2>&1 && apt_install; }; then
    installed=1
  else
    tail -5 "$work/apt.log"
    echo "apt-get could not install the package; checking an extraction instead"
  fi
fi
if [ "$installed" = 1 ]; then
  prog=/usr/bin/gepnet-desktop
  root=/
  [ "$(readlink -f $prog)" = /opt/gepnet-desktop/gepnet-desktop ]
  env -i PATH=/usr/bin sh -c 'command -v gepnet-desktop' | grep -qx /usr/bin/gepnet-desktop
  # every library Qt's xcb platform plugin needs is there once the Depends are installed
  if ldd /opt/gepnet-desktop/_internal/PySide6/Qt/plugins/platforms/libqxcb.so \
      | grep "not found"; then
    echo "the package's Depends miss a library of Qt's xcb plugin"; exit 1
  fi
else
  root="$work/root"
  dpkg-deb -x "$deb" "$root"
  prog="$root/opt/gepnet-desktop/gepnet-desktop"
fi
installed_prog() {
  env -i HOME="$home" PATH="$nothing" LANG=C.UTF-8 "$@"
}
installed_prog "$prog" --version
installed_prog "$prog" --self-test > "$work/selftest.txt" || { cat "$work/selftest.txt"; exit 1; }
tail -1 "$work/selftest.txt"

# The desktop entry and icons.
if ! command -v desktop-file-validate >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq desktop-file-utils >/dev/null 2>&1 || true
fi
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$root/usr/share/applications/gepnet-desktop.desktop"
  echo "desktop entry valid"
else
  echo "desktop-file-validate not available: the desktop entry was not validated"
fi
for size in 16 32 48 64 128 256 512; do
  [ -s "$root/usr/share/icons/hicolor/${size}x${size}/apps/gepnet-desktop.png" ]
done

# A site policy (its file named for the test): its data folder, and a second backup folder
# that is not there, which is said on stderr and is not fatal.
site_data="$work/site-data"
printf '[site]\ndata_dir = %s\nsecond_backup_dir = %s\n' "$site_data" "$work/no-usb" \
  > "$work/site.ini"
env -i HOME="$home" PATH="$nothing" LANG=C.UTF-8 GEPNET_SITE_INI="$work/site.ini" \
  "$prog" auto-backup > "$work/site.out" 2> "$work/site.err" || { cat "$work/site.err"; exit 1; }
grep -q "automatic backup written: $site_data/backups/gepnet-auto-" "$work/site.out"
grep -q "The second backup folder $work/no-usb (site policy) is not there" "$work/site.err"
echo "site policy: data folder used, a missing second backup folder reported"

# An upgrade: a schema-4 database opened by the installed program is copied aside first (named
# with both versions), migrated, and said once on stderr. A downgrade is refused unchanged.
version=$($py -c 'import gepnet_desktop; print(gepnet_desktop.__version__)')
$py - "$work/old" "$work/new" <<'PY'
import sqlite3, sys
from pathlib import Path
from gepnet_desktop.store.db import connect
from gepnet_desktop.store.migrations import SCHEMA_VERSION, migrate
for folder, upto in ((Path(sys.argv[1]), 4), (Path(sys.argv[2]), SCHEMA_VERSION)):
    folder.mkdir()
    db = connect(folder / "gepnet.db")
    migrate(db, folder / "gepnet.db", upto=upto)
    db.close()
with sqlite3.connect(Path(sys.argv[2]) / "gepnet.db") as conn:
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
PY
installed_prog "$prog" --data-dir "$work/old" cases list 2> "$work/up.err" >/dev/null \
  || { cat "$work/up.err"; exit 1; }
[ "$(wc -l < "$work/up.err")" = 1 ] && grep -q "upgraded the database" "$work/up.err"
ls "$work/old/gepnet.before-$version-from-schema4-"*.db >/dev/null
installed_prog "$prog" --data-dir "$work/old" cases list 2> "$work/up2.err" >/dev/null
[ ! -s "$work/up2.err" ]
sum=$(sha256sum < "$work/new/gepnet.db")
code=0
installed_prog "$prog" --data-dir "$work/new" cases list 2> "$work/down.err" >/dev/null || code=$?
[ "$code" = 2 ] && grep -q "written by a newer version" "$work/down.err"
[ "$(sha256sum < "$work/new/gepnet.db")" = "$sum" ]
echo "upgrade: copied aside as gepnet.before-$version-from-schema4-..., said once; a newer database refused unchanged"

# Removal leaves the user's data.
if [ "$installed" = 1 ]; then
  dpkg -r gepnet-desktop >/dev/null
  [ ! -e /usr/bin/gepnet-desktop ] && [ ! -e /opt/gepnet-desktop ]
fi
(cd "$user_data" && sha256sum --quiet -c "$work/before.sha")
echo "package: removed; the user's data dir made before is unchanged ($((SECONDS - started)) s)"
