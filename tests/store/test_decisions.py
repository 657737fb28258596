"""Tumour-board decisions through the store: audit rows, concordance against the snapshot, edit
with its revision, soft delete and restore, exchange round trips, backups, and a decision taken
under pathway 2.0.0 keeping its snapshot when the pathway changes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from gepnet_desktop.board import record_board_decision, snapshot_for
from gepnet_desktop.case.decision import BoardDecision, Snapshot, validate_decision
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import build_pathway, default_pathway, evaluate
from gepnet_desktop.store import (
    ConflictError,
    ImportFailed,
    audit,
    backup_database,
    check_database,
    export_cases,
    import_cases,
)
from gepnet_desktop.store.decisions import (
    DecisionInvalid,
    delete_decision,
    edit_decision,
    list_decisions,
    record_decision,
    restore_decision,
)
from gepnet_desktop.store.exchange_format import CSV_ENCODING

from .helpers import make_case

SNAP = Snapshot("kr-gepnet-2021", "2.0.0", "ssa_first_line", ("lanreotide", "octreotide_lar"))


@pytest.fixture
def store(tmp_path: Path):
    with open_clinic(tmp_path / "g.db") as s:
        yield s


def audit_rows(store) -> list[tuple[str, dict]]:
    return [(a, json.loads(audit.unpack(c, p))) for a, c, p in store.db.execute(
        "SELECT action, changes, packed FROM audit ORDER BY id").fetchall()]


def test_recording_derives_concordance_and_writes_one_audit_row(store) -> None:
    case = store.create(make_case("A-1"))
    before = store.change_counter()
    d = record_decision(store, case.uuid, BoardDecision("2025-03-02", "lanreotide", SNAP,
                                                         attendees="Dr Kim, Dr Lee"))
    assert d.concordant and d.revision == 1 and d.uuid and d.case_uuid == case.uuid
    assert store.change_counter() == before + 1
    action, changes = audit_rows(store)[-1]
    assert action == "decision_record"
    assert changes["decision"] == {"old": None, "new": "lanreotide"}
    assert changes["decision_uuid"]["new"] == d.uuid
    assert [h.action for h in store.history(case.uuid)] == ["create", "decision_record"]
    assert list_decisions(store, case.uuid) == [d]


def test_a_decision_outside_the_snapshot_is_not_concordant_and_needs_a_reason(store) -> None:
    case = store.create(make_case("A-1"))
    n_audit = len(audit_rows(store))
    with pytest.raises(DecisionInvalid) as err:
        record_decision(store, case.uuid, BoardDecision("2025-03-02", "surgery", SNAP))
    assert [p.field for p in err.value.problems] == ["reason"]
    text = err.value.problems[0].text("en")
    assert "Surgery" in text and "Lanreotide" in text and "Patient preference" in text
    assert "surgery" not in text and "patient_preference" not in text  # labels, never codes
    assert "수술" in err.value.problems[0].text("ko")
    assert len(audit_rows(store)) == n_audit and list_decisions(store, case.uuid) == []
    d = record_decision(store, case.uuid, BoardDecision("2025-03-02", "surgery", SNAP,
                                                         reason="patient_preference"))
    assert not d.concordant


@pytest.mark.parametrize(("obj", "fields"), [
    ({"decision": "lanreotide"}, {"date"}),
    ({"date": "2999-01-01", "decision": "lanreotide"}, {"date"}),
    ({"date": "2025-02-30", "decision": "lanreotide"}, {"date"}),
    ({"date": "2025-02-03", "decision": "aspirin"}, {"decision"}),
    ({"date": "2025-02-03", "decision": "other", "reason": "whim"}, {"reason"}),
    ({"date": "2025-02-03", "decision": "other", "reason": "other"}, {"reason_text"}),
    ({"date": "2025-02-03", "decision": "lanreotide", "reason": "other"}, {"reason"}),
    ({"date": "2025-02-03", "decision": "lanreotide", "notes": 3}, {"notes"}),
    ({"date": "2025-02-03", "decision": "lanreotide", "colour": "red"}, {"colour"}),
    ({"date": "2025-02-03", "decision": "lanreotide", "concordant": False}, {"concordant"}),
])
def test_validation_names_each_field(obj: dict, fields: set[str]) -> None:
    result = validate_decision({"snapshot": SNAP.to_dict(), **obj})
    assert not result.ok
    assert {p.field for p in result.errors} == fields
    assert all(p.text("ko") and p.text("en") != p.text("ko") for p in result.errors)


def test_edit_keeps_the_snapshot_checks_the_revision_and_is_audited(store) -> None:
    case = store.create(make_case("A-1"))
    d = record_decision(store, case.uuid, BoardDecision("2025-03-02", "lanreotide", SNAP))
    other = Snapshot("x", "9", "later_lines", ("clinical_trial",))
    edited = edit_decision(store, d.with_changes(decision="everolimus", snapshot=other,
                                                 reason="clinical_judgement"))
    assert edited.revision == 2 and edited.snapshot == SNAP and not edited.concordant
    action, changes = audit_rows(store)[-1]
    assert action == "decision_edit" and set(changes) >= {"decision", "concordant", "reason"}
    with pytest.raises(ConflictError):
        edit_decision(store, d.with_changes(notes="stale copy"))
    assert edit_decision(store, edited) == edited  # nothing changed: nothing written
    assert list_decisions(store, case.uuid) == [edited]


def test_delete_is_soft_and_restore_undoes_it(store) -> None:
    case = store.create(make_case("A-1"))
    d = record_decision(store, case.uuid, BoardDecision("2025-03-02", "lanreotide", SNAP))
    delete_decision(store, d.uuid)
    assert list_decisions(store, case.uuid) == []
    assert list_decisions(store, case.uuid, include_deleted=True)[0].deleted_at
    restore_decision(store, d.uuid)
    assert list_decisions(store, case.uuid) == [d]
    assert [a for a, _ in audit_rows(store)][-2:] == ["decision_delete", "decision_restore"]


def _with_decisions(store) -> None:
    a = store.create(make_case("A-1", ki67_date="2025-01-10", sstr_imaging_date="2025-01-20"))
    b = store.create(make_case("B-2", ki67_percent=12))
    record_board_decision(store, a, {"date": "2025-03-02", "decision": "octreotide_lar",
                                     "attendees": "Dr 김", "notes": "line 1\n\"quoted\", comma"})
    gone = record_board_decision(store, a, {"date": "2025-04-02", "decision": "surgery",
                                            "reason": "other", "reason_text": "resectable"})
    delete_decision(store, gone.uuid or "")
    record_board_decision(store, b, {"date": "2025-05-02", "decision": "watchful_waiting",
                                     "reason": "patient_preference"})
    store.create(make_case("C-3"))


@pytest.mark.parametrize("suffix", [".json", ".csv"])
@pytest.mark.parametrize("include_deleted", [False, True])
def test_exchange_round_trip_is_exact(store, tmp_path: Path, suffix: str,
                                      include_deleted: bool) -> None:
    _with_decisions(store)
    first = tmp_path / f"first{suffix}"
    export_cases(store, first, include_deleted=include_deleted)
    with open_clinic(tmp_path / "other.db") as other:
        report = import_cases(other, first)
        assert report.decisions_added == (3 if include_deleted else 2)
        again = tmp_path / f"again{suffix}"
        export_cases(other, again, include_deleted=include_deleted)
        assert import_cases(other, first).decisions_unchanged == report.decisions_added
        case = other.get_by_code("A-1")
        assert case is not None and case.ki67_date == "2025-01-10"
        kept = list_decisions(other, case.uuid or "", include_deleted=True)
        assert [d.deleted_at is not None for d in kept] == \
            ([False, True] if include_deleted else [False])
    assert again.read_bytes() == first.read_bytes()


def test_files_without_decisions_keep_their_shape(store, tmp_path: Path) -> None:
    store.create(make_case("A-1"))
    export_cases(store, tmp_path / "e.json")
    export_cases(store, tmp_path / "e.csv")
    assert "board_decisions" not in json.loads((tmp_path / "e.json").read_text())[0]
    header = (tmp_path / "e.csv").read_text(encoding=CSV_ENCODING).splitlines()[0]
    assert header.endswith(",lines")


def test_an_invalid_decision_in_a_file_imports_nothing(store, tmp_path: Path) -> None:
    record = make_case("A-1").to_dict() | {"board_decisions": [
        {"date": "2025-03-02", "decision": "surgery", "snapshot": SNAP.to_dict()}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_cases(store, path)
    assert [p.field for p in err.value.problems] == ["board_decisions[1].reason"]
    assert store.get_by_code("A-1") is None


def test_backups_carry_the_decisions_and_check_healthy(store, tmp_path: Path) -> None:
    _with_decisions(store)
    copy_path = backup_database(store.path, tmp_path / "backup.db")
    assert check_database(copy_path) == []
    with open_clinic(copy_path) as restored:
        case = restored.get_by_code("B-2")
        assert case is not None
        assert [d.decision for d in list_decisions(restored, case.uuid or "")] == \
            ["watchful_waiting"]


def test_a_decision_under_pathway_2_0_0_keeps_its_snapshot_when_the_pathway_changes(
        tmp_path: Path) -> None:
    old = default_pathway()
    assert old.version == "2.0.0"
    doc = json.loads(Path(old.path or "").read_text(encoding="utf-8"))
    new_doc = copy.deepcopy(doc)
    new_doc["version"] = "2.1.0"
    node = next(n for n in new_doc["nodes"] if n["id"] == "ssa_first_line")
    node["options"] = [o for o in node["options"] if o["id"] != "octreotide_lar"]
    new = build_pathway(new_doc, "changed.json")
    path = tmp_path / "g.db"
    with open_clinic(path, pathway=old) as store:
        case = store.create(make_case("A-1"))
        taken = record_board_decision(store, case, {"date": "2025-03-02",
                                                    "decision": "octreotide_lar"}, old)
    assert taken.snapshot.pathway_version == "2.0.0" and taken.concordant
    with open_clinic(path, pathway=new) as store:
        case = store.get_by_code("A-1")
        assert case is not None
        assert evaluate(case, new).options[0].id == "lanreotide"
        assert [o.id for o in evaluate(case, new).options] == ["lanreotide"]
        (kept,) = list_decisions(store, case.uuid or "")
        assert kept == taken and kept.concordant
        assert snapshot_for(case, new).pathway_version == "2.1.0"
        later = record_board_decision(store, case, {"date": "2025-06-02",
                                                    "decision": "octreotide_lar",
                                                    "reason": "clinical_judgement"}, new)
        assert not later.concordant and later.snapshot.options == ("lanreotide",)


def test_a_database_of_the_schema_before_decisions_migrates_and_fills_the_missing_field(
        tmp_path: Path) -> None:
    from gepnet_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION

    from .contract1 import contract1_cases, old_schema_file

    # the migration that adds board_decisions, whatever its number
    adds = next(m for m in MIGRATIONS if any("CREATE TABLE board_decisions" in s
                                             for s in m.statements))
    old_cases = contract1_cases(40)
    # A file from before decisions that an earlier program wrote: at most schema 5 (from 6 on,
    # audit rows carry a hash chain that only this program writes).
    path = old_schema_file(tmp_path / "old.db", old_cases, min(adds.version - 1, 5))
    assert check_database(path) == []
    with open_clinic(path) as store:
        assert store.schema_version == SCHEMA_VERSION and store.stale_count() == 0
        pathway = default_pathway()
        for old in old_cases:
            case = store.get(old.uuid or "")
            assert case is not None and case.ki67_date is None and case.sstr_imaging_date is None
            ev = evaluate(case, pathway)
            node, missing = store.db.execute(
                "SELECT recommendation_node, recommendation_missing FROM cases WHERE uuid = ?",
                (case.uuid,)).fetchone()
            assert (node, missing) == (ev.recommendation_node,
                                       ev.missing[0] if ev.missing else None)
            assert list_decisions(store, case.uuid or "") == []
    assert check_database(path) == []


def test_a_decision_for_a_missing_or_deleted_case_is_refused(store) -> None:
    from gepnet_desktop.store import NotFoundError, StoreError

    with pytest.raises(NotFoundError):
        record_decision(store, "no-such-uuid", BoardDecision("2025-03-02", "lanreotide", SNAP))
    case = store.create(make_case("A-1"))
    store.delete(case.uuid or "")
    with pytest.raises(StoreError, match="restore it"):
        record_decision(store, case.uuid or "", BoardDecision("2025-03-02", "lanreotide", SNAP))
    assert store.db.execute("SELECT count(*) FROM board_decisions").fetchone()[0] == 0
