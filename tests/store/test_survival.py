"""Kaplan-Meier against small examples computed by hand: ties, censoring, medians and the
log-log (Brookmeyer-Crowley) 95% CI of the median."""

from __future__ import annotations

import math

import pytest

from gepnet_desktop.store.survival import Z95, kaplan_meier, kaplan_meier_counts


def band(s: float, greenwood: float) -> tuple[float, float]:
    """The log-log band written out: S^exp(+-z se), se = sqrt(Greenwood) / |log S|."""
    se = math.sqrt(greenwood) / abs(math.log(s))
    return s ** math.exp(Z95 * se), s ** math.exp(-Z95 * se)


def test_no_censoring_no_ties() -> None:
    km = kaplan_meier([3, 1, 2, 4], [1, 1, 1, 1])
    assert [s.survival for s in km.steps] == pytest.approx([3 / 4, 2 / 4, 1 / 4, 0])
    assert [s.at_risk for s in km.steps] == [4, 3, 2, 1]
    assert km.median == 2  # S(2) = 0.5 exactly: the first time S <= 0.5
    assert (km.n, km.events) == (4, 4)


def test_ties_and_censoring_at_the_same_time() -> None:
    # times 1 (event), 2 (event), 2 (censored), 3 (event), 4 (censored), 5 (event), 6 (cens.)
    km = kaplan_meier([1, 2, 2, 3, 4, 5, 6], [1, 1, 0, 1, 0, 1, 0])
    # by hand: S = 6/7; 6/7 * 5/6 = 5/7 (the censored at 2 still at risk at 2); 5/7 * 3/4;
    # unchanged at 4; 15/28 * 1/2
    expected = [6 / 7, 5 / 7, 15 / 28, 15 / 28, 15 / 56, 15 / 56]
    assert [s.survival for s in km.steps] == pytest.approx(expected)
    assert [s.at_risk for s in km.steps] == [7, 6, 4, 3, 2, 1]
    greenwood = [1 / 42, 1 / 42 + 1 / 30, 1 / 42 + 1 / 30 + 1 / 12]
    for step, s, g in zip(km.steps, expected, greenwood, strict=False):
        assert (step.lower, step.upper) == pytest.approx(band(s, g))
    assert km.steps[0].lower == pytest.approx(0.3340, abs=1e-4)
    assert km.steps[0].upper == pytest.approx(0.9786, abs=1e-4)
    assert km.median == 5
    # lower band at t=1 is 0.334 <= 0.5; the upper band never comes down to 0.5
    assert km.ci95 == (1, None)
    assert km.at_risk(0) == 7 and km.at_risk(2) == 6 and km.at_risk(2.5) == 4
    assert km.survival_at(4.5) == pytest.approx(15 / 28)


def test_a_larger_example_with_a_closed_interval() -> None:
    # 20 lines: events at 1..10 (one each), censored at 10.5 x 10
    km = kaplan_meier([*range(1, 11), *[10.5] * 10], [1] * 10 + [0] * 10)
    # S(t_k) = (20 - k) / 20: S <= 0.5 never (S(10) = 0.5 exactly -> median 10)
    assert km.median == 10
    greenwood = 0.0
    lower_cross = upper_cross = None
    for k in range(1, 11):
        n = 21 - k
        greenwood += 1 / (n * (n - 1))
        lo, hi = band((20 - k) / 20, greenwood)
        lower_cross = lower_cross or (k if lo <= 0.5 else None)
        upper_cross = upper_cross or (k if hi <= 0.5 else None)
    assert km.ci95 == (lower_cross, upper_cross)
    assert lower_cross is not None and lower_cross < 10 and upper_cross is None


def test_all_censored_and_empty() -> None:
    km = kaplan_meier([2, 3], [0, 0])
    assert km.median is None and km.ci95 == (None, None) and km.events == 0
    assert km.steps[-1].survival == 1
    empty = kaplan_meier([], [])
    assert (empty.n, empty.median, empty.steps) == (0, None, ())


def test_aggregated_counts_give_the_same_curve() -> None:
    a = kaplan_meier([1, 2, 2, 3, 4, 5, 6], [1, 1, 0, 1, 0, 1, 0])
    b = kaplan_meier_counts([(1, 1, 0), (2, 1, 1), (3, 1, 0), (4, 0, 1), (5, 1, 0), (6, 0, 1)])
    assert [(s.time, s.survival) for s in a.steps] == [(s.time, s.survival) for s in b.steps]
    assert (a.median, a.ci95) == (b.median, b.ci95)


def test_the_curve_reaching_zero_gives_no_upper_limit_there() -> None:
    km = kaplan_meier([1, 2, 3], [1, 1, 1])
    assert km.median == 2 and km.steps[-1].survival == 0
    assert km.ci95[1] is None
