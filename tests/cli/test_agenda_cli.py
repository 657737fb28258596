"""`board agenda`: one PDF, a cover page listing the cases, then each case's report (read back
with pypdf); bad input is a sentence naming the option, exit code 2, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from gepnet_desktop import paths
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.i18n import tr
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.store.cohort import due_for_review
from tests.cli.test_board_cohort_cli import imported, run  # noqa: F401  (fixture)

PATHWAY = default_pathway()


def squeeze(words: str) -> str:
    return re.sub(r"\s+", "", words)


def due_cases() -> list:
    store = open_clinic(paths.database_path())
    try:
        return [store.get(d.uuid) for d in due_for_review(store)]
    finally:
        store.close()


def pages_of(path: Path) -> list[str]:
    return [squeeze(page.extract_text() or "") for page in PdfReader(path).pages]


# The first line of a report and the label starting its second (report/case_report.py).
REPORT_HEAD = {"en": ("Tumour board summary: Case ", "Printed:"),
               "ko": ("종양 협진 요약: 증례 ", "출력일:")}


def report_starts(pages: list[str], lang: str = "en") -> list[tuple[int, str]]:
    """(page index, case code) of each report's first page."""
    head, then = (squeeze(w) for w in REPORT_HEAD[lang])
    return [(i, m.group(1)) for i, page in enumerate(pages)
            if (m := re.match(re.escape(head) + r"(.+?)" + re.escape(then), page))]


def test_agenda_due_writes_one_pdf_holding_every_due_case(imported, capsys, tmp_path):  # noqa: F811
    due = due_cases()
    assert len(due) >= 2, "the worked cases include cases due for review"
    out = tmp_path / "board.pdf"
    code, printed, err = run(["board", "agenda", "--date", "2026-01-15", "--out", str(out),
                              "--due"], capsys)
    assert (code, err) == (0, "") and printed.strip() == str(out)
    pages = pages_of(out)
    starts = report_starts(pages)
    assert [code for _i, code in starts] == [c.case_code for c in due]
    cover = "".join(pages[:starts[0][0]])
    assert squeeze("Tumour board agenda, 2026-01-15") in cover
    for case in due:
        assert squeeze(case.case_code) in cover
        ev = evaluate(case, PATHWAY)
        words = (text(PATHWAY.nodes[ev.recommendation_node].label, "en")
                 if ev.recommendation_node else tr("report.agenda_needs_data", "en"))
        assert squeeze(words) in cover


def test_agenda_of_chosen_cases_in_korean_keeps_their_order(imported, capsys, tmp_path):  # noqa: F811
    codes = ["V-05", "V-01"]
    out = tmp_path / "board-ko.pdf"
    code, _out, err = run(["--lang", "ko", "board", "agenda", "--date", "2026-01-15", "--out",
                           str(out), "--cases", ",".join(codes)], capsys)
    assert (code, err) == (0, "")
    pages = pages_of(out)
    assert squeeze(tr("report.agenda_chosen", "ko")) in pages[0]
    assert [code for _i, code in report_starts(pages, "ko")] == codes


@pytest.mark.parametrize("argv, option", [
    (["--date", "2026-13-01", "--due"], "--date"),
    (["--date", "2026-01-15", "--cases", "V-01,NOPE-9"], "--cases"),
    (["--date", "2026-01-15", "--cases", " , "], "--cases"),
])
def test_bad_agenda_input_names_the_option_and_writes_nothing(imported, capsys, tmp_path,  # noqa: F811
                                                              argv, option):
    out = tmp_path / "board.pdf"
    before = sorted(tmp_path.iterdir())
    code, printed, err = run(["board", "agenda", "--out", str(out), *argv], capsys)
    assert code == 2 and printed == "" and err.startswith(option)
    assert not out.exists() and sorted(tmp_path.iterdir()) == before


def test_agenda_out_must_be_a_pdf_in_an_existing_folder(imported, capsys, tmp_path):  # noqa: F811
    for target in (tmp_path / "board.html", tmp_path / "missing" / "board.pdf"):
        code, _out, err = run(["board", "agenda", "--date", "2026-01-15", "--out", str(target),
                               "--due"], capsys)
        assert code == 2 and err.startswith("--out") and not target.exists()
    existing = tmp_path / "kept.pdf"
    existing.write_bytes(b"%PDF-1.4 kept")
    code, _out, err = run(["board", "agenda", "--date", "2026-01-15", "--out", str(existing),
                           "--due"], capsys)
    assert code == 2 and "--force" in err and existing.read_bytes() == b"%PDF-1.4 kept"

