"""New record ids: version-7 UUIDs that sort in the order they were made."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

from gepnet_desktop.case import validate_case
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.store import Store
from gepnet_desktop.store.ids import new_uuid


def test_ids_are_version_7_and_sort_in_the_order_they_were_made() -> None:
    made = [new_uuid() for _ in range(20_000)]  # many fall in the same millisecond
    assert len(set(made)) == len(made)
    assert made == sorted(made)
    for text in made[:50]:
        parsed = uuid.UUID(text)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122 and str(parsed) == text


def test_cases_saved_one_after_another_get_increasing_ids(tmp_path: Path) -> None:
    rng = random.Random(7)
    with Store.open(tmp_path / "gepnet.db", new=True) as store:
        ids = [store.create(validate_case(random_case_dict(rng, code=f"ID-{i}")).case).uuid
               for i in range(30)]
    assert ids == sorted(ids) and all(uuid.UUID(i).version == 7 for i in ids)
