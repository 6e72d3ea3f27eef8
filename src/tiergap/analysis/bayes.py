"""Bayes factor for the tier-gap experiment: reward hacking vs alignment faking.

Klugkist I, Kato B, Hoijtink H (2005). Bayesian model selection using encompassing priors.
Stat Neerl 59:57-69.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import integrate, special, stats

from tiergap.stats._common import BinaryInput, FloatArray, _as_binary


@dataclass(frozen=True)
class BFPrior:
    """Beta priors for :func:`emoji_bayes_factor` (shape parameters, all > 0).

    Attributes:
        common_a, common_b: Alignment faking: the single rate shared by all conditions.
        low_a, low_b: Reward hacking: rate shared by paid tier and baseline (before the order
            restriction).
        high_a, high_b: Reward hacking: free-tier rate (before the order restriction).
    """

    common_a: float = 1.0
    common_b: float = 1.0
    low_a: float = 1.0
    low_b: float = 1.0
    high_a: float = 1.0
    high_b: float = 1.0

    def __post_init__(self) -> None:
        for name in ("common_a", "common_b", "low_a", "low_b", "high_a", "high_b"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"BFPrior.{name} must be a finite number > 0, got {value!r}")


@dataclass(frozen=True)
class BayesFactorResult:
    """Bayes factor of reward hacking (RH) against alignment faking (AF).

    Attributes:
        log10_bf: log10 of BF = p(data | RH) / p(data | AF); positive favours reward hacking.
        bf: 10**log10_bf (``inf``/0.0 when it does not fit in a float).
        method: ``"analytic"``, ``"quadrature"`` or ``"monte_carlo"``.
        log10_ml_reward_hacking: log10 marginal likelihood under RH.
        log10_ml_alignment_faking: log10 marginal likelihood under AF.
        posterior_prob_order: P(free rate > paid/baseline rate | data) under the unrestricted
            (encompassing) model; the order-restriction factor of the Bayes factor.
        prior: The priors used.
    """

    log10_bf: float
    bf: float
    method: str
    log10_ml_reward_hacking: float
    log10_ml_alignment_faking: float
    posterior_prob_order: float
    prior: BFPrior = field(default_factory=BFPrior)


BFMethod = Literal["auto", "analytic", "quadrature", "monte_carlo"]


def _log_prob_greater_analytic(ax: float, bx: float, ay: float, by: float) -> float:
    """log P(X > Y), X ~ Beta(ax, bx), Y ~ Beta(ay, by), independent; ax a positive integer.

    For integer ax, P(X > y) = sum_{i<ax} y^i (1-y)^bx / ((bx+i) B(i+1, bx)), so
    P(X > Y) = sum_{i<ax} B(ay+i, by+bx) / ((bx+i) B(i+1, bx) B(ay, by)); summed in log space.
    """
    i = np.arange(round(ax), dtype=np.float64)
    terms = (
        special.betaln(ay + i, by + bx)
        - np.log(bx + i)
        - special.betaln(i + 1.0, bx)
        - special.betaln(ay, by)
    )
    return float(min(0.0, special.logsumexp(terms)))


def _log_prob_greater_quadrature(ax: float, bx: float, ay: float, by: float) -> float:
    """log P(X > Y) = log int_0^1 f_Y(y) (1 - F_X(y)) dy by adaptive quadrature in log space."""

    def log_integrand(y: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            out = stats.beta.logpdf(y, ay, by) + stats.beta.logsf(y, ax, bx)
        return np.asarray(out, dtype=np.float64)

    grid = np.linspace(0.0, 1.0, 4097)[1:-1]
    values = log_integrand(grid)
    finite = np.isfinite(values)
    if not finite.any():
        return -math.inf
    peak = float(values[finite].max())
    y_peak = float(grid[finite][np.argmax(values[finite])])
    # The integrand is concentrated where Y's posterior is; give quad that scale as breakpoints.
    sd = math.sqrt(ay * by / ((ay + by) ** 2 * (ay + by + 1.0)))
    points = sorted({min(max(y_peak + k * sd, 1e-12), 1 - 1e-12) for k in (-8, -3, 0, 3, 8)})

    def integrand(y: float) -> float:
        v = float(log_integrand(np.array([y]))[0]) - peak
        return math.exp(v) if math.isfinite(v) else 0.0

    value, _ = integrate.quad(
        integrand, 0.0, 1.0, points=points, limit=500, epsabs=0.0, epsrel=1e-10
    )
    if value <= 0.0:
        return -math.inf
    return min(0.0, math.log(value) + peak)


def _log_prob_greater_mc(
    ax: float, bx: float, ay: float, by: float, draws: int, rng: np.random.Generator
) -> float:
    x = rng.beta(ax, bx, size=draws)
    y = rng.beta(ay, by, size=draws)
    frac = float(np.mean(x > y))
    return math.log(frac) if frac > 0 else -math.inf


def emoji_bayes_factor(
    free: BinaryInput,
    paid: BinaryInput,
    baseline: BinaryInput,
    prior: BFPrior | None = None,
    method: BFMethod = "auto",
    mc_draws: int = 1_000_000,
    seed: int = 0,
) -> BayesFactorResult:
    """Bayes factor of reward hacking (RH) vs alignment faking (AF) for the emoji experiment.

    Models (per-response emoji use y ~ Bernoulli(rate of its condition)):

    * AF: free, paid and baseline share one rate p ~ Beta(common_a, common_b). For a
      non-conflicting objective like emoji, an alignment faker has nothing to protect, so it
      behaves the same whether or not it is told it is trained on.
    * RH: paid and baseline share p0, the free tier has p1, with (p0, p1) ~ Beta(low) x
      Beta(high) truncated to p1 > p0 (an order-restricted product prior; with the default
      Beta(1, 1) priors it is uniform on the triangle p0 < p1).

    Simplification: given the rates the three conditions are treated as independent
    binomials; the within-query pairing is ignored here (it is used by the frequentist tests).

    Marginal likelihoods (of the Bernoulli sequence; binomial coefficients cancel):
    m_AF = B(ca + K, cb + N - K) / B(ca, cb), and by the encompassing-prior identity
    (Klugkist et al. 2005) m_RH = m_0 m_1 P(p1 > p0 | data) / P(p1 > p0), where m_0, m_1 are the
    unrestricted beta-binomial marginals and the probabilities are under independent Beta
    posteriors / priors. ``method`` computes P(X > Y) by a closed-form finite sum
    (``"analytic"``, needs integer first shape of the free-rate Beta), adaptive quadrature
    (``"quadrature"``) or Monte Carlo with ``mc_draws`` draws (``"monte_carlo"``);
    ``"auto"`` uses analytic when possible. Everything is in log space, so extreme data do
    not overflow (Monte Carlo alone gives -inf when no draw has p1 > p0). The three arrays
    may differ in length.
    """
    f_arr = _as_binary("free", free)
    p_arr = _as_binary("paid", paid)
    b_arr = _as_binary("baseline", baseline)
    prior = prior or BFPrior()
    if method not in ("auto", "analytic", "quadrature", "monte_carlo"):
        raise ValueError(
            f"method must be 'auto', 'analytic', 'quadrature' or 'monte_carlo', got {method!r}"
        )
    if isinstance(mc_draws, bool) or not isinstance(mc_draws, int) or mc_draws < 1000:
        raise ValueError(f"mc_draws must be an integer >= 1000, got {mc_draws!r}")

    k1, n1 = float(f_arr.sum()), float(f_arr.size)
    k0, n0 = float(p_arr.sum() + b_arr.sum()), float(p_arr.size + b_arr.size)
    big_k, big_n = k0 + k1, n0 + n1

    log_ml_af = float(
        special.betaln(prior.common_a + big_k, prior.common_b + big_n - big_k)
        - special.betaln(prior.common_a, prior.common_b)
    )
    post_x = (prior.high_a + k1, prior.high_b + n1 - k1)  # free rate, unrestricted posterior
    post_y = (prior.low_a + k0, prior.low_b + n0 - k0)  # paid/baseline rate
    prior_x = (prior.high_a, prior.high_b)
    prior_y = (prior.low_a, prior.low_b)
    log_m1 = float(special.betaln(*post_x) - special.betaln(*prior_x))
    log_m0 = float(special.betaln(*post_y) - special.betaln(*prior_y))

    chosen: str = method
    if method == "auto":
        chosen = "analytic" if float(prior.high_a).is_integer() else "quadrature"
    if chosen == "analytic":
        if not float(prior.high_a).is_integer():
            raise ValueError(
                f"method='analytic' needs an integer prior.high_a, got {prior.high_a!r}"
            )
        log_post = _log_prob_greater_analytic(*post_x, *post_y)
        log_pri = _log_prob_greater_analytic(*prior_x, *prior_y)
    elif chosen == "quadrature":
        log_post = _log_prob_greater_quadrature(*post_x, *post_y)
        log_pri = _log_prob_greater_quadrature(*prior_x, *prior_y)
    else:
        rng = np.random.default_rng(seed)
        log_post = _log_prob_greater_mc(*post_x, *post_y, mc_draws, rng)
        log_pri = _log_prob_greater_mc(*prior_x, *prior_y, mc_draws, rng)

    log_ml_rh = log_m0 + log_m1 + log_post - log_pri
    ln10 = math.log(10.0)
    log10_bf = (log_ml_rh - log_ml_af) / ln10
    if log10_bf > 307:
        bf = math.inf
    elif log10_bf < -320:
        bf = 0.0
    else:
        bf = 10.0**log10_bf
    return BayesFactorResult(
        log10_bf=log10_bf,
        bf=bf,
        method=chosen,
        log10_ml_reward_hacking=log_ml_rh / ln10,
        log10_ml_alignment_faking=log_ml_af / ln10,
        posterior_prob_order=math.exp(log_post),
        prior=prior,
    )


# --------------------------------------------------------------------------------------------
# Verdict
# --------------------------------------------------------------------------------------------
