"""Properties of the walk on any valid case (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings

from gepnet_desktop.bundled import resource_path
from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import default_pathway, evaluate, load_pathway
from tests.pathway.reference_walk import reference_evaluate
from tests.strategies import valid_cases

PATHWAY = default_pathway()
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _walk(obj: dict):
    result = validate_case(obj)
    assert result.ok, [str(p) for p in result.errors]
    return evaluate(result.case, PATHWAY)


@SETTINGS
@given(valid_cases())
def test_agrees_with_an_independent_transcription_of_the_contract(obj: dict) -> None:
    assert _walk(obj).to_contract() == reference_evaluate(obj)


@SETTINGS
@given(valid_cases())
def test_path_starts_at_entry_and_follows_edges_of_the_data_file(obj: dict) -> None:
    ev = _walk(obj)
    assert ev.path[:2] == ["entry", "differentiation"]
    for a, b in zip(ev.path, ev.path[1:], strict=False):
        assert PATHWAY.edge(a, b) is not None, f"no edge {a}->{b}"


@SETTINGS
@given(valid_cases())
def test_no_option_is_a_failed_regimen(obj: dict) -> None:
    ev = _walk(obj)
    if ev.recommendation_node == "later_lines":
        # The contract: later_lines always offers clinical_trial and best supportive care.
        assert [o.id for o in ev.options] == ["clinical_trial", "best_supportive_care"]
    else:
        assert not {o.id for o in ev.options} & set(ev.failed)


@SETTINGS
@given(valid_cases())
def test_needs_data_exactly_when_there_are_no_options(obj: dict) -> None:
    ev = _walk(obj)
    assert (ev.status == "needs_data") == (not ev.options)
    if ev.status == "needs_data":
        assert ev.recommendation_node is None and len(ev.missing) == 1
    else:
        assert ev.recommendation_node == ev.path[-1] and ev.missing == []


@SETTINGS
@given(valid_cases())
def test_same_input_same_output(obj: dict) -> None:
    # The same case read back from JSON with its keys in another order, walked through a second
    # load of the data file, in a run after other walks: the same result, explanations included.
    again = json.loads(json.dumps(dict(reversed(list(obj.items())))))
    fresh = load_pathway(resource_path("pathways", "kr-gepnet-2021.json"))
    first = _walk(obj).to_json(explain=True)
    assert evaluate(validate_case(again).case, fresh).to_json(explain=True) == first


@SETTINGS
@given(valid_cases())
def test_recommendation_options_come_from_the_node_in_the_data_file(obj: dict) -> None:
    ev = _walk(obj)
    if ev.recommendation_node:
        listed = [o.id for o in PATHWAY.nodes[ev.recommendation_node].options]
        ids = [o.id for o in ev.options]
        assert ids == [o for o in listed if o in ids]  # a subset, in the node's order
