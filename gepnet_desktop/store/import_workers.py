"""The records of an import, each with what `prepare` found in it, in file order: prepared in
this process for a small file, in worker processes for a large one (the checks and the walk
take most of an import's time; the one writer, SQLite, stays with the import).

Workers are started with "spawn" (never "fork": the window's threads and open files stay in
the window's process) and make the store's recommendation again from its `recommend_factory`;
a worker whose pathway label is not the store's, a worker that cannot start or dies, or a
store without a factory: the records are prepared here instead, with the same result.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from ..logs import log_exception
from .exchange_format import Record
from .import_records import Prepared, prepare
from .recommend import Recommend, RecommendFactory

CHUNK = 250  # records sent to a worker at a time
WORKERS_FROM_BYTES = 4 << 20  # a smaller file (about 6,000 cases) is prepared here
log = logging.getLogger(__name__)

_AHEAD = 2  # chunks read ahead a worker, at most
_Result = Future[tuple[str | None, list[Prepared]]]  # a worker's label and what it prepared
_recommend: Recommend | None = None  # in a worker: the store's recommendation, made again
_label: str | None = None


def worker_count(file_bytes: int) -> int:
    """How many worker processes prepare a file of this size (0: this process does): one a
    processor this process may use, at most four, none with a single one."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1
    if file_bytes < WORKERS_FROM_BYTES or usable < 2:
        return 0
    return min(4, usable)


def prepared_records(records: Iterable[Record], recommend: Recommend | None,
                     factory: RecommendFactory | None, version: str | None,
                     workers: int) -> Generator[tuple[Record, Prepared], None, None]:
    """Each record with what `prepare` found in it, in order; `workers` processes (0: none)
    make the recommendation with `factory` (needed when `recommend` is given), whose label
    must be `version`. At most a few chunks are read ahead: memory stays flat."""
    if workers <= 0 or (recommend is not None and factory is None):
        for record in records:
            yield record, prepare(*record, recommend)
        return
    pool = _Pool(workers, factory, version, recommend)
    try:
        yield from pool.run(records)
    finally:
        pool.close()
        log.info("import: %d records prepared by %d worker processes", pool.by_workers,
                 workers)


class _Pool:
    """Chunks of records sent to the workers as they are read, their results taken in order."""

    def __init__(self, workers: int, factory: RecommendFactory | None, version: str | None,
                 recommend: Recommend | None) -> None:
        self.workers, self.version, self.recommend = workers, version, recommend
        self.executor: ProcessPoolExecutor | None = None
        self.by_workers = 0  # records the workers prepared
        try:
            self.executor = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(factory,))
        except (OSError, ValueError) as exc:
            log_exception(log, "import: worker processes could not start; preparing here", exc)

    def run(self, records: Iterable[Record]) -> Iterator[tuple[Record, Prepared]]:
        """Each chunk goes to a worker as it is read; the results are taken in order, at most
        _AHEAD chunks a worker behind the reading."""
        pending: deque[tuple[list[Record], _Result | None]] = deque()
        chunk: list[Record] = []
        failed: Exception | None = None
        try:
            for record in records:
                chunk.append(record)
                if len(chunk) >= CHUNK:
                    pending.append((chunk, self._submit(chunk)))
                    chunk = []
                    while len(pending) > _AHEAD * self.workers:
                        yield from self._take(*pending.popleft())
        except Exception as exc:  # the reading stopped: what was read comes first
            failed = exc
        if chunk:
            pending.append((chunk, self._submit(chunk)))
        while pending:
            yield from self._take(*pending.popleft())
        if failed is not None:
            raise failed

    def _submit(self, chunk: list[Record]) -> _Result | None:
        if self.executor is None:
            return None
        try:
            return self.executor.submit(_prepare_chunk, chunk)
        except Exception as exc:  # a broken pool: prepared here instead
            self._give_up("import: a worker process failed; preparing here", exc)
            return None

    def _take(self, chunk: list[Record], future: _Result | None
              ) -> Iterator[tuple[Record, Prepared]]:
        found: list[Prepared] | None = None
        if future is not None and self.executor is not None:
            try:
                label, found = future.result()
            except Exception as exc:  # prepared here: the same error, if any
                self._give_up("import: a worker process failed; preparing here", exc)
            else:
                if label != self.version:
                    log.warning("import: the worker processes' pathway is not the store's; "
                                "preparing here")
                    self.close()
                    found = None
                else:
                    self.by_workers += len(found)
        if found is None:
            found = [prepare(*record, self.recommend) for record in chunk]
        yield from zip(chunk, found, strict=True)

    def _give_up(self, what: str, exc: BaseException) -> None:
        log_exception(log, what, exc)
        self.close()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None


def _start_worker(factory: RecommendFactory | None) -> None:
    """In a worker, once: the store's recommendation made again."""
    global _recommend, _label
    if factory is not None:
        _recommend, _label = factory()
    gc.freeze()  # what is loaded stays: the collector looks only at each chunk's objects


def _prepare_chunk(chunk: list[Record]) -> tuple[str | None, list[Prepared]]:
    """In a worker: the label of its recommendation, and what `prepare` found in each record."""
    return _label, [prepare(*record, _recommend) for record in chunk]


__all__ = ["WORKERS_FROM_BYTES", "prepared_records", "worker_count"]
