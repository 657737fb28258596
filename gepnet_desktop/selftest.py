"""`gepnet-desktop --self-test`: proves an installation works, in a source checkout, an installed
wheel or the frozen bundle.

It evaluates the bundled example cases (resources/examples) against their expected results,
writes and reads a case in a database in a temporary folder (never the clinic's), renders the
chart offscreen in English and Korean, opens the main window offscreen on that temporary
database, and checks that no network connection was attempted.
It prints one line per check and returns 0, or 1 naming what failed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from . import APP_NAME, __version__
from .bundled import resource_path, resources_dir
from .case import Case, validate_case

EXAMPLE_CASES = ("examples", "cases.json")
EXAMPLE_EXPECTED = ("examples", "expected.json")
ICON = ("icons", "gepnet-desktop.png")
NETWORK_EVENTS = ("socket.connect", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname",
                  "socket.sendto", "urllib.Request")


class CheckFailed(Exception):
    """A check found something wrong; the message says what."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: its name, whether it passed, and what it found."""

    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


class _NetworkWatch:
    """Records network attempts made by Python code, through an audit hook (PEP 578).

    A hook cannot be removed, so one is installed per process and switched on and off.
    """

    installed = False
    active = False
    seen: list[str] = []  # noqa: RUF012 - one process-wide record

    @classmethod
    def start(cls) -> None:
        if not cls.installed:
            sys.addaudithook(cls._hook)
            cls.installed = True
        cls.seen = []
        cls.active = True

    @classmethod
    def stop(cls) -> list[str]:
        cls.active = False
        return list(cls.seen)

    @classmethod
    def _hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.active and event in NETWORK_EVENTS:
            cls.seen.append(event)


def load_examples() -> list[tuple[Case, dict[str, Any]]]:
    """The bundled example cases, each validated, with its expected evaluation."""
    cases = json.loads(resource_path(*EXAMPLE_CASES).read_text(encoding="utf-8"))
    expected = json.loads(resource_path(*EXAMPLE_EXPECTED).read_text(encoding="utf-8"))
    if not isinstance(cases, list) or not isinstance(expected, list) or \
            len(cases) != len(expected) or not cases:
        raise CheckFailed(f"{resource_path(*EXAMPLE_CASES)} and {resource_path(*EXAMPLE_EXPECTED)}"
                          " must be lists of the same, non-zero length")
    out = []
    for i, (raw, want) in enumerate(zip(cases, expected, strict=True), start=1):
        result = validate_case(raw, require_code=True)
        if not result.ok or result.case is None:
            problems = "; ".join(str(p) for p in result.errors)
            raise CheckFailed(f"example case {i} is not valid: {problems}")
        out.append((result.case, want))
    return out


def check_resources() -> str:
    """The bundled files the program reads are present."""
    from .pathway.loader import DEFAULT_PATHWAY
    from .pathway.structure import SCHEMA_FILE

    wanted = [("pathways", DEFAULT_PATHWAY), ("pathways", SCHEMA_FILE), EXAMPLE_CASES,
              EXAMPLE_EXPECTED, ICON]
    missing = [str(resource_path(*p)) for p in wanted if not resource_path(*p).is_file()]
    if missing:
        raise CheckFailed(f"missing: {', '.join(missing)}")
    where = "the bundle" if getattr(sys, "frozen", False) else str(resources_dir())
    return f"pathway data and schema, example cases and icon found in {where}"


def check_pathway() -> str:
    """The pathway data file loads and passes its schema checks."""
    from .pathway import PathwayError, default_pathway

    try:
        pathway = default_pathway()
    except PathwayError as exc:
        raise CheckFailed("; ".join(exc.problems)) from None
    return (f"pathway {pathway.id} version {pathway.version} loaded: {len(pathway.nodes)} nodes, "
            f"{len(pathway.edges)} edges")


def check_examples() -> str:
    """Every example case evaluates exactly to its expected result, in English and Korean."""
    from .pathway import evaluate

    examples = load_examples()
    wrong = []
    for case, want in examples:
        for lang in ("en", "ko"):
            got = evaluate(case, lang=lang).to_contract()
            keys = [k for k in want if got.get(k) != want[k]]
            if keys:
                wrong.append(f"{case.case_code} ({lang}): {', '.join(keys)} differ")
                break
    if wrong:
        raise CheckFailed("; ".join(wrong))
    stops = sum(1 for _, want in examples if want["status"] == "needs_data")
    return (f"{len(examples)} example cases give their expected evaluations "
            f"({len(examples) - stops} recommendations, {stops} stops for missing data)")


def check_database() -> str:
    """A database in a temporary folder: create, write a case, close, reopen, read it back."""
    from .clinic import open_clinic
    from .store import CaseQuery

    case, want = next((c, w) for c, w in load_examples() if w["status"] == "recommendation")
    with tempfile.TemporaryDirectory(prefix="gepnet-selftest-") as tmp:
        path = Path(tmp) / "selftest.db"
        store = open_clinic(path)
        try:
            saved = store.create(case)
        finally:
            store.close()
        store = open_clinic(path)
        try:
            back = store.get_by_code(case.case_code or "")
            rows = store.search(CaseQuery(text=case.case_code or ""))
        finally:
            store.close()
    if back is None or back.uuid != saved.uuid:
        raise CheckFailed("the case written was not found after reopening the database")
    if back.to_dict() != case.to_dict():
        diff = [k for k, v in case.to_dict().items() if back.to_dict().get(k) != v]
        raise CheckFailed(f"the case read back differs in {', '.join(diff)}")
    if len(rows) != 1 or rows[0].recommendation_node != want["recommendation_node"]:
        found = [r.recommendation_node for r in rows]
        raise CheckFailed(f"searching for the case found {found}, expected one row with "
                          f"recommendation {want['recommendation_node']}")
    return (f"created a database in a temporary folder, wrote case {case.case_code}, reopened it, "
            f"read it back unchanged and found it by search (recommendation "
            f"{rows[0].recommendation_node})")


def ensure_qt_application() -> Any:
    """The running QApplication, or a new one on Qt's offscreen platform (no window opens)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication([sys.argv[0] if sys.argv else "gepnet-desktop"])
    return app


def check_chart() -> str:
    """The chart of an example case renders offscreen, in English and Korean."""
    ensure_qt_application()
    from .pathway import default_pathway, evaluate
    from .ui.chart.export import render_chart_image

    pathway = default_pathway()
    case, _ = load_examples()[0]
    sizes = []
    for lang in ("en", "ko"):
        image = render_chart_image(pathway, evaluate(case, pathway, lang=lang), lang)
        if image.isNull() or image.width() < 200 or image.height() < 200:
            raise CheckFailed(f"the chart ({lang}) rendered as an empty or tiny image")
        step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
        colours = {image.pixel(x, y) for x in range(0, image.width(), step_x)
                   for y in range(0, image.height(), step_y)}
        if len(colours) < 3:
            raise CheckFailed(f"the chart ({lang}) rendered blank")
        sizes.append(f"{lang} {image.width()}x{image.height()}")
    return f"chart of case {case.case_code} rendered offscreen ({', '.join(sizes)} pixels)"


def check_window() -> str:
    """The main window opens offscreen on a temporary database and shows a case's path."""
    app = ensure_qt_application()
    from PySide6.QtCore import QCoreApplication, QEvent

    from .clinic import open_clinic
    from .ui.form.drafts import DraftStore
    from .ui.window.main_window import MainWindow
    from .ui.window.settings import AppSettings

    case, want = next((c, w) for c, w in load_examples() if w["status"] == "recommendation")
    with tempfile.TemporaryDirectory(prefix="gepnet-selftest-") as tmp:
        folder = Path(tmp)
        store = open_clinic(folder / "selftest.db")
        window = None
        try:
            saved = store.create(case)
            window = MainWindow(store, lang="en", settings=AppSettings(folder / "settings.ini"),
                                drafts=DraftStore(folder / "drafts"))
            if not window.open_case(saved.uuid or ""):
                raise CheckFailed("the main window could not open the case it was given")
            window.update_pathway()
            lit = window.page.scene.highlighted_node_ids()
            shot = window.grab()
        finally:
            if window is not None:
                window.close()
                window.deleteLater()
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                app.processEvents()
            store.close()
    if lit != want["path"]:
        raise CheckFailed(f"the window's chart lit {lit}, expected {want['path']}")
    if shot.isNull():
        raise CheckFailed("the main window could not be drawn")
    return (f"main window opened case {case.case_code} on a temporary database and lit its path "
            f"({len(lit)} boxes, {shot.width()}x{shot.height()} pixels)")


def check_no_network(seen: list[str]) -> str:
    """No Python code tried the network during the checks; the bundle holds no network stack."""
    if seen:
        raise CheckFailed(f"network use was attempted: {', '.join(sorted(set(seen)))}")
    if getattr(sys, "frozen", False):
        present = [m for m in ("PySide6.QtNetwork", "ssl") if importlib.util.find_spec(m)]
        if present:
            raise CheckFailed(f"the bundle contains {', '.join(present)}")
        return "no network use attempted; the bundle holds neither QtNetwork nor ssl"
    return "no network use attempted"


CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("resources", check_resources),
    ("pathway", check_pathway),
    ("example cases", check_examples),
    ("database", check_database),
    ("chart", check_chart),
    ("main window", check_window),
)


def _run(name: str, check: Callable[[], str]) -> CheckResult:
    start = time.perf_counter()
    try:
        detail, ok = check(), True
    except CheckFailed as exc:
        detail, ok = str(exc), False
    except ImportError as exc:
        detail, ok = f"a part of the program is missing ({exc.name or exc})", False
    except Exception as exc:  # a self-test reports every failure as a line, never a traceback
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return CheckResult(name, ok, detail, time.perf_counter() - start)


def run_checks() -> list[CheckResult]:
    """Run every check in order; a failing check does not stop the others."""
    _NetworkWatch.start()
    try:
        results = [_run(name, check) for name, check in CHECKS]
    finally:
        seen = _NetworkWatch.stop()
    results.append(_run("network", lambda: check_no_network(seen)))
    return results


def run_self_test(out: TextIO | None = None) -> int:
    """Run the checks, print one line each; 0 when all pass, else 1."""
    out = out or sys.stdout
    frozen = " (bundle)" if getattr(sys, "frozen", False) else ""
    out.write(f"{APP_NAME} {__version__}{frozen} self-test\n")
    results = run_checks()
    for r in results:
        out.write(f"  {'ok  ' if r.ok else 'FAIL'}  {r.name}: {r.detail} ({r.seconds:.2f} s)\n")
    failed = [r.name for r in results if not r.ok]
    if failed:
        out.write(f"Self-test failed: {', '.join(failed)}.\n")
        return 1
    out.write(f"Self-test passed: {len(results)} checks.\n")
    return 0
