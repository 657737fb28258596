"""`cases list` at scale: rows are printed as they are read (keyset pages), stale
recommendations after a pathway change are recomputed for what is printed, and the other
commands do not recompute the whole table."""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

import pytest

from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.cli import main
from gepnet_desktop.cli.store_cmds import PAGE
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.store import CaseQuery, Store, import_cases

from ..store.helpers import make_case

N = PAGE + 300  # more than one page


@pytest.fixture
def clinic(data_dir: Path, tmp_path: Path) -> Path:
    rng = random.Random(13)
    source = tmp_path / "cases.json"
    source.write_text(json.dumps([random_case_dict(rng, code=f"S-{i:05d}") for i in range(N)]),
                      encoding="utf-8")
    with open_clinic(data_dir / "gepnet.db", new=True) as store:
        import_cases(store, source)
    return data_dir / "gepnet.db"


class AddsACaseAtTheFirstRow(io.StringIO):
    """Standard output that, when the first case row is printed, saves a case whose code
    sorts after every other: a list that prints while it reads shows it, one that read every
    row before printing does not."""

    def __init__(self, db: Path) -> None:
        super().__init__()
        self.db = db
        self.added = False

    def write(self, text: str) -> int:
        if not self.added and "S-0" in text:
            self.added = True
            with open_clinic(self.db, refresh=False) as other:
                other.create(make_case("ZZ-LAST"))
        return super().write(text)


@pytest.mark.parametrize("as_json", [False, True])
def test_the_first_row_is_printed_before_the_last_is_read(clinic: Path, monkeypatch,
                                                          as_json: bool) -> None:
    out = AddsACaseAtTheFirstRow(clinic)
    monkeypatch.setattr(sys, "stdout", out)
    argv = ["cases", "list", "--sort", "case_code", "--ascending"] + (["--json"] if as_json
                                                                      else [])
    assert main(argv) == 0
    text = out.getvalue()
    if as_json:
        codes = [r["case_code"] for r in json.loads(text)]
    else:
        lines = text.splitlines()
        assert lines[0].split() == ["code", "site", "grade", "recommendation", "updated"]
        assert lines[-1] == f"{N + 1} cases"
        codes = [line.split()[0] for line in lines[1:-1]]
    assert codes == [*sorted(f"S-{i:05d}" for i in range(N)), "ZZ-LAST"]


def test_the_json_list_is_the_same_document_as_one_dump(clinic: Path, capsys) -> None:
    assert main(["cases", "list", "--json", "--grade", "G1"]) == 0
    out = capsys.readouterr().out
    rows = json.loads(out)
    assert out == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    assert rows and all(r["who_grade"] == "G1" and r["stale"] is False for r in rows)
    assert main(["cases", "list", "--json", "--search", "no such text"]) == 0
    assert capsys.readouterr().out == "[]\n"


def age_every_recommendation(db: Path) -> None:
    """What a new pathway version does: every stored recommendation is another version's."""
    with Store.open(db, recommend=lambda case: "an_old_box", recommend_version="old@0.1",
                    user="tester") as old:
        assert old.refresh_derived() == N


def test_a_list_after_a_pathway_change_prints_current_recommendations(clinic: Path,
                                                                      capsys) -> None:
    age_every_recommendation(clinic)
    assert main(["cases", "list", "--json", "--sort", "case_code", "--ascending"]) == 0
    rows = json.loads(capsys.readouterr().out)
    with open_clinic(clinic, refresh=False) as store:
        pathway = default_pathway()
        want = {c.case_code: evaluate(c, pathway).recommendation_node
                for c in store.iter_cases()}
        assert store.stale_count() == 0  # the list recomputed what it printed
    assert {r["case_code"]: r["recommendation_node"] for r in rows} == want
    assert not any(r["stale"] for r in rows)


def test_a_list_filtered_by_recommendation_recomputes_first(clinic: Path, capsys) -> None:
    age_every_recommendation(clinic)
    assert main(["cases", "list", "--json", "--recommendation", "an_old_box"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # no current walk ends there
    with open_clinic(clinic, refresh=False) as store:
        node = next(r.recommendation_node for r in store.iter_rows(CaseQuery())
                    if r.recommendation_node)
    assert main(["cases", "list", "--json", "--recommendation", node]) == 0
    assert json.loads(capsys.readouterr().out)


def test_commands_that_show_no_recommendation_recompute_nothing(clinic: Path,
                                                                capsys) -> None:
    age_every_recommendation(clinic)
    assert main(["cases", "history", "S-00001"]) == 0
    capsys.readouterr()
    assert main(["cases", "show", "S-00002", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    with open_clinic(clinic, refresh=False) as store:
        case = store.get_by_code("S-00002")
        assert shown["recommendation_node"] == evaluate(case).recommendation_node
        assert store.stale_count() == N - 1  # only the case shown was recomputed
        rows = {r.case_code: r for r in store.iter_rows(CaseQuery())}
    assert rows["S-00001"].stale and not rows["S-00002"].stale


def test_progress_goes_to_stderr_only_on_a_terminal(clinic: Path, capsys) -> None:
    age_every_recommendation(clinic)
    assert main(["cohort", "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and json.loads(out)["cases"] == N
    with open_clinic(clinic, refresh=False) as store:
        assert not store.has_stale()
