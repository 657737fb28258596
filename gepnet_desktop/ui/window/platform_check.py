"""Before Qt starts on Linux: the X11 libraries Qt's xcb platform needs. Without them Qt stops
with "could not load the Qt platform plugin xcb" (naming one library at most) and a core dump;
the program instead names every library missing and the one line that installs them."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

from ... import i18n

# The libraries a desktop usually has but a bare machine lacks: soname -> Debian package.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
INSTALL_LINE = "sudo apt-get install " + " ".join(XCB_LIBRARIES.values())


def loads(soname: str) -> bool:
    """Whether the dynamic loader finds and loads `soname`."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt is about to use its xcb platform: Linux, X11 display, no other platform."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    return platform.startswith("linux") and chosen in ("", "xcb") and bool(
        environ.get("DISPLAY"))


def missing_libraries(environ: Mapping[str, str] | None = None, platform: str | None = None,
                      load: Callable[[str], bool] | None = None) -> list[str]:
    """The packages of the xcb libraries that do not load (none when xcb is not used)."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ, sys.platform if platform is None else platform):
        return []
    load = load or loads
    return [package for soname, package in XCB_LIBRARIES.items() if not load(soname)]


def refuse_start(lang: str, missing: list[str] | None = None) -> bool:
    """When the xcb libraries are missing: say which and how to install them (standard
    error) and return True: the window must not start."""
    missing = missing_libraries() if missing is None else missing
    if missing:
        sys.stderr.write(i18n.tr("window.xcb_missing", lang, packages=", ".join(missing),
                                 command=INSTALL_LINE) + "\n")
    return bool(missing)
