"""build.spec and packaging: what goes into the bundle and the wheel, checked without building.

The spec is executed with stand-ins for PyInstaller's Analysis/EXE/COLLECT, fed a made-up list of
collected files; the real build and the frozen self-test run in CI (.ci/run) and in
benchmarks/bundle.py.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from PyInstaller.depend import bindepend

from gepnet_desktop import __version__
from gepnet_desktop.cli import COMMAND_MODULES

ROOT = Path(__file__).resolve().parents[1]
QT = "PySide6/Qt"
# dest -> (typecode, libraries it links to)
COLLECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "PySide6/QtWidgets.abi3.so": ("EXTENSION", ("libQt6Widgets.so.6",)),
    f"{QT}/lib/libQt6Widgets.so.6": ("BINARY", ("libQt6Gui.so.6",)),
    f"{QT}/lib/libQt6Gui.so.6": ("BINARY", ("libQt6Core.so.6", "libfontconfig.so.1")),
    f"{QT}/lib/libQt6Core.so.6": ("BINARY", ()),
    "libfontconfig.so.1": ("BINARY", ()),
    "libpython3.11.so.1.0": ("BINARY", ()),
    f"{QT}/plugins/platforms/libqxcb.so": ("BINARY", ("libQt6XcbQpa.so.6",)),
    f"{QT}/plugins/platforms/libqoffscreen.so": ("BINARY", ("libQt6Gui.so.6",)),
    f"{QT}/lib/libQt6XcbQpa.so.6": ("BINARY", ("libQt6Gui.so.6",)),
    f"{QT}/plugins/platforms/libqwayland.so": ("BINARY", ("libQt6WaylandClient.so.6",
                                                          "libwayland-client.so.0")),
    f"{QT}/lib/libQt6WaylandClient.so.6": ("BINARY", ("libwayland-client.so.0",)),
    "libwayland-client.so.0": ("BINARY", ()),
    f"{QT}/plugins/platformthemes/libqgtk3.so": ("BINARY", ("libgtk-3.so.0",)),
    "libgtk-3.so.0": ("BINARY", ()),
    f"{QT}/plugins/tls/libqopensslbackend.so": ("BINARY", ()),
    f"{QT}/plugins/networkinformation/libqnetworkmanager.so": ("BINARY", ()),
    f"{QT}/plugins/imageformats/libqsvg.so": ("BINARY", ()),
    f"{QT}/plugins/imageformats/libqjpeg.so": ("BINARY", ()),
    f"{QT}/lib/libQt6Network.so.6": ("BINARY", ()),
    f"{QT}/lib/libQt6Quick.so.6": ("BINARY", ()),
}
KEPT = {"PySide6/QtWidgets.abi3.so", f"{QT}/lib/libQt6Widgets.so.6", f"{QT}/lib/libQt6Gui.so.6",
        f"{QT}/lib/libQt6Core.so.6", "libfontconfig.so.1", "libpython3.11.so.1.0",
        f"{QT}/plugins/platforms/libqxcb.so", f"{QT}/plugins/platforms/libqoffscreen.so",
        f"{QT}/lib/libQt6XcbQpa.so.6", f"{QT}/plugins/imageformats/libqsvg.so"}
QT_DATAS = [f"{QT}/translations/qtbase_ko.qm", f"{QT}/translations/qtbase_de.qm",
            f"{QT}/translations/qt_help_ko.qm"]


class Recorder:
    """Stands in for EXE, COLLECT, PYZ and BUNDLE: keeps what it was given."""

    made: list[Recorder] = []  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        Recorder.made.append(self)


class FakeAnalysis(Recorder):
    def __init__(self, scripts: list[str], **kwargs: Any) -> None:
        super().__init__(scripts, **kwargs)
        self.scripts, self.pure = [], []
        self.binaries = [(dest, f"/src/{dest}", kind) for dest, (kind, _) in COLLECTED.items()]
        self.datas = [(dest, f"/src/{dest}", "DATA") for dest in QT_DATAS] + [
            (str(Path(dest) / Path(src).name), src, "DATA") for src, dest in kwargs["datas"]]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the parts of the checkout the spec reads, plus files that must stay out."""
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "resources", root / "resources")
    (root / "gepnet_desktop").mkdir()
    for name in ("__init__.py", "po.py"):  # the version; the catalogue's compiler
        shutil.copy(ROOT / "gepnet_desktop" / name, root / "gepnet_desktop" / name)
    shutil.copy(ROOT / "build.spec", root / "build.spec")
    (root / "resources" / "screenshots").mkdir(exist_ok=True)
    (root / "resources" / "screenshots" / "main-window.png").write_bytes(b"\x89PNG")
    (root / "resources" / "icons" / "make_icon.py").write_text("print('hi')\n")
    return root


def run_spec(checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             bare: bool) -> dict[str, Any]:
    monkeypatch.setenv("GEPNET_BUNDLE_BARE", "1" if bare else "0")
    links = {f"/src/{dest}": [(lib, None) for lib in libs] for dest, (_, libs) in COLLECTED.items()}
    monkeypatch.setattr(bindepend, "get_imports", lambda src, search_paths=None: links[src])
    Recorder.made = []
    namespace: dict[str, Any] = {
        "SPECPATH": str(checkout), "workpath": str(tmp_path / ("work-bare" if bare else "work")),
        "Analysis": FakeAnalysis, "PYZ": Recorder, "EXE": Recorder, "COLLECT": Recorder,
        "BUNDLE": Recorder}
    spec = checkout / "build.spec"
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), namespace)
    namespace["made"] = list(Recorder.made)
    return namespace


@pytest.fixture
def app_spec(checkout, tmp_path, monkeypatch) -> dict[str, Any]:
    return run_spec(checkout, tmp_path, monkeypatch, bare=False)


@pytest.fixture
def bare_spec(checkout, tmp_path, monkeypatch) -> dict[str, Any]:
    return run_spec(checkout, tmp_path, monkeypatch, bare=True)


def exes(ns: dict[str, Any]) -> list[Recorder]:
    return [r for r in ns["made"] if "console" in r.kwargs]


def test_only_the_qt_the_program_uses_is_kept(app_spec) -> None:
    a = app_spec["a"]
    assert {dest for dest, _, _ in a.binaries} == KEPT
    qt_datas = {dest for dest, _, _ in a.datas if dest.startswith("PySide6")}
    assert qt_datas == {f"{QT}/translations/qtbase_ko.qm"}  # Qt's own words in Korean


def test_resources_go_in_without_screenshots_or_scripts(app_spec, checkout: Path) -> None:
    dests = {dest for dest, _, _ in app_spec["a"].datas if dest.startswith("resources")}
    assert "resources/pathways/kr-gepnet-2021.json" in dests
    assert {"resources/examples/cases.json", "resources/examples/expected.json",
            "resources/examples/demo-cases.json", "resources/icons/gepnet-desktop.png"} <= dests
    # the bundled font family and its licence (the report's and the chart's text)
    assert {"resources/fonts/NanumGothic-Regular.ttf", "resources/fonts/NanumGothic-Bold.ttf",
            "resources/fonts/OFL.txt"} <= dests
    assert {"resources/guide/en.md", "resources/guide/ko.md"} <= dests  # Help > User guide
    assert not [d for d in dests if "screenshots" in d or d.endswith(".py")]
    shipped = {str(p.relative_to(checkout)) for p in (checkout / "resources").rglob("*")
               if p.is_file() and "screenshots" not in p.parts and p.suffix not in (".py", ".po")}
    compiled = {str(Path("resources", "i18n", f"{p.stem}.mo"))
                for p in (checkout / "resources" / "i18n").glob("*.po")}
    assert dests == shipped | compiled


def test_the_message_catalogue_goes_in_compiled(app_spec, checkout: Path) -> None:
    """Each resources/i18n/*.po is in the bundle as its .mo, which gettext reads back whole."""
    import gettext

    from gepnet_desktop.po import messages, read_po

    mos = {Path(dest).name: Path(src) for dest, src, _ in app_spec["a"].datas
           if dest.startswith(str(Path("resources", "i18n")))}
    assert set(mos) == {"en.mo", "ko.mo"}
    for name, mo in mos.items():
        with mo.open("rb") as fh:
            catalogue = gettext.GNUTranslations(fh)
        source = messages(read_po(checkout / "resources" / "i18n" / f"{Path(name).stem}.po"))
        assert source and all(catalogue.gettext(k) == v for k, v in source.items())


def test_every_command_and_the_network_stack(app_spec) -> None:
    analysis = next(r for r in app_spec["made"] if isinstance(r, FakeAnalysis))
    hidden = set(analysis.kwargs["hiddenimports"])
    for name in COMMAND_MODULES:
        assert f"gepnet_desktop.cli.{name}" in hidden
    assert {"gepnet_desktop.selftest", "gepnet_desktop.demo",
            "gepnet_desktop.ui.window.app"} <= hidden
    excludes = set(analysis.kwargs["excludes"])
    assert {"PySide6.QtNetwork", "ssl", "_ssl", "PySide6.QtQml", "tkinter"} <= excludes
    assert not {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg",
                "PySide6.QtPrintSupport", "sqlite3", "json"} & excludes


def test_the_launcher_and_the_executable(app_spec, tmp_path: Path) -> None:
    launcher = Path(next(r for r in app_spec["made"] if isinstance(r, FakeAnalysis)).args[0][0])
    assert launcher.parent == tmp_path / "work" / "launcher"
    assert launcher.stem != "gepnet_desktop"  # would shadow the package
    text = launcher.read_text(encoding="utf-8")
    assert "from gepnet_desktop.cli import main" in text
    # an import's worker processes start as the frozen program: freeze_support runs them
    assert text.index("multiprocessing.freeze_support()") < \
        text.index("from gepnet_desktop.cli import main") < text.index("sys.exit(main())")
    [exe] = exes(app_spec)
    assert exe.kwargs["name"] == "gepnet-desktop" and exe.kwargs["console"] is True
    assert exe.kwargs["strip"] is True
    assert exe.kwargs["icon"] is None  # Linux: the desktop takes resources/icons/*.png
    collect = next(r for r in app_spec["made"] if "name" in r.kwargs and "console" not in
                   r.kwargs)
    assert collect.kwargs["name"] == "gepnet-desktop"
    assert app_spec["VERSION"] == __version__


def test_the_bare_window_is_built_with_the_same_options(app_spec, bare_spec) -> None:
    [app_exe], [bare_exe] = exes(app_spec), exes(bare_spec)
    differ = {"name", "icon"}
    assert {k: v for k, v in bare_exe.kwargs.items() if k not in differ} == \
        {k: v for k, v in app_exe.kwargs.items() if k not in differ}
    assert bare_exe.kwargs["name"] == "bare-window"
    app_a = next(r for r in app_spec["made"] if isinstance(r, FakeAnalysis))
    bare_a = next(r for r in bare_spec["made"] if isinstance(r, FakeAnalysis))
    assert bare_a.kwargs["excludes"] == app_a.kwargs["excludes"]
    assert bare_a.kwargs["datas"] == [] and bare_a.kwargs["hiddenimports"] == []
    assert {d for d, _, _ in bare_spec["a"].binaries} == {d for d, _, _ in app_spec["a"].binaries}
    assert "QMainWindow" in Path(bare_a.args[0][0]).read_text(encoding="utf-8")


def test_the_wheel_lists_every_package_and_ships_resources() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "gepnet_desktop").rglob("__init__.py")}
    listed = set(setuptools["packages"])
    assert on_disk - listed == set(), "add these packages to pyproject.toml [tool.setuptools]"
    assert listed - on_disk == {"gepnet_desktop.resources"}
    assert setuptools["package-dir"]["gepnet_desktop.resources"] == "resources"
    assert setuptools["package-data"]["gepnet_desktop.resources"] == ["**/*"]
    assert "screenshots/*" in setuptools["exclude-package-data"]["gepnet_desktop.resources"]


def recorder(kind: str):
    return lambda *args, **kwargs: (kind, args, kwargs)


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_builds(platform: str, checkout, tmp_path, monkeypatch) -> None:
    """The spec's Windows and macOS branches, run here with stand-ins (built for real there)."""
    import sys

    monkeypatch.setattr(sys, "platform", platform)
    ns = run_spec(checkout, tmp_path, monkeypatch, bare=False)
    monkeypatch.undo()
    made = exes(ns)
    assert all(e.kwargs["strip"] is False for e in made)
    if platform == "win32":
        assert [(e.kwargs["name"], e.kwargs["console"]) for e in made] == \
            [("gepnet-desktop", False), ("gepnet-desktop-cli", True)]
        assert made[0].kwargs["icon"].endswith("gepnet-desktop.ico")
        text = Path(made[0].kwargs["version"]).read_text(encoding="utf-8")
        names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
                 "StringStruct", "VarFileInfo", "VarStruct")
        parsed = eval(text, {n: recorder(n) for n in names})  # what PyInstaller does with it
        assert f"('StringStruct', ('ProductVersion', '{__version__}'), {{}})" in str(parsed)
    else:
        [exe] = made
        assert exe.kwargs["console"] is False and exe.kwargs["icon"].endswith(".icns")
        app = ns["made"][-1]
        assert app.kwargs["name"] == "GEP-NET Pathway.app"
        assert app.kwargs["info_plist"]["CFBundleShortVersionString"] == __version__
    kept = ns["binary_kept"]
    for name in ("Qt6Core.dll", "Qt6Gui.dll", "Qt6Widgets.dll", "Qt6Svg.dll",
                 "Qt6PrintSupport.dll", f"{QT}/plugins/platforms/qwindows.dll",
                 f"{QT}/plugins/styles/qmodernwindowsstyle.dll",
                 f"{QT}/plugins/platforms/libqcocoa.dylib", f"{QT}/lib/QtGui.framework/QtGui"):
        assert kept(name), name
    for name in ("Qt6Network.dll", "Qt6Quick.dll", "Qt6Qml.dll", "Qt6OpenGL.dll",
                 f"{QT}/plugins/tls/qschannelbackend.dll", f"{QT}/plugins/sqldrivers/qsqlite.dll",
                 f"{QT}/lib/QtNetwork.framework/QtNetwork"):
        assert not kept(name), name


def test_the_pathway_schema_check_goes_in_with_its_meta_schemas() -> None:
    """pathway/structure.py validates with jsonschema, which reads the draft 2020-12 meta-schema
    from jsonschema_specifications' data files: PyInstaller's contributed hooks for both collect
    them (the frozen program then refuses a broken pathway file offline: .ci/run)."""
    import _pyinstaller_hooks_contrib
    from PyInstaller.utils.hooks import collect_data_files

    hooks = [Path(d) for d in _pyinstaller_hooks_contrib.get_hook_dirs()]
    for module in ("jsonschema", "jsonschema_specifications"):
        assert any((d / f"hook-{module}.py").is_file() for d in hooks), module
    datas = [dest for _, dest in collect_data_files("jsonschema_specifications")]
    assert any("draft202012" in dest for dest in datas)
    assert "resources/pathways/pathway.schema.json" in {
        str(p.relative_to(ROOT)) for p in (ROOT / "resources" / "pathways").iterdir()}
