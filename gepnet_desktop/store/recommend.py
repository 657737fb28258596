"""The stored recommendation of a case, given by a callback (the store never imports the
pathway): the pathway node, or None while the walk needs data; the callback may also return
(node, missing field), the field the walk stopped for."""

from __future__ import annotations

from collections.abc import Callable

from ..case import Case

Recommend = Callable[[Case], "str | tuple[str | None, str | None] | None"]
# Made again in a worker process (so picklable): the callback and its version label, the same
# as the store's `recommend_version` (an import's workers check it before they are used).
RecommendFactory = Callable[[], "tuple[Recommend, str]"]


def recommendation(case: Case, recommend: Recommend) -> tuple[str | None, str | None]:
    """(node, missing field) of a case; what `recommend` raises goes to the caller."""
    found = recommend(case)
    return found if isinstance(found, tuple) else (found, None)


__all__ = ["Recommend", "RecommendFactory", "recommendation"]
