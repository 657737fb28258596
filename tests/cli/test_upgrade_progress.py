"""A command that opens an older database upgrades it with progress on standard error when that
is a terminal (a pseudo-terminal here), and says nothing more when it is a pipe; standard
output is the same either way, and the upgrade notice is said once."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

from gepnet_desktop import paths
from gepnet_desktop.store.db import probe
from gepnet_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION
from gepnet_desktop.store.upgrade import copy_sentence, step_sentence
from tests.store.contract1 import contract1_cases, old_schema_file

COMMAND = [sys.executable, "-m", "gepnet_desktop", "cases", "list", "--json"]


def _old_database() -> Path:
    return old_schema_file(paths.database_path(), contract1_cases(12), 4)


def _on_a_terminal() -> tuple[int, str, str]:
    """Run the command with standard error on a pseudo-terminal: exit code, stdout, stderr."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(COMMAND, stdout=subprocess.PIPE, stderr=slave,
                                stdin=subprocess.DEVNULL, env=os.environ.copy())
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal's other end closed (Linux: EIO)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    out = proc.stdout.read().decode() if proc.stdout else ""
    proc.stdout.close() if proc.stdout else None
    code = proc.wait()
    return code, out, b"".join(chunks).decode().replace("\r\n", "\n")


def test_progress_lines_on_a_terminal(tmp_path: Path) -> None:
    path = _old_database()
    shutil.copy(path, tmp_path / "old.db")
    code, out, err = _on_a_terminal()
    assert code == 0
    count = SCHEMA_VERSION - 4
    lines = [line.split("\r")[-1] for line in err.split("\n") if line]
    assert lines[0] == copy_sentence("en", 1, 1)  # the last of the counting line: 100%
    assert lines[1:1 + count] == [step_sentence(m, n, count, "en")
                                  for n, m in enumerate(MIGRATIONS[4:], 1)]
    notices = [line for line in lines if "upgraded the database" in line]
    assert len(notices) == 1 and "from schema 4" in notices[0]
    assert len(lines) == count + 2
    assert probe(path).user_version == SCHEMA_VERSION
    # standard output is what a pipe gets from the same old file
    shutil.copy(tmp_path / "old.db", path)
    piped = subprocess.run(COMMAND, capture_output=True, text=True, check=True)
    assert json.loads(out) == json.loads(piped.stdout) and len(json.loads(out)) == 12


def test_no_progress_when_standard_error_is_a_pipe() -> None:
    path = _old_database()
    proc = subprocess.run(COMMAND, capture_output=True, text=True)
    assert proc.returncode == 0
    assert "Copying the database aside" not in proc.stderr
    assert "Upgrading the database" not in proc.stderr
    [notice] = proc.stderr.splitlines()  # said once (not again through the log)
    assert "upgraded the database" in notice
    assert probe(path).user_version == SCHEMA_VERSION
    assert len(json.loads(proc.stdout)) == 12


def test_a_current_database_prints_nothing_on_a_terminal() -> None:
    _old_database()
    subprocess.run(COMMAND, capture_output=True, check=True)  # upgraded once
    code, out, err = _on_a_terminal()
    assert code == 0 and err == ""
    assert len(json.loads(out)) == 12
