"""The fuzz corpus: 2,000 hostile import and evaluate files (hypothesis, derandomized, no
deadline: the same inputs in every run). Every one ends in exit code 0 or 2, never the 1 of
"unexpected error", and an import that is refused leaves the database digest unchanged.

The command line's main() runs in this process (2,000 processes would take minutes);
tests/cli/test_bad_inputs.py runs a handful in processes of their own for the real exit code.
Standard output is a strict UTF-8 stream, as a terminal's is, so text that cannot be written
would show up as an error here too.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from gepnet_desktop.cli import main

from .fuzz_support import csv_files, database_digest, json_files

BUDGET = {"import_json": 800, "import_csv": 600, "evaluate": 600}  # 2,000 inputs in all
FUZZ = dict(derandomize=True, deadline=None, database=None, print_blob=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                   HealthCheck.data_too_large, HealthCheck.large_base_example])


@contextlib.contextmanager
def terminal() -> Iterator[tuple[io.TextIOWrapper, io.StringIO]]:
    """Standard output as a strict UTF-8 stream, standard error as Python's (backslashes)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err
    out.flush()


def run(argv: list[str]) -> tuple[int, str]:
    with terminal() as (_out, err):
        code = main(argv)
    return code, err.getvalue()


class Seeded:
    """The data dir's database with two cases, reset to them after every accepted import so
    that no import meets an earlier one (the seed's uuids are never generated)."""

    def __init__(self, data_dir: Path, folder: Path) -> None:
        self.db = data_dir / "gepnet.db"
        seed = folder / "seed.json"
        seed.write_text(json.dumps([
            {"case_code": "SEED-1", "primary_site": "pancreas", "differentiation": "well",
             "ki67_percent": 12, "notes": "fuzz seed"},
            {"case_code": "SEED-2", "primary_site": "rectum", "lines": [
                {"regimen": "lanreotide", "start_date": "2023-01-01", "outcome": "ongoing"}]},
        ]), encoding="utf-8")
        assert run(["import", str(seed)])[0] == 0
        self.copy = folder / "seed.db"
        shutil.copyfile(self.db, self.copy)
        self.digest = database_digest(self.db)
        self.counts = {0: 0, 2: 0}

    def reset(self) -> None:
        for extra in ("-wal", "-shm"):
            Path(f"{self.db}{extra}").unlink(missing_ok=True)
        shutil.copyfile(self.copy, self.db)

    def check_import(self, file: Path) -> None:
        code, err = run(["import", str(file)])
        assert code in (0, 2), (code, err, file.read_bytes()[:300])
        assert "unexpected error" not in err
        self.counts[code] += 1
        if code == 2:
            assert err.strip(), "a refusal says why"
            assert database_digest(self.db) == self.digest, err
        else:
            self.reset()


@pytest.fixture
def seeded(data_dir: Path, tmp_path: Path) -> Seeded:
    return Seeded(data_dir, tmp_path)


def test_fuzzed_json_imports_exit_0_or_2_and_refusals_change_nothing(seeded: Seeded,
                                                                     tmp_path: Path) -> None:
    file = tmp_path / "fuzz.json"

    @settings(max_examples=BUDGET["import_json"], **FUZZ)
    @given(json_files())
    def one(data: bytes) -> None:
        file.write_bytes(data)
        seeded.check_import(file)

    one()
    assert seeded.counts[0] > 20 and seeded.counts[2] > 200  # both outcomes well covered


def test_fuzzed_csv_imports_exit_0_or_2_and_refusals_change_nothing(seeded: Seeded,
                                                                    tmp_path: Path) -> None:
    file = tmp_path / "fuzz.csv"

    @settings(max_examples=BUDGET["import_csv"], **FUZZ)
    @given(csv_files())
    def one(data: bytes) -> None:
        file.write_bytes(data)
        seeded.check_import(file)

    one()
    assert seeded.counts[0] > 20 and seeded.counts[2] > 200


def test_fuzzed_evaluate_inputs_exit_0_or_2(tmp_path: Path) -> None:
    file = tmp_path / "case.json"
    counts = {0: 0, 2: 0}

    @settings(max_examples=BUDGET["evaluate"], **FUZZ)
    @given(json_files())
    def one(data: bytes) -> None:
        file.write_bytes(data)
        argv = ["evaluate", str(file)] + (["--json", "--explain"] if data[-1:] != b"]" else [])
        code, err = run(argv)
        assert code in (0, 2), (code, err, data[:300])
        assert "unexpected error" not in err
        counts[code] += 1

    one()
    assert counts[0] > 20 and counts[2] > 200
