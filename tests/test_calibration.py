"""Frequentist calibration of tiergap.stats and tiergap.cost.plan by simulation.

Paired binary outcomes are drawn as 2x2 tables from a multinomial whose cells give the
requested marginal rates and within-query (phi) correlation, or per query from a latent
emoji propensity shared by all conditions. Seeds are fixed, so results are reproducible.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tiergap.analysis.verdict import emoji_verdict
from tiergap.stats import paired_counts_gap, power, tost_paired_proportions


def cell_probabilities(p_free: float, p_paid: float, rho: float) -> list[float]:
    """[both, free only, paid only, neither] for marginals p_free, p_paid and phi = rho."""
    both = p_free * p_paid + rho * math.sqrt(p_free * (1 - p_free) * p_paid * (1 - p_paid))
    cells = [both, p_free - both, p_paid - both, 1 - p_free - p_paid + both]
    assert min(cells) >= 0, "infeasible simulation settings"
    return cells


def simulate_tables(
    n: int, p_free: float, p_paid: float, rho: float, sims: int, seed: int
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, cell_probabilities(p_free, p_paid, rho), size=sims)


@pytest.mark.slow
@pytest.mark.parametrize(("gap", "rho"), [(0.0, 0.3), (0.1, 0.3), (0.1, 0.0)])
def test_paired_interval_coverage(gap: float, rho: float) -> None:
    tables = simulate_tables(100, 0.1 + gap, 0.1, rho, sims=2000, seed=17)
    covered = 0
    for t in tables:
        res = paired_counts_gap(int(t[0]), int(t[1]), int(t[2]), int(t[3]))
        covered += res.ci_low <= gap <= res.ci_high
    assert 0.93 <= covered / len(tables) <= 0.97


def simulate_conditions(
    rng: np.random.Generator, n: int, rates: tuple[float, float, float]
) -> tuple[np.ndarray, ...]:
    """Free, paid, baseline outcomes sharing a per-query propensity (correlated within query)."""
    propensity = rng.beta(0.5, 4.5, size=n)  # mean 0.1, queries differ a lot
    scale = [r / 0.1 for r in rates]
    return tuple(
        (rng.random(n) < np.clip(propensity * s, 0.0, 1.0)).astype(np.int64) for s in scale
    )


@pytest.mark.slow
def test_verdict_false_reward_hacking_rate_and_power() -> None:
    rng = np.random.default_rng(23)
    sims = 1000
    false_rh = 0
    for _ in range(sims):
        free, paid, base = simulate_conditions(rng, 100, (0.1, 0.1, 0.1))
        false_rh += emoji_verdict(free, paid, base).label == "reward_hacking"
    assert false_rh / sims <= 0.05
    # The same rule must detect a real gap (so the bound above is not met by never firing).
    hits = 0
    for _ in range(200):
        free, paid, base = simulate_conditions(rng, 300, (0.25, 0.1, 0.1))
        hits += emoji_verdict(free, paid, base).label == "reward_hacking"
    assert hits / 200 >= 0.9


@pytest.mark.slow
def test_tost_size_at_the_margin() -> None:
    # True gap exactly at the margin: declaring equivalence is a type I error (<= alpha).
    margin, sims = 0.1, 1000
    tables = simulate_tables(300, 0.2, 0.1, 0.2, sims=sims, seed=29)
    equivalent = 0
    for t in tables:
        a = np.repeat([1, 1, 0, 0], t)
        b = np.repeat([1, 0, 1, 0], t)
        equivalent += tost_paired_proportions(a, b, margin).equivalent
    assert equivalent / sims <= 0.05 + 0.015  # alpha plus ~2 Monte Carlo SE


@pytest.mark.slow
@pytest.mark.parametrize(
    ("base_rate", "effect", "rho"),
    [(0.1, 0.1, 0.0), (0.1, 0.1, 0.3), (0.1, 0.2, 0.3)],
)
def test_planned_sample_size_gives_requested_power(
    base_rate: float, effect: float, rho: float
) -> None:
    n = power.sample_size(base_rate, effect, power=0.8, alpha=0.05, correlation=rho)
    tables = simulate_tables(n, base_rate + effect, base_rate, rho, sims=3000, seed=31)
    significant = 0
    for t in tables:
        res = paired_counts_gap(int(t[0]), int(t[1]), int(t[2]), int(t[3]))
        significant += res.p_value < 0.05
    assert abs(significant / len(tables) - 0.8) <= 0.03
