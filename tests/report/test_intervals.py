"""Bootstrap intervals and three-way verdicts, on cases computed by hand."""

import numpy as np
import pytest

from bench.report.intervals import (
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    all_of,
    estimate,
    interval_text,
    mean_of,
    median_iqr,
    verdict,
)


def test_constant_cells_give_a_degenerate_interval() -> None:
    e = estimate([0.7] * 5)
    assert (e.mean, e.lo, e.hi, e.n) == (pytest.approx(0.7), pytest.approx(0.7), pytest.approx(0.7), 5)
    assert str(e) == "0.700 [0.700, 0.700]"


def test_interval_covers_the_mean_within_the_range_and_is_reproducible() -> None:
    values = [0.0, 1.0] * 10
    e = estimate(values)
    assert e.mean == 0.5 and 0.25 < e.lo < 0.5 < e.hi < 0.75
    # the standard error of the mean of 20 fair coin flips is 0.112: the 95 % interval is about ±0.22
    assert e.hi - e.lo == pytest.approx(2 * 1.96 * 0.5 / np.sqrt(20), abs=0.06)
    assert str(estimate(values)) == str(e)


def test_three_way_verdicts() -> None:
    high, low, around = estimate([0.95, 0.96, 0.97]), estimate([0.5, 0.6, 0.55]), estimate([0.7, 1.1, 0.8, 1.0])
    assert verdict(high, ">=", 0.9) == HOLDS and verdict(low, ">=", 0.9) == FAILS
    assert verdict(around, ">=", 0.9) == INCONCLUSIVE
    assert verdict(low, "<", 0.9) == HOLDS and verdict(high, "<", 0.9) == FAILS
    assert all_of(HOLDS, HOLDS) == HOLDS and all_of(HOLDS, INCONCLUSIVE) == INCONCLUSIVE
    assert all_of(INCONCLUSIVE, FAILS) == FAILS


def test_differences_and_means_of_estimates() -> None:
    a, b = estimate([0.8, 0.8]), estimate([0.6, 0.6])
    d = a - b
    assert d.mean == pytest.approx(0.2) and d.lo == pytest.approx(0.2) and d.n == 4
    assert (1 - b).mean == pytest.approx(0.4) and abs(b - a).mean == pytest.approx(0.2)
    assert mean_of([a, b]).mean == pytest.approx(0.7)
    noisy = estimate([0.0, 1.0] * 10) - estimate([0.5] * 20)
    assert noisy.lo < 0 < noisy.hi and verdict(noisy, ">", 0) == INCONCLUSIVE


def test_median_and_iqr_by_hand() -> None:
    # quartiles of 1..8 (linear interpolation): 2.75, 4.5, 6.25; one huge error does not move them much
    assert median_iqr([1, 2, 3, 4, 5, 6, 7, 8]) == "4.5 (IQR 2.75–6.25)"
    assert median_iqr([1, 2, 3, 4, 5, 6, 7, 1e6]) == "4.5 (IQR 2.75–6.25)"
    assert median_iqr([]) == interval_text([]) == "n/a"
