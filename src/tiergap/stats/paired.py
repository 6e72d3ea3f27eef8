"""Paired comparisons of unit-level means: repeated measures are averaged within a unit first.

When each unit (a query) is measured several times per condition (epochs, seeds, paraphrases),
those measurements are not independent: counting them as separate pairs inflates every test.
Here each unit contributes one number per condition, its mean, and every interval and test is
computed over units. With one 0/1 measurement per unit the methods reduce to the classical
paired-proportion ones (Newcombe's interval, McNemar's test).

Every function has a batch form over a leading axis of independent data sets (rows), used by
the verdict simulations: the single-data-set functions call it with one row, so a simulation
exercises exactly the code an analysis runs.

References:
    Newcombe RG (1998b). Improved confidence intervals for the difference between binomial
        proportions based on paired data. Stat Med 17:2635-2650.
    Fisher RA (1935). The Design of Experiments, section 21 (randomisation test on paired
        differences: every sign pattern is equally likely under the null).
    Schuirmann DJ (1987). A comparison of the two one-sided tests procedure and the power
        approach for assessing the equivalence of average bioavailability. J Pharmacokinet
        Biopharm 15:657-680.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from tiergap.stats._common import (
    EXACT_MCNEMAR_BELOW,
    EXACT_PERMUTATION_MAX_CLUSTERS,
    FloatArray,
    _as_1d,
    _check_probability_open,
    _check_same_length,
    _paired_table,
)
from tiergap.stats.proportions import (
    EquivalenceResult,
    Interval,
    _newcombe_paired_limits,
    _tost_from_cells,
    _wilson_limits,
)

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: Exact sign-flip distributions are built on an integer lattice of at most this many steps.
_MAX_LATTICE = 200_000


@dataclass(frozen=True)
class UnitGap:
    """A paired difference of unit means, mean(a - b), over ``n_units`` units.

    Attributes:
        estimate: Mean over units of (a_i - b_i).
        ci_low, ci_high: Confidence limits (see :func:`paired_unit_gap` for the method).
        p_value: Two-sided sign-flip p-value for "no difference".
        p_greater: One-sided p-value for "a is not above b" (small when a > b).
        p_less: One-sided p-value for "a is not below b" (small when a < b).
        n_units: Number of units compared.
        method: Which interval and test produced the numbers.
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    p_greater: float
    p_less: float
    n_units: int
    method: str


def _check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 0.5:
        raise ValueError(f"alpha must be in (0, 0.5), got {alpha!r}")
    return float(alpha)


def _as_rows(name: str, values: Any) -> FloatArray:
    """A (rows, units) float array of finite numbers (one 1-D data set becomes one row)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty (rows, units) array, got shape {arr.shape}")
    if not np.isfinite(arr.sum()) and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


def is_binary(values: FloatArray) -> BoolArray:
    """Per row: does every unit mean equal 0 or 1 (one measurement, or identical repeats)?"""
    return np.asarray(np.all((values == 0.0) | (values == 1.0), axis=-1), dtype=np.bool_)


# --------------------------------------------------------------------------------------------
# Sign-flip (randomisation) test on unit differences
# --------------------------------------------------------------------------------------------


def lattice_scale(diffs: FloatArray, max_denominator: int = 1000) -> int | None:
    """Smallest integer s with s * d integral for every d (differences of means of counts).

    None when a value is not such a fraction (within 1e-9), e.g. a mean of continuous scores.
    """
    scale = 1
    for value in np.unique(np.abs(diffs[diffs != 0.0])):
        frac = Fraction(float(value)).limit_denominator(max_denominator)
        if abs(float(frac) - float(value)) > 1e-9:
            return None
        scale = scale * frac.denominator // math.gcd(scale, frac.denominator)
        if scale > _MAX_LATTICE:
            return None
    return scale


def _lattice_tails(d: FloatArray, scale: int) -> tuple[FloatArray, FloatArray]:
    """Exact sign-flip tails of rows whose differences lie on the lattice 1/scale.

    With integer weights w_i = scale |d_i|, T = 2U - sum(w) where U = sum of w_i B_i and
    B_i ~ Bernoulli(1/2) says whether unit i keeps its sign; so P(T >= t) = P(U >= U_obs)
    with U_obs the weight of the positive differences. U's distribution is built by adding
    one unit at a time (all rows at once, equal weights together).
    """
    w = np.rint(np.abs(d) * scale).astype(np.int64)
    rows = np.arange(d.shape[0])
    positive = np.where(d > 0, w, 0).sum(axis=1)
    size = int(w.sum(axis=1).max()) + 1
    dist = np.zeros((d.shape[0], size + 1), dtype=np.float64)
    dist[:, 0] = 1.0
    for weight in np.unique(w[w > 0]).tolist():
        counts = np.count_nonzero(w == weight, axis=1)
        for j in range(int(counts.max())):
            shifted = np.zeros_like(dist)
            shifted[:, weight:] = dist[:, :-weight]
            dist = np.where((j < counts)[:, None], 0.5 * (dist + shifted), dist)
    at_least = np.cumsum(dist[:, ::-1], axis=1)[:, ::-1]  # at_least[:, u] = P(U >= u)
    upper = np.minimum(1.0, at_least[rows, positive])
    lower = np.minimum(1.0, 1.0 - at_least[rows, positive + 1])
    return np.asarray(upper, dtype=np.float64), np.asarray(lower, dtype=np.float64)


def _enumerated_tails(nonzero: FloatArray) -> tuple[float, float]:
    """Sign-flip tails by listing all 2**k sign patterns (k <= 16)."""
    k = nonzero.size
    codes = np.arange(2**k, dtype=np.int64)[:, None]
    signs = ((codes >> np.arange(k, dtype=np.int64)) & 1) * 2 - 1
    totals = signs.astype(np.float64) @ np.abs(nonzero)
    t = float(nonzero.sum())
    tol = 1e-9 * max(1.0, abs(t))
    return float(np.mean(totals >= t - tol)), float(np.mean(totals <= t + tol))


def _row_tails(d: FloatArray) -> tuple[float, float]:
    """(P(T >= t), P(T <= t)) of one row with few non-zero differences off any lattice."""
    nonzero = d[d != 0.0]
    if nonzero.size == 0:
        return 1.0, 1.0
    if nonzero.size <= EXACT_PERMUTATION_MAX_CLUSTERS:
        return _enumerated_tails(nonzero)
    up, lo = _normal_tails(nonzero[None, :], 0.0)
    return float(up[0]), float(lo[0])


def _normal_tails(d: FloatArray, continuity: float) -> tuple[FloatArray, FloatArray]:
    """Normal approximation of the sign-flip distribution: mean 0, variance sum(d^2)."""
    t = d.sum(axis=-1)
    v = np.square(d).sum(axis=-1)
    safe = np.where(v > 0, np.sqrt(np.where(v > 0, v, 1.0)), 1.0)
    upper = np.where(v > 0, stats.norm.sf((t - continuity) / safe), 1.0)
    lower = np.where(v > 0, stats.norm.cdf((t + continuity) / safe), 1.0)
    return np.asarray(upper, dtype=np.float64), np.asarray(lower, dtype=np.float64)


def sign_flip_tails(diffs: Any, scale: int | None = None) -> tuple[FloatArray, FloatArray]:
    """One-sided sign-flip p-values of unit differences, per row: (p_greater, p_less).

    Under "no difference" a unit's two conditions are exchangeable, so each unit difference is
    as likely to have either sign; the statistic is T = sum of differences. p_greater =
    P(T >= t_obs), p_less = P(T <= t_obs). With fewer than 25 non-zero differences (the same
    threshold as McNemar's exact test) the distribution is exact: built on the integer
    lattice of the differences (``scale`` * d integral; inferred when not given), else all
    2**k sign patterns when k <= 16. Otherwise the normal approximation with variance
    sum(d^2) and a continuity correction of half a lattice step (none off the lattice). With
    0/1 data both forms are exactly McNemar's one-sided tests.
    """
    d = _as_rows("diffs", diffs)
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, int) or scale < 1):
        raise ValueError(f"scale must be a positive integer, got {scale!r}")
    return _tails(d, scale)


def _tails(d: FloatArray, scale: int | None) -> tuple[FloatArray, FloatArray]:
    """:func:`sign_flip_tails` on checked (rows, units) differences."""
    rows = d.shape[0]
    nonzero = np.count_nonzero(d, axis=1)
    upper = np.ones(rows, dtype=np.float64)
    lower = np.ones(rows, dtype=np.float64)
    small = nonzero < EXACT_MCNEMAR_BELOW
    # Rows whose non-zero differences share one size (0/1 data, identical repeats): the
    # sign-flip distribution is a scaled Binomial(k, 1/2), computed for all rows at once.
    size = np.abs(d)
    top = size.max(axis=1)
    bottom = np.where(d != 0.0, size, np.inf).min(axis=1)
    even = small & (nonzero > 0) & (top == bottom)
    if even.any():
        k = nonzero[even]
        plus = np.count_nonzero(d[even] > 0, axis=1)
        upper[even] = stats.binom.sf(plus - 1, k, 0.5)
        lower[even] = stats.binom.cdf(plus, k, 0.5)
    rest = np.flatnonzero(small & (nonzero > 0) & ~even)
    if rest.size:
        step = scale if scale is not None else lattice_scale(d[rest])
        if step is not None and step * float(np.abs(d[rest]).sum(axis=1).max()) <= _MAX_LATTICE:
            upper[rest], lower[rest] = _lattice_tails(d[rest], step)
        else:
            for i in rest:
                upper[i], lower[i] = _row_tails(d[i])
    big = np.flatnonzero(~small)
    if big.size:
        step = scale if scale is not None else lattice_scale(d[big])
        cc = 0.0 if step is None else 1.0 / step
        up, lo = _normal_tails(d[big], cc)
        upper[big], lower[big] = up, lo
    return upper, lower


def two_sided(p_greater: FloatArray, p_less: FloatArray) -> FloatArray:
    """Two-sided p-value by doubling the smaller tail (as exact McNemar), capped at 1."""
    return np.asarray(np.minimum(1.0, 2.0 * np.minimum(p_greater, p_less)), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Intervals and equivalence
# --------------------------------------------------------------------------------------------


def _binary_cells(
    a: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    n11 = np.sum((a == 1) & (b == 1), axis=-1).astype(np.float64)
    n10 = np.sum((a == 1) & (b == 0), axis=-1).astype(np.float64)
    n01 = np.sum((a == 0) & (b == 1), axis=-1).astype(np.float64)
    n00 = a.shape[-1] - n11 - n10 - n01
    return n11, n10, n01, n00


def gap_interval(
    a: FloatArray, b: FloatArray, confidence: float, binary: BoolArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Per row, a two-sided ``confidence`` interval for mean(a - b) over units.

    0/1 rows (every unit mean 0 or 1): Newcombe's (1998b) paired score interval, which keeps
    its coverage when the behaviour is rare or absent. Other rows: Student's t interval on the
    unit differences, df = units - 1 (the interval for aggregated repeated measures). One unit
    alone gives (-1, 1) for rates, an unbounded interval for counts. ``binary``: the rows
    known to be 0/1 (computed when not given).
    """
    k = a.shape[-1]
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    if binary is None:
        binary = is_binary(a) & is_binary(b)
    low = np.full(a.shape[0], -np.inf)
    high = np.full(a.shape[0], np.inf)
    other = ~binary
    if other.any() and k > 1:
        d = a[other] - b[other]
        mean = d.mean(axis=-1)
        half = float(stats.t.ppf(0.5 + confidence / 2.0, k - 1)) * d.std(axis=-1, ddof=1)
        low[other] = mean - half / math.sqrt(k)
        high[other] = mean + half / math.sqrt(k)
    if binary.any():
        cells = _binary_cells(a[binary], b[binary])
        low[binary], high[binary] = _newcombe_paired_limits(*cells, z)
    # Differences of rates cannot leave [-1, 1]; differences of counts can.
    rates = (np.minimum(a.min(axis=-1), b.min(axis=-1)) >= 0) & (
        np.maximum(a.max(axis=-1), b.max(axis=-1)) <= 1
    )
    low = np.where(rates, np.clip(low, -1.0, 1.0), low)
    high = np.where(rates, np.clip(high, -1.0, 1.0), high)
    return low, high


def equivalent_rows(
    a: FloatArray, b: FloatArray, margin: Any, alpha: float, binary: BoolArray | None = None
) -> BoolArray:
    """Per row: TOST at ``alpha`` shows mean(a - b) inside (-margin, margin).

    Equivalent exactly when the (1 - 2 alpha) interval of :func:`gap_interval` lies strictly
    inside the margins (Schuirmann 1987). A t row whose differences are all equal carries no
    estimate of its spread and is never declared equivalent.
    """
    if binary is None:
        binary = is_binary(a) & is_binary(b)
    low, high = gap_interval(a, b, 1.0 - 2.0 * alpha, binary)
    m = np.broadcast_to(np.asarray(margin, dtype=np.float64), low.shape)
    inside = (low > -m) & (high < m)
    flat = np.zeros_like(inside)
    if not binary.all():
        d = a[~binary] - b[~binary]
        flat[~binary] = np.ptp(d, axis=-1) == 0.0
    return np.asarray(inside & ~flat, dtype=np.bool_)


# --------------------------------------------------------------------------------------------
# One data set
# --------------------------------------------------------------------------------------------


def _pair(a: Any, b: Any) -> tuple[FloatArray, FloatArray]:
    a_arr = _as_1d("a", a)
    b_arr = _as_1d("b", b)
    _check_same_length(a=a_arr, b=b_arr)
    return a_arr, b_arr


def paired_unit_gap(a: Any, b: Any, confidence: float = 0.95, scale: int | None = None) -> UnitGap:
    """mean(a - b) over units, with interval (:func:`gap_interval`) and sign-flip p-values.

    ``a[i]`` and ``b[i]`` are the same unit's means in two conditions. ``scale``: the number of
    measurements per unit mean, when known (it fixes the lattice of the exact test).
    """
    a_arr, b_arr = _pair(a, b)
    conf = _check_probability_open("confidence", confidence)
    low, high = gap_interval(a_arr[None, :], b_arr[None, :], conf)
    upper, lower = sign_flip_tails((a_arr - b_arr)[None, :], scale)
    binary = bool(is_binary(a_arr) and is_binary(b_arr))
    interval = "newcombe-paired-10" if binary else "student-t"
    k = int(np.count_nonzero(a_arr - b_arr))
    test = "exact" if k < EXACT_MCNEMAR_BELOW else "normal"
    return UnitGap(
        estimate=float(np.mean(a_arr - b_arr)),
        ci_low=float(low[0]),
        ci_high=float(high[0]),
        p_value=float(two_sided(upper, lower)[0]),
        p_greater=float(upper[0]),
        p_less=float(lower[0]),
        n_units=int(a_arr.size),
        method=f"{interval} CI over units; sign-flip-{test} p",
    )


def unit_equivalence(a: Any, b: Any, margin: float, alpha: float = 0.05) -> EquivalenceResult:
    """TOST of mean(a - b) over units within (-margin, margin), with its p-value.

    The decision is :func:`equivalent_rows`. The p-value is max of the two one-sided p-values
    of the same interval family: for 0/1 data the inverted Newcombe interval (see
    :func:`tiergap.stats.tost_paired_proportions`), otherwise the two one-sided t-tests.
    """
    a_arr, b_arr = _pair(a, b)
    margin = _check_probability_open("margin", margin)
    alpha = _check_alpha(alpha)
    equivalent = bool(equivalent_rows(a_arr[None, :], b_arr[None, :], margin, alpha)[0])
    low, high = gap_interval(a_arr[None, :], b_arr[None, :], 1.0 - 2.0 * alpha)
    if bool(is_binary(a_arr) and is_binary(b_arr)):
        cells = _paired_table(a_arr.astype(np.int64), b_arr.astype(np.int64))
        p = _tost_from_cells(cells, margin, alpha).p_value
    else:
        d = a_arr - b_arr
        k = d.size
        se = float(d.std(ddof=1)) / math.sqrt(k) if k > 1 else math.inf
        if se > 0 and math.isfinite(se):
            est = float(d.mean())
            p = max(
                float(stats.t.sf((est + margin) / se, k - 1)),
                float(stats.t.sf((margin - est) / se, k - 1)),
            )
        else:
            p = 1.0
    return EquivalenceResult(equivalent, p, float(low[0]), float(high[0]), margin)


def unit_rate_interval(unit_means: Any, confidence: float = 0.95) -> Interval:
    """The mean of unit means (each in [0, 1]) with Wilson score limits over the units.

    Wilson's interval with n = number of units and x = sum of their means. For one 0/1
    measurement per unit it is exactly Wilson's interval; for means of repeated 0/1
    measurements it is conservative, since such a mean varies no more than one 0/1 outcome
    with the same rate (variance <= p(1 - p)).
    """
    values = _as_1d("unit_means", unit_means)
    if values.min() < 0 or values.max() > 1:
        raise ValueError("unit_means must lie in [0, 1]")
    z = float(stats.norm.ppf(0.5 + _check_probability_open("confidence", confidence) / 2.0))
    low, high = _wilson_limits(float(values.sum()), float(values.size), z)
    return Interval(float(values.mean()), float(low), float(high))
