"""Honest figures for small groups: 95% confidence intervals and a verdict in plain words.

A rate (clicks, opens, buyers per member) gets Wilson's interval; revenue per member the normal
interval of a mean from its spread; a difference between two groups Welch's interval. Below
MIN_GROUP members in either group nothing is told apart ("too few"), whatever the intervals say.
The verdict is a code the console words: "too_few", "higher", "lower", "unclear".
"""
from __future__ import annotations

import math
from dataclasses import dataclass

Z = 1.96  # 95 %
MIN_GROUP = 30


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


def wilson(k: int, n: int) -> Interval | None:
    if n <= 0:
        return None
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def _variance(total: float, sum_sq: float, n: int) -> float:
    if n < 2:
        return 0.0
    return max(0.0, (sum_sq - total * total / n) / (n - 1))


def mean(total: float, sum_sq: float, n: int) -> Interval | None:
    """The mean per member and its interval (n members; total and sum of squares of their values)."""
    if n <= 0:
        return None
    m = total / n
    half = Z * math.sqrt(_variance(total, sum_sq, n) / n) if n > 1 else math.inf
    return Interval(m, m - half, m + half)


def difference(a: tuple[float, float, int], b: tuple[float, float, int]) -> Interval | None:
    """Mean of a minus mean of b, each given as (total, sum of squares, members)."""
    (ta, qa, na), (tb, qb, nb) = a, b
    if na <= 0 or nb <= 0:
        return None
    d = ta / na - tb / nb
    if na < 2 or nb < 2:
        return Interval(d, -math.inf, math.inf)
    half = Z * math.sqrt(_variance(ta, qa, na) / na + _variance(tb, qb, nb) / nb)
    return Interval(d, d - half, d + half)


def rate_difference(a: tuple[int, int], b: tuple[int, int]) -> Interval | None:
    """Rate of a minus rate of b, each (count, members): the same as a difference of 0/1 values."""
    return difference((a[0], a[0], a[1]), (b[0], b[0], b[1]))


def verdict(n_a: int, n_b: int, diff: Interval | None) -> str:
    if diff is None or n_a < MIN_GROUP or n_b < MIN_GROUP:
        return "too_few"
    if diff.low > 0:
        return "higher"
    if diff.high < 0:
        return "lower"
    return "unclear"
