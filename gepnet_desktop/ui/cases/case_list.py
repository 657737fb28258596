"""The case list: a lazy table model over the store (its filter bar is in case_filters.py).

The model never loads all rows. It keeps a few pages of rows and the key of the last row of
every page it has seen, so the next page is a keyset page read from that key (an index walk of
one page, however deep). The first page is asked for before the count, so the first rows show
before the count is in. Counts and pages are read by a worker thread with its own store
connection: the GUI thread never does work that grows with the number of cases. Results carry
a generation number, and stale ones (from a query since replaced) are dropped. A row whose
recommendation comes from an older pathway version (being recomputed) shows it in grey italic.

Jumping through the list (dragging the scroll bar of a million rows) asks for many pages in a
row: a page request made before the view moved on is dropped when its turn comes (only pages
near the latest one asked for are read), and a page nearer the end of the list than to a known
key is read from the end, in the reverse order, so the bottom of the list is as quick to reach
as the top.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ...case.fields import FIELDS_BY_KEY, LIST_COLUMNS, label
from ...demo import is_demo_case
from ...i18n import tr
from ...logs import log_exception
from ...pathway import Pathway, text
from ..common.dates import date_text, date_time_text

if TYPE_CHECKING:  # the store (and sqlite-utils) load after the window is first shown
    from ...store import CaseQuery, CaseRow
    from ...store.search import RowKey

log = logging.getLogger(__name__)

COLUMNS = LIST_COLUMNS
UUID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
StoreOpener = Callable[[], Any]  # -> a Store (opened in the worker thread)
Index = QModelIndex | QPersistentModelIndex


class _Fetcher(QObject):
    """Lives in the worker thread: owns a store connection and answers page and count
    requests, in the order they were made."""

    loaded = Signal(int, int, list)  # generation, page, rows
    counted = Signal(int, int)       # generation, count
    failed = Signal(int, str)
    dropped = Signal(int, int)       # generation, page: asked for, then left behind by the view
    NEAR = 2  # pages either side of the latest one asked for that are still read

    def __init__(self, open_store: StoreOpener) -> None:
        super().__init__()
        self._open_store = open_store
        self._store: Any = None
        self.latest = 0  # written by the GUI thread; a plain int read is atomic under the GIL
        self.latest_page = 0  # the page asked for last (GUI thread), likewise

    def _ready(self, generation: int) -> Any:
        if generation < self.latest:
            return None  # the query was replaced while this request waited
        if self._store is None:
            self._store = self._open_store()
        return self._store

    @Slot(int, object, int, object, int, int, bool)
    def fetch(self, generation: int, query: CaseQuery, page: int, after: RowKey | None,
              skip: int, limit: int, from_end: bool) -> None:
        """One page: `limit` rows after the key `after` passing over `skip`, or with `from_end`
        the rows `skip` rows before the end of the list (read backwards, given in order)."""
        if page and abs(page - self.latest_page) > self.NEAR:
            self.dropped.emit(generation, page)
            return
        try:
            store = self._ready(generation)
            if store is None:
                return
            if from_end:
                backwards = replace(query, descending=not query.descending)
                rows = store.search(backwards, None, limit, skip=skip)[::-1]
            else:
                rows = store.search(query, after, limit, skip=skip)
        except Exception as exc:  # reported to the GUI thread; the list stays as it was
            self._fail(generation, exc)
            return
        self.loaded.emit(generation, page, rows)

    @Slot(int, object)
    def count(self, generation: int, query: CaseQuery) -> None:
        try:
            store = self._ready(generation)
            if store is None:
                return
            count = store.count(query)
        except Exception as exc:
            self._fail(generation, exc)
            return
        self.counted.emit(generation, count)

    def _fail(self, generation: int, exc: Exception) -> None:
        log_exception(log, "case list query failed", exc)
        self.failed.emit(generation, str(exc))

    @Slot()
    def close_store(self) -> None:
        if self._store is not None:
            try:
                self._store.close()
            finally:
                self._store = None

    @Slot(object)
    def set_opener(self, open_store: StoreOpener) -> None:
        self.close_store()
        self._open_store = open_store


class CaseListModel(QAbstractTableModel):
    """Rows of `Store.search(query, after, limit, skip=...)`, a keyset page at a time, off
    the GUI thread.

    `rowCount()` is the number of rows of the first page until the count is in, then the
    number of matching cases; rows not yet fetched show a placeholder and are filled when
    their page arrives (`dataChanged`).
    """

    countChanged = Signal(int)
    queryFinished = Signal()   # the count and the first page of the current query are in
    firstRowsShown = Signal()  # the first page of the current query is shown (count or not)
    queryFailed = Signal(str)
    _request = Signal(int, object, int, object, int, int, bool)
    _count_request = Signal(int, object)
    _close = Signal()
    _reopen = Signal(object)

    def __init__(self, open_store: StoreOpener, pathway: Pathway, lang: str = "en", *,
                 page_size: int = 200, max_pages: int = 30, active: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pathway = pathway
        self.lang = lang
        self.page_size = page_size
        self.max_pages = max_pages
        self._query: CaseQuery | None = None  # made on first use: importing the store is slow
        self._initial_sort = ("updated_at", True)
        self._active = active  # inactive: queries wait for start() (the database opens later)
        self._generation = 0
        self._count = 0
        self._known = False  # the count of the current query is in
        self._first = False  # its first page is in
        self._pages: dict[int, list[CaseRow]] = {}
        self._keys: dict[int, RowKey] = {}  # page -> key of its last row (kept when evicted)
        self._pending: set[int] = set()
        self._thread = QThread(self)
        self._thread.setObjectName("case-list-fetcher")
        self._fetcher = _Fetcher(open_store)
        self._fetcher.moveToThread(self._thread)
        self._request.connect(self._fetcher.fetch)
        self._count_request.connect(self._fetcher.count)
        self._close.connect(self._fetcher.close_store,
                            Qt.ConnectionType.BlockingQueuedConnection)
        self._reopen.connect(self._fetcher.set_opener,
                             Qt.ConnectionType.BlockingQueuedConnection)
        self._fetcher.loaded.connect(self._on_loaded)
        self._fetcher.counted.connect(self._on_counted)
        self._fetcher.failed.connect(self._on_failed)
        self._fetcher.dropped.connect(self._on_dropped)
        self._thread.finished.connect(self._fetcher.deleteLater)
        self._thread.start()
        self._headers = [tr(f"ui.col.{c}", lang) for c in COLUMNS]

    # -- queries -----------------------------------------------------------------------------
    def query(self) -> CaseQuery:
        """The current query (filters and sort)."""
        if self._query is None:
            from ...store import CaseQuery

            sort, descending = self._initial_sort
            self._query = CaseQuery(sort=sort, descending=descending)
        return self._query

    def set_query(self, query: CaseQuery) -> None:
        """Show the cases matching `query`; the rows change when the count and first page are in."""
        self._query = query
        self.refresh()

    def start(self) -> None:
        """Begin querying (a model made with active=False waits for this)."""
        self._active = True
        self.refresh()

    def refresh(self) -> None:
        """Run the current query again (after a save, a delete, an import)."""
        if not self._active:
            return
        self._generation += 1
        self._fetcher.latest = self._generation
        self._pending = {0}
        self._known = self._first = False
        self._keys = {}
        query = self.query()
        self._fetcher.latest_page = 0
        self._request.emit(self._generation, query, 0, None, 0, self.page_size, False)
        self._count_request.emit(self._generation, query)  # after the first page, never before

    def is_loaded(self) -> bool:
        """True once the current query's count and first page have arrived."""
        return self._known and self._first and not self._pending

    def total(self) -> int:
        """The number of cases matching the current query (0 until known)."""
        return self._count

    def set_store_opener(self, open_store: StoreOpener) -> None:
        """Read from another database from now on (File > Open database, Restore)."""
        self._reopen.emit(open_store)
        self.refresh()

    def release_store(self) -> None:
        """Close the worker's connection now (before the file is replaced); reopened on demand."""
        self._close.emit()

    def shutdown(self) -> None:
        """Close the worker's connection and stop its thread (before the window closes)."""
        if self._thread.isRunning():
            self._close.emit()
            self._thread.quit()
            self._thread.wait()

    # -- results from the worker -------------------------------------------------------------
    @Slot(int, int, list)
    def _on_loaded(self, generation: int, page: int, rows: list) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        if rows:
            from ...store.search import row_key

            self._keys[page] = row_key(rows[-1], self.query())
        if page == 0 and not self._first:  # the first rows, shown before the count is in
            self._first = True
            self.beginResetModel()
            self._pages = {0: rows}
            self._count = self._count if self._known else len(rows)
            self.endResetModel()
            self.firstRowsShown.emit()
            self._finish_query()
            return
        if page * self.page_size >= self._count:
            return
        self._pages[page] = rows
        self._evict(keep=page)
        offset = page * self.page_size
        last = min(offset + self.page_size, self._count) - 1
        self.dataChanged.emit(self.index(offset, 0), self.index(last, len(COLUMNS) - 1))
        if len(rows) < last - offset + 1:
            self.refresh()  # cases were deleted since the count: count again

    @Slot(int, int)
    def _on_counted(self, generation: int, count: int) -> None:
        if generation != self._generation:
            return
        self._known = True
        if self._first and count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        elif self._first and count < self._count:
            self.beginRemoveRows(QModelIndex(), count, self._count - 1)
            self._count = count
            self.endRemoveRows()
        else:
            self._count = count
        self.countChanged.emit(count)
        self._finish_query()

    def _finish_query(self) -> None:
        if self._known and self._first:
            self.queryFinished.emit()

    @Slot(int, str)
    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._pending.clear()
            self.queryFailed.emit(message)

    @Slot(int, int)
    def _on_dropped(self, generation: int, page: int) -> None:
        """A page left behind by the view: asked for again if it is shown again."""
        if generation == self._generation:
            self._pending.discard(page)

    def _evict(self, keep: int) -> None:
        while len(self._pages) > self.max_pages:
            far = max(self._pages, key=lambda p: abs(p - keep))
            del self._pages[far]

    def _row(self, row: int) -> CaseRow | None:
        page, within = divmod(row, self.page_size)
        rows = self._pages.get(page)
        if rows is None:
            if page not in self._pending:
                self._pending.add(page)
                self._ask(page)
            return None
        return rows[within] if within < len(rows) else None

    def _ask(self, page: int) -> None:
        """Request a page from the nearest known key before it, or from the end of the list
        when that is nearer (the count known)."""
        before = max((p for p in self._keys if p < page), default=None)
        after = None if before is None else self._keys[before]
        skip = (page - (-1 if before is None else before) - 1) * self.page_size
        limit = self.page_size
        from_end = False
        if self._known:
            limit = max(0, min(self.page_size, self._count - page * self.page_size))
            behind = self._count - page * self.page_size - limit  # rows after this page
            if limit and behind < skip:
                from_end, after, skip = True, None, behind
        self._fetcher.latest_page = page
        self._request.emit(self._generation, self.query(), page, after, skip,
                           limit or self.page_size, from_end)

    # -- lookups for the window --------------------------------------------------------------
    def case_uuid(self, row: int) -> str | None:
        """The uuid of the case on `row`, if that row is fetched."""
        if not 0 <= row < self._count:
            return None
        item = self._row(row)
        return item.uuid if item else None

    def row_of(self, uuid: str) -> int | None:
        """The row of the case `uuid` among the fetched pages, or None."""
        for page, rows in self._pages.items():
            for i, item in enumerate(rows):
                if item.uuid == uuid:
                    return page * self.page_size + i
        return None

    # -- the model ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS) \
                and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        item = self._row(index.row())
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr("ui.list.loading", self.lang) if item is None else self._display(item, column)
        if item is None:
            return None
        stale = item.stale and column == "recommendation_node"
        if role == Qt.ItemDataRole.ToolTipRole:
            if stale:
                return tr("ui.list.stale_tip", self.lang,
                                 recommendation=self._display(item, column))
            if column == "recommendation_node":
                return self._display(item, column)
            if column == "updated_at":
                return short_time(item.updated_at, self.lang)
            if column == "case_code" and is_demo_case(item.case_code):
                return tr("ui.list.demo_case", self.lang)
        if role == UUID_ROLE:
            return item.uuid
        if role == SORT_ROLE:
            return getattr(item, column)
        if item.deleted_at or stale:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#888888"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
        return None

    def _display(self, item: CaseRow, column: str) -> str:
        value = getattr(item, column)
        if value is None:
            # the store keeps no recommendation while the walk stops for missing data
            return tr("ui.list.no_recommendation", self.lang) if column == "recommendation_node" \
                else ""
        if column == "primary_site":
            spec = FIELDS_BY_KEY["primary_site"]
            labels = spec.value_labels.get(value)
            return label(labels, self.lang) if labels else str(value)
        if column == "recommendation_node":
            return node_display(self.pathway, value, self.lang)
        if column == "updated_at":
            return short_time(value, self.lang, date_only=True)  # the time: in the tooltip
        return str(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self._query is None:  # before the first query: remember it, import nothing yet
            self._initial_sort = (COLUMNS[column], descending)
            self.refresh()
            return
        query = self.query()
        if query.sort == COLUMNS[column] and query.descending == descending and self._known:
            return
        self.set_query(replace(query, sort=COLUMNS[column], descending=descending))


def node_display(pathway: Pathway, node_id: str, lang: str) -> str:
    """A node's label from the pathway data (its id when the data has no such node)."""
    node = pathway.nodes.get(node_id)
    return node_id if node is None else text(node.label, lang)


def short_time(stamp: str, lang: str = "en", *, date_only: bool = False) -> str:
    """An ISO timestamp as local date and time (or date) in the form of `lang`."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is not None:
        when = when.astimezone()
    return date_text(when.date(), lang) if date_only else date_time_text(when, lang)
