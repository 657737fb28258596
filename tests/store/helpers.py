"""Shared helpers for the store tests: valid cases and stores on real files."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gepnet_desktop.case import Case, Line, validate_case
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.store import Store


def make_case(code: str = "A-001", **fields: Any) -> Case:
    """A valid case with a few fields set; `fields` override them."""
    data: dict[str, Any] = {
        "case_code": code, "primary_site": "jejunum_ileum", "differentiation": "well",
        "ki67_percent": 4, "sstr_status": "positive", "hepatic_burden": "le25",
        "bulk_symptoms": False, "pace": "stable",
    }
    data.update(fields)
    result = validate_case(data, require_code=True)
    assert result.case is not None, result.errors
    return result.case


def random_cases(n: int, seed: int = 7, prefix: str = "R") -> list[Case]:
    """`n` random valid cases with codes prefix-00001..."""
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        data = random_case_dict(rng, code=f"{prefix}-{i:05d}")
        if rng.random() < 0.5:
            data["notes"] = rng.choice(["liver metastases", "간 전이 확인", "reviewed at board",
                                        "octreotide scan positive", "follow-up CT"])
        result = validate_case(data, require_code=True)
        assert result.case is not None, result.errors
        out.append(result.case)
    return out


def first_letter(case: Case) -> str | None:
    """A stand-in recommendation callback: depends on the case, never on the pathway."""
    return f"node_{case.primary_site}" if case.primary_site else None


def open_store(path: Path, **kwargs: Any) -> Store:
    kwargs.setdefault("recommend", first_letter)
    kwargs.setdefault("recommend_version", "test@1")
    kwargs.setdefault("user", "tester")
    return Store.open(path, **kwargs)


__all__ = ["Line", "first_letter", "make_case", "open_store", "random_cases"]


def rewrite_changes(conn: sqlite3.Connection, row_id: int, edit: Callable[[str], str]) -> None:
    """Edit one audit row's `changes` text behind the program's back, as someone who knows
    the storage would: in the form the row keeps it (deflated again when packed)."""
    from gepnet_desktop.store import audit

    changes, packed = conn.execute("SELECT changes, packed FROM audit WHERE id = ?",
                                   (row_id,)).fetchone()
    text = edit(audit.unpack(changes, packed))
    stored = (text, None) if packed is None else audit.pack(text)
    assert stored[1] is not None or packed is None
    conn.execute("UPDATE audit SET changes = ?, packed = ? WHERE id = ?", (*stored, row_id))


def record_random_decision(store: Store, case: Case, rng: random.Random) -> Any:
    """A board decision on a random date of 2023-2026: one of the case's options or another
    decision (then with a reason), recorded through board.py."""
    from gepnet_desktop.board import record_board_decision
    from gepnet_desktop.case.decision import DECISIONS, REASONS
    from gepnet_desktop.pathway import default_pathway, evaluate

    options = [o.id for o in evaluate(case, default_pathway()).options]
    decision = rng.choice(options + list(DECISIONS)) if options else rng.choice(DECISIONS)
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1300))
    fields: dict[str, Any] = {"date": day.isoformat(), "decision": decision}
    if decision not in options:
        fields.update(reason=rng.choice(REASONS), reason_text="why")
    return record_board_decision(store, case, fields)
