"""`gepnet-desktop --self-test`: passes on a working installation, and names what is broken."""

from __future__ import annotations

import json
import shutil
import socket
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from gepnet_desktop import selftest
from gepnet_desktop.bundled import resources_dir
from gepnet_desktop.cli import main
from gepnet_desktop.pathway import CONTRACT_KEYS, default_pathway
from tests.conftest import load_vignettes

CHECK_NAMES = ["resources", "pathway", "example cases", "database", "chart", "main window",
               "network"]


@pytest.fixture
def bundle_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of resources/ laid out like the frozen bundle (sys._MEIPASS/resources)."""
    default_pathway()  # cached from the real file, so no later test meets the copy's path
    root = tmp_path / "bundle"
    shutil.copytree(resources_dir(), root / "resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)
    return root / "resources"


def by_name(results: list[selftest.CheckResult]) -> dict[str, selftest.CheckResult]:
    return {r.name: r for r in results}


def test_self_test_passes_and_says_what_it_checked(qapp, capsys, data_dir: Path) -> None:
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("GEP-NET Pathway ") and lines[0].endswith("self-test")
    for name in CHECK_NAMES:
        assert any(line.strip().startswith(f"ok    {name}:") for line in lines), (name, out)
    assert f"{len(load_vignettes())} example cases give their expected evaluations" in out
    assert lines[-1] == f"Self-test passed: {len(CHECK_NAMES)} checks."
    assert "Traceback" not in out
    # The clinic's data dir is never touched: the database lives in a temporary folder.
    assert not data_dir.exists()


def test_a_wrong_expected_result_fails_naming_the_case_and_key(qapp, bundle_copy: Path,
                                                               capsys) -> None:
    path = bundle_copy / "examples" / "expected.json"
    expected = json.loads(path.read_text(encoding="utf-8"))
    cases = json.loads((bundle_copy / "examples" / "cases.json").read_text(encoding="utf-8"))
    index = next(i for i, c in enumerate(cases) if c["case_code"] == "V04")
    expected[index]["recommendation_node"] = "ssa_first_line"
    path.write_text(json.dumps(expected), encoding="utf-8")

    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    failing = [line for line in out.splitlines() if line.strip().startswith("FAIL")]
    assert len(failing) == 1
    assert "example cases: V04 (en): recommendation_node differ" in failing[0]
    assert out.splitlines()[-1] == "Self-test failed: example cases."


def test_a_missing_bundled_file_is_named(qapp, bundle_copy: Path) -> None:
    (bundle_copy / "examples" / "expected.json").unlink()
    results = by_name(selftest.run_checks())
    assert not results["resources"].ok
    assert str(bundle_copy / "examples" / "expected.json") in results["resources"].detail
    assert not results["example cases"].ok
    assert results["pathway"].ok


def test_an_invalid_example_case_is_named(qapp, bundle_copy: Path) -> None:
    path = bundle_copy / "examples" / "cases.json"
    cases = json.loads(path.read_text(encoding="utf-8"))
    cases[2]["ki67_percent"] = 140
    path.write_text(json.dumps(cases), encoding="utf-8")
    result = by_name(selftest.run_checks())["example cases"]
    assert not result.ok
    assert result.detail.startswith("example case 3 is not valid: ki67_percent")


def test_a_blank_chart_fails(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    from gepnet_desktop.ui.chart import export

    def blank(pathway, ev, lang="en", scale=1.0) -> QImage:
        image = QImage(800, 600, QImage.Format.Format_ARGB32)
        image.fill(0xFFFFFFFF)
        return image

    monkeypatch.setattr(export, "render_chart_image", blank)
    result = by_name(selftest.run_checks())["chart"]
    assert not result.ok
    assert result.detail == "the chart (en) rendered blank"


def test_a_network_attempt_is_reported(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    def phones_home() -> str:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))  # local only: the audit event is what counts
        return "done"

    monkeypatch.setattr(selftest, "CHECKS", (*selftest.CHECKS[:2], ("sneaky", phones_home)))
    results = by_name(selftest.run_checks())
    assert results["sneaky"].ok
    assert not results["network"].ok
    assert results["network"].detail == "network use was attempted: socket.bind"


def test_a_crashing_check_is_a_line_and_the_others_still_run(monkeypatch, capsys) -> None:
    def broken() -> str:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selftest, "CHECKS", (("broken", broken), *selftest.CHECKS[:3]))
    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    assert "FAIL  broken: RuntimeError: disk on fire" in out
    assert "ok    example cases:" in out
    assert "Traceback" not in out


def test_bundled_examples_are_the_contract_worked_cases() -> None:
    """resources/examples is derived from the shared vignettes; a drift between them fails."""
    cases = json.loads((resources_dir() / "examples" / "cases.json").read_text(encoding="utf-8"))
    expected = json.loads((resources_dir() / "examples" / "expected.json").read_text("utf-8"))
    vignettes = load_vignettes()
    assert [c["case_code"] for c in cases] == [v["case"]["case_code"] for v in vignettes]
    for case, want, v in zip(cases, expected, vignettes, strict=True):
        assert {k: val for k, val in case.items() if k != "notes"} == v["case"]
        assert case["notes"].startswith("Fictitious worked example")
        assert want == {k: v["expected"][k] for k in want}
        assert tuple(want) == CONTRACT_KEYS
