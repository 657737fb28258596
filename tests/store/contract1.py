"""Databases as the contract-1 program wrote them (schema 4): random realistic cases whose lines
know no progression date and no `continued_after_progression`, each with the stale
recommendation of a pathway 1.x, built with the program's own migrations up to 4."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

from gepnet_desktop.case import Case, validate_case
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.store.db import connect
from gepnet_desktop.store.migrations import migrate, schema_shape
from gepnet_desktop.store.rows import LINE_COLUMNS, case_values

CONTRACT_1_OUTCOMES = ("ongoing", "progression", "toxicity", "completed", "other")
OLD_VERSION = "kr-gepnet-2021@1.0.1"  # what the contract-1 program stored beside each row
OLD_NODE = "contract_1_recommendation"  # a stand-in for the 1.x result; never a node of 2.x


def contract1_case_dict(rng: random.Random, code: str) -> dict[str, Any]:
    """A random valid case object of contract 1: no progression_date key on any line, outcomes
    of contract 1 only, at most one line ongoing (contract 1 knew no concurrent lines)."""
    data = random_case_dict(rng, code=code)
    lines = []
    for line in data["lines"]:
        line = {k: v for k, v in line.items() if k != "progression_date"}
        if line["outcome"] not in CONTRACT_1_OUTCOMES or (
                line["outcome"] == "ongoing" and any(x["outcome"] == "ongoing" for x in lines)):
            line["outcome"] = "progression"
        lines.append(line)
    data["lines"] = lines
    return data


def contract1_cases(n: int, seed: int = 11) -> list[Case]:
    """`n` valid contract-1 cases (codes C1-00001...), with the store's keys already set."""
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        data = contract1_case_dict(rng, f"C1-{i:05d}")
        if rng.random() < 0.4:
            data["notes"] = rng.choice(["liver metastases", "간 전이 확인", "seen at board"])
        result = validate_case(data, require_code=True)
        assert result.case is not None, (data, result.errors)
        case = result.case
        case.uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        case.revision = rng.randint(1, 4)
        day = f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        case.created_at = f"{day}T08:00:00.000+00:00"
        case.updated_at = case.created_at.replace("08:00", "09:30")
        out.append(case)
    return out


def schema_4_file(path: Path, cases: list[Case]) -> Path:
    """Write `cases` into a new database of schema 4, as the contract-1 program stored them."""
    return old_schema_file(path, cases, 4)


def old_schema_file(path: Path, cases: list[Case], version: int) -> Path:
    """Write `cases` into a new database of schema `version` (built by the program's own
    migrations up to it): the columns of that schema only, one audit row each, the stale 1.x
    recommendation where the schema has one. One transaction."""
    shape = schema_shape(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    try:
        migrate(db, path, upto=version)
        line_cols = [c for c in LINE_COLUMNS if c in shape.columns["lines"]]
        db.execute("BEGIN IMMEDIATE")
        for seq, case in enumerate(cases, start=1):
            values = case_values(case) | {
                "uuid": case.uuid, "seq": seq, "revision": case.revision,
                "created_at": case.created_at, "updated_at": case.updated_at,
                "recommendation_node": OLD_NODE, "recommend_version": OLD_VERSION}
            values = {k: v for k, v in values.items() if k in shape.columns["cases"]}
            db.execute(f"INSERT INTO cases ({', '.join(values)}) "
                       f"VALUES ({', '.join('?' * len(values))})", list(values.values()))
            for position, line in enumerate(case.lines, start=1):
                db.execute(f"INSERT INTO lines (case_uuid, position, {', '.join(line_cols)}) "
                           f"VALUES (?, ?, {', '.join('?' * len(line_cols))})",
                           [case.uuid, position, *(getattr(line, c) for c in line_cols)])
            db.execute("INSERT INTO audit (at, os_user, case_uuid, action, revision, changes) "
                       "VALUES (?, 'contract1', ?, 'create', ?, ?)",
                       (case.created_at, case.uuid, case.revision,
                        json.dumps({"case_code": {"old": None, "new": case.case_code}})))
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode = DELETE")
    finally:
        db.close()
    return path


__all__ = ["CONTRACT_1_OUTCOMES", "OLD_NODE", "OLD_VERSION", "contract1_cases",
           "old_schema_file", "schema_4_file"]
