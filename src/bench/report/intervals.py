"""Uncertainty of the report's numbers: percentile-bootstrap 95 % intervals over cells, and three-way verdicts.

An `Estimate` is the mean of a set of cells (one value per source–target pair and seed) with `RESAMPLES`
bootstrap means of the cells resampled with replacement; the interval is their 2.5th and 97.5th percentiles.
Estimates combine by arithmetic on their means and, draw by draw, on their bootstrap means (the resamples of
different estimates are independent), so a difference or a ratio of means gets its own interval. The resampling
is seeded by the values themselves: the same records give the same intervals.

A criterion `statistic ≥ bar` (or `<`) *holds* when the whole interval clears the bar, *does not hold* when the
whole interval lies on the other side, and is *inconclusive* otherwise.
"""

from __future__ import annotations

import operator
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

RESAMPLES = 2000
LEVEL = 0.95
METHOD = f"percentile bootstrap over cells (pairs × seeds), {RESAMPLES} resamples"

HOLDS, FAILS, INCONCLUSIVE = "holds", "does not hold", "inconclusive"


@dataclass(frozen=True)
class Estimate:
    mean: float
    draws: np.ndarray = field(repr=False)
    #: the number of cells behind it
    n: int

    @property
    def lo(self) -> float:
        return float(np.quantile(self.draws, (1 - LEVEL) / 2))

    @property
    def hi(self) -> float:
        return float(np.quantile(self.draws, (1 + LEVEL) / 2))

    def __str__(self) -> str:
        return f"{self.mean:.3f} [{self.lo:.3f}, {self.hi:.3f}]"

    def _apply(self, other: Estimate | float, op: Callable, swap: bool = False) -> Estimate:
        o_mean, o_draws, o_n = (other.mean, other.draws, other.n) if isinstance(other, Estimate) else (other, other, 0)
        a, b = ((o_mean, self.mean), (o_draws, self.draws)) if swap else ((self.mean, o_mean), (self.draws, o_draws))
        return Estimate(float(op(*a)), op(*b), self.n + o_n)

    def __add__(self, other: Estimate | float) -> Estimate:
        return self._apply(other, operator.add)

    __radd__ = __add__

    def __sub__(self, other: Estimate | float) -> Estimate:
        return self._apply(other, operator.sub)

    def __rsub__(self, other: float) -> Estimate:
        return self._apply(other, operator.sub, swap=True)

    def __mul__(self, other: Estimate | float) -> Estimate:
        return self._apply(other, operator.mul)

    __rmul__ = __mul__

    def __truediv__(self, other: Estimate | float) -> Estimate:
        return self._apply(other, operator.truediv)

    def __abs__(self) -> Estimate:
        return Estimate(abs(self.mean), np.abs(self.draws), self.n)


def estimate(values: Iterable[float]) -> Estimate:
    """The mean of `values` (one per cell) and its bootstrap means."""
    x = np.asarray(list(values), dtype=np.float64)
    if x.size == 0:
        raise ValueError("no values to estimate from")
    rng = np.random.default_rng([x.size, zlib.crc32(x.tobytes())])
    draws = x[rng.integers(0, x.size, (RESAMPLES, x.size))].mean(axis=1)
    return Estimate(float(x.mean()), draws, int(x.size))


def mean_of(estimates: list[Estimate]) -> Estimate:
    """The unweighted mean of several estimates (e.g. one per task)."""
    return Estimate(
        float(np.mean([e.mean for e in estimates])),
        np.mean([e.draws for e in estimates], axis=0),
        sum(e.n for e in estimates),
    )


def minimum(estimates: list[Estimate]) -> Estimate:
    return Estimate(
        float(min(e.mean for e in estimates)), np.min([e.draws for e in estimates], axis=0), sum(e.n for e in estimates)
    )


def verdict(statistic: Estimate, relation: str, bar: float) -> str:
    """Three-way verdict of `statistic relation bar` (relation one of ">=", ">", "<=", "<") on its interval."""
    lo, hi = statistic.lo, statistic.hi
    if relation in (">=", ">"):
        clears, misses = (lo >= bar, hi < bar) if relation == ">=" else (lo > bar, hi <= bar)
    elif relation in ("<=", "<"):
        clears, misses = (hi <= bar, lo > bar) if relation == "<=" else (hi < bar, lo >= bar)
    else:
        raise ValueError(f"unknown relation {relation!r}")
    return HOLDS if clears else FAILS if misses else INCONCLUSIVE


def all_of(*verdicts: str) -> str:
    """Every criterion holds; one that does not hold decides; otherwise inconclusive."""
    if FAILS in verdicts:
        return FAILS
    return HOLDS if all(v == HOLDS for v in verdicts) else INCONCLUSIVE


def interval_text(values: Iterable[float]) -> str:
    """`mean [lo, hi]` of the cells' values (n/a when there are none)."""
    x = [v for v in values if np.isfinite(v)]
    return str(estimate(x)) if x else "n/a"


def median_iqr(values: Iterable[float]) -> str:
    """`median (IQR lo–hi)`: for heavy-tailed errors, where a mean and a standard deviation mislead."""
    x = np.asarray([v for v in values if np.isfinite(v)], dtype=np.float64)
    if x.size == 0:
        return "n/a"
    q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    return f"{med:.4g} (IQR {q1:.4g}–{q3:.4g})"
