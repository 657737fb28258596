"""Hostile exchange and case files for the fuzz corpus (hypothesis), and the database digest
that shows a refused import changed nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from gepnet_desktop.case import CASE_FIELDS, LINE_FIELDS
from gepnet_desktop.store.exchange_format import CSV_COLUMNS


def database_digest(path: Path) -> str:
    """SHA-256 of a dump of every table of the database (read without writing), its schema
    version and its change counter included."""
    conn = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256(str(conn.execute("PRAGMA user_version").fetchone()).encode())
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
    finally:
        conn.close()
    return digest.hexdigest()


# --- values ----------------------------------------------------------------------------------
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
TEXT = st.text(st.one_of(st.characters(codec="utf-8"), SURROGATES,
                         st.sampled_from('",;\n\r\x00\ufeff=+-@\\')), max_size=30)
ENUM_VALUES = sorted({v for f in (*CASE_FIELDS, *LINE_FIELDS) for v in (f.values or ())})
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**40]),
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.sampled_from(ENUM_VALUES),
                    st.sampled_from(["2024-01-31", "2024-02-30", "9999-12-31", "1900-01-01",
                                     "2024-01-01T00:00:00+00:00", "yesterday"]))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)

CASE_KEYS = [f.key for f in CASE_FIELDS]
META_KEYS = ["uuid", "revision", "created_at", "updated_at", "who_grade", "deleted_at"]
LINE_KEYS = [f.key for f in LINE_FIELDS]
UUIDS = st.one_of(st.uuids().map(str), st.uuids().map(lambda u: str(u).upper()),
                  st.uuids().map(lambda u: u.hex), st.just("a b"), TEXT)
# Raw JSON texts no Python value writes: nesting past the recursion limit, numbers past the
# 4,300-digit limit of int(), lone surrogate escapes, JSON's non-numbers.
RAW = st.one_of(
    st.integers(900, 1600).map(lambda d: "[" * d + "]" * d),
    st.integers(900, 1300).map(lambda d: '{"a":' * d + "1" + "}" * d),
    st.integers(4250, 4400).map(lambda n: "9" * n),
    st.integers(4250, 4400).map(lambda n: "-" + "1" * n + ".5"),
    st.sampled_from(['"\\ud800"', '"A\\udfff"', '"\\ud83d\\ude00"', "NaN", "-Infinity",
                     "1e400", "-0", "1E-400"]),
)


def base_case(code: str) -> dict[str, Any]:
    return {"case_code": code, "primary_site": "jejunum_ileum", "differentiation": "well",
            "ki67_percent": 4, "sstr_status": "positive", "hepatic_burden": "le25",
            "bulk_symptoms": False, "pace": "stable", "lines": []}


@st.composite
def lines(draw: st.DrawFn) -> Any:
    def line() -> Any:
        item = {"regimen": draw(st.sampled_from(["lanreotide", "everolimus", "capecitabine"])),
                "outcome": draw(st.sampled_from(["ongoing", "progression", "toxicity"]))}
        for key in draw(st.lists(st.sampled_from([*LINE_KEYS, "extra"]), max_size=3)):
            item[key] = draw(SCALARS)
        return item
    return draw(st.one_of(st.lists(st.builds(line), max_size=3), JSON_VALUES))


@st.composite
def case_record(draw: st.DrawFn, index: int = 1) -> tuple[dict[str, Any], dict[str, str]]:
    """A case object, mostly valid, with hostile values in a few keys; and raw JSON texts to
    put in place of some keys' values (RAW)."""
    record = base_case(f"F-{index}-{draw(st.integers(0, 99))}")
    for key in draw(st.lists(st.sampled_from([*CASE_KEYS, *META_KEYS, "lines", "unknown"]),
                             max_size=4)):
        if key == "uuid":
            record[key] = draw(UUIDS)
        elif key == "lines":
            record[key] = draw(lines())
        else:
            record[key] = draw(JSON_VALUES)
    raw = {}
    if draw(st.integers(0, 4)) == 0:
        raw[draw(st.sampled_from([*CASE_KEYS, "revision", "uuid", "lines"]))] = draw(RAW)
    return record, raw


def _json_text(record: dict[str, Any], raw: dict[str, str]) -> str:
    parts = [f"{json.dumps(k)}: {raw[k] if k in raw else json.dumps(v)}"
             for k, v in record.items()]
    parts += [f"{json.dumps(k)}: {v}" for k, v in raw.items() if k not in record]
    return "{" + ", ".join(parts) + "}"


@st.composite
def json_files(draw: st.DrawFn) -> bytes:
    """The bytes of a JSON import or case file: one case, a list of them, any JSON, or a
    broken text."""
    shape = draw(st.sampled_from(["list", "one", "any", "raw", "mangled"]))
    if shape == "any":
        return json.dumps(draw(JSON_VALUES)).encode()
    if shape == "raw":
        return draw(RAW).encode()
    records = [draw(case_record(i)) for i in range(1, draw(st.integers(1, 3)) + 1)]
    text = ", ".join(_json_text(r, raw) for r, raw in records)
    data = (text if shape == "one" else f"[{text}]").encode()
    if shape == "mangled":
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=4)) + data[cut + 1:]
    return data


def _cell(draw: st.DrawFn, column: str) -> str:
    kind = draw(st.integers(0, 5))
    if column == "lines" and kind <= 1:
        return draw(st.one_of(RAW, st.just("[]"), st.just(""),
                              lines().map(lambda v: json.dumps(v))))
    if kind == 0:
        return draw(RAW).replace('"\\ud800"', "\ud800")
    if kind == 1:
        return draw(TEXT)
    value = base_case("x").get(column)
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """The bytes of a CSV import: a header of known (and some unknown) columns, rows with
    hostile cells, sometimes broken quoting."""
    columns = draw(st.lists(st.sampled_from([*CSV_COLUMNS, "deleted_at", "unknown"]),
                            min_size=1, max_size=8, unique=True))
    if "case_code" not in columns and draw(st.booleans()):
        columns.insert(0, "case_code")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for i in range(draw(st.integers(0, 3))):
        row = [f"C-{i}-{draw(st.integers(0, 9))}" if c == "case_code" and draw(st.booleans())
               else _cell(draw, c) for c in columns]
        if draw(st.integers(0, 6)) == 0:
            row = row[:-1] or ["x", "y"]
        writer.writerow(row)
    text = out.getvalue()
    if draw(st.integers(0, 5)) == 0:
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(['"', '""', '"x"y', "\x00", "\n"])) + text[cut:]
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    return (prefix + text).encode("utf-8", draw(st.sampled_from(["surrogatepass", "replace"])))


__all__ = ["csv_files", "database_digest", "json_files"]
