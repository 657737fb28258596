"""The window's database as its parts share it: the file, how a connection to it is opened,
the open store (None until the second step of the start, or when it could not be opened again)
and whether a restore has it closed. The parts receive this object; none holds a store of its
own but the workers' connections, opened through `connect()`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...store import Store

StoreOpener = Callable[[Path], "Store"]


def default_opener(path: Path) -> Store:
    """The clinic's store, without recomputing stale recommendations on the calling thread
    (the window does that on a worker: `DatabaseUpkeep.refresh_recommendations`)."""
    from ...clinic import open_clinic

    return open_clinic(path, refresh=False)


class OpenDatabase:
    """The database file the window works on, and its open store."""

    def __init__(self, path: Path, opener: StoreOpener | None = None,
                 store: Store | None = None) -> None:
        self.path = Path(path)
        self.opener: StoreOpener = opener or default_opener
        self.normal_opener: StoreOpener = self.opener  # again after a damaged file is gone
        self.verify_at_open = opener is None  # the window's own open: quick check first
        self.store: Store | None = store
        self.closed = False  # a restore is replacing the file

    def available(self) -> bool:
        """True when the database is open: not while a restore replaces its file, nor after
        it could not be opened again."""
        return self.store is not None and not self.closed

    def require(self) -> Store:
        """The open store (only called where the window's state guarantees one)."""
        if self.store is None:
            raise RuntimeError("the database is not open")
        return self.store

    def connect(self) -> Store:
        """A new connection to the file (for a worker thread; the caller closes it)."""
        return self.opener(self.path)

    def with_store(self, fn: Callable[[Store], Any]) -> Any:
        """Run `fn` on a connection of its own, closed afterwards."""
        store = self.connect()
        try:
            return fn(store)
        finally:
            store.close()
