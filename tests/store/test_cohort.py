"""The cohort figures against a direct count of the database: every case evaluated again, every
decision and line read through the store's own API and counted in Python."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from gepnet_desktop.case.fields import CONTINUING_OUTCOMES, PROGRESSING_PACES, SYMPTOM_AGENTS
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.store.cohort import DAYS_PER_MONTH, compute_cohort, due_for_review
from gepnet_desktop.store.decisions import delete_decision, list_decisions
from gepnet_desktop.store.survival import kaplan_meier

from .helpers import random_cases, record_random_decision

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cohort") / "g.db"
    rng = random.Random(5)
    with open_clinic(path) as store:
        for case in random_cases(300, seed=3):
            stored = store.create(case)
            for _ in range(rng.choice((0, 0, 1, 2))):
                d = record_random_decision(store, stored, rng)
                if rng.random() < 0.1:
                    delete_decision(store, d.uuid or "")
            if rng.random() < 0.08:
                store.delete(stored.uuid or "")
    return path


def direct(path: Path) -> dict:
    """The figures counted one case at a time."""
    pathway = default_pathway()
    out: dict = {"cases": 0, "nodes": Counter(), "missing": Counter(), "decisions": 0,
                 "concordant": 0, "quarters": Counter(), "reasons": Counter(), "due": set()}
    pfs: dict[tuple[str, int], list[tuple[float, bool]]] = defaultdict(list)
    with open_clinic(path) as store:
        for case in store.iter_cases():
            out["cases"] += 1
            ev = evaluate(case, pathway)
            if ev.recommendation_node:
                out["nodes"][ev.recommendation_node] += 1
            else:
                out["missing"][ev.missing[0]] += 1
            decisions = list_decisions(store, case.uuid or "")
            for d in decisions:
                out["decisions"] += 1
                out["concordant"] += d.concordant
                month = int(d.date[5:7])
                out["quarters"][f"{d.date[:4]}-Q{(month + 2) // 3}"] += 1
                if not d.concordant:
                    out["reasons"][d.reason] += 1
            last = max((d.date for d in decisions), default=None)
            progressions = [ln.progression_date for ln in case.lines if ln.progression_date]
            if (last and any(p > last for p in progressions)) or (
                    last is None and case.pace in PROGRESSING_PACES):
                out["due"].add(case.case_code)
            number = 0
            for line in case.lines:
                if line.regimen in SYMPTOM_AGENTS:
                    continue
                number += 1
                if line.start_date is None:
                    continue
                start = dt.date.fromisoformat(line.start_date)
                if line.progression_date:
                    end, event = dt.date.fromisoformat(line.progression_date), True
                elif line.outcome in CONTINUING_OUTCOMES:
                    end, event = TODAY, False
                elif line.end_date:
                    end, event = dt.date.fromisoformat(line.end_date), False
                else:
                    continue
                pfs[(line.regimen, number)].append(((end - start).days / DAYS_PER_MONTH, event))
    out["pfs"] = pfs
    return out


def test_cohort_counts_agree_with_a_direct_count(filled: Path) -> None:
    expected = direct(filled)
    with open_clinic(filled) as store:
        cohort = compute_cohort(store, today=TODAY)
        streamed = list(due_for_review(store))
    due = [d.case_code for d in streamed]
    assert list(cohort.due) == streamed  # the cohort's own list of them, read once
    assert cohort.cases == expected["cases"] > 250
    assert cohort.by_recommendation == dict(expected["nodes"])
    assert cohort.needs_data == dict(expected["missing"]) and cohort.needs_data
    assert (cohort.decisions, cohort.concordant) == (expected["decisions"],
                                                     expected["concordant"])
    assert 0 < cohort.concordant < cohort.decisions
    assert {q.quarter: q.decisions for q in cohort.by_quarter} == dict(expected["quarters"])
    assert sum(q.concordant for q in cohort.by_quarter) == cohort.concordant
    assert cohort.reasons == dict(expected["reasons"])
    assert set(due) == expected["due"] and cohort.due_for_review == len(due) > 0
    assert due == sorted(due)


def test_pfs_agrees_with_kaplan_meier_of_the_lines_counted_directly(filled: Path) -> None:
    expected = direct(filled)["pfs"]
    with open_clinic(filled) as store:
        groups = {(g.regimen, g.line): g for g in compute_cohort(store, today=TODAY).pfs}
    assert set(groups) == set(expected)
    for key, obs in expected.items():
        km = kaplan_meier([t for t, _ in obs], [e for _, e in obs])
        got = groups[key].curve
        assert (got.n, got.events) == (km.n, km.events), key
        assert got.median == pytest.approx(km.median) if km.median is not None else \
            got.median is None
        assert got.ci95 == pytest.approx(km.ci95) if None not in km.ci95 else \
            got.ci95 == km.ci95
    assert any(g.curve.events for g in groups.values())
    j = next(iter(groups.values())).to_json()
    assert set(j) == {"regimen", "line", "n", "events", "median_months", "ci95", "at_risk"}


def test_the_cohort_is_read_in_one_snapshot_and_leaves_out_deleted_cases(filled: Path) -> None:
    with open_clinic(filled) as store:
        n = store.db.execute("SELECT count(*) FROM cases WHERE deleted_at IS NULL").fetchone()[0]
        cohort = compute_cohort(store, today=TODAY)
        total = store.db.execute("SELECT count(*) FROM cases").fetchone()[0]
    assert cohort.cases == n < total
    assert sum(cohort.by_recommendation.values()) + sum(cohort.needs_data.values()) == n


def test_progress_is_reported_and_a_cancel_stops_it(filled: Path) -> None:
    from gepnet_desktop.store import Cancelled

    seen: list[tuple[int, int]] = []
    with open_clinic(filled) as store:
        compute_cohort(store, progress=lambda d, t: seen.append((d, t)) is None)
        assert seen[-1][0] == seen[-1][1] and len(seen) >= 3
        with pytest.raises(Cancelled):
            compute_cohort(store, progress=lambda d, t: False)
        assert not store.db.conn.in_transaction
