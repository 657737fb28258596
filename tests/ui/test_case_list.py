"""The lazy case list model and its filter bar, over a real database file."""

from __future__ import annotations

import json
import logging
import random
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gepnet_desktop.case import validate_case
from gepnet_desktop.case.fields import FIELDS_BY_KEY, label
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.i18n import tr
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.store import NEEDS_DATA as STORE_NEEDS_DATA
from gepnet_desktop.store import CaseQuery, import_cases
from gepnet_desktop.ui.cases.case_filters import NEEDS_DATA, CaseFilterBar
from gepnet_desktop.ui.cases.case_list import COLUMNS, CaseListModel

N_CASES = 180
PAGE = 25


class CountingStore:
    """A real store that records every search (keyed or not, rows skipped, limit) and count."""

    def __init__(self, store, log: list) -> None:
        self._store = store
        self._log = log

    def search(self, query, after=None, limit=200, *, skip=0):
        self._log.append((after is not None, skip, limit))
        return self._store.search(query, after, limit, skip=skip)

    def count(self, query):
        self._log.append("count")
        return self._store.count(query)

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A database of N_CASES random valid cases, and what each case should show in the list."""
    folder = tmp_path_factory.mktemp("caselist")
    rng = random.Random(4)
    cases = [random_case_dict(rng, code=f"C{i:04d}") for i in range(N_CASES)]
    cases[7]["notes"] = "liver lesions seen on MRI"
    source = folder / "cases.json"
    source.write_text(json.dumps(cases), encoding="utf-8")
    db_path = folder / "gepnet.db"
    store = open_clinic(db_path)
    try:
        import_cases(store, source)
    finally:
        store.close()
    pathway = default_pathway()
    expected = []
    for data in cases:
        case = validate_case(data).case
        ev = evaluate(case, pathway)
        expected.append({"case_code": data["case_code"], "primary_site": data["primary_site"],
                         "who_grade": case.who_grade, "notes": data.get("notes") or "",
                         "recommendation_node": ev.recommendation_node})
    return db_path, expected


@pytest.fixture
def make_model(qtbot, dataset):
    """A model over the dataset's file, with a log of the searches it made."""
    models = []

    def make(page_size: int = PAGE):
        searches: list[tuple[int, int]] = []
        model = CaseListModel(lambda: CountingStore(open_clinic(dataset[0]), searches),
                              default_pathway(), "en", page_size=page_size)
        model.searches = searches
        models.append(model)
        return model

    yield make
    for model in models:
        model.shutdown()


def load(qtbot, model, query: CaseQuery | None = None) -> None:
    with qtbot.waitSignal(model.queryFinished, timeout=5000):
        if query is None:
            model.refresh()
        else:
            model.set_query(query)


def all_codes(qtbot, model) -> list[str]:
    """Every row's code, fetching pages as a scrolling view would."""
    codes = []
    for row in range(model.rowCount()):
        if model.case_uuid(row) is None:
            qtbot.waitUntil(lambda r=row: model.case_uuid(r) is not None, timeout=5000)
        codes.append(model.index(row, 0).data())
    return codes


def test_opens_with_the_count_and_only_the_first_page(qtbot, make_model, dataset):
    model = make_model()
    load(qtbot, model)
    assert model.rowCount() == N_CASES
    assert model.columnCount() == len(COLUMNS)
    assert model.searches == [(False, 0, PAGE), "count"]  # the first rows before the count
    assert model.index(0, 0).data() != "…"
    assert model.index(PAGE + 3, 0).data() == "…"  # not fetched yet: a placeholder
    qtbot.waitUntil(lambda: model.case_uuid(PAGE + 3) is not None, timeout=5000)
    assert model.searches == [(False, 0, PAGE), "count", (True, 0, PAGE)]  # from the key


def test_rows_are_sorted_by_the_chosen_column(qtbot, make_model, dataset):
    model = make_model()
    load(qtbot, model)
    with qtbot.waitSignal(model.queryFinished, timeout=5000):
        model.sort(COLUMNS.index("case_code"), Qt.SortOrder.AscendingOrder)
    codes = [c["case_code"] for c in dataset[1]]
    assert all_codes(qtbot, model) == sorted(codes)
    with qtbot.waitSignal(model.queryFinished, timeout=5000):
        model.sort(COLUMNS.index("case_code"), Qt.SortOrder.DescendingOrder)
    assert all_codes(qtbot, model) == sorted(codes, reverse=True)


def test_only_a_few_pages_are_kept(qtbot, make_model, dataset):
    model = make_model(page_size=10)
    model.max_pages = 4
    load(qtbot, model)
    all_codes(qtbot, model)
    assert len(model._pages) <= 4
    assert model.index(0, 0).data() == "…"  # evicted, fetched again on demand
    qtbot.waitUntil(lambda: model.case_uuid(0) is not None, timeout=5000)


def test_columns_show_labels_from_fields_and_pathway(qtbot, make_model, dataset):
    model = make_model()
    load(qtbot, model, CaseQuery(sort="case_code", descending=False))
    pathway = default_pathway()
    by_code = {c["case_code"]: c for c in dataset[1]}
    for row in range(PAGE):
        code = model.index(row, 0).data()
        want = by_code[code]
        site = want["primary_site"]
        site_label = label(FIELDS_BY_KEY["primary_site"].value_labels[site], "en") if site else ""
        assert model.index(row, 1).data() == site_label
        assert model.index(row, 2).data() == (want["who_grade"] or "")
        node = want["recommendation_node"]
        assert model.index(row, 3).data() == (text(pathway.nodes[node].label) if node
                                              else tr("ui.list.no_recommendation"))
        assert re.fullmatch(r"20\d\d-\d\d-\d\d", model.index(row, 4).data())
        assert re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d",
                            model.index(row, 4).data(Qt.ItemDataRole.ToolTipRole))


def test_model_passes_the_model_tester(qtbot, qtmodeltester, make_model):
    model = make_model()
    load(qtbot, model)
    qtmodeltester.check(model, force_py=True)
    load(qtbot, model, CaseQuery(sort="who_grade", descending=False))
    qtmodeltester.check(model, force_py=True)


@pytest.mark.parametrize("field, value", [("site", "pancreas"), ("grade", "G2"),
                                          ("grade", "NEC"), ("text", "C01")])
def test_filters_give_exactly_the_matching_cases(qtbot, make_model, dataset, field, value):
    model = make_model()
    load(qtbot, model, CaseQuery(**{field: value}, sort="case_code", descending=False))
    key = {"site": "primary_site", "grade": "who_grade"}.get(field)
    if key:
        want = sorted(c["case_code"] for c in dataset[1] if c[key] == value)
    else:
        want = sorted(c["case_code"] for c in dataset[1] if value in c["case_code"])
    assert want, "the dataset should hold matching cases"
    assert model.total() == len(want)
    assert all_codes(qtbot, model) == want


def test_recommendation_filter(qtbot, make_model, dataset):
    counts: dict[str, int] = {}
    for c in dataset[1]:
        if c["recommendation_node"]:
            counts[c["recommendation_node"]] = counts.get(c["recommendation_node"], 0) + 1
    node = max(counts, key=counts.get)
    model = make_model()
    load(qtbot, model, CaseQuery(recommendation=node))
    assert model.total() == counts[node]
    label_text = text(default_pathway().nodes[node].label)
    assert {model.index(r, 3).data() for r in range(min(PAGE, model.total()))} == {label_text}


def test_the_needs_data_filter_gives_the_walks_that_stop(qtbot, make_model, dataset):
    assert NEEDS_DATA == STORE_NEEDS_DATA
    want = sorted(c["case_code"] for c in dataset[1] if c["recommendation_node"] is None)
    assert 0 < len(want) < N_CASES
    bar = CaseFilterBar(default_pathway(), "en")
    qtbot.addWidget(bar)
    chosen = []
    bar.queryChanged.connect(chosen.append)
    bar.set_filter(bar.node, NEEDS_DATA)
    assert bar.node.currentText() == tr("ui.list.no_recommendation") == "(needs data)"
    model = make_model()
    load(qtbot, model, CaseQuery(recommendation=chosen[-1]["recommendation"],
                                 sort="case_code", descending=False))
    assert model.total() == len(want)
    assert all_codes(qtbot, model) == want
    assert {model.index(r, 3).data() for r in range(model.rowCount())} == {"(needs data)"}


def test_notes_are_searched(qtbot, make_model, dataset):
    model = make_model()
    load(qtbot, model, CaseQuery(text="lesions"))
    assert model.total() == 1
    assert model.index(0, 0).data() == "C0007"


def test_a_replaced_query_never_shows_stale_rows(qtbot, make_model, dataset):
    model = make_model()
    load(qtbot, model)
    model.set_query(CaseQuery(site="pancreas"))
    with qtbot.waitSignal(model.queryFinished, timeout=5000) as blocker:
        model.set_query(CaseQuery(site="rectum"))
    assert blocker.signal_triggered
    want = sum(1 for c in dataset[1] if c["primary_site"] == "rectum")
    assert model.total() == want
    qtbot.wait(50)  # let any late result of the first query arrive; it must be dropped
    assert model.total() == want


def test_filter_bar_debounces_typing_and_applies_combos_at_once(qtbot):
    bar = CaseFilterBar(default_pathway(), "en", debounce_ms=100)
    qtbot.addWidget(bar)
    received = []
    bar.queryChanged.connect(received.append)
    qtbot.keyClicks(bar.search, "C00")
    assert received == []  # typing waits for a pause
    qtbot.waitUntil(lambda: len(received) == 1, timeout=2000)
    assert received[0]["text"] == "C00"
    bar.set_filter(bar.site, "pancreas")
    assert received[-1]["site"] == "pancreas"
    bar.set_filter(bar.grade, "G3")
    assert received[-1] == {"text": "C00", "site": "pancreas", "grade": "G3",
                            "recommendation": None}
    bar.set_filter(bar.site, None)
    assert received[-1]["site"] is None


def test_filter_combos_use_labels_from_fields_and_pathway():
    bar = CaseFilterBar(default_pathway(), "ko")
    sites = [bar.site.itemText(i) for i in range(bar.site.count())]
    assert "췌장" in sites
    nodes = {bar.node.itemData(i): bar.node.itemText(i) for i in range(1, bar.node.count())}
    pathway = default_pathway()
    assert nodes["ssa_first_line"] == text(pathway.nodes["ssa_first_line"].label, "ko")
    assert set(nodes) - {NEEDS_DATA} <= set(pathway.nodes)
    assert list(nodes)[-1] == NEEDS_DATA and nodes[NEEDS_DATA] == "(자료 필요)"
    kinds = {pathway.nodes[n].kind for n in nodes if n != NEEDS_DATA}
    assert kinds <= {"treatment", "action"}  # the walk stores nothing else
    bar.deleteLater()


def test_a_failed_query_is_reported_and_logged_without_its_message(qtbot, caplog):
    secret = "SECRET-Q7"  # stands for a value the user typed

    class BrokenStore:
        def search(self, query, after=None, limit=200, *, skip=0):
            raise RuntimeError(f"no such case {secret}")

        def count(self, query):
            raise RuntimeError(f"no such case {secret}")

        def close(self):
            pass

    model = CaseListModel(BrokenStore, default_pathway(), "en")
    try:
        with caplog.at_level(logging.ERROR, logger="gepnet_desktop"), \
                qtbot.waitSignal(model.queryFailed, timeout=5000) as failed:
            model.refresh()
    finally:
        model.shutdown()
    assert failed.args == ["no such case SECRET-Q7"]  # shown to the user, on their screen
    assert "case list query failed" in caplog.text and "RuntimeError" in caplog.text
    assert "SECRET-Q7" not in caplog.text
    assert model.total() == 0 and not model.is_loaded()


def test_the_first_rows_show_before_the_count_is_in(qtbot, make_model, dataset):
    model = make_model()
    seen = []
    model.modelReset.connect(lambda: seen.append((model.rowCount(), model.is_loaded())))
    with qtbot.waitSignal(model.countChanged, timeout=5000):
        model.refresh()
    assert seen == [(PAGE, False)]  # the first page on screen, the count still to come
    assert model.rowCount() == N_CASES and model.is_loaded()


def test_a_jump_reads_from_the_nearest_key_it_knows(qtbot, make_model, dataset):
    model = make_model()
    load(qtbot, model)
    for row in (PAGE, 2 * PAGE):
        model.case_uuid(row)
        qtbot.waitUntil(lambda r=row: model.case_uuid(r) is not None, timeout=5000)
    model.case_uuid(4 * PAGE + 1)  # page 3 never seen: skipped from page 2's key
    qtbot.waitUntil(lambda: model.case_uuid(4 * PAGE + 1) is not None, timeout=5000)
    assert model.searches[-1] == (True, PAGE, PAGE)
    codes = sorted((c["case_code"] for c in dataset[1]), reverse=False)
    query = model.query()
    assert (query.sort, query.descending) == ("updated_at", True)
    with qtbot.waitSignal(model.queryFinished, timeout=5000):
        model.sort(COLUMNS.index("case_code"), Qt.SortOrder.AscendingOrder)
    model.case_uuid(5 * PAGE + 1)
    qtbot.waitUntil(lambda: model.case_uuid(5 * PAGE + 1) is not None, timeout=5000)
    assert model.index(5 * PAGE + 1, 0).data() == codes[5 * PAGE + 1]


def test_the_end_of_the_list_is_read_from_the_end(qtbot, make_model, dataset):
    """A page nearer the end than any known key is read backwards from the end (no skipping
    over the whole list), and shows the rows in the list's order."""
    model = make_model()
    load(qtbot, model)
    last = N_CASES - 1  # the last page holds N_CASES % PAGE rows
    model.case_uuid(last)
    qtbot.waitUntil(lambda: model.case_uuid(last) is not None, timeout=5000)
    assert model.searches[-1] == (False, 0, N_CASES % PAGE)
    row = N_CASES - N_CASES % PAGE - 1  # the last row of the page before: read past the last
    model.case_uuid(row)
    qtbot.waitUntil(lambda: model.case_uuid(row) is not None, timeout=5000)
    assert model.searches[-1] == (False, N_CASES % PAGE, PAGE)
    with open_clinic(dataset[0]) as store:
        want = [r.uuid for r in store.search(model.query(), None, N_CASES)]
    assert [model.case_uuid(r) for r in range(row - PAGE + 1, N_CASES)] == \
        want[row - PAGE + 1:]


def test_a_page_left_behind_by_the_view_is_not_read(qtbot, dataset):
    """A page asked for before the view jumped far away is dropped when its turn comes (the
    model asks for it again if it is shown again); pages near the latest one are read."""
    from gepnet_desktop.ui.cases.case_list import _Fetcher

    log: list = []
    fetcher = _Fetcher(lambda: CountingStore(open_clinic(dataset[0]), log))
    try:
        fetcher.latest_page = 6
        with qtbot.waitSignal(fetcher.dropped, timeout=5000) as dropped:
            fetcher.fetch(1, CaseQuery(), 2, None, 2 * PAGE, PAGE, False)
        assert dropped.args == [1, 2] and log == []
        with qtbot.waitSignal(fetcher.loaded, timeout=5000) as loaded:
            fetcher.fetch(1, CaseQuery(), 5, None, 5 * PAGE, PAGE, False)
        assert loaded.args[:2] == [1, 5] and len(loaded.args[2]) == PAGE
        assert log == [(False, 5 * PAGE, PAGE)]
    finally:
        fetcher.close_store()


def test_stale_recommendations_are_marked_while_they_are_recomputed(qtbot, tmp_path,
                                                                   dataset):
    import shutil

    from PySide6.QtGui import QBrush, QFont

    from gepnet_desktop.store import Store

    path = tmp_path / "gepnet.db"
    shutil.copy(dataset[0], path)
    with Store.open(path, recommend=lambda case: None, recommend_version="old@0.1",
                    user="tester") as old:
        old.refresh_derived()
    with open_clinic(path, refresh=False) as store:  # recompute a few: the rest stay stale
        store.refresh_rows([r.uuid for r in store.search(
            CaseQuery(sort="case_code", descending=False), limit=3)])
    model = CaseListModel(lambda: open_clinic(path, refresh=False), default_pathway(), "en",
                          page_size=PAGE)
    try:
        load(qtbot, model, CaseQuery(sort="case_code", descending=False))
        rec = COLUMNS.index("recommendation_node")
        fresh, stale = model.index(0, rec), model.index(5, rec)
        assert fresh.data(Qt.ItemDataRole.FontRole) is None
        assert fresh.data(Qt.ItemDataRole.ToolTipRole) == fresh.data()
        font = stale.data(Qt.ItemDataRole.FontRole)
        assert isinstance(font, QFont) and font.italic()
        assert isinstance(stale.data(Qt.ItemDataRole.ForegroundRole), QBrush)
        assert stale.data(Qt.ItemDataRole.ToolTipRole) == tr("ui.list.stale_tip", "en",
                                                             recommendation=stale.data())
        assert model.index(5, 0).data(Qt.ItemDataRole.FontRole) is None  # the code is not
    finally:
        model.shutdown()
