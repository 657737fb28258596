"""The walk before each line (pathway/line_history.py): the case walked with only the lines
before it, checked against evaluate() of the same case cut by hand."""

from __future__ import annotations

from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.pathway.line_history import nodes_before_lines
from tests.conftest import load_vignettes


def test_each_line_gets_the_walk_of_the_lines_before_it() -> None:
    pathway = default_pathway()
    checked = 0
    for vignette in load_vignettes():
        case = validate_case(vignette["case"]).case
        if case is None or not case.lines:
            continue
        starts = nodes_before_lines(case, pathway)
        assert [s.index for s in starts] == list(range(len(case.lines)))
        for s in starts:
            cut = case.copy()
            del cut.lines[s.index:]
            ev = evaluate(cut, pathway, explain_steps=False)
            assert (s.recommendation_node, s.missing) == (ev.recommendation_node,
                                                          tuple(ev.missing))
        checked += 1
        # the walk with every line is what the case gets today; with none, a first line
        assert nodes_before_lines(case, pathway)[0].recommendation_node == evaluate(
            case.__class__(**{**case.__dict__, "lines": []}), pathway).recommendation_node
    assert checked >= 5


def test_a_progression_moves_the_next_line_on() -> None:
    data = {"case_code": "T-1", "primary_site": "jejunum_ileum", "differentiation": "well",
            "ki67_percent": 4, "sstr_status": "positive", "hepatic_burden": "le25",
            "bulk_symptoms": False, "pace": "stable",
            "lines": [{"regimen": "lanreotide", "outcome": "progression",
                       "start_date": "2022-01-10", "end_date": "2023-02-01",
                       "progression_date": "2023-01-20"},
                      {"regimen": "everolimus", "outcome": "ongoing",
                       "start_date": "2023-02-15"}]}
    case = validate_case(data).case
    assert case is not None
    first, second = nodes_before_lines(case)
    assert first.recommendation_node != second.recommendation_node
    assert second.recommendation_node == evaluate(
        validate_case({**data, "lines": data["lines"][:1]}).case).recommendation_node
