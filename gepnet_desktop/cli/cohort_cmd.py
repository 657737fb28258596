"""`cohort [--json]`: the clinic's cohort figures over the whole database (store/cohort.py)."""

from __future__ import annotations

import argparse
import sys

from ..case.decision import reason_label
from ..case.fields import value_label
from ..pathway import default_pathway, text
from ..pathway.explain import field_label
from ..store import StoreError
from ..store.cohort import Cohort, compute_cohort
from .errors import CliError
from .io import print_json, terminal_progress


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("cohort", help="cohort figures of the whole database",
                       description="Cases by recommendation and by missing field, board "
                                   "decisions and their concordance, cases due for review, "
                                   "and progression-free survival by regimen and line "
                                   "(Kaplan-Meier; median with a 95% CI, Brookmeyer-Crowley "
                                   "with the log-log transformation).")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .open_db import open_database

    try:
        with open_database(args.lang, progress=terminal_progress(args.lang)) as store:
            cohort = compute_cohort(store)
    except StoreError as exc:
        raise CliError(str(exc), 2) from None
    if args.json:
        print_json(cohort.to_json())
        return 0
    sys.stdout.write("\n".join(readable(cohort, args.lang)) + "\n")
    return 0


def readable(c: Cohort, lang: str = "en") -> list[str]:
    """The figures as lines of text."""
    pathway = default_pathway()
    out = [f"Cases: {c.cases}", "By recommendation:"]
    out += [f"  {text(pathway.nodes[n].label, lang) if n in pathway.nodes else n}: {k}"
            for n, k in c.by_recommendation.items()]
    out.append("Needs data, by missing field:")
    out += [f"  {field_label(f, lang)}: {k}" for f, k in c.needs_data.items()]
    share = f" ({100 * c.concordant / c.decisions:.0f}%)" if c.decisions else ""
    out.append(f"Board decisions: {c.decisions}, concordant: {c.concordant}{share}")
    out += [f"  {q.quarter}: {q.decisions}, concordant {q.concordant}" for q in c.by_quarter]
    if c.reasons:
        out.append("Reasons for departing from the recommendation:")
        out += [f"  {reason_label(r, lang)}: {k}" for r, k in c.reasons.items()]
    out.append(f"Due for review: {c.due_for_review}")
    out.append("Progression-free survival (months; median, 95% CI):")
    for g in c.pfs:
        j = g.to_json()
        lo, hi = j["ci95"]
        median = "not reached" if j["median_months"] is None else j["median_months"]
        out.append(f"  {value_label('regimen', g.regimen, lang)}, line {g.line}: n {j['n']}, "
                   f"events {j['events']}, median {median} "
                   f"({'-' if lo is None else lo} to {'-' if hi is None else hi})")
    return out
