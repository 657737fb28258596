"""Wiring: the clinic's store, opened with the pathway's recommendation for search.

The store never imports the pathway; this module gives it the callback. The stored
recommendation is the evaluation's `recommendation_node` (a treatment node of the chart), or
None while the walk stops for missing data.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from pathlib import Path

from . import __version__, paths
from .case import Case
from .pathway import Pathway, default_pathway, evaluate, load_pathway
from .store import Store
from .store.progress import Progress
from .store.recommend import Recommend


def recommendation_version(pathway: Pathway) -> str:
    """The label stored beside each derived recommendation: "<pathway id>@<version>", then
    "+<digest of the data file>" when it was read from one, then "/<program version>".

    A stored recommendation is current only while all three are the same: a new pathway version
    (2.0.0 after 1.x), a data file changed without a new version number, or a new program (whose
    walk may differ for the same data) each make every row stale, and it is recomputed.
    """
    label = f"{pathway.id}@{pathway.version}"
    if pathway.path is not None:
        with contextlib.suppress(OSError):  # loaded, then moved: version and program decide
            label += "+" + hashlib.sha256(Path(pathway.path).read_bytes()).hexdigest()[:12]
    return f"{label}/{__version__}"


def recommender(pathway: Pathway) -> Recommend:
    """The store's recommendation of a case by this pathway: (treatment node, missing field)."""

    def recommend(case: Case) -> tuple[str | None, str | None]:
        ev = evaluate(case, pathway, explain_steps=False, with_access=False)
        return ev.recommendation_node, (ev.missing[0] if ev.missing else None)

    return recommend


def recommender_from_file(path: str) -> tuple[Recommend, str]:
    """`recommender` of the pathway in this file, with its label (in an import's worker)."""
    pathway = load_pathway(path)
    return recommender(pathway), recommendation_version(pathway)


def open_clinic(path: str | Path | None = None, *, user: str | None = None,
                pathway: Pathway | None = None, refresh: bool = True, verify: bool = False,
                read_only: bool = False, new: bool = False,
                progress: Progress | None = None) -> Store:
    """Open (or create) the clinic's database, `path` or the data dir's gepnet.db.

    With `refresh`, rows whose recommendation came from another pathway version are
    recomputed first, in batches of one short transaction each, `progress(done, total)` told
    after each (one walk a case, about 40 microseconds; never for a `read_only` store; whether
    any row is stale is an index lookup). Commands that only list or show take refresh=False
    and mark stale rows (or recompute the one case they show: `Store.refresh_rows`).
    `verify`, `read_only` and `new` are Store.open's (quick check; a damaged file opened
    read-only; a new database where the folder was used before).
    """
    pathway = pathway or default_pathway()
    store = Store.open(path or paths.database_path(), recommend=recommender(pathway),
                       user=user, recommend_version=recommendation_version(pathway),
                       verify=verify, read_only=read_only, new=new)
    if pathway.path is not None:  # an import's worker processes load the same file
        store.recommend_factory = functools.partial(recommender_from_file, str(pathway.path))
    if store.migrated_copy is not None:
        from .upgrade_notice import announce_upgrade

        announce_upgrade(store)
    if refresh and not read_only:
        try:
            if store.has_stale():
                store.refresh_derived(progress)
        except BaseException:
            store.close()
            raise
    return store
