"""Wiring: the clinic's store, opened with the pathway's recommendation for search.

The store never imports the pathway; this module gives it the callback. The stored
recommendation is the evaluation's `recommendation_node` (a treatment node of the chart), or
None while the walk stops for missing data.
"""

from __future__ import annotations

from pathlib import Path

from . import paths
from .case import Case
from .pathway import Pathway, default_pathway, evaluate
from .store import Store


def recommendation_version(pathway: Pathway) -> str:
    """The label stored beside each derived recommendation: "<pathway id>@<version>"."""
    return f"{pathway.id}@{pathway.version}"


def open_clinic(path: str | Path | None = None, *, user: str | None = None,
                pathway: Pathway | None = None, refresh: bool = True, verify: bool = False,
                read_only: bool = False, new: bool = False) -> Store:
    """Open (or create) the clinic's database, `path` or the data dir's gepnet.db.

    With `refresh`, rows whose recommendation came from another pathway version are
    recomputed first (about 25 microseconds a case; never for a `read_only` store).
    `verify`, `read_only` and `new` are Store.open's (quick check; a damaged file opened
    read-only; a new database where the folder was used before).
    """
    pathway = pathway or default_pathway()

    def recommend(case: Case) -> str | None:
        return evaluate(case, pathway).recommendation_node

    store = Store.open(path or paths.database_path(), recommend=recommend, user=user,
                       recommend_version=recommendation_version(pathway), verify=verify,
                       read_only=read_only, new=new)
    if refresh and not read_only:
        try:
            store.refresh_derived()
        except BaseException:
            store.close()
            raise
    return store
