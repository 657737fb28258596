"""Write dist/installer-version.iss (`#define AppVersion "..."`) from gepnet_desktop/__init__.py,
for packaging/windows/gepnet-desktop.iss: the installer's version has one source."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def read_version(root: Path = ROOT) -> str:
    """`__version__` of gepnet_desktop/__init__.py."""
    tree = ast.parse((root / "gepnet_desktop" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__"
                                                for t in node.targets):
            return str(node.value.value)  # type: ignore[attr-defined]
    raise SystemExit("gepnet_desktop/__init__.py has no __version__")


def write(out: Path = ROOT / "dist" / "installer-version.iss") -> Path:
    """Write the include file; returns its path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f'#define AppVersion "{read_version()}"\n', encoding="utf-8")
    return out


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" /
                "installer-version.iss"))
