"""Demonstration cases: a few fictitious patients, one per branch of the chart, that a new user
may load at first start to see the program working.

They live in resources/examples/demo-cases.json (derived from the contract's worked cases by
benchmarks/make_examples.py). Each one's code starts with DEMO- and its notes begin with a
notice, in English and Korean, that it is fictitious. Loading them is one import: all or nothing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .bundled import resource_path
from .case import Case, validate_case
from .i18n import tr
from .safe_files import write_text

if TYPE_CHECKING:
    from .store import Store
    from .store.cases import Progress

DEMO_FILE = ("examples", "demo-cases.json")
DEMO_PREFIX = "DEMO-"
DEMO_NOTICE = "FICTITIOUS DEMONSTRATION CASE"
class DemoDataError(Exception):
    """The bundled demonstration file is missing or broken; the message names it."""


def demo_cases() -> list[Case]:
    """The demonstration cases, validated, in code order (fresh objects each call)."""
    path = resource_path(*DEMO_FILE)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DemoDataError(f"{path}: the demonstration cases cannot be read ({exc})") from None
    if not isinstance(raw, list):
        raise DemoDataError(f"{path}: expected a list of case objects")
    cases = []
    for i, item in enumerate(raw, start=1):
        result = validate_case(item, require_code=True)
        if not result.ok or result.case is None:
            problems = "; ".join(str(p) for p in result.errors)
            raise DemoDataError(f"{path}: demonstration case {i} is not valid: {problems}")
        case = result.case
        if not is_demo_case(case.case_code) or not (case.notes or "").startswith(DEMO_NOTICE):
            raise DemoDataError(f"{path}: demonstration case {i} must have a {DEMO_PREFIX} code "
                                f"and notes starting with {DEMO_NOTICE!r}")
        cases.append(case)
    return sorted(cases, key=lambda c: c.case_code or "")


def offer_text(n: int, lang: str = "en") -> str:
    """The first-start offer to load the `n` demonstration cases (message `demo.offer`)."""
    return tr("demo.offer", lang, n=n)


def is_demo_case(case_code: str | None) -> bool:
    """Whether a case code is one of the demonstration codes (DEMO-nn)."""
    return bool(case_code) and str(case_code).upper().startswith(DEMO_PREFIX)


def missing_demo_cases(store: Store) -> list[Case]:
    """The demonstration cases whose code is not in the store yet (deleted ones count as there)."""
    return [c for c in demo_cases()
            if store.get_by_code(c.case_code or "", include_deleted=True) is None]


def load_demo_cases(store: Store, progress: Progress | None = None) -> int:
    """Add the demonstration cases the store does not hold yet, in one transaction.

    Returns how many were added (0 when all are there). Raises DemoDataError for a broken
    bundled file, or the store's errors (StoreError subclasses: nothing is written then).
    """
    from .store import import_cases

    todo = missing_demo_cases(store)
    if not todo:
        return 0
    with tempfile.TemporaryDirectory(prefix="gepnet-demo-") as tmp:
        source = Path(tmp) / "demo-cases.json"
        write_text(source, json.dumps([c.to_dict() for c in todo], ensure_ascii=False))
        import_cases(store, source, progress=progress)
    return len(todo)
