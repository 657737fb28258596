"""`gepnet-desktop chart` and `report`: from a case file or a case code in the database."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from gepnet_desktop import paths
from gepnet_desktop.case import validate_case
from gepnet_desktop.cli import main
from gepnet_desktop.pathway import default_pathway
from tests.conftest import load_vignettes

VIGNETTES = {v["id"]: v for v in load_vignettes()}
NOTICE = default_pathway().notice


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(VIGNETTES["V04"]["case"]), encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_chart_from_a_case_file(qapp, capsys, tmp_path, case_file, suffix):
    out = tmp_path / f"chart{suffix}"
    code, stdout, err = run(capsys, "chart", str(case_file), "--out", str(out))
    assert (code, err) == (0, "")
    assert stdout.strip() == str(out)
    if suffix == ".svg":
        words = " ".join(ET.parse(out).getroot().itertext())
        assert NOTICE["en"] in words and "Case V04" in words
    elif suffix == ".png":
        assert not QImage(str(out)).isNull()
    else:
        assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_report_from_a_case_file(qapp, capsys, tmp_path, case_file, suffix):
    out = tmp_path / f"report{suffix}"
    code, _, err = run(capsys, "report", str(case_file), "--out", str(out))
    assert (code, err) == (0, "")
    if suffix == ".html":
        html = out.read_text(encoding="utf-8")
        assert NOTICE["en"] in html and "V04" in html and "data:image/png;base64," in html
    else:
        assert out.read_bytes().startswith(b"%PDF-")


def test_korean_chart(qapp, capsys, tmp_path, case_file):
    out = tmp_path / "chart.svg"
    assert main(["--lang", "ko", "chart", str(case_file), "--out", str(out)]) == 0
    assert NOTICE["ko"] in " ".join(ET.parse(out).getroot().itertext())


def test_invalid_case_is_refused_naming_the_field_and_nothing_is_written(qapp, capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(VIGNETTES["V04"]["case"], ki67_percent=140)))
    out = tmp_path / "chart.svg"
    code, stdout, err = run(capsys, "chart", str(bad), "--out", str(out))
    assert code == 2 and stdout == ""
    assert "ki67_percent" in err and "0 to 100" in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(("command", "name", "words"), [
    ("chart", "chart.jpg", ".svg, .png, .pdf"),
    ("report", "report.docx", ".pdf, .html"),
    ("chart", "missing/chart.svg", "does not exist"),
])
def test_bad_output_name_is_refused(qapp, capsys, tmp_path, case_file, command, name, words):
    code, _, err = run(capsys, command, str(case_file), "--out", str(tmp_path / name))
    assert code == 2 and words in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


def test_a_file_with_several_cases_is_refused(qapp, capsys, tmp_path):
    many = tmp_path / "many.json"
    many.write_text(json.dumps([VIGNETTES["V01"]["case"], VIGNETTES["V04"]["case"]]))
    code, _, err = run(capsys, "chart", str(many), "--out", str(tmp_path / "c.svg"))
    assert code == 2 and "holds 2 cases" in err


def test_unknown_code_without_a_database_says_what_to_give(qapp, capsys, tmp_path):
    code, _, err = run(capsys, "chart", "NOPE-1", "--out", str(tmp_path / "c.svg"))
    assert code == 2 and "NOPE-1" in err and "no database" in err
    assert not paths.database_path().exists()  # looking did not create one


def test_chart_and_report_by_case_code_from_the_clinic_database(qapp, capsys, tmp_path):
    from gepnet_desktop.board import record_board_decision
    from gepnet_desktop.clinic import open_clinic

    with open_clinic(paths.database_path()) as store:
        case = store.create(validate_case(VIGNETTES["S08"]["case"]).case)
        for day in ("2025-02-03", "2025-05-06"):
            record_board_decision(store, case, {"date": day, "decision": "surgery",
                                                "reason": "clinical_judgement"})
    out = tmp_path / "s08.svg"
    code, _, err = run(capsys, "chart", "S08", "--out", str(out))
    assert (code, err) == (0, "")
    words = " ".join(ET.parse(out).getroot().itertext())
    assert "Case S08" in words and "Data needed" in words
    code, _, err = run(capsys, "report", "S08", "--out", str(tmp_path / "s08.html"))
    assert code == 0
    html = (tmp_path / "s08.html").read_text(encoding="utf-8")
    assert "Primary site" in html
    assert "Tumour board date</th><td>2025-05-06" in html  # the latest decision
    code, _, err = run(capsys, "chart", "S99", "--out", str(tmp_path / "s99.svg"))
    assert code == 2 and "no case with that code" in err
