"""Build the Debian package from the bundle: `dist/gepnet-desktop_<version>_<arch>.deb`.

    .venv/bin/python packaging/linux/build_deb.py [--bundle dist/gepnet-desktop] [--out dist]

Needs only dpkg-deb (no network, no other tool). The package holds:
- /opt/gepnet-desktop/             the bundle as PyInstaller made it (program and _internal/)
- /usr/bin/gepnet-desktop          a symbolic link to the program, so it is on the PATH
- /usr/share/applications/gepnet-desktop.desktop   the menu entry
- /usr/share/icons/hicolor/NxN/apps/gepnet-desktop.png   the icon (from resources/icons: the
  PNG images inside gepnet-desktop.ico, and gepnet-desktop-512.png)
- /usr/share/doc/gepnet-desktop/   copyright and site.ini.example (the site policy for IT)
It has no maintainer scripts: installing and removing it never touches a user's home folder or
data (the icon cache and the menu are refreshed by the desktop's own dpkg triggers). The version
is `__version__` of gepnet_desktop/__init__.py; the Depends are the system libraries that Qt's
xcb platform plugin, fontconfig, EGL/GL, D-Bus and the print support in the bundle link to.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "gepnet-desktop"
PREFIX = Path("opt") / PACKAGE
APP_NAME = "GEP-NET Pathway"

# The system libraries the bundle links to and does not carry, by Debian package (Debian 12,
# Ubuntu 22.04 and 24.04; `a | b` where Ubuntu 24.04 renamed a package for 64-bit time).
DEPENDS = (
    "libc6", "libstdc++6", "libgcc-s1", "zlib1g", "libzstd1",
    "libglib2.0-0 | libglib2.0-0t64", "libfontconfig1", "libfreetype6",
    "libpng16-16 | libpng16-16t64",
    "libdbus-1-3", "libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0",
    "libx11-6", "libx11-xcb1", "libxcb1", "libxcb-cursor0", "libxcb-glx0", "libxcb-icccm4",
    "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0", "libxcb-render0",
    "libxcb-render-util0", "libxcb-shape0", "libxcb-shm0", "libxcb-sync1", "libxcb-util1",
    "libxcb-xfixes0", "libxcb-xkb1", "libcups2 | libcups2t64",
)

DESKTOP_ENTRY = f"""[Desktop Entry]
Type=Application
Version=1.4
Name={APP_NAME}
GenericName=GEP-NET treatment pathway
GenericName[ko]=GEP-NET 치료 경로
Comment=The Korean consensus flowchart for advanced GEP-NETs, per patient (offline)
Exec={PACKAGE}
TryExec={PACKAGE}
Icon={PACKAGE}
Terminal=false
Categories=Science;MedicalSoftware;
Keywords=oncology;neuroendocrine;NET;pathway;tumour board;
StartupWMClass={PACKAGE}
"""

COPYRIGHT = f"""Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: {APP_NAME}

Files: *
License: Proprietary
 {APP_NAME}, built with PySide6 (Qt for Python, LGPLv3) and Python (PSF License).
"""


def read_version() -> str:
    """`__version__` of gepnet_desktop/__init__.py, the one place it is written."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from gepnet_desktop import __version__

    return __version__


def ico_pngs(ico: Path) -> dict[int, bytes]:
    """The PNG images inside a Windows .ico file (as make_icon.py writes it), by size."""
    data = ico.read_bytes()
    _reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    if kind != 1:
        raise SystemExit(f"{ico} is not an icon file")
    out: dict[int, bytes] = {}
    for i in range(count):
        width, _h, _c, _r, _p, _b, size, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        image = data[offset:offset + size]
        if image.startswith(b"\x89PNG"):
            out[width or 256] = image
    return out


def icons(icon_dir: Path) -> dict[int, bytes]:
    """hicolor sizes to PNG bytes: those in the .ico, and 512 from gepnet-desktop-512.png."""
    found = ico_pngs(icon_dir / f"{PACKAGE}.ico")
    big = icon_dir / f"{PACKAGE}-512.png"
    if big.is_file():
        found[512] = big.read_bytes()
    return found


def architecture() -> str:
    """dpkg's name for this machine's architecture (amd64, arm64...)."""
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True,
                          text=True).stdout.strip()


def control(version: str, arch: str, installed_kib: int) -> str:
    """The DEBIAN/control file."""
    return (f"Package: {PACKAGE}\nVersion: {version}\nArchitecture: {arch}\n"
            f"Maintainer: {APP_NAME} team <noreply@localhost>\nInstalled-Size: {installed_kib}\n"
            f"Depends: {', '.join(DEPENDS)}\nSection: science\nPriority: optional\n"
            f"Description: {APP_NAME}: the Korean GEP-NET consensus pathway, per patient\n"
            " An offline desktop program for oncologists treating advanced gastroentero-\n"
            " pancreatic neuroendocrine tumours: the clinic's cases in one SQLite file, and\n"
            " for each case the consensus flowchart with the patient's path lit up, the\n"
            " options at its end and why. No network access is used.\n")


def stage(bundle: Path, root: Path, version: str, arch: str, icon_dir: Path) -> None:
    """Lay out the package's files under `root` (the future /)."""
    if not (bundle / PACKAGE).is_file():
        raise SystemExit(f"{bundle} holds no {PACKAGE} program: build the bundle first "
                         "(.venv/bin/pyinstaller --noconfirm --clean build.spec)")
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    os.symlink(f"/{PREFIX}/{PACKAGE}", root / "usr" / "bin" / PACKAGE)
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{PACKAGE}.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    for size, png in sorted(icons(icon_dir).items()):
        folder = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        (folder / f"{PACKAGE}.png").write_bytes(png)
    doc = root / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(COPYRIGHT, encoding="utf-8")
    shutil.copy(ROOT / "packaging" / "site.ini.example", doc / "site.ini.example")
    for path in root.rglob("*"):  # dpkg wants 0755 folders and no group or other write bits
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(0o755 if path.is_dir() or mode & 0o111 else 0o644)
    size = sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir())
    (root / "DEBIAN").mkdir(mode=0o755)
    (root / "DEBIAN" / "control").write_text(control(version, arch, -(-size // 1024)),
                                             encoding="utf-8")


def build(bundle: Path, out: Path, *, version: str | None = None, arch: str | None = None,
          icon_dir: Path = ROOT / "resources" / "icons", compression: str = "xz") -> Path:
    """Build the package from `bundle` into the folder `out`; returns the .deb's path."""
    version = version or read_version()
    arch = arch or architecture()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="gepnet-deb-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir(mode=0o755)
        stage(bundle, root, version, arch, icon_dir)
        subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build",
                        str(root), str(target)], check=True, stdout=subprocess.DEVNULL)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE,
                        help="the bundle folder (default: dist/gepnet-desktop)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the .deb goes")
    parser.add_argument("--compression", choices=("xz", "gzip", "zstd", "none"), default="xz",
                        help="dpkg-deb's compression (default xz, the smallest; gzip is "
                             "quicker to build)")
    args = parser.parse_args(argv)
    if shutil.which("dpkg-deb") is None:
        print("dpkg-deb is needed (Debian/Ubuntu: it comes with dpkg).", file=sys.stderr)
        return 2
    deb = build(args.bundle.resolve(), args.out.resolve(), compression=args.compression)
    print(deb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
