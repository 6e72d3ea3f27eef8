"""Sample sizes and power for tier-gap experiments (numpy/scipy only).

How many queries per condition does an experiment need to detect a given free-vs-paid gap?
Sample sizes follow the test :mod:`tiergap.stats` actually applies (McNemar on paired outcomes).

References:
    Fleiss JL, Levin B, Paik MC (2003). Statistical Methods for Rates and Proportions, 3rd ed.,
        section 4.2 (sample size for comparing two independent proportions).
    Connor RJ (1987). Sample size for testing differences in proportions for the paired-sample
        design. Biometrics 43:207-211.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

from tiergap.stats._common import EXACT_MCNEMAR_BELOW
from tiergap.stats.proportions import mcnemar_p_values

IntArray = npt.NDArray[np.int64]

# --------------------------------------------------------------------------------------------


def _check_rate(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return float(value)


def _z_quantiles(power: float, alpha: float) -> tuple[float, float]:
    if isinstance(power, bool) or not isinstance(power, int | float) or not 0.0 < power < 1.0:
        raise ValueError(f"power must be in (0, 1), got {power!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    return float(stats.norm.ppf(1.0 - alpha / 2.0)), float(stats.norm.ppf(power))


def sample_size_two_proportions(
    p1: float, p2: float, power: float = 0.8, alpha: float = 0.05
) -> int:
    """Per-group n to detect p1 != p2 with independent groups (two-sided test at ``alpha``).

    Fleiss et al. (2003) formula *without* continuity correction:
    n = [z_{1-a/2} sqrt(2 pbar qbar) + z_{1-b} sqrt(p1 q1 + p2 q2)]^2 / (p1 - p2)^2,
    pbar = (p1 + p2)/2, rounded up. E.g. p1 = 0.1, p2 = 0.2, 80% power, alpha 0.05: 199.
    """
    p1, p2 = _check_rate("p1", p1), _check_rate("p2", p2)
    if p1 == p2:
        raise ValueError(f"p1 and p2 must differ, got p1=p2={p1}")
    z_a, z_b = _z_quantiles(power, alpha)
    pbar = (p1 + p2) / 2.0
    root = z_a * math.sqrt(2.0 * pbar * (1.0 - pbar)) + z_b * math.sqrt(
        p1 * (1.0 - p1) + p2 * (1.0 - p2)
    )
    return math.ceil(root**2 / (p1 - p2) ** 2 - 1e-9)


def discordant_probabilities(p1: float, p2: float, correlation: float) -> tuple[float, float]:
    """P(a=1, b=0) and P(a=0, b=1) for binary a, b with marginals p1, p2 and phi ``correlation``.

    P(a=1, b=1) = p1 p2 + rho sqrt(p1 q1 p2 q2); the discordant cells follow from the margins.
    Raises ValueError when no 2x2 distribution has these marginals and correlation.
    """
    p1, p2 = _check_rate("p1", p1), _check_rate("p2", p2)
    if isinstance(correlation, bool) or not isinstance(correlation, int | float):
        raise ValueError(f"correlation must be a number in [-1, 1], got {correlation!r}")
    if not -1.0 <= correlation <= 1.0:
        raise ValueError(f"correlation must be in [-1, 1], got {correlation!r}")
    spread = math.sqrt(p1 * (1 - p1) * p2 * (1 - p2))
    p11 = p1 * p2 + correlation * spread
    lo, hi = max(0.0, p1 + p2 - 1.0), min(p1, p2)
    if p11 < lo - 1e-12 or p11 > hi + 1e-12:
        if spread > 0:
            rho_lo, rho_hi = (lo - p1 * p2) / spread, (hi - p1 * p2) / spread
            feasible = f"[{rho_lo:.3f}, {rho_hi:.3f}]"
        else:
            feasible = "{0}"
        raise ValueError(
            f"correlation={correlation!r} is impossible for p1={p1}, p2={p2}; "
            f"feasible range is {feasible}"
        )
    p11 = min(max(p11, lo), hi)
    return p1 - p11, p2 - p11


def _rejection_cutoffs(m: IntArray, alpha: float) -> IntArray:
    """Largest j with McNemar p(j, m - j) < alpha for each discordant total m (-1 if none).

    The test is symmetric and its p-value grows as min(b, c) approaches m/2, so it rejects
    exactly when min(b, c) <= cutoff. Candidates come from inverting the chi-square rule
    (m - 2j - 1)^2 / m > q and are checked against :func:`tiergap.stats.mcnemar_p_values`.
    """
    q = float(stats.chi2.isf(alpha, 1))
    guess = np.floor((m - 1 - np.sqrt(m * q)) / 2.0).astype(np.int64)
    small = m < EXACT_MCNEMAR_BELOW
    guess = np.where(small, (EXACT_MCNEMAR_BELOW - 1) // 2, guess)
    offsets = np.arange(-(EXACT_MCNEMAR_BELOW // 2) - 1, 3, dtype=np.int64)
    j = guess[:, None] + offsets[None, :]
    valid = (j >= 0) & (2 * j < m[:, None])
    j_safe = np.where(valid, j, 0)
    p = mcnemar_p_values(j_safe, m[:, None] - j_safe)
    reject = valid & (p < alpha)
    return np.asarray(np.where(reject, j, -1).max(axis=1), dtype=np.int64)


def power_paired(n: int, p1: float, p2: float, correlation: float, alpha: float = 0.05) -> float:
    """Exact power of the McNemar test used by :func:`tiergap.stats.paired_proportion_gap`.

    The discordant total M ~ Bin(n, psi) and, given M = m, the count only_a ~ Bin(m, p10/psi);
    power = sum_m P(M = m) P(min(only_a, only_b) <= cutoff(m)), with the cutoffs of the hybrid
    exact / continuity-corrected test at two-sided ``alpha``. No normal approximation.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    p10, p01 = discordant_probabilities(p1, p2, correlation)
    _z_quantiles(0.5, alpha)
    psi = p10 + p01
    if psi <= 0.0:
        return 0.0
    share = p10 / psi
    sd = math.sqrt(n * psi * (1.0 - psi))
    lo = max(0, math.floor(n * psi - 12.0 * sd - 12.0))
    hi = min(n, math.ceil(n * psi + 12.0 * sd + 12.0))
    m = np.arange(lo, hi + 1, dtype=np.int64)
    cut = _rejection_cutoffs(m, float(alpha))
    reject = np.where(
        cut >= 0,
        stats.binom.cdf(cut, m, share) + stats.binom.sf(m - cut - 1, m, share),
        0.0,
    )
    return float(np.clip(np.sum(stats.binom.pmf(m, n, psi) * reject), 0.0, 1.0))


def _connor_n(p10: float, p01: float, z_a: float, z_b: float) -> float:
    delta, psi = p10 - p01, p10 + p01
    return (z_a * math.sqrt(psi) + z_b * math.sqrt(max(psi - delta**2, 0.0))) ** 2 / delta**2


def sample_size_paired(
    p1: float,
    p2: float,
    correlation: float,
    power: float = 0.8,
    alpha: float = 0.05,
    method: Literal["exact", "connor"] = "exact",
) -> int:
    """Number of paired queries to detect p1 != p2 with McNemar's test (two-sided).

    ``method="connor"``: Connor (1987) normal approximation. With discordant probabilities
    p10, p01 (:func:`discordant_probabilities`), psi = p10 + p01, delta = p10 - p01:
    n = [z_{1-a/2} sqrt(psi) + z_{1-b} sqrt(psi - delta^2)]^2 / delta^2. At correlation 0 it is
    close to :func:`sample_size_two_proportions`; positive correlation lowers psi and so n.

    ``method="exact"`` (default): the smallest n whose exact power (:func:`power_paired`) for
    the test the analysis actually runs (exact McNemar below 25 discordant pairs, otherwise
    continuity-corrected chi-square) reaches ``power``. Found by bisection from the Connor
    value, then stepped down while the power stays above target (power is saw-toothed in n
    when discordant counts are small). It is usually a little larger than Connor's n because
    of the continuity correction.
    """
    p10, p01 = discordant_probabilities(p1, p2, correlation)
    z_a, z_b = _z_quantiles(power, alpha)
    if p10 == p01:
        raise ValueError(f"p1 and p2 must differ, got p1={p1}, p2={p2} (correlation={correlation})")
    approx = _connor_n(p10, p01, z_a, z_b)
    if method == "connor":
        return math.ceil(approx - 1e-9)
    if method != "exact":
        raise ValueError(f"method must be 'exact' or 'connor', got {method!r}")

    def enough(n: int) -> bool:
        return power_paired(n, p1, p2, correlation, alpha) >= power

    hi = max(2, math.ceil(approx))
    while not enough(hi):
        hi *= 2
        if hi > 50_000_000:
            raise ValueError(f"no n below 5e7 reaches power={power} for p1={p1}, p2={p2}")
    lo = max(1, hi // 4)
    while lo > 1 and enough(lo):
        lo //= 2
    while hi - lo > 1:  # invariant: not enough(lo), enough(hi) (modulo saw-tooth)
        mid = (lo + hi) // 2
        if enough(mid):
            hi = mid
        else:
            lo = mid
    while hi > 1 and enough(hi - 1):
        hi -= 1
    return hi


def sample_size(
    base_rate: float,
    effect: float,
    power: float = 0.8,
    alpha: float = 0.05,
    correlation: float | None = None,
) -> int:
    """Queries per condition to detect a free-tier rate of ``base_rate + effect``.

    With a within-query ``correlation`` the paired design is used: :func:`sample_size_paired`
    with exact power for the McNemar test the analysis runs. Without one, the textbook
    two-sample size (:func:`sample_size_two_proportions`), which needs no assumption about
    pairing; with the positive correlations usual here, pairing needs fewer samples still.
    """
    base_rate = _check_rate("base_rate", base_rate)
    if isinstance(effect, bool) or not isinstance(effect, int | float) or effect == 0:
        raise ValueError(f"effect must be a non-zero number, got {effect!r}")
    free_rate = base_rate + effect
    if not 0.0 <= free_rate <= 1.0:
        raise ValueError(
            f"base_rate + effect must be in [0, 1], got {base_rate} + {effect} = {free_rate}"
        )
    if correlation is None:
        return sample_size_two_proportions(free_rate, base_rate, power=power, alpha=alpha)
    return sample_size_paired(
        free_rate, base_rate, correlation, power=power, alpha=alpha, method="exact"
    )


# --------------------------------------------------------------------------------------------
# Simulated paired designs with repeated measures (for sizing a whole decision rule)
# --------------------------------------------------------------------------------------------


def _bivariate_upper(threshold: float, rho: float) -> float:
    """P(X > t, Y > t) for standard bivariate normal X, Y with correlation ``rho``."""
    if rho >= 1.0:
        return float(stats.norm.sf(threshold))
    cov = [[1.0, rho], [rho, 1.0]]
    return float(stats.multivariate_normal(mean=[0.0, 0.0], cov=cov).cdf([-threshold, -threshold]))


def latent_correlation(rate: float, correlation: float) -> float:
    """Latent (tetrachoric) correlation giving 0/1 outcomes at ``rate`` a phi of ``correlation``.

    Outcomes are thresholded normals Y = 1[L > c] with P(Y = 1) = rate; two responses to the
    same unit share a latent unit effect, corr(L1, L2) = rho. Solves phi(rho) = correlation,
    phi = (P(Y1 = Y2 = 1) - rate^2) / (rate (1 - rate)). Correlations a 0/1 pair at this rate
    cannot reach are an error naming the feasible range.
    """
    rate = _check_rate("rate", rate)
    if not 0.0 < rate < 1.0:
        raise ValueError(f"rate must be strictly between 0 and 1 to simulate, got {rate!r}")
    if isinstance(correlation, bool) or not isinstance(correlation, int | float):
        raise ValueError(f"correlation must be a number in [0, 1), got {correlation!r}")
    if not 0.0 <= correlation < 1.0:
        raise ValueError(f"correlation must be in [0, 1), got {correlation!r}")
    if correlation == 0.0:
        return 0.0
    c = float(stats.norm.isf(rate))
    var = rate * (1.0 - rate)

    def phi(rho: float) -> float:
        return (_bivariate_upper(c, rho) - rate * rate) / var - correlation

    top = 0.999999
    if phi(top) < 0:
        reachable = phi(top) + correlation
        raise ValueError(
            f"correlation={correlation!r} is out of reach for 0/1 outcomes at rate {rate}; "
            f"at most {reachable:.3f}"
        )
    return float(optimize.brentq(phi, 0.0, top, xtol=1e-8))


def phi_from_latent(rate: float, latent_rho: float) -> float:
    """The phi correlation of two 0/1 responses at ``rate`` sharing latent correlation ``rho``."""
    rate = _check_rate("rate", rate)
    if not 0.0 < rate < 1.0 or not 0.0 <= latent_rho < 1.0:
        raise ValueError(f"need 0 < rate < 1 and 0 <= latent_rho < 1, got {rate}, {latent_rho}")
    c = float(stats.norm.isf(rate))
    return (_bivariate_upper(c, latent_rho) - rate * rate) / (rate * (1.0 - rate))


def simulate_unit_means(
    rng: np.random.Generator,
    sims: int,
    n_units: int,
    rates: Sequence[float],
    latent_rho: float,
    epochs: int = 1,
    identical_epochs: bool = False,
) -> npt.NDArray[np.float64]:
    """Simulated unit means, shape (sims, n_units, len(rates)), of 0/1 repeated measures.

    Unit u, condition c, repeat e: Y = 1[sqrt(rho) Z_u + sqrt(1 - rho) E_uce > z_c] with
    P(Y = 1) = rates[c]; Z_u is shared by every response to the unit (the within-unit
    correlation), E independent, or shared across repeats with ``identical_epochs``
    (temperature 0). Draws are made unit by unit, so the first n units of a larger simulation
    equal a smaller one with the same seed (common random numbers across sample sizes).
    """
    if not 0.0 <= latent_rho < 1.0:
        raise ValueError(f"latent_rho must be in [0, 1), got {latent_rho!r}")
    if epochs < 1 or sims < 1 or n_units < 1:
        raise ValueError(
            f"sims, n_units and epochs must be positive, got {sims}, {n_units}, {epochs}"
        )
    thresholds = np.asarray([stats.norm.isf(_check_rate("rate", r)) for r in rates])
    k = len(thresholds)
    draws = 1 if identical_epochs else epochs
    raw = rng.standard_normal((n_units, sims, 1 + k * draws))
    shared = raw[:, :, :1, None]
    own = raw[:, :, 1:].reshape(n_units, sims, k, draws)
    latent = math.sqrt(latent_rho) * shared + math.sqrt(1.0 - latent_rho) * own
    hits = (latent > thresholds[None, None, :, None]).mean(axis=3)
    return np.asarray(np.transpose(hits, (1, 0, 2)), dtype=np.float64)
