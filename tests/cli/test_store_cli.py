"""The database commands: list, show, history, import, export, backup, restore, check."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gepnet_desktop.case.fields import value_label
from gepnet_desktop.cli import main
from gepnet_desktop.pathway import default_pathway, text
from tests.conftest import load_vignettes

VIGNETTES = load_vignettes()


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    """The contract's vignettes as an import file, each with a case code."""
    items = [v["case"] | {"case_code": f"V-{i:02d}"} for i, v in enumerate(VIGNETTES, 1)]
    path = tmp_path / "vignettes.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def test_import_then_list_and_show(tmp_path: Path, cases_file: Path, capsys) -> None:
    code, out, err = run(["import", str(cases_file)], capsys)
    assert (code, err) == (0, "")
    assert f"{len(VIGNETTES)} added" in out

    code, out, _ = run(["cases", "list", "--json", "--sort", "case_code", "--ascending"], capsys)
    rows = json.loads(out)
    assert [r["case_code"] for r in rows] == [f"V-{i:02d}" for i in range(1, len(VIGNETTES) + 1)]
    expected = {f"V-{i:02d}": v["expected"]["recommendation_node"]
                for i, v in enumerate(VIGNETTES, 1)}
    assert {r["case_code"]: r["recommendation_node"] for r in rows} == expected

    code, out, _ = run(["cases", "list"], capsys)
    assert code == 0 and out.splitlines()[0].split() == ["code", "site", "grade",
                                                         "recommendation", "updated"]
    assert out.rstrip().endswith(f"{len(VIGNETTES)} cases")
    v01 = next(line for line in out.splitlines() if line.startswith("V-01 "))
    site = VIGNETTES[0]["case"]["primary_site"]
    assert value_label("primary_site", site, "en") in v01  # labels, not codes (issue 11)
    rec = VIGNETTES[0]["expected"]["recommendation_node"]
    assert text(default_pathway().nodes[rec].label, "en") in v01 and rec not in v01

    node = VIGNETTES[0]["expected"]["recommendation_node"]
    code, out, _ = run(["cases", "list", "--json", "--recommendation", str(node)], capsys)
    assert "V-01" in {r["case_code"] for r in json.loads(out)}

    code, out, _ = run(["cases", "show", "V-01", "--json"], capsys)
    shown = json.loads(out)
    assert shown["case_code"] == "V-01" and shown["revision"] == 1
    assert shown["recommendation_node"] == node and shown["deleted"] is False

    code, out, _ = run(["cases", "show", "V-01"], capsys)
    assert code == 0 and out.startswith("Case V-01") and "Primary site" in out
    code, out, _ = run(["--lang", "ko", "cases", "show", "V-01"], capsys)
    assert "원발 부위" in out

    code, out, _ = run(["cases", "history", "V-01"], capsys)
    assert code == 0 and " import " in out


def test_bad_input_exits_2_with_a_sentence(tmp_path: Path, cases_file: Path, capsys) -> None:
    code, out, err = run(["cases", "show", "NOPE"], capsys)
    assert code == 2 and out == "" and "No case with the code 'NOPE'" in err
    items = json.loads(cases_file.read_text(encoding="utf-8"))
    items[3]["ecog"] = 7
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(items), encoding="utf-8")
    code, out, err = run(["import", str(bad)], capsys)
    assert code == 2 and out == ""
    assert "record 4 (V-04): ecog: 7 is out of range" in err
    code, out, _ = run(["cases", "list", "--json"], capsys)
    assert json.loads(out) == []
    code, _, err = run(["import", str(tmp_path / "missing.csv")], capsys)
    assert code == 2 and "no such file" in err


def test_export_round_trip_through_another_data_dir(tmp_path: Path, cases_file: Path,
                                                    capsys) -> None:
    run(["import", str(cases_file)], capsys)
    for fmt in ("json", "csv"):
        first = tmp_path / f"first.{fmt}"
        code, out, _ = run(["export", str(first)], capsys)
        assert code == 0 and f"{len(VIGNETTES)} cases written" in out
        other = tmp_path / f"other-{fmt}"
        assert run(["--data-dir", str(other), "import", str(first)], capsys)[0] == 0
        second = tmp_path / f"second.{fmt}"
        assert run(["--data-dir", str(other), "export", str(second), "--format", fmt],
                   capsys)[0] == 0
        assert first.read_bytes() == second.read_bytes()


def test_export_says_what_it_leaves_out_and_can_include_deleted_cases(
        tmp_path: Path, cases_file: Path, capsys) -> None:
    from gepnet_desktop.clinic import open_clinic

    run(["import", str(cases_file)], capsys)
    with open_clinic() as store:
        store.delete(store.get_by_code("V-02").uuid)
    n = len(VIGNETTES)
    code, out, _ = run(["export", str(tmp_path / "live.json")], capsys)
    assert code == 0 and out.startswith(f"{n - 1} cases written")
    assert "1 deleted case (add --include-deleted" in out and "audit trail" in out
    everything = tmp_path / "all.csv"
    code, out, _ = run(["export", str(everything), "--include-deleted"], capsys)
    assert code == 0 and out.startswith(f"{n} cases written") and "1 of them deleted" in out
    other = tmp_path / "other"
    code, out, _ = run(["--data-dir", str(other), "import", str(everything)], capsys)
    assert code == 0 and f"{n} added" in out
    code, out, _ = run(["--data-dir", str(other), "cases", "list", "--json", "--deleted"],
                       capsys)
    assert {r["case_code"] for r in json.loads(out) if r["deleted_at"]} == {"V-02"}
    again = tmp_path / "again.csv"
    run(["--data-dir", str(other), "export", str(again), "--include-deleted"], capsys)
    assert again.read_bytes() == everything.read_bytes()


def test_import_conflicts_exit_1(tmp_path: Path, cases_file: Path, capsys) -> None:
    run(["import", str(cases_file)], capsys)
    export = tmp_path / "all.json"
    run(["export", str(export)], capsys)
    items = json.loads(export.read_text(encoding="utf-8"))
    items[0]["notes"] = "edited elsewhere without a new revision"
    export.write_text(json.dumps(items), encoding="utf-8")
    code, out, _ = run(["import", str(export)], capsys)
    assert code == 1
    assert "1 in conflict" in out and "record 1 (V-01)" in out


def test_backup_check_restore(tmp_path: Path, cases_file: Path, data_dir: Path,
                              capsys) -> None:
    run(["import", str(cases_file)], capsys)
    backup = tmp_path / "usb" / "backup.db"
    code, out, err = run(["backup", str(backup)], capsys)  # the stick is not mounted
    assert code == 2 and not backup.parent.exists() and "does not exist" in err
    code, out, err = run(["backup", str(tmp_path)], capsys)
    assert code == 2 and "is a folder" in err
    backup.parent.mkdir()
    code, out, _ = run(["backup", str(backup)], capsys)
    assert code == 0 and backup.exists()
    code, out, _ = run(["check"], capsys)
    assert code == 0 and "healthy" in out and f"{len(VIGNETTES)} cases" in out

    with sqlite3.connect(data_dir / "gepnet.db") as conn:
        conn.execute("INSERT INTO lines (case_uuid, position, regimen, outcome) "
                     "VALUES ('ghost', 1, 'everolimus', 'ongoing')")
    code, out, err = run(["check"], capsys)
    assert code == 1 and out == "" and "foreign-key check" in err and "Restore" in err

    code, out, _ = run(["restore", str(backup)], capsys)
    assert code == 0 and "kept as" in out
    assert run(["check"], capsys)[0] == 0
    code, _, err = run(["restore", str(cases_file)], capsys)
    assert code == 2 and "not a GEP-NET Pathway database" in err


def test_restore_over_a_damaged_database(tmp_path: Path, cases_file: Path, data_dir: Path,
                                         capsys) -> None:
    run(["import", str(cases_file)], capsys)
    backup = tmp_path / "backup.db"
    run(["backup", str(backup)], capsys)
    (data_dir / "gepnet.db").write_bytes(b"garbage" * 1000)
    code, out, err = run(["restore", str(backup)], capsys)
    assert (code, err) == (0, "")
    assert "could not be read" in out and "moved aside unchanged" in out
    code, out, _ = run(["cases", "list", "--json"], capsys)
    assert len(json.loads(out)) == len(VIGNETTES)


def test_check_and_backup_of_an_absent_database(tmp_path: Path, capsys) -> None:
    code, _, err = run(["check"], capsys)
    assert code == 1 and "no database there" in err
    code, _, err = run(["backup", str(tmp_path / "b.db")], capsys)
    assert code == 2 and "nothing to back up" in err
    assert not (tmp_path / "b.db").exists()


def test_no_traceback_reaches_the_user(tmp_path: Path) -> None:
    junk = tmp_path / "data" / "gepnet.db"
    junk.parent.mkdir()
    junk.write_bytes(b"\x00" * 50 + b"garbage" * 100)
    env = dict(os.environ, GEPNET_DATA_DIR=str(tmp_path / "data"))
    # 2: the database cannot be opened (bad input); 1: `check` found a problem. Never the 1 of
    # "met an unexpected error", which the sentence check below tells apart.
    expected = {("cases", "list"): 2, ("import", str(tmp_path / "x.json")): 2, ("check",): 1}
    for argv, code in expected.items():
        proc = subprocess.run([sys.executable, "-m", "gepnet_desktop", *argv], env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == code, (argv, proc.stderr)
        assert "Traceback" not in proc.stderr and "gepnet.db" in proc.stderr, argv
        assert "unexpected error" not in proc.stderr, argv
        assert "not a GEP-NET Pathway database" in proc.stderr, argv


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def test_check_backup_and_restore_of_a_schema_4_database(tmp_path: Path, data_dir: Path,
                                                         capsys) -> None:
    """A database and a backup written before migration 5 (contract 1): `check` calls them
    healthy without migrating them, `restore` brings the backup to the current schema."""
    from gepnet_desktop.pathway import evaluate
    from gepnet_desktop.store import SCHEMA_VERSION
    from tests.store.contract1 import contract1_cases, schema_4_file

    cases = contract1_cases(20)
    db = schema_4_file(data_dir / "gepnet.db", cases)
    code, out, err = run(["check"], capsys)
    assert (code, err) == (0, "") and "healthy (20 cases" in out
    backup = tmp_path / "before-upgrade.db"
    assert run(["backup", str(backup)], capsys)[0] == 0
    assert _user_version(db) == 4 and _user_version(backup) == 4  # neither migrates

    code, out, _ = run(["cases", "list", "--json"], capsys)  # opens it: migrated
    assert code == 0 and len(json.loads(out)) == 20 and _user_version(db) == SCHEMA_VERSION
    code, out, err = run(["restore", str(backup)], capsys)
    assert (code, err) == (0, "") and "restored from" in out and "kept as" in out
    assert _user_version(db) == SCHEMA_VERSION and _user_version(backup) == 4
    code, out, err = run(["check"], capsys)
    assert (code, err) == (0, "") and "healthy (20 cases" in out
    code, out, _ = run(["cases", "list", "--json"], capsys)
    assert code == 0
    assert {r["case_code"]: r["recommendation_node"] for r in json.loads(out)} == \
        {c.case_code: evaluate(c).recommendation_node for c in cases}
    code, out, _ = run(["cases", "show", "C1-00003", "--json"], capsys)
    assert code == 0 and json.loads(out)["recommendation_node"] == \
        evaluate(cases[2]).recommendation_node
    code, out, _ = run(["export", str(tmp_path / "all.csv")], capsys)
    assert code == 0 and out.startswith("20 cases written")


def test_a_damaged_schema_4_file_fails_check_and_is_not_restored(tmp_path: Path,
                                                                 data_dir: Path,
                                                                 capsys) -> None:
    from tests.store.contract1 import contract1_cases, schema_4_file

    cases = contract1_cases(5)
    damaged = schema_4_file(tmp_path / "old" / "gepnet.db", cases)
    with sqlite3.connect(damaged) as conn:
        conn.execute("DROP TRIGGER case_text_update")
    code, out, err = run(["--data-dir", str(damaged.parent), "check"], capsys)
    assert code == 1 and out == "" and "1 problem found" in err
    assert "trigger case_text_update is missing (schema 4)" in err

    current = schema_4_file(data_dir / "gepnet.db", cases[:2])
    before = current.read_bytes()
    code, out, err = run(["--data-dir", str(data_dir), "restore", str(damaged)], capsys)
    assert code == 2 and out == "" and "was not restored because it is damaged" in err
    assert current.read_bytes() == before and _user_version(damaged) == 4
