"""One import record checked and turned into the values of its rows, by a pure function that
needs no database (`prepare`): an import runs it in its own process for a small file, in worker
processes for a large one (import_workers.py), with the same result.

What needs the database or the records before it (a uuid or code used twice, a case already
stored, board decisions matched by uuid) stays with the import (exchange_import.py).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid as uuidlib
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..case import Case
from ..case.fields import DECISIONS_KEY
from ..case.validation import SURROGATE, validate_case
from ..json_stream import JsonText
from . import audit, ids
from .errors import RecordProblem
from .exchange_format import DELETED_KEY
from .guard import resident_number_errors
from .recommend import Recommend, recommendation
from .rows import case_values, content, line_rows

MAX_REVISION = 2**53  # saved again and again, a revision stays exact in any JSON reader


class Prepared(NamedTuple):
    """What `prepare` found in one record: its problems and, for a case that may be written,
    the values of its rows (`values`: case_values' in their order; `lines`: line_rows')."""

    problems: list[RecordProblem]
    valid: bool  # a valid case that fits the store (nothing else checked yet)
    code: str | None = None
    uuid: str | None = None  # the record's own uuid (None: a new case)
    new_uuid: str = ""  # the uuid it gets when it is new: its own, or a new one
    deleted_at: str | None = None
    decisions: Any = None  # the record's board_decisions as read (checked by the import)
    revision: int = 1
    created_at: str | None = None
    updated_at: str | None = None
    values: tuple[Any, ...] = ()
    node: str | None = None
    missing: str | None = None
    recommend_failed: str = ""  # the walk raised this (its type): no recommendation stored
    lines: Sequence[tuple[Any, ...]] = ()
    known: str = ""  # the record's fields as the import digest covers them (audit.known_json)
    unreadable: bool = False  # its line is not one JSON object: the file is read again whole


def prepare(position: str, obj: Any, parse_problems: list[RecordProblem],
            recommend: Recommend | None) -> Prepared:
    """Check one record (decoded first when it is a line's text: JsonText; `unreadable` when
    that is not one JSON value) (its deleted_at, its fields, what the store needs of uuid and
    revision) and compute its rows, with its stored recommendation when `recommend` is given."""
    problems = list(parse_problems)
    if parse_problems:
        return Prepared(problems, False)
    if isinstance(obj, JsonText):
        try:
            obj = json.loads(obj)
        except (ValueError, RecursionError):  # the file is read again, as a whole
            return Prepared(problems, False, unreadable=True)
    obj, deleted_at = take_deleted_at(position, obj, problems)
    obj, decisions = _take_decisions(obj)
    case = validate_record(position, obj, problems)
    if case is None:  # its code as its problems show it (not one that must not be repeated)
        return Prepared(problems, False, problems[-1].case_code, decisions=decisions)
    if not fits_store(position, case, problems):
        return Prepared(problems, False, case.case_code, decisions=decisions)
    new_uuid = case.uuid or ids.new_uuid()
    node, missing, failed = _recommendation(case, recommend)
    data = content(case)
    return Prepared(
        problems, True, case.case_code, case.uuid, new_uuid, deleted_at, decisions,
        case.revision or 1, case.created_at, case.updated_at,
        tuple(case_values(case, data).values()), node, missing, failed,
        line_rows(new_uuid, case.lines), audit.known_json(data))


def record_case(position: str, obj: Any) -> Case:
    """The case of a record `prepare` found valid (read again, for a case already stored)."""
    if isinstance(obj, JsonText):
        obj = json.loads(obj)
    obj, _ = take_deleted_at(position, obj, [])
    obj, _ = _take_decisions(obj)
    case = validate_record(position, obj, [])
    assert case is not None, "record_case: the record was found valid before"
    return case


def _recommendation(case: Case, recommend: Recommend | None
                    ) -> tuple[str | None, str | None, str]:
    if recommend is None:
        return None, None, ""
    try:
        node, missing = recommendation(case, recommend)
    except Exception as exc:  # stored as no recommendation; the import logs its type
        return None, None, f"{type(exc).__module__}.{type(exc).__qualname__}"
    return node, missing, ""


def _take_decisions(obj: Any) -> tuple[Any, Any]:
    """The record without its board_decisions, and their value as read (None: none)."""
    if not isinstance(obj, dict) or DECISIONS_KEY not in obj:
        return obj, None
    obj = dict(obj)
    return obj, obj.pop(DECISIONS_KEY)


def take_deleted_at(position: str, obj: Any, problems: list[RecordProblem]
                    ) -> tuple[Any, str | None]:
    """The record without its deleted_at, and that value (checked: None or a date and time)."""
    if not isinstance(obj, dict) or DELETED_KEY not in obj:
        return obj, None
    obj = dict(obj)
    value = obj.pop(DELETED_KEY)
    if value is None or (isinstance(value, str) and _is_time(value)):
        return obj, value
    code = obj.get("case_code")
    problems.append(RecordProblem(
        position, code if isinstance(code, str) else None, DELETED_KEY,
        f"{value!r} is not a date and time; allowed: empty or null (the case is not deleted), "
        "or an ISO 8601 date and time such as 2024-05-01T09:30:00.000+00:00, as export "
        "writes it"))
    return obj, None


def _is_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return "T" in text or " " in text


def validate_record(position: str, obj: Any, problems: list[RecordProblem]) -> Case | None:
    """The record's case, or None with its problems added (a resident number is refused)."""
    result = validate_case(obj, require_code=True)
    refused = resident_number_errors(result.warnings)
    if result.ok and result.case is not None and not refused:
        return result.case
    code = obj.get("case_code") if isinstance(obj, dict) else None
    code = code if isinstance(code, str) and not refused and not SURROGATE.search(code) \
        else None  # never repeat such a code (nor one that is not text)
    problems += [RecordProblem(position, code, p.field, p.message)
                 for p in [*result.errors, *refused]]
    return None


def fits_store(position: str, case: Case, problems: list[RecordProblem]) -> bool:
    """What the store needs beyond a valid record: a canonical UUID (lower case, with hyphens,
    as export writes it) and a revision from 1 to 2^53, so the case can be saved again."""
    ok = True
    if case.uuid is not None:
        try:
            canonical = str(uuidlib.UUID(case.uuid))
        except ValueError:
            canonical = None
        if canonical != case.uuid:
            shown = case.uuid if len(case.uuid) <= 40 else f"{case.uuid[:37]}..."
            problems.append(RecordProblem(
                position, case.case_code, "uuid", f"{shown!r} is not a UUID as the program "
                "writes it; allowed: 36 characters such as 0f6c1a52-3b9e-4f3e-9a51-"
                "2d3c4b5a6f70 (lower case), or null for a new case"))
            ok = False
    if case.revision is not None and not 1 <= case.revision <= MAX_REVISION:
        problems.append(RecordProblem(
            position, case.case_code, "revision", f"a revision of {len(str(case.revision))} "
            f"digits is out of range; allowed: a whole number from 1 to 2^53 "
            f"({MAX_REVISION:,}), or null for a new case"))
        ok = False
    return ok


__all__ = ["MAX_REVISION", "Prepared", "fits_store", "prepare", "record_case",
           "take_deleted_at", "validate_record"]
