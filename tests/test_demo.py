"""Demonstration cases: clearly fictitious, one per branch, loaded all or nothing into a store."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from gepnet_desktop import demo
from gepnet_desktop.bundled import resources_dir
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.store import Cancelled, CaseQuery, Store


@pytest.fixture
def store(tmp_path: Path):
    s = open_clinic(tmp_path / "clinic.db")
    yield s
    s.close()


def test_demo_cases_are_marked_fictitious_in_both_languages() -> None:
    cases = demo.demo_cases()
    assert [c.case_code for c in cases] == [f"DEMO-{i:02d}" for i in range(1, len(cases) + 1)]
    for case in cases:
        assert demo.is_demo_case(case.case_code)
        first_line = (case.notes or "").splitlines()[0]
        assert first_line.startswith(demo.DEMO_NOTICE) and "가상의 예시 증례" in first_line
    assert not demo.is_demo_case("A-001") and not demo.is_demo_case(None)


def test_demo_cases_show_the_chart_s_branches() -> None:
    results = [evaluate(c) for c in demo.demo_cases()]
    ends = {ev.recommendation_node or ev.stop_node for ev in results}
    shown = {(ev.recommendation_node or ev.stop_node, bool(ev.symptom_control)) for ev in results}
    assert len(shown) == len(results) and len(ends) >= 6  # each shows something different
    assert {ev.status for ev in results} == {"recommendation", "needs_data"}
    assert "later_lines" in ends  # options exhausted


def test_loading_adds_them_once(store: Store) -> None:
    assert demo.load_demo_cases(store) == len(demo.demo_cases())
    assert store.count(CaseQuery()) == len(demo.demo_cases())
    for case in demo.demo_cases():
        stored = store.get_by_code(case.case_code or "")
        assert stored is not None and stored.to_dict() == case.to_dict()
    rows = store.search(CaseQuery(text="DEMO-"), limit=50)
    assert {r.recommendation_node for r in rows} == {evaluate(c).recommendation_node
                                                     for c in demo.demo_cases()}
    assert demo.load_demo_cases(store) == 0
    assert store.count(CaseQuery()) == len(demo.demo_cases())


def test_only_missing_ones_are_added_and_deleted_ones_stay_deleted(store: Store) -> None:
    first, second, *_ = demo.demo_cases()
    store.create(first)
    gone = store.create(second)
    store.delete(gone.uuid or "")
    assert demo.load_demo_cases(store) == len(demo.demo_cases()) - 2
    assert store.get_by_code(second.case_code or "") is None
    assert store.count(CaseQuery(include_deleted=True)) == len(demo.demo_cases())


def test_a_cancelled_load_writes_nothing(store: Store) -> None:
    with pytest.raises(Cancelled):
        demo.load_demo_cases(store, progress=lambda done, total: False)
    assert store.count(CaseQuery(include_deleted=True)) == 0


def test_a_broken_demo_file_is_named_and_nothing_is_written(store: Store, tmp_path: Path,
                                                           monkeypatch) -> None:
    default_pathway()  # cached from the real file, so no later test meets the copy's path
    root = tmp_path / "bundle"
    shutil.copytree(resources_dir(), root / "resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)
    path = root / "resources" / "examples" / "demo-cases.json"
    cases = json.loads(path.read_text(encoding="utf-8"))
    cases[1]["notes"] = "a real-looking note"
    path.write_text(json.dumps(cases), encoding="utf-8")
    with pytest.raises(demo.DemoDataError, match=r"demonstration case 2 must have a DEMO- code"):
        demo.load_demo_cases(store)
    cases[1] = {"case_code": "DEMO-02", "ki67_percent": "high"}
    path.write_text(json.dumps(cases), encoding="utf-8")
    with pytest.raises(demo.DemoDataError, match=r"demonstration case 2 is not valid: ki67"):
        demo.load_demo_cases(store)
    assert store.count(CaseQuery(include_deleted=True)) == 0


def test_the_offer_text_is_bilingual() -> None:
    n = len(demo.demo_cases())
    assert f"Load {n} fictitious" in demo.offer_text(n, "en")
    assert f"{n}개" in demo.offer_text(n, "ko")
