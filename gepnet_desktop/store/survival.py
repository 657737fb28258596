"""Kaplan-Meier estimates in pure Python, with Greenwood variance and a median with its 95% CI.

The median is the smallest time at which S(t) <= 0.5 (no averaging where the curve is flat at
exactly 0.5). Its 95% confidence interval is Brookmeyer-Crowley with the log-log transformation:
the pointwise log-log bands (Greenwood variance), inverted at 0.5, as R's survfit does with
conf.type = "log-log": the lower limit is the first time the lower band is at or below 0.5, the
upper limit the first time the upper band is; None where a band never comes down that far. Once
the curve reaches 0 the log-log band is undefined (lower 0, upper NaN), so an upper limit is
never read from there.
At a time with both events and censorings, the censored are counted at risk at that time.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Step:
    """The curve at one distinct observed time."""

    time: float
    at_risk: int
    events: int
    censored: int
    survival: float  # S(t) just after this time
    lower: float  # 95% pointwise band (log-log)
    upper: float  # NaN where undefined (S = 0)


@dataclass(frozen=True)
class Curve:
    """The steps of a curve as columns (one array per field of Step): a few objects for the
    garbage collector however many distinct times."""

    time: array[float] = field(default_factory=lambda: array("d"))
    at_risk: array[int] = field(default_factory=lambda: array("q"))
    events: array[int] = field(default_factory=lambda: array("q"))
    censored: array[int] = field(default_factory=lambda: array("q"))
    survival: array[float] = field(default_factory=lambda: array("d"))
    lower: array[float] = field(default_factory=lambda: array("d"))
    upper: array[float] = field(default_factory=lambda: array("d"))


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan-Meier curve: its steps, the median and its 95% CI."""

    n: int
    events: int
    curve: Curve = field(default_factory=Curve, repr=False)
    median: float | None = None
    ci95: tuple[float | None, float | None] = (None, None)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """The curve at each distinct time (made when first asked for)."""
        c = self.curve
        return tuple(Step(*row) for row in zip(c.time, c.at_risk, c.events, c.censored,
                                               c.survival, c.lower, c.upper, strict=True))

    def at_risk(self, time: float) -> int:
        """How many were still followed (no event, not censored) just before `time`."""
        c = self.curve
        gone = sum(d + k for t, d, k in zip(c.time, c.events, c.censored, strict=True)
                   if t < time)
        return self.n - gone

    def survival_at(self, time: float) -> float:
        """S(time): the curve's value at `time` (1 before the first event)."""
        c = self.curve
        i = bisect_right(c.time, time)
        return c.survival[i - 1] if i else 1.0


def kaplan_meier(times: Iterable[float], events: Iterable[bool | int]) -> KaplanMeier:
    """The curve of individual observations: time and whether it ended by the event (1) or
    was censored (0)."""
    counts: dict[float, list[int]] = {}
    for t, e in zip(times, events, strict=True):
        c = counts.setdefault(float(t), [0, 0])
        c[0 if e else 1] += 1
    return kaplan_meier_counts((t, d, c) for t, (d, c) in sorted(counts.items()))


def kaplan_meier_counts(rows: Iterable[tuple[float, int, int]]) -> KaplanMeier:
    """The curve of aggregated observations: (time, events, censored) with times ascending
    and distinct (what an SQL GROUP BY gives); memory grows with distinct times only."""
    curve = Curve()
    for t, d, c in rows:
        curve.time.append(float(t))
        curve.events.append(int(d))
        curve.censored.append(int(c))
    n = sum(curve.events) + sum(curve.censored)
    at_risk, surv, greenwood = n, 1.0, 0.0
    for d, c in zip(curve.events, curve.censored, strict=True):
        if d:
            surv *= 1 - d / at_risk
            greenwood = greenwood + d / (at_risk * (at_risk - d)) if at_risk > d else math.inf
        lower, upper = _band(surv, greenwood)
        curve.at_risk.append(at_risk)
        curve.survival.append(surv)
        curve.lower.append(lower)
        curve.upper.append(upper)
        at_risk -= d + c
    median = _first_at_or_below(curve, curve.survival)
    ci = (_first_at_or_below(curve, curve.lower), _first_at_or_below(curve, curve.upper))
    return KaplanMeier(n, sum(curve.events), curve, median, ci)


def _band(surv: float, greenwood: float) -> tuple[float, float]:
    """The 95% log-log band around S (1 before any event; undefined above once S is 0)."""
    if surv >= 1.0:
        return 1.0, 1.0
    if surv <= 0.0 or math.isinf(greenwood):
        return 0.0, math.nan
    se = math.sqrt(greenwood) / abs(math.log(surv))
    return surv ** math.exp(Z95 * se), surv ** math.exp(-Z95 * se)


def _first_at_or_below(curve: Curve, values: array[float]) -> float | None:
    """The first time with an event at which `values` (a column of `curve`) is <= 0.5."""
    for t, d, v in zip(curve.time, curve.events, values, strict=True):
        if d and v <= 0.5 + 1e-12:
            return t
    return None


__all__ = ["Curve", "KaplanMeier", "Step", "kaplan_meier", "kaplan_meier_counts"]
