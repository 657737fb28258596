"""The clinic's cohort figures over the whole database (issue 12), from SQL aggregates.

Every figure is a GROUP BY or a streamed cursor over aggregated rows, so memory stays flat
whatever the number of cases; the deleted cases (and deleted decisions) are left out. Run it on
a worker thread with that thread's own Store; `compute_cohort` reads one consistent snapshot.

- cases by recommendation node, and needs-data cases by the missing field (both as stored by the
  recommendation refresh: run `Store.refresh_derived` first);
- board decisions, the number concordant, by quarter, and the reasons for non-concordance;
- cases due for review: a progression date after their last board decision, or a progressing
  pace and no decision yet;
- progression-free survival by regimen and line number (store/survival.py): the line number is
  the line's place among the case's anti-tumour lines (symptom agents are not lines here), in
  list order; a line with a start date counts, with its event at its progression date, else
  censored at its end date, or today while it is ongoing or continued; a line that stopped
  without a recorded end date (and no progression date) cannot be placed in time and is left
  out. Months are days / 30.4375.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..case.fields import CONTINUING_OUTCOMES, PROGRESSING_PACES, SYMPTOM_AGENTS
from ..case.timeline import DAYS_PER_MONTH
from .cases import Store
from .db import read_transaction
from .errors import Cancelled
from .progress import Progress, keep_going
from .survival import KaplanMeier, kaplan_meier_counts

AT_RISK_MONTHS = (0, 6, 12, 24, 36, 60)  # the times of the number-at-risk table
NOT_RECORDED = "(not recorded)"  # a needs-data row whose missing field is not stored yet


@dataclass(frozen=True)
class Quarter:
    """Board decisions of one calendar quarter."""

    quarter: str  # "2025-Q3"
    decisions: int
    concordant: int

    @property
    def share(self) -> float | None:
        return self.concordant / self.decisions if self.decisions else None


@dataclass(frozen=True, slots=True)
class DueCase:
    """A case due for a board decision, and why."""

    uuid: str
    case_code: str
    why: str  # "progression_after_decision" or "progressing_no_decision"
    last_decision: str | None  # the date of the last decision, if any
    last_progression: str | None  # the latest progression date, if any


class DueCases(Sequence[DueCase]):
    """Cases due for review held as columns, each item a DueCase made when asked for: tens of
    thousands of rows are a few lists of strings, not objects the garbage collector walks."""

    def __init__(self, rows: Iterable[tuple[str, str, str | None, str | None]] = ()) -> None:
        self._uuid: list[str] = []
        self._code: list[str] = []
        self._last: list[str | None] = []
        self._prog: list[str | None] = []
        for uuid, code, last, prog in rows:
            self._uuid.append(uuid)
            self._code.append(code)
            self._last.append(last)
            self._prog.append(prog)

    def __len__(self) -> int:
        return len(self._uuid)

    def __getitem__(self, i: int) -> DueCase:  # type: ignore[override]
        last = self._last[i]
        return DueCase(self._uuid[i], self._code[i], "progression_after_decision" if last
                       else "progressing_no_decision", last, self._prog[i])


@dataclass(frozen=True)
class PfsGroup:
    """Progression-free survival of the lines of one regimen at one line number."""

    regimen: str
    line: int
    curve: KaplanMeier  # times in months

    def to_json(self) -> dict[str, Any]:
        c = self.curve
        return {"regimen": self.regimen, "line": self.line, "n": c.n, "events": c.events,
                "median_months": _round(c.median), "ci95": [_round(c.ci95[0]),
                                                             _round(c.ci95[1])],
                "at_risk": [{"months": m, "n": c.at_risk(m)} for m in AT_RISK_MONTHS]}


@dataclass
class Cohort:
    """The cohort figures (see the module's docstring)."""

    cases: int = 0
    by_recommendation: dict[str, int] = field(default_factory=dict)
    needs_data: dict[str, int] = field(default_factory=dict)
    decisions: int = 0
    concordant: int = 0
    by_quarter: list[Quarter] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    due_for_review: int = 0
    pfs: list[PfsGroup] = field(default_factory=list)
    due: DueCases = field(default_factory=DueCases, repr=False)  # by case code

    def to_json(self) -> dict[str, Any]:
        """The object `cohort --json` prints."""
        return {"cases": self.cases, "by_recommendation": dict(self.by_recommendation),
                "needs_data": dict(self.needs_data), "decisions": self.decisions,
                "concordant": self.concordant,
                "by_quarter": [{"quarter": q.quarter, "decisions": q.decisions,
                                "concordant": q.concordant, "share": _round(q.share, 3)}
                               for q in self.by_quarter],
                "reasons": dict(self.reasons), "due_for_review": self.due_for_review,
                "pfs": [g.to_json() for g in self.pfs]}


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)  # vocabulary constants, never user input


# The deleted cases are few: testing against their set is faster than joining every row.
_DELETED_CASES = "SELECT uuid FROM cases WHERE deleted_at IS NOT NULL"
_LIVE_DECISIONS = ("SELECT date, concordant, reason FROM board_decisions WHERE deleted_at IS NULL "
                   f"AND case_uuid NOT IN ({_DELETED_CASES})")
_QUARTER = ("substr(date, 1, 4) || '-Q' || ((CAST(substr(date, 6, 2) AS INTEGER) + 2) / 3)")


_STEPS = 4
def compute_cohort(store: Store, *, today: dt.date | None = None,
                   progress: Progress | None = None) -> Cohort:
    """Every figure of the cohort, from one consistent snapshot of the database.

    `progress(done, total)` is told after each group of figures; returning False cancels
    (Cancelled is raised; nothing is written either way). `due` holds the cases due for
    review, read once for both their number and their list."""
    db = store.db
    out = Cohort()

    def step(done: int) -> None:
        if not keep_going(progress, done, _STEPS):
            raise Cancelled("The cohort figures were cancelled.")

    with read_transaction(db):
        out.cases = int(db.execute("SELECT count(*) FROM cases WHERE deleted_at IS NULL")
                        .fetchone()[0])
        out.by_recommendation = dict(db.execute(
            "SELECT recommendation_node, count(*) FROM cases WHERE deleted_at IS NULL "
            "AND recommendation_node IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall())
        out.needs_data = {k or NOT_RECORDED: v for k, v in db.execute(
            "SELECT recommendation_missing, count(*) FROM cases WHERE deleted_at IS NULL "
            "AND recommendation_node IS NULL AND recommend_label IS NOT NULL "
            "GROUP BY 1 ORDER BY 2 DESC, 1")}
        step(1)
        n, concordant = db.execute(f"SELECT count(*), coalesce(sum(concordant), 0) FROM "
                                   f"({_LIVE_DECISIONS})").fetchone()
        out.decisions, out.concordant = int(n), int(concordant)
        out.by_quarter = [Quarter(q, int(a), int(b)) for q, a, b in db.execute(
            f"SELECT {_QUARTER} AS q, count(*), sum(concordant) FROM ({_LIVE_DECISIONS}) "
            "GROUP BY q ORDER BY q")]
        out.reasons = dict(db.execute(
            f"SELECT reason, count(*) FROM ({_LIVE_DECISIONS}) WHERE concordant = 0 "
            "AND reason IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall())
        step(2)
        out.due = DueCases((u, c, last, prog) for u, c, last, prog, _pace in
                           db.execute(_DUE_SQL + _DUE_ORDER))
        out.due_for_review = len(out.due)
        step(3)
        out.pfs = list(pfs_groups(store, today=today))
        step(4)
    return out


_DUE_SQL = f"""
    WITH last AS (SELECT case_uuid, max(date) AS last_date FROM board_decisions
                  WHERE deleted_at IS NULL GROUP BY case_uuid)
    SELECT c.uuid, c.case_code, last.last_date,
           (SELECT max(l.progression_date) FROM lines l WHERE l.case_uuid = c.uuid) AS prog,
           c.pace
    FROM cases c LEFT JOIN last ON last.case_uuid = c.uuid
    WHERE c.deleted_at IS NULL AND (
        (last.last_date IS NOT NULL AND EXISTS (
            SELECT 1 FROM lines l WHERE l.case_uuid = c.uuid
            AND l.progression_date > last.last_date))
        OR (last.last_date IS NULL AND c.pace IN ({_marks(PROGRESSING_PACES)})))"""


_DUE_ORDER = " ORDER BY c.case_code"


def due_for_review(store: Store) -> Iterator[DueCase]:
    """The cases due for a board decision, by case code (streamed)."""
    for uuid, code, last, prog, _pace in store.db.execute(_DUE_SQL + _DUE_ORDER):
        yield DueCase(uuid, code, "progression_after_decision" if last else
                      "progressing_no_decision", last, prog)


_PFS_SQL = f"""
    WITH al AS (
        SELECT l.regimen, l.start_date, l.end_date, l.outcome, l.progression_date,
               row_number() OVER (PARTITION BY l.case_uuid ORDER BY l.position) AS line
        FROM lines l WHERE l.case_uuid NOT IN ({_DELETED_CASES})
        AND l.regimen NOT IN ({_marks(SYMPTOM_AGENTS)})),
    obs AS (
        SELECT regimen, line, progression_date IS NOT NULL AS event,
               CASE WHEN progression_date IS NOT NULL
                        THEN julianday(progression_date) - julianday(start_date)
                    WHEN outcome IN ({_marks(CONTINUING_OUTCOMES)})
                        THEN julianday(:today) - julianday(start_date)
                    ELSE julianday(end_date) - julianday(start_date) END AS days
        FROM al WHERE start_date IS NOT NULL)
    SELECT regimen, line, days, sum(event), sum(1 - event) FROM obs WHERE days IS NOT NULL
    GROUP BY regimen, line, days ORDER BY regimen, line, days"""


def pfs_groups(store: Store, *, today: dt.date | None = None) -> Iterator[PfsGroup]:
    """Progression-free survival per regimen and line number (see the module's docstring),
    one group at a time from a cursor over rows aggregated by day."""
    today = today or dt.date.today()
    key: tuple[str, int] | None = None
    rows: list[tuple[float, int, int]] = []
    cursor = store.db.execute(_PFS_SQL, {"today": today.isoformat()})
    for regimen, line, days, events, censored in cursor:
        if (regimen, line) != key:
            if key is not None:
                yield PfsGroup(key[0], key[1], kaplan_meier_counts(rows))
            key, rows = (regimen, line), []
        rows.append((max(float(days), 0.0) / DAYS_PER_MONTH, int(events), int(censored)))
    if key is not None:
        yield PfsGroup(key[0], key[1], kaplan_meier_counts(rows))


__all__ = ["Cohort", "DueCase", "DueCases", "PfsGroup", "Quarter", "compute_cohort",
           "due_for_review", "pfs_groups"]
