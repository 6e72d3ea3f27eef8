"""Frequentist calibration of tiergap.stats and tiergap.cost.plan by simulation.

Paired binary outcomes are drawn as 2x2 tables from a multinomial whose cells give the
requested marginal rates and within-query (phi) correlation, or as repeated measures of
queries sharing a latent query effect (:func:`tiergap.stats.power.simulate_unit_means`).
Seeds are fixed, so results are reproducible.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tiergap.analysis.verdict import decide_batch
from tiergap.cost.plan import size_for_verdict, verdict_power
from tiergap.stats import mcnemar_p_values, paired_counts_gap, power, tost_paired_proportions
from tiergap.stats.paired import gap_interval, sign_flip_tails
from tiergap.stats.power import simulate_unit_means


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


# ------------------------------------------------------------------------------ query as the unit
# Correlated queries (latent query effect, rho = 0.4) answered in 5 epochs each: identical epochs
# (temperature 0) or independent ones. The verdict works on query means.


@pytest.mark.parametrize("identical", [True, False], ids=["identical-epochs", "independent-epochs"])
def test_no_false_reward_hacking_from_repeated_epochs(identical: bool) -> None:
    rng = np.random.default_rng(41 if identical else 43)
    sims, queries, epochs = 2000, 50, 5
    y = simulate_unit_means(rng, sims, queries, [0.2, 0.2, 0.2], 0.4, epochs, identical)
    free, paid, base = y[..., 0], y[..., 1], y[..., 2]
    decision = decide_batch(free, paid, base, scale=epochs)
    assert decision.rate("reward_hacking") <= 0.05
    # each one-sided query-level test keeps its level (alpha plus two Monte Carlo SE)
    upper, _ = sign_flip_tails(free - paid, epochs)
    assert np.mean(upper < 0.05) <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / sims)
    if identical:
        # counting the 5 copies of each query as pairs (the old unit) is badly anticonservative
        only_free = epochs * np.sum((free == 1) & (paid == 0), axis=1)
        only_paid = epochs * np.sum((free == 0) & (paid == 1), axis=1)
        naive = np.mean(mcnemar_p_values(only_free, only_paid) < 0.05)
        assert naive > 0.2


@pytest.mark.parametrize("identical", [True, False], ids=["identical-epochs", "independent-epochs"])
def test_query_level_interval_coverage(identical: bool) -> None:
    rng = np.random.default_rng(47 if identical else 53)
    y = simulate_unit_means(rng, 2000, 50, [0.3, 0.2], 0.4, 5, identical)
    low, high = gap_interval(y[..., 0], y[..., 1], 0.95)
    covered = np.mean((low <= 0.1) & (high >= 0.1))
    assert 0.93 <= covered <= 0.97


def test_planned_number_of_queries_gives_both_verdicts() -> None:
    sizing = size_for_verdict(0.2, 0.15, power=0.8, correlation=0.3)
    n = sizing.n_queries
    assert sizing.power_reward_hacking >= 0.8 and sizing.power_no_tier_gap >= 0.8
    # an independent simulation (other seed) at the planned n
    rh, no_gap = verdict_power(n, 0.2, 0.15, 0.3, seed=2024)
    assert rh >= 0.8 and no_gap >= 0.8
    # and the plan is not padded: 20% fewer queries fall short on equivalence
    assert verdict_power(int(0.8 * n), 0.2, 0.15, 0.3, seed=2024)[1] < 0.8


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
