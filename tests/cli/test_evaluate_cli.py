"""`gepnet-desktop evaluate`: the contract's JSON, readable summaries, and clean refusals."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gepnet_desktop.cli import main
from tests.conftest import load_vignettes

VIGNETTES = load_vignettes()


def run(argv: list[str], capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, data, name: str = "in.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_a_list_gives_the_contract_json_in_the_same_order(tmp_path, capsys) -> None:
    code, out, err = run(["evaluate", write(tmp_path, [v["case"] for v in VIGNETTES]), "--json"],
                         capsys)
    assert code == 0 and err == ""
    assert json.loads(out) == [v["expected"] for v in VIGNETTES]


def test_one_object_from_standard_input_gives_one_object(capsys, monkeypatch) -> None:
    code, out, _ = run(["evaluate", "-", "--json"], capsys,
                       stdin=json.dumps(VIGNETTES[0]["case"]), monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out) == VIGNETTES[0]["expected"]


def test_explain_adds_pathway_and_reasons_in_korean(tmp_path, capsys) -> None:
    code, out, _ = run(["--lang", "ko", "evaluate", write(tmp_path, VIGNETTES[0]["case"]),
                        "--json", "--explain"], capsys)
    data = json.loads(out)
    assert code == 0 and data["pathway"]["id"] == "kr-gepnet-2021"
    behaviour = next(e["text"] for e in data["explanations"] if e["node"] == "behaviour")
    assert "Ki-67 1%: 10% 미만" in behaviour


def test_readable_summary_names_options_doses_and_banner(tmp_path, capsys) -> None:
    code, out, _ = run(["--lang", "en", "evaluate", write(tmp_path, VIGNETTES[0]["case"])],
                       capsys)
    assert code == 0
    assert "Case 1 (V01)" in out and "Lanreotide autogel" in out and "120 mg" in out
    assert "Ki-67 1% is below 10%" in out
    assert "verify against the published figure" in out


def test_invalid_cases_exit_2_with_every_problem_and_nothing_on_stdout(tmp_path, capsys) -> None:
    cases = [VIGNETTES[0]["case"], {"case_code": "B2", "ki67_percent": 101, "pace": "fast"}]
    code, out, err = run(["evaluate", write(tmp_path, cases), "--json"], capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("case 2 (B2): ki67_percent: 101 is out of range")
    assert lines[1].startswith("case 2 (B2): pace:")


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"), ("{not json", "is not valid JSON (line 1"),
])
def test_unreadable_input_is_one_sentence(tmp_path, capsys, content, message) -> None:
    path = tmp_path / "x.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(["evaluate", str(path)], capsys)
    assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_a_broken_pathway_file_is_refused_naming_file_and_node(tmp_path, capsys) -> None:
    from gepnet_desktop.bundled import resource_path

    doc = json.loads(resource_path("pathways", "kr-gepnet-2021.json").read_text("utf-8"))
    next(n for n in doc["nodes"] if n["id"] == "behaviour")["colour"] = "red"
    pw = write(tmp_path, doc, "broken.json")
    code, out, err = run(["evaluate", write(tmp_path, VIGNETTES[0]["case"]), "--pathway", pw],
                         capsys)
    assert code == 2 and out == ""
    assert err.strip() == f"{pw}: node 'behaviour': unknown key 'colour'"


def test_the_installed_command_never_shows_a_traceback(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"ki67_percent": "high"}', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gepnet_desktop", "evaluate", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("case 1: ki67_percent:") and "Traceback" not in proc.stderr


def test_a_reader_that_stops_early_is_not_an_error(tmp_path) -> None:
    src = write(tmp_path, [VIGNETTES[0]["case"]] * 3000)
    proc = subprocess.Popen([sys.executable, "-m", "gepnet_desktop", "evaluate", src, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(10)  # like `| head`: read a little, then close the pipe
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0 and err == ""


def test_an_unusable_data_folder_is_one_sentence(tmp_path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    code, out, err = run(["--data-dir", str(blocker), "cases", "list"], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"The data folder {blocker} cannot be used") and "--data-dir" in err


def test_files_with_a_byte_order_mark_or_absurd_content(tmp_path, capsys) -> None:
    bom = tmp_path / "bom.json"
    bom.write_text("\ufeff" + json.dumps(VIGNETTES[0]["case"]), encoding="utf-8")
    code, out, _ = run(["evaluate", str(bom), "--json"], capsys)
    assert code == 0 and json.loads(out) == VIGNETTES[0]["expected"]
    for name, text in [("digits.json", '{"ecog": ' + "9" * 5000 + "}"),
                       ("deep.json", "[" * 100_000 + "]" * 100_000)]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, out, err = run(["evaluate", str(path)], capsys)
        assert code == 2 and out == "" and "too long or nesting too deep" in err
    code, out, err = run(["evaluate", str(tmp_path)], capsys)
    assert code == 2 and "is a folder" in err


def test_soft_warnings_of_the_record_are_shown_but_never_block(tmp_path, capsys) -> None:
    v37 = next(v for v in VIGNETTES if v["id"] == "V37")  # well differentiated, Ki-67 60%
    src = write(tmp_path, [v37["case"]])
    code, out, err = run(["--lang", "en", "evaluate", src], capsys)
    assert code == 0 and err == ""
    assert "Check the record: Ki-67: Ki-67 60% is unusual" in out
    code, out, _ = run(["evaluate", src, "--json"], capsys)
    assert json.loads(out) == [v37["expected"]]  # the contract's keys only
    code, out, _ = run(["--lang", "ko", "evaluate", src, "--json", "--explain"], capsys)
    warned = json.loads(out)[0]["record_warnings"]
    assert [w["field"] for w in warned] == ["ki67_percent"] and "고분화" in warned[0]["text"]
