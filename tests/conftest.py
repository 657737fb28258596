"""Shared fixtures: every test runs headless with a fresh, empty data dir."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "clinical"
VIGNETTES_FILE = SHARED / "vignettes.json"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir for each test, through GEPNET_DATA_DIR."""
    from gepnet_desktop import paths

    target = tmp_path / "data"
    monkeypatch.setenv(paths.ENV_VAR, str(target))
    monkeypatch.setattr(paths, "_override", None)
    return target


@pytest.fixture(autouse=True)
def no_site_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No machine's site.ini reaches a test: $GEPNET_SITE_INI names one not there (a test
    writes it to set a policy); what was said once is forgotten."""
    from gepnet_desktop import notices, site_policy

    target = tmp_path / "site" / "site.ini"
    monkeypatch.setenv(site_policy.ENV_VAR, str(target))
    site_policy.reset()
    notices.reset()
    yield target
    site_policy.reset()
    notices.reset()


EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def load_vignettes() -> list[dict]:
    """The contract's worked cases: ../shared/clinical/vignettes.json beside the checkout, else
    the copy bundled in resources/examples (tests/test_selftest.py checks they agree)."""
    if VIGNETTES_FILE.is_file():
        return json.loads(VIGNETTES_FILE.read_text(encoding="utf-8"))
    cases = json.loads((EXAMPLES / "cases.json").read_text(encoding="utf-8"))
    expected = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))
    return [{"id": c["case_code"], "case": {k: v for k, v in c.items() if k != "notes"},
             "expected": e} for c, e in zip(cases, expected, strict=True)]
