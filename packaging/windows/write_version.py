"""Write dist/installer-version.iss (`#define AppVersion "..."`) from gepnet_desktop/__init__.py,
for packaging/windows/gepnet-desktop.iss: the installer's version has one source."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def read_version() -> str:
    """`__version__` of gepnet_desktop/__init__.py, the one place it is written."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from gepnet_desktop import __version__

    return __version__


def write(out: Path = ROOT / "dist" / "installer-version.iss") -> Path:
    """Write the include file; returns its path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f'#define AppVersion "{read_version()}"\n', encoding="utf-8")
    return out


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" /
                "installer-version.iss"))
