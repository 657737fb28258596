"""`evaluate` streams (issue 13): the output is what one JSON dump of every result gives, a bad
last case prints nothing on stdout, and memory stays flat in the number of cases."""

from __future__ import annotations

import contextlib
import json
import random
import tracemalloc
from pathlib import Path

from gepnet_desktop.case import validate_case
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.cli import main
from gepnet_desktop.pathway import default_pathway, evaluate


def _cases(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [random_case_dict(rng, code=f"E-{i:06d}") for i in range(n)]


def _run(tmp_path: Path, cases: object, *args: str) -> tuple[int, str]:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(cases), encoding="utf-8")
    out = tmp_path / "out.txt"
    with out.open("w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        code = main(["evaluate", str(source), *args])
    return code, out.read_text(encoding="utf-8")


def test_the_streamed_output_is_the_json_of_every_result_in_order(tmp_path: Path) -> None:
    cases = _cases(300)
    code, out = _run(tmp_path, cases, "--json")
    pathway = default_pathway()
    expected = [evaluate(validate_case(c).case, pathway).to_json() for c in cases]
    assert code == 0
    assert out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert _run(tmp_path, [], "--json") == (0, "[]\n")
    one = _run(tmp_path, cases[0], "--json")[1]
    assert json.loads(one) == expected[0] and one.startswith("{")


def test_a_bad_last_case_prints_nothing_on_stdout_and_names_it(tmp_path: Path, capsys) -> None:
    cases = _cases(500)
    cases[-1]["ecog"] = 9
    code, out = _run(tmp_path, cases, "--json")
    assert code == 2 and out == ""
    err = capsys.readouterr().err
    assert "case 500 (E-000499): ecog" in err and "Traceback" not in err


def _peak(tmp_path: Path, n: int) -> int:
    source = tmp_path / f"in-{n}.json"
    source.write_text(json.dumps(_cases(n, seed=n)), encoding="utf-8")
    with (tmp_path / f"out-{n}.json").open("w", encoding="utf-8") as fh, \
            contextlib.redirect_stdout(fh):
        tracemalloc.start()  # the command only: the file is written before
        try:
            assert main(["evaluate", str(source), "--json"]) == 0
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_memory_stays_flat_in_the_number_of_cases(tmp_path: Path) -> None:
    _peak(tmp_path, 20)  # the pathway and the modules, loaded before measuring
    small, large = _peak(tmp_path, 500), _peak(tmp_path, 5000)
    assert large < 2 * small, (small, large)
