"""Bad input found by the attack on the program: exit code 2 with a sentence, never the
"unexpected error" of exit 1, and nothing written; `--pathway` files beyond the limits."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gepnet_desktop.bundled import resource_path
from gepnet_desktop.cli import main
from gepnet_desktop.pathway.limits import MAX_COUNTS, MAX_DEPTH

from .fuzz_support import database_digest

BASE = {"case_code": "A-1", "primary_site": "jejunum_ileum", "differentiation": "well",
        "ki67_percent": 4}
UUID = "0f6c1a52-3b9e-4f3e-9a51-2d3c4b5a6f70"

# name -> (file text, what the sentence says)
JSON_INPUTS = {
    "nesting.json": ("[" * 1500 + "]" * 1500, "nesting too deep"),
    "nested_lines.json": ('[{"case_code": "A", "lines": ' + "[" * 1200 + "]" * 1200 + "}]",
                          "nesting too deep"),
    "long_number.json": ('[{"case_code": "A", "ki67_percent": ' + "9" * 4301 + "}]",
                         "number too long"),
    "surrogate_code.json": ('[{"case_code": "A\\ud800"}]', "lone UTF-16 surrogate"),
    "surrogate_note.json": ('[{"case_code": "A", "notes": "x\\udfff"}]',
                            "notes: the text holds an invalid character"),
    "nan.json": ('[{"case_code": "A", "ki67_percent": NaN}]', "nan is not a number"),
    "infinity.json": ('[{"case_code": "A", "ki67_percent": 1e400}]', "inf is not a number"),
}
IMPORT_ONLY = {
    "revision_2_63.json": (json.dumps([BASE | {"revision": 2**63}]), "revision: a revision of"),
    "revision_2_63_minus_1.json": (json.dumps([BASE | {"revision": 2**63 - 1}]),
                                   "allowed: a whole number from 1 to 2^53"),
    "revision_2_53_plus_1.json": (json.dumps([BASE | {"revision": 2**53 + 1}]),
                                  "out of range"),
    "uuid_space.json": (json.dumps([BASE | {"uuid": "a b"}]), "uuid: 'a b' is not a UUID"),
    "uuid_upper.json": (json.dumps([BASE | {"uuid": UUID.upper()}]), "is not a UUID"),
    "deep.csv": ('case_code,lines\nA,"' + "[" * 1500 + "]" * 1500 + '"\n',
                 "row 2 (A): lines: holds a number too long or nesting too deep"),
    "long_number.csv": ("case_code,ki67_percent\nA," + "9" * 5000 + "\n",
                        "row 2 (A): ki67_percent:"),
    "revision.csv": (f"case_code,revision\nA,{2**64}\n", "row 2 (A): revision:"),
    "lines_number.csv": ('case_code,lines\nA,"[{""regimen"": ' + "1" * 5000 + '}]"\n',
                         "row 2 (A): lines: holds a number too long"),
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@pytest.fixture
def seeded(tmp_path: Path, data_dir: Path, capsys) -> Path:
    """A database holding one case, so that a refused import has something to keep."""
    path = write(tmp_path, "seed.json", json.dumps([BASE | {"case_code": "SEED-1"}]))
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    return data_dir / "gepnet.db"


@pytest.mark.parametrize("name", sorted({**JSON_INPUTS, **IMPORT_ONLY}))
def test_import_of_bad_input_exits_2_with_a_sentence_and_writes_nothing(
        name: str, tmp_path: Path, seeded: Path, capsys) -> None:
    text, sentence = {**JSON_INPUTS, **IMPORT_ONLY}[name]
    path = write(tmp_path, name, text)
    before = database_digest(seeded)
    code = main(["import", str(path)])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert sentence in err and str(path) in err
    assert "unexpected error" not in err and out == ""
    assert database_digest(seeded) == before


@pytest.mark.parametrize("name", sorted(JSON_INPUTS))
def test_evaluate_of_bad_input_exits_2_with_a_sentence(name: str, tmp_path: Path,
                                                       capsys) -> None:
    text, sentence = JSON_INPUTS[name]
    path = write(tmp_path, name, text)
    code = main(["evaluate", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert sentence in err and "unexpected error" not in err and out == ""


def test_a_revision_at_the_limit_and_a_canonical_uuid_are_imported(tmp_path: Path,
                                                                   seeded: Path,
                                                                   capsys) -> None:
    path = write(tmp_path, "ok.json", json.dumps([BASE | {"uuid": UUID, "revision": 2**53}]))
    assert main(["import", str(path)]) == 0
    assert main(["cases", "show", "A-1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert (shown["uuid"], shown["revision"]) == (UUID, 2**53)


# --- --pathway files beyond the limits -----------------------------------------------------
def pathway_doc() -> dict:
    return json.loads(resource_path("pathways", "kr-gepnet-2021.json").read_text("utf-8"))


def chain(n: int) -> str:
    doc = pathway_doc()
    start = doc["nodes"][0]
    doc["nodes"] += [dict(copy.deepcopy(start), id=f"n{i}", kind="decision") for i in range(n)]
    doc["edges"] += [{"from": f"n{i}", "to": f"n{i + 1}", "provenance": "paper_text"}
                     for i in range(n - 1)]
    return json.dumps(doc)


def nan_layout() -> str:
    doc = pathway_doc()
    doc["nodes"][1]["layout"]["x"] = float("nan")
    return json.dumps(doc)


def deep_condition(levels: int) -> str:
    doc = pathway_doc()
    cond: dict = {"field": "ki67_percent", "op": "lt", "value": 10}
    for _ in range(levels):
        cond = {"not": cond}
    doc["edges"][1]["when"] = cond
    return json.dumps(doc)


PATHWAYS = {
    "chain-1500.json": (lambda: chain(1500), f"may have at most {MAX_COUNTS['nodes']} nodes"),
    "nan-layout.json": (nan_layout, "holds NaN, which is not a number"),
    "deep-condition.json": (lambda: deep_condition(200),
                            f"more than {MAX_DEPTH} levels deep"),
    "nesting-5000.json": (lambda: "[" * 5000 + "]" * 5000, "nests lists and objects too deeply"),
    "long-number.json": (lambda: json.dumps(pathway_doc())[:-1] + ', "n": ' + "9" * 5000 + "}",
                         "a number too long to read"),
    "too-big.json": (lambda: json.dumps(pathway_doc())[:-1] + ', "pad": "' + "x" * 2_100_000
                     + '"}', "a pathway file may have at most 2,000,000"),
}


@pytest.mark.parametrize("name", sorted(PATHWAYS))
def test_a_hostile_pathway_file_is_refused_naming_the_limit(name: str, tmp_path: Path,
                                                            capsys) -> None:
    make, sentence = PATHWAYS[name]
    pathway = write(tmp_path, name, make())
    case = write(tmp_path, "case.json", json.dumps(BASE))
    code = main(["evaluate", str(case), "--pathway", str(pathway)])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert sentence in err and str(pathway) in err and out == ""
    assert len(err.splitlines()) == 1


def test_the_bundled_pathway_is_within_the_limits() -> None:
    from gepnet_desktop.pathway.limits import limit_problems

    assert limit_problems(resource_path("pathways", "kr-gepnet-2021.json")) == []


# --- the real exit codes, in a process of their own ----------------------------------------
SUBPROCESS_CASES = [
    (["import"], "nesting.json", "nesting too deep"),
    (["import"], "revision_2_63.json", "revision"),
    (["import"], "surrogate_code.json", "surrogate"),
    (["import"], "long_number.csv", "ki67_percent"),
    (["evaluate"], "surrogate_code.json", "surrogate"),
    (["evaluate"], "long_number.json", "number too long"),
]


def test_the_exit_codes_in_a_process_of_their_own(tmp_path: Path, seeded: Path,
                                                  data_dir: Path) -> None:
    env = dict(os.environ, GEPNET_DATA_DIR=str(data_dir), PYTHONIOENCODING="utf-8")
    inputs = {**JSON_INPUTS, **IMPORT_ONLY}
    before = database_digest(seeded)
    pathway = write(tmp_path, "chain.json", chain(1500))
    runs = [(cmd, write(tmp_path, name, inputs[name][0]), want)
            for cmd, name, want in SUBPROCESS_CASES]
    runs.append((["evaluate", "--pathway", str(pathway)], write(tmp_path, "c.json",
                                                                json.dumps(BASE)), "nodes"))
    for cmd, path, want in runs:
        proc = subprocess.run([sys.executable, "-m", "gepnet_desktop", *cmd, str(path)],
                              env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, (cmd, path.name, proc.stderr)
        assert want in proc.stderr and "Traceback" not in proc.stderr, (cmd, path.name)
        assert proc.stdout == ""
    assert database_digest(seeded) == before
