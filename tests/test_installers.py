"""The installers: the Inno Setup script names what build.spec makes (checked here on Linux; it
is compiled on Windows only), and the Debian package built from a stand-in bundle."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from gepnet_desktop import __version__
from tests.test_bundle_spec import checkout, exes, run_spec  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[1]
ISS = ROOT / "packaging" / "windows" / "gepnet-desktop.iss"


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def iss_defines() -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "([^"]*)"', ISS.read_text(encoding="utf-8"), re.M))


def iss_section(name: str) -> list[str]:
    text = ISS.read_text(encoding="utf-8")
    match = re.search(rf"^\[{name}\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
    assert match, f"no [{name}] section"
    return [line for line in match.group(1).splitlines() if line and not line.startswith(";")]


def windows_path(relative: str) -> Path:
    """A path of the script (relative to its folder, Windows separators) on this machine."""
    return (ISS.parent / relative.replace("\\", "/")).resolve()


def test_the_inno_script_names_what_the_spec_makes(checkout, tmp_path,  # noqa: F811
                                                   monkeypatch) -> None:
    """The spec run for Windows with the stand-ins of tests/test_bundle_spec.py."""
    monkeypatch.setattr(sys, "platform", "win32")
    ns = run_spec(checkout, tmp_path, monkeypatch, bare=False)
    monkeypatch.undo()
    made = exes(ns)
    windowed = next(e for e in made if e.kwargs["console"] is False).kwargs["name"] + ".exe"
    console = next(e for e in made if e.kwargs["console"] is True).kwargs["name"] + ".exe"
    folder = ns["coll"].kwargs["name"]
    icon = Path(made[0].kwargs["icon"])

    d = iss_defines()
    assert d["AppExe"] == windowed == "gepnet-desktop.exe"
    assert d["AppCliExe"] == console
    assert windows_path(d["BundleDir"]) == ROOT / "dist" / folder
    assert windows_path(d["AppIcon"]) == ROOT / "resources" / "icons" / icon.name
    assert windows_path(d["AppIcon"]).is_file()
    assert d["AppName"] == ns["APP_NAME"]
    files = "\n".join(iss_section("Files"))
    for name in ("{#AppExe}", "{#AppCliExe}", "_internal\\*"):
        assert f'Source: "{{#BundleDir}}\\{name}"' in files
    assert windows_path("..\\site.ini.example").is_file()


def test_the_inno_script_installs_per_machine_and_keeps_data() -> None:
    setup = dict(line.split("=", 1) for line in iss_section("Setup"))
    assert setup["DefaultDirName"] == "{autopf}\\{#AppName}"  # Program Files
    assert setup["PrivilegesRequired"] == "admin"
    assert setup["AppVersion"] == "{#AppVersion}" and setup["SetupIconFile"] == "{#AppIcon}"
    assert setup["UninstallDisplayIcon"] == "{app}\\{#AppExe}"
    icons = "\n".join(iss_section("Icons"))
    assert '"{group}\\{#AppName}"' in icons and "{uninstallexe}" in icons
    assert "{autodesktop}" in icons and "Tasks: desktopicon" in icons
    assert "Flags: unchecked" in "\n".join(iss_section("Tasks"))  # optional
    text = ISS.read_text(encoding="utf-8")
    assert "[UninstallDelete]\n" not in text and "[Code]\n" not in text  # no prompt: silent
    assert not re.search(r"localappdata|userappdata|commonappdata|ProgramData", "\n".join(
        iss_section("InstallDelete") + iss_section("Files")), re.I)
    assert "skipifsilent" in "\n".join(iss_section("Run"))
    assert '#include "..\\..\\dist\\installer-version.iss"' in text


def test_the_version_include_comes_from_the_package(tmp_path: Path) -> None:
    writer = load(ROOT / "packaging" / "windows" / "write_version.py")
    out = writer.write(tmp_path / "installer-version.iss")
    assert out.read_text(encoding="utf-8") == f'#define AppVersion "{__version__}"\n'


# --- the Debian package -----------------------------------------------------------------------
build_deb = load(ROOT / "packaging" / "linux" / "build_deb.py")


def test_the_control_file_declares_the_libraries_and_the_version() -> None:
    text = build_deb.control(build_deb.read_version(), "amd64", 1234)
    fields = dict(line.split(": ", 1) for line in text.splitlines() if not line.startswith(" "))
    assert fields["Package"] == "gepnet-desktop" and fields["Version"] == __version__
    depends = {alt.strip() for dep in fields["Depends"].split(",") for alt in dep.split("|")}
    # the ones the README names, and the rest of what Qt's xcb plugin links to
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0",
            "libegl1", "libgl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
            "libxcb-image0", "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0",
            "libxcb-xkb1", "libx11-xcb1"} <= depends


def test_the_icons_are_every_hicolor_size() -> None:
    found = build_deb.icons(ROOT / "resources" / "icons")
    assert set(found) == {16, 24, 32, 48, 64, 128, 256, 512}
    assert all(png.startswith(b"\x89PNG") for png in found.values())


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_a_deb_from_a_stand_in_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "gepnet-desktop"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    (bundle / "gepnet-desktop").write_text("#!/bin/sh\necho stand-in\n")
    (bundle / "gepnet-desktop").chmod(0o700)
    (bundle / "_internal" / "resources" / "x.json").write_text("{}")
    deb = build_deb.build(bundle, tmp_path / "out", arch="amd64", compression="gzip")
    assert deb.name == f"gepnet-desktop_{__version__}_amd64.deb"
    info = subprocess.run(["dpkg-deb", "-f", str(deb)], check=True, capture_output=True,
                          text=True).stdout
    assert f"Version: {__version__}" in info and "libxcb-cursor0" in info
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], check=True, capture_output=True,
                             text=True).stdout
    assert "./opt/gepnet-desktop/gepnet-desktop" in listing
    assert "-rwxr-xr-x root/root" in next(line for line in listing.splitlines()
                                          if line.endswith("/opt/gepnet-desktop/gepnet-desktop"))
    assert "./usr/bin/gepnet-desktop -> /opt/gepnet-desktop/gepnet-desktop" in listing
    assert "./usr/share/icons/hicolor/48x48/apps/gepnet-desktop.png" in listing
    assert "./usr/share/doc/gepnet-desktop/site.ini.example" in listing
    control = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(deb)], check=True,
                             capture_output=True).stdout
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(control)) as tar:
        names = tar.getnames()
    assert not {n for n in names if n.split("/")[-1] in ("preinst", "postinst", "prerm",
                                                         "postrm")}  # nothing touches data
    root = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    entry = root / "usr" / "share" / "applications" / "gepnet-desktop.desktop"
    assert "Exec=gepnet-desktop\n" in entry.read_text(encoding="utf-8")
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(entry)], check=True)
