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


def test_explain_gives_korean_access_per_option_in_option_order(tmp_path, capsys) -> None:
    from gepnet_desktop.pathway import default_pathway

    pathway = default_pathway()
    code, out, _ = run(["evaluate", write(tmp_path, [v["case"] for v in VIGNETTES]), "--json",
                        "--explain"], capsys)
    assert code == 0
    results = json.loads(out)
    for vignette, result in zip(VIGNETTES, results, strict=True):
        access = result["access"]
        assert [a["option"] for a in access] == [o["id"] for o in result["options"]]
        for entry in access:
            assert entry["status"] in pathway.access_statuses
            assert entry["text"] and entry["as_of"]
            assert all(c in pathway.references for c in entry["citations"])
            assert "yoo2021" not in entry["citations"] or entry["as_of"] <= "2020-12", \
                (vignette["id"], entry)
    by_id = {v["id"]: r for v, r in zip(VIGNETTES, results, strict=True)}
    # PRRT after everolimus progression, GI-NET, third line: the NHI listing of 2022-03-01.
    w37 = {a["option"]: a for a in by_id["W37"]["access"]}
    assert w37["prrt_lu177"]["status"] == "self_paid"
    # ... and the text names the criterion this patient does not meet (no targeted agent failed).
    assert "no progression on either is recorded" in w37["prrt_lu177"]["text"]
    assert by_id["W34"]["access"][-1]["status"] == "unverified"  # a re-treatment
    # `--json` alone keeps exactly the contract's keys.
    code, out, _ = run(["evaluate", write(tmp_path, [VIGNETTES[0]["case"]]), "--json"], capsys)
    assert "access" not in json.loads(out)[0]


def test_prrt_third_line_gi_net_after_everolimus_progression_is_reimbursed(tmp_path,
                                                                            capsys) -> None:
    case = {"primary_site": "jejunum_ileum", "differentiation": "well", "ki67_percent": 5,
            "sstr_status": "positive", "pace": "slow_progression", "ecog": 1,
            "lines": [{"regimen": "lanreotide", "outcome": "progression"},
                      {"regimen": "everolimus", "outcome": "progression"}]}
    code, out, _ = run(["--lang", "ko", "evaluate", write(tmp_path, case), "--json", "--explain"],
                       capsys)
    assert code == 0
    result = json.loads(out)
    prrt = next(a for a in result["access"] if a["option"] == "prrt_lu177")
    assert prrt["status"] == "reimbursed" and prrt["as_of"] == "2022-03-01"
    assert "3차" in prrt["text"]
    pancreatic = {**case, "primary_site": "pancreas"}
    code, out, _ = run(["evaluate", write(tmp_path, pancreatic), "--json", "--explain"], capsys)
    prrt = next(a for a in json.loads(out)["access"] if a["option"] == "prrt_lu177")
    assert prrt["status"] == "self_paid" and "4th line" in prrt["text"]
    assert "this would be line 3" in prrt["text"]
    g3 = {**pancreatic, "ki67_percent": 30}
    code, out, _ = run(["evaluate", write(tmp_path, g3), "--json", "--explain"], capsys)
    prrt = next(a for a in json.loads(out)["access"] if a["option"] == "prrt_lu177")
    assert prrt["status"] == "self_paid" and "not graded G1/G2 (G3)" in prrt["text"]
