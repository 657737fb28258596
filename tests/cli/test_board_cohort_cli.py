"""`board record|list`, `cohort --json` on a database of the worked cases, and the what_if and
dated observations of `evaluate`."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from gepnet_desktop import paths
from gepnet_desktop.case import validate_case
from gepnet_desktop.cli import main
from gepnet_desktop.pathway import default_pathway, evaluate
from tests.conftest import load_vignettes

VIGNETTES = load_vignettes()


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def imported(tmp_path: Path, capsys) -> list[dict]:
    items = [v["case"] | {"case_code": f"V-{i:02d}"} for i, v in enumerate(VIGNETTES, 1)]
    path = tmp_path / "vignettes.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    assert run(["import", str(path)], capsys)[0] == 0
    return items


def counts() -> tuple[int, int]:
    with sqlite3.connect(paths.database_path()) as conn:
        return (conn.execute("SELECT count(*) FROM board_decisions").fetchone()[0],
                conn.execute("SELECT count(*) FROM audit").fetchone()[0])


def test_cohort_json_agrees_with_a_direct_evaluation_and_follows_board_record(
        imported: list[dict], capsys) -> None:
    pathway = default_pathway()
    evs = {i["case_code"]: evaluate(validate_case(i).case, pathway) for i in imported}
    code, out, err = run(["cohort", "--json"], capsys)
    assert (code, err) == (0, "")
    cohort = json.loads(out)
    assert set(cohort) >= {"cases", "by_recommendation", "needs_data", "decisions",
                           "concordant", "due_for_review", "pfs"}
    assert cohort["cases"] == len(imported)
    assert cohort["by_recommendation"] == dict(Counter(
        e.recommendation_node for e in evs.values() if e.recommendation_node))
    assert cohort["needs_data"] == dict(Counter(
        e.missing[0] for e in evs.values() if e.missing))
    assert (cohort["decisions"], cohort["concordant"]) == (0, 0)
    assert all(set(g) >= {"regimen", "line", "n", "events", "median_months", "ci95"}
               for g in cohort["pfs"])

    with_options = [c for c, e in evs.items() if e.options][:3]
    for c in with_options:
        first = evs[c].options[0].id
        assert run(["board", "record", c, "--date", "2025-03-02", "--decision", first], capsys
                   )[0] == 0
    code, out, _ = run(["board", "record", with_options[0], "--date", "2025-04-02",
                        "--decision", "surgery", "--reason", "trial_enrolment",
                        "--attendees", "Dr A, Dr B", "--note", "NETTER-2 screening"], capsys)
    assert code == 0 and "departs" in out
    cohort = json.loads(run(["cohort", "--json"], capsys)[1])
    assert (cohort["decisions"], cohort["concordant"]) == (4, 3)
    assert cohort["reasons"] == {"trial_enrolment": 1}
    assert [(q["quarter"], q["decisions"], q["concordant"]) for q in cohort["by_quarter"]] == \
        [("2025-Q1", 3, 3), ("2025-Q2", 1, 0)]

    code, out, _ = run(["board", "list", with_options[0], "--json"], capsys)
    listed = json.loads(out)
    assert [d["decision"] for d in listed] == [evs[with_options[0]].options[0].id, "surgery"]
    assert listed[0]["snapshot"]["recommendation_node"] == \
        evs[with_options[0]].recommendation_node
    assert listed[0]["snapshot"]["pathway_version"] == pathway.version
    assert listed[1]["attendees"] == "Dr A, Dr B" and listed[1]["concordant"] is False


@pytest.mark.parametrize(("args", "words"), [
    (["--date", "2025-03-02", "--decision", "aspirin"], "Decision"),
    (["--date", "2999-03-02", "--decision", "other", "--reason", "other", "--reason-text",
      "x"], "Board date"),
    (["--date", "02/03/2025", "--decision", "other", "--reason", "other",
      "--reason-text", "x"], "YYYY-MM-DD"),
    (["--date", "2025-03-02", "--decision", "surgery"], "Reason for departing is required"),
    (["--date", "2025-03-02", "--decision", "surgery", "--reason", "whim"], "Patient preference"),
])
def test_bad_input_names_the_field_exits_2_and_writes_nothing(imported, capsys, args,
                                                              words) -> None:
    before = counts()
    code, out, err = run(["board", "record", "V-01", *args], capsys)
    assert code == 2 and out == "" and words in err
    assert "Traceback" not in err
    assert counts() == before


def test_an_unknown_case_code_exits_2(imported, capsys) -> None:
    code, _, err = run(["board", "record", "NOPE", "--date", "2025-03-02", "--decision",
                        "surgery", "--reason", "other", "--reason-text", "x"], capsys)
    assert code == 2 and "NOPE" in err
    assert run(["board", "list", "NOPE"], capsys)[0] == 2


def test_evaluate_explain_gives_what_if_and_the_summary_dates_observations(
        tmp_path: Path, capsys) -> None:
    case = {"case_code": "A-001", "primary_site": "jejunum_ileum", "differentiation": "well",
            "ki67_percent": 9, "ki67_date": "2025-03-02", "sstr_status": "positive",
            "sstr_imaging_date": "2025-02-20", "hepatic_burden": "le25",
            "bulk_symptoms": False, "pace": "stable", "functional_syndrome": "none",
            "mitoses_per_2mm2": 1, "lines": []}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    code, out, _ = run(["evaluate", str(path), "--json", "--explain"], capsys)
    result = json.loads(out)
    assert code == 0 and result["recommendation_node"] == "ssa_first_line"
    assert {"field": "ki67_percent", "value": 10,
            "recommendation_node": "ginet_active_first_line"} in result["what_if"]
    code, out, _ = run(["evaluate", str(path), "--json"], capsys)
    assert "what_if" not in json.loads(out)
    code, out, _ = run(["evaluate", str(path)], capsys)
    assert "Ki-67: 9% (2025-03-02)" in out and "SSTR imaging: Positive (2025-02-20)" in out
    # the dates never change the walk
    plain = {k: v for k, v in case.items() if not k.endswith("_date")}
    assert evaluate(validate_case(plain).case).to_contract() == \
        evaluate(validate_case(case).case).to_contract()
