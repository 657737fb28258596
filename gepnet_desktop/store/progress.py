"""The progress callback of the store's long operations (import, export, backup, restore,
refreshing recommendations)."""

from __future__ import annotations

from collections.abc import Callable

# progress(done, total) -> False cancels (what "cancel" leaves behind is said by each operation)
Progress = Callable[[int, int], bool]


def keep_going(progress: Progress | None, done: int, total: int) -> bool:
    """Report progress; False when the user asked to cancel."""
    return progress is None or progress(done, total) is not False


__all__ = ["Progress", "keep_going"]
