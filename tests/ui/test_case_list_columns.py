"""The case list's columns are declared once (case/fields.py LIST_COLUMNS): the store sorts and
reads them, the window's list shows them, each with a header in both languages."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt

from gepnet_desktop import paths
from gepnet_desktop.case.fields import LIST_COLUMNS
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import default_pathway
from gepnet_desktop.store import SORT_COLUMNS, CaseRow
from gepnet_desktop.ui.cases.case_list import CaseListModel


def test_the_store_sorts_and_reads_every_list_column():
    assert SORT_COLUMNS == LIST_COLUMNS
    assert set(LIST_COLUMNS) <= {f.name for f in dataclasses.fields(CaseRow)}


def test_the_list_shows_each_column_with_a_header_in_both_languages(qtbot):
    pathway = default_pathway()
    for lang in ("en", "ko"):
        model = CaseListModel(lambda: open_clinic(paths.database_path()), pathway, lang,
                              active=False)  # headers only: no query is run
        try:
            assert model.columnCount() == len(LIST_COLUMNS)
            headers = [model.headerData(i, Qt.Orientation.Horizontal)
                       for i in range(len(LIST_COLUMNS))]
            assert all(h and not h.startswith("col.") for h in headers), headers
            assert len(set(headers)) == len(headers)
        finally:
            model.shutdown()
