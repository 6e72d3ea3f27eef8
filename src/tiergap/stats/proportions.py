"""Proportions, paired and unpaired: Wilson, Newcombe, McNemar and TOST.

Every condition (free tier, paid tier, baseline) answers the same queries in the same order, so
comparisons are *paired*: outcome ``a[i]`` and ``b[i]`` come from the same query. Pairing removes
between-query variation (some queries invite emoji far more than others), which is why the
intervals and tests here are the paired ones (Newcombe's paired score interval, McNemar,
sign-flip permutation) rather than two-sample ones.

References:
    Wilson EB (1927). Probable inference, the law of succession, and statistical inference.
        JASA 22:209-212.
    Newcombe RG (1998a). Interval estimation for the difference between independent
        proportions: comparison of eleven methods. Stat Med 17:873-890.
    Newcombe RG (1998b). Improved confidence intervals for the difference between binomial
        proportions based on paired data. Stat Med 17:2635-2650.
    McNemar Q (1947). Note on the sampling error of the difference between correlated
        proportions or percentages. Psychometrika 12:153-157.
    Schuirmann DJ (1987). A comparison of the two one-sided tests procedure and the power
        approach for assessing the equivalence of average bioavailability. J Pharmacokinet
        Biopharm 15:657-680.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

from tiergap.stats._common import (
    _Z_SEARCH_MAX,
    EXACT_MCNEMAR_BELOW,
    BinaryInput,
    FloatArray,
    _as_binary,
    _check_count,
    _check_probability_open,
    _check_same_length,
    _paired_table,
    _z_two_sided,
)

# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A point estimate with a confidence interval."""

    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class GapResult:
    """A paired difference between two conditions (``a`` minus ``b``).

    Attributes:
        estimate: mean(a) - mean(b).
        ci_low, ci_high: Confidence limits for the difference.
        p_value: Two-sided p-value for "no difference".
        n_pairs: Number of paired observations.
        method: Which interval and test produced the numbers.
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    n_pairs: int
    method: str


@dataclass(frozen=True)
class EquivalenceResult:
    """Two one-sided tests (TOST) that a paired difference lies inside (-margin, margin).

    Attributes:
        equivalent: True when the (1 - 2*alpha) interval lies strictly inside the margins.
        p_value: Larger of the two one-sided p-values; below alpha exactly when equivalent.
        ci_low, ci_high: The (1 - 2*alpha) paired Newcombe interval.
        margin: The equivalence margin.
    """

    equivalent: bool
    p_value: float
    ci_low: float
    ci_high: float
    margin: float


def _wilson_limits(
    x: FloatArray | float, n: FloatArray | float, z: float
) -> tuple[FloatArray, FloatArray]:
    """Vectorised Wilson score limits (n > 0)."""
    x_arr = np.asarray(x, dtype=np.float64)
    n_arr = np.asarray(n, dtype=np.float64)
    p = x_arr / n_arr
    z2 = z * z
    denom = 1.0 + z2 / n_arr
    centre = (p + z2 / (2.0 * n_arr)) / denom
    half = z * np.sqrt(np.maximum(p * (1.0 - p) / n_arr + z2 / (4.0 * n_arr * n_arr), 0.0)) / denom
    low = np.clip(centre - half, 0.0, 1.0)
    high = np.clip(centre + half, 0.0, 1.0)
    # Exact limits at the boundaries (avoid 1e-17 rounding residue).
    low = np.where(x_arr == 0, 0.0, low)
    high = np.where(x_arr == n_arr, 1.0, high)
    return low, high


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a binomial proportion (Wilson 1927).

    Why: unlike the Wald interval it never leaves [0, 1] and keeps near-nominal coverage for
    small n and rates near 0 (emoji rates are often near 0). With p = x/n and z = z_{1-a/2}:
    centre = (p + z^2/2n) / (1 + z^2/n), half = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n).
    With n = 0 there is no information: estimate nan, interval (0, 1).
    """
    successes = _check_count("successes", successes)
    n = _check_count("n", n)
    if successes > n:
        raise ValueError(f"successes must be <= n, got successes={successes}, n={n}")
    z = _z_two_sided(confidence)
    if n == 0:
        return Interval(math.nan, 0.0, 1.0)
    low, high = _wilson_limits(float(successes), float(n), z)
    return Interval(successes / n, float(low), float(high))


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> Interval:
    """Newcombe hybrid score interval for p1 - p2 from independent samples (1998a, method 10).

    Square-and-add the Wilson limits (l_i, u_i) of each proportion:
    low = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
    """
    x1, n1 = _check_count("x1", x1), _check_count("n1", n1)
    x2, n2 = _check_count("x2", x2), _check_count("n2", n2)
    if n1 == 0 or n2 == 0:
        raise ValueError(f"n1 and n2 must be > 0, got n1={n1}, n2={n2}")
    if x1 > n1 or x2 > n2:
        raise ValueError(f"successes must not exceed n, got x1={x1}/n1={n1}, x2={x2}/n2={n2}")
    z = _z_two_sided(confidence)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = (float(v) for v in _wilson_limits(float(x1), float(n1), z))
    l2, u2 = (float(v) for v in _wilson_limits(float(x2), float(n2), z))
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))


# --------------------------------------------------------------------------------------------
# Paired proportions
# --------------------------------------------------------------------------------------------


def _corrected_phi(
    n11: FloatArray, n10: FloatArray, n01: FloatArray, n00: FloatArray
) -> FloatArray:
    """Newcombe's (1998b) corrected phi between the two paired proportions.

    phi = C / sqrt(product of the four margins) with C = ad - bc - n/2 when ad - bc > n/2,
    0 when 0 <= ad - bc <= n/2, and ad - bc when negative; phi = 0 if any margin is 0.
    The n/2 shrinkage stops a small positive correlation from narrowing the interval too much.
    """
    n = n11 + n10 + n01 + n00
    margins = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
    cross = n11 * n00 - n10 * n01
    corrected = np.where(cross > n / 2.0, cross - n / 2.0, np.where(cross < 0.0, cross, 0.0))
    safe = np.where(margins > 0.0, margins, 1.0)
    phi = np.where(margins > 0.0, corrected / np.sqrt(safe), 0.0)
    return np.asarray(np.clip(phi, -1.0, 1.0), dtype=np.float64)


def _newcombe_paired_limits(
    n11: FloatArray | float,
    n10: FloatArray | float,
    n01: FloatArray | float,
    n00: FloatArray | float,
    z: float,
) -> tuple[FloatArray, FloatArray]:
    """Vectorised Newcombe (1998b) method 10 limits for (n11+n10)/n - (n11+n01)/n.

    With p1, p2 the two marginal proportions, (l_i, u_i) their Wilson limits and phi the
    corrected correlation (:func:`_corrected_phi`):
    low  = d - sqrt((p1-l1)^2 - 2 phi (p1-l1)(u2-p2) + (u2-p2)^2)
    high = d + sqrt((u1-p1)^2 - 2 phi (u1-p1)(p2-l2) + (p2-l2)^2)
    """
    c11, c10, c01, c00 = (np.asarray(v, dtype=np.float64) for v in (n11, n10, n01, n00))
    n = c11 + c10 + c01 + c00
    x1, x2 = c11 + c10, c11 + c01
    p1, p2 = x1 / n, x2 / n
    l1, u1 = _wilson_limits(x1, n, z)
    l2, u2 = _wilson_limits(x2, n, z)
    phi = _corrected_phi(c11, c10, c01, c00)
    dl1, du1, dl2, du2 = p1 - l1, u1 - p1, p2 - l2, u2 - p2
    d = p1 - p2
    low = d - np.sqrt(np.maximum(dl1**2 - 2.0 * phi * dl1 * du2 + du2**2, 0.0))
    high = d + np.sqrt(np.maximum(du1**2 - 2.0 * phi * du1 * dl2 + dl2**2, 0.0))
    return np.clip(low, -1.0, 1.0), np.clip(high, -1.0, 1.0)


def mcnemar_p_values(only_a: npt.ArrayLike, only_b: npt.ArrayLike) -> FloatArray:
    """Vectorised :func:`mcnemar_p_value` over arrays of discordant counts (no validation)."""
    b = np.asarray(only_a, dtype=np.float64)
    c = np.asarray(only_b, dtype=np.float64)
    m = b + c
    exact = np.minimum(1.0, 2.0 * stats.binom.cdf(np.minimum(b, c), m, 0.5))
    safe_m = np.where(m > 0, m, 1.0)
    chi2 = np.maximum(np.abs(b - c) - 1.0, 0.0) ** 2 / safe_m
    approx = stats.chi2.sf(chi2, 1)
    p = np.where(m < EXACT_MCNEMAR_BELOW, exact, approx)
    return np.asarray(np.where(m == 0, 1.0, p), dtype=np.float64)


def mcnemar_p_value(only_a: int, only_b: int) -> float:
    """Two-sided McNemar p-value from the discordant counts (McNemar 1947).

    Exact (binomial test of only_a ~ Bin(only_a + only_b, 1/2), two-sided by doubling the
    smaller tail, as scipy.stats.binomtest does for p = 1/2) when the discordant total is below
    :data:`EXACT_MCNEMAR_BELOW`, otherwise the continuity-corrected chi-square
    (|b - c| - 1)^2 / (b + c) on 1 df. 1.0 with no discordant pairs.
    """
    only_a = _check_count("only_a", only_a)
    only_b = _check_count("only_b", only_b)
    return float(mcnemar_p_values(only_a, only_b))


def paired_counts_gap(
    both: int, only_a: int, only_b: int, neither: int, confidence: float = 0.95
) -> GapResult:
    """:func:`paired_proportion_gap` from the 2x2 table of paired outcomes."""
    cells = [
        _check_count(name, value)
        for name, value in (
            ("both", both),
            ("only_a", only_a),
            ("only_b", only_b),
            ("neither", neither),
        )
    ]
    n = sum(cells)
    if n == 0:
        raise ValueError("paired table must hold at least one pair, got all counts 0")
    z = _z_two_sided(confidence)
    low, high = _newcombe_paired_limits(
        float(cells[0]), float(cells[1]), float(cells[2]), float(cells[3]), z
    )
    p = mcnemar_p_value(cells[1], cells[2])
    test = "exact" if cells[1] + cells[2] < EXACT_MCNEMAR_BELOW else "chi2-cc"
    return GapResult(
        estimate=(cells[1] - cells[2]) / n,
        ci_low=float(low),
        ci_high=float(high),
        p_value=p,
        n_pairs=n,
        method=f"newcombe-paired-10 CI; mcnemar-{test} p",
    )


def paired_proportion_gap(a: BinaryInput, b: BinaryInput, confidence: float = 0.95) -> GapResult:
    """Difference of two paired proportions, mean(a) - mean(b), with interval and test.

    ``a`` and ``b`` are 0/1 outcomes for the same queries in the same order. Interval: Newcombe
    (1998b) method 10 (Wilson limits combined with the corrected phi correlation), which keeps
    good coverage for rates near 0 where the Wald interval fails. p-value: McNemar (see
    :func:`mcnemar_p_value`), which uses only the discordant pairs.
    """
    a_arr = _as_binary("a", a)
    b_arr = _as_binary("b", b)
    _check_same_length(a=a_arr, b=b_arr)
    return paired_counts_gap(*_paired_table(a_arr, b_arr), confidence=confidence)


def _signed_inversion_z(
    cells: tuple[float, float, float, float], target: float, lower_side: bool
) -> float:
    """Signed z at which the paired interval's edge passes ``target``.

    For the lower side, ell(z) = low(z) for z >= 0 and high(-z) for z < 0; it runs from above
    the estimate (z -> -inf) to below it (z -> +inf), so the one-sided p-value of H0: theta <=
    target is 1 - Phi(z*) where ell(z*) = target. The upper side mirrors this.
    """

    def edge(z: float) -> float:
        low, high = _newcombe_paired_limits(*cells, abs(z))
        if lower_side:
            return float(low) if z >= 0 else float(high)
        return float(high) if z >= 0 else float(low)

    def f(z: float) -> float:
        return edge(z) - target if lower_side else target - edge(z)

    lo, hi = -_Z_SEARCH_MAX, _Z_SEARCH_MAX
    f_lo, f_hi = f(lo), f(hi)
    if f_hi > 0:  # edge never reaches the target: overwhelming evidence
        return _Z_SEARCH_MAX
    if f_lo < 0:
        return -_Z_SEARCH_MAX
    return float(optimize.brentq(f, lo, hi, xtol=1e-10))


def _tost_from_cells(
    cells: tuple[int, int, int, int], margin: float, alpha: float
) -> EquivalenceResult:
    z = float(stats.norm.ppf(1.0 - alpha))
    fcells = (float(cells[0]), float(cells[1]), float(cells[2]), float(cells[3]))
    low, high = _newcombe_paired_limits(*fcells, z)
    z_lower = _signed_inversion_z(fcells, -margin, lower_side=True)
    z_upper = _signed_inversion_z(fcells, margin, lower_side=False)
    p = max(float(stats.norm.sf(z_lower)), float(stats.norm.sf(z_upper)))
    equivalent = bool(float(low) > -margin and float(high) < margin)
    return EquivalenceResult(equivalent, p, float(low), float(high), margin)


def tost_paired_proportions(
    a: BinaryInput, b: BinaryInput, margin: float, alpha: float = 0.05
) -> EquivalenceResult:
    """TOST equivalence of two paired proportions within (-margin, margin).

    Why: "no significant gap" is not evidence of no gap; equivalence must be shown. The gap is
    declared equivalent when the (1 - 2 alpha) Newcombe paired interval lies inside the margins
    (Schuirmann 1987). The p-value is max(p_lower, p_upper), each one-sided p-value obtained by
    inverting the same score interval: p_lower = 1 - Phi(z*) where the interval's lower edge at
    z* equals -margin (and symmetrically for +margin). Unlike a Wald/normal p-value this stays
    sensible with zero discordant pairs, and p < alpha exactly when ``equivalent`` is true.
    """
    a_arr = _as_binary("a", a)
    b_arr = _as_binary("b", b)
    _check_same_length(a=a_arr, b=b_arr)
    margin = _check_probability_open("margin", margin)
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 0.5:
        raise ValueError(f"alpha must be in (0, 0.5), got {alpha!r}")
    return _tost_from_cells(_paired_table(a_arr, b_arr), margin, float(alpha))
