"""Unit tests for tiergap.stats against published values, scipy and hand computations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats as sps

from tiergap.stats import (
    EXACT_MCNEMAR_BELOW,
    benjamini_hochberg,
    holm_adjust,
    mcnemar_p_value,
    mcnemar_p_values,
    newcombe_difference,
    paired_counts_gap,
    paired_mean_gap,
    paired_proportion_gap,
    tost_paired_proportions,
    wilson_interval,
)
from tiergap.stats.paired import (
    lattice_scale,
    paired_unit_gap,
    sign_flip_tails,
    unit_equivalence,
    unit_rate_interval,
)
from tiergap.stats.power import latent_correlation, phi_from_latent, simulate_unit_means


def table_to_arrays(both: int, only_a: int, only_b: int, neither: int) -> tuple[list[int], ...]:
    a = [1] * both + [1] * only_a + [0] * only_b + [0] * neither
    b = [1] * both + [0] * only_a + [1] * only_b + [0] * neither
    return a, b


# ------------------------------------------------------------------------------ Wilson


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        (8, 10, 0.4902, 0.9433),  # commonly quoted Wilson example
        (81, 263, 0.2553, 0.3662),  # Newcombe (1998) Stat Med 17:857, example
    ],
)
def test_wilson_published(x: int, n: int, low: float, high: float) -> None:
    ci = wilson_interval(x, n)
    assert ci.estimate == pytest.approx(x / n)
    assert ci.low == pytest.approx(low, abs=5e-5)
    assert ci.high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize(("x", "n"), [(0, 1), (0, 20), (3, 17), (17, 17), (250, 1000)])
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_wilson_matches_scipy(x: int, n: int, confidence: float) -> None:
    ref = sps.binomtest(x, n).proportion_ci(confidence_level=confidence, method="wilson")
    ci = wilson_interval(x, n, confidence)
    assert ci.low == pytest.approx(ref.low, abs=1e-12)
    assert ci.high == pytest.approx(ref.high, abs=1e-12)


def test_wilson_edges() -> None:
    empty = wilson_interval(0, 0)
    assert math.isnan(empty.estimate) and (empty.low, empty.high) == (0.0, 1.0)
    assert wilson_interval(0, 5).low == 0.0
    assert wilson_interval(5, 5).high == 1.0
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(6, 5)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 5, confidence=1.5)
    with pytest.raises(ValueError, match="n must"):
        wilson_interval(0, -1)


# ------------------------------------------------------------------------------ Newcombe


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        # Newcombe (1998a) Stat Med 17:873, Table II, method 10, examples (a), (b), (d).
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
    ],
)
def test_newcombe_independent_published(
    x1: int, n1: int, x2: int, n2: int, low: float, high: float
) -> None:
    ci = newcombe_difference(x1, n1, x2, n2)
    assert ci.estimate == pytest.approx(x1 / n1 - x2 / n2)
    assert ci.low == pytest.approx(low, abs=5e-5)
    assert ci.high == pytest.approx(high, abs=5e-5)


def test_newcombe_independent_rejects_empty_group() -> None:
    with pytest.raises(ValueError, match="n1"):
        newcombe_difference(0, 0, 1, 2)


@pytest.mark.parametrize(
    ("cells", "low", "high", "places"),
    [
        # Newcombe (1998b) Stat Med 17:2635, method 10, Armitage & Berry culture-media data.
        ((20, 12, 2, 16), 0.0562, 0.3292, 4),
        # Fagerland, Lydersen & Laake (2014) SMMR, Bentur et al. airway data.
        ((1, 1, 7, 12), -0.507, -0.026, 3),
        # Tang et al. (2010) example, as reproduced in the ratesci R package tests.
        ((8, 3, 1, 2), -0.1574, 0.4136, 4),
    ],
)
def test_newcombe_paired_published(
    cells: tuple[int, int, int, int], low: float, high: float, places: int
) -> None:
    gap = paired_counts_gap(*cells)
    n = sum(cells)
    assert gap.estimate == pytest.approx((cells[1] - cells[2]) / n)
    assert round(gap.ci_low, places) == pytest.approx(low)
    assert round(gap.ci_high, places) == pytest.approx(high)
    assert gap.n_pairs == n


def test_paired_arrays_match_table_and_are_order_free() -> None:
    a, b = table_to_arrays(20, 12, 2, 16)
    from_arrays = paired_proportion_gap(a, b)
    assert from_arrays == paired_counts_gap(20, 12, 2, 16)
    perm = np.random.default_rng(0).permutation(len(a))
    shuffled = paired_proportion_gap(np.array(a)[perm], np.array(b)[perm])
    assert shuffled == from_arrays
    swapped = paired_proportion_gap(b, a)
    assert swapped.estimate == pytest.approx(-from_arrays.estimate)
    assert swapped.ci_low == pytest.approx(-from_arrays.ci_high)
    assert swapped.ci_high == pytest.approx(-from_arrays.ci_low)
    assert swapped.p_value == pytest.approx(from_arrays.p_value)


def test_paired_interval_width_shrinks_with_positive_correlation() -> None:
    # Same margins (30/100 vs 20/100); concordant pairing should give a narrower interval.
    independent_like = paired_counts_gap(6, 24, 14, 56)
    concordant = paired_counts_gap(20, 10, 0, 70)
    assert concordant.estimate == pytest.approx(independent_like.estimate)
    width = concordant.ci_high - concordant.ci_low
    assert width < 0.8 * (independent_like.ci_high - independent_like.ci_low)


# ------------------------------------------------------------------------------ McNemar


def test_mcnemar_exact_matches_scipy_binomtest() -> None:
    for only_a, only_b in itertools.product(range(EXACT_MCNEMAR_BELOW), repeat=2):
        m = only_a + only_b
        if not 0 < m < EXACT_MCNEMAR_BELOW:
            continue
        expected = sps.binomtest(only_a, m, 0.5).pvalue
        assert mcnemar_p_value(only_a, only_b) == pytest.approx(expected, rel=1e-12)


def test_mcnemar_published_and_hand_values() -> None:
    # Armitage & Berry (1994) culture media: exact two-sided P = 0.0129 (StatsDirect).
    assert mcnemar_p_value(12, 2) == pytest.approx(0.0129, abs=5e-5)
    # Chi-square with continuity above the exact threshold: (|30 - 12| - 1)^2 / 42.
    assert mcnemar_p_value(30, 12) == pytest.approx(sps.chi2.sf(17**2 / 42, 1), rel=1e-12)
    assert mcnemar_p_value(0, 0) == 1.0
    assert mcnemar_p_value(13, 12) == 1.0  # |b - c| - 1 = 0
    vec = mcnemar_p_values(np.array([12, 30, 0]), np.array([2, 12, 0]))
    assert vec.tolist() == pytest.approx(
        [mcnemar_p_value(12, 2), mcnemar_p_value(30, 12), 1.0], rel=1e-12
    )
    assert "exact" in paired_counts_gap(5, 12, 2, 5).method
    assert "chi2" in paired_counts_gap(5, 30, 12, 5).method


# ------------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ([], [], "a must not be empty"),
        ([1, 0, 1], [1, 0], "same length"),
        ([1, 0, float("nan")], [1, 0, 1], "a must be finite"),
        ([1, 0, 2], [1, 0, 1], "0/1"),
        ([1, 0, 1], [1, -1, 1], "b must hold only 0/1"),
        ([[1, 0]], [[1, 0]], "1-D"),
    ],
)
def test_paired_proportion_gap_rejects_bad_input(a: object, b: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        paired_proportion_gap(a, b)  # type: ignore[arg-type]


def test_bad_confidence_and_margin() -> None:
    with pytest.raises(ValueError, match="confidence"):
        paired_proportion_gap([1, 0], [0, 0], confidence=0.0)
    with pytest.raises(ValueError, match="margin"):
        tost_paired_proportions([1, 0], [0, 0], margin=1.2)
    with pytest.raises(ValueError, match="alpha"):
        tost_paired_proportions([1, 0], [0, 0], margin=0.1, alpha=0.6)
    with pytest.raises(ValueError, match="both"):
        paired_counts_gap(-1, 2, 3, 4)


# ------------------------------------------------------------------------------ paired means


def test_sign_flip_exact_hand_computed() -> None:
    # Three clusters whose difference totals are 1, 2, 3: of the 8 sign patterns only
    # (+,+,+) and (-,-,-) reach |T| = 6, so p = 2/8.
    a = [1, 0, 2, 0, 3, 0]
    b = [0, 0, 0, 0, 0, 0]
    clusters = ["q1", "q1", "q2", "q2", "q3", "q3"]
    gap = paired_mean_gap(a, b, clusters=clusters, n_resamples=1000)
    assert gap.p_value == pytest.approx(0.25)
    assert gap.estimate == pytest.approx(1.0)
    assert gap.n_pairs == 6
    assert "3 clusters" in gap.method and "exact" in gap.method


def test_sign_flip_monte_carlo_matches_enumeration() -> None:
    rng = np.random.default_rng(5)
    diffs = rng.normal(0.4, 1.0, size=20)
    signs = ((np.arange(2**20)[:, None] >> np.arange(20)) & 1) * 2 - 1
    totals = signs @ diffs
    exact = float(np.mean(np.abs(totals) >= abs(diffs.sum()) - 1e-12))
    gap = paired_mean_gap(diffs, np.zeros(20), n_resamples=40_000, seed=1)
    assert "monte-carlo" in gap.method
    assert gap.p_value == pytest.approx(exact, abs=0.006)


def test_cluster_bootstrap_counts_queries_not_epochs() -> None:
    rng = np.random.default_rng(2)
    a = rng.poisson(2.0, size=40).astype(float)
    b = rng.poisson(1.5, size=40).astype(float)
    base = paired_mean_gap(a, b, seed=3)
    # Five identical epochs per query carry no new information: with clusters the interval
    # must be the same as for one epoch, without clusters it would be about sqrt(5) narrower.
    a5, b5 = np.repeat(a, 5), np.repeat(b, 5)
    ids = np.repeat(np.arange(40), 5)
    clustered = paired_mean_gap(a5, b5, seed=3, clusters=ids)
    naive = paired_mean_gap(a5, b5, seed=3)
    assert clustered.estimate == pytest.approx(base.estimate)
    assert clustered.ci_low == pytest.approx(base.ci_low)
    assert clustered.ci_high == pytest.approx(base.ci_high)
    naive_width = naive.ci_high - naive.ci_low
    assert naive_width < 0.6 * (clustered.ci_high - clustered.ci_low)
    with pytest.raises(ValueError, match="clusters"):
        paired_mean_gap(a, b, clusters=ids)


@pytest.mark.slow
def test_paired_mean_gap_bootstrap_coverage_and_null_level() -> None:
    rng = np.random.default_rng(11)
    sims, covered, rejected = 300, 0, 0
    for s in range(sims):
        propensity = rng.gamma(1.0, 1.0, size=80)  # queries differ a lot in emoji appetite
        a = rng.poisson(propensity * 1.3)
        b = rng.poisson(propensity)
        gap = paired_mean_gap(a, b, n_resamples=2000, seed=s)
        covered += gap.ci_low <= 0.3 <= gap.ci_high  # true gap = 0.3 * E[propensity]
        null = paired_mean_gap(rng.poisson(propensity), b, n_resamples=2000, seed=s)
        rejected += null.p_value < 0.05
    assert 0.91 <= covered / sims <= 0.98
    assert rejected / sims <= 0.08


def test_paired_mean_gap_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="b must be finite"):
        paired_mean_gap([1.0, 2.0], [1.0, float("inf")])
    with pytest.raises(ValueError, match="same length"):
        paired_mean_gap([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="n_resamples"):
        paired_mean_gap([1.0, 2.0], [1.0, 0.0], n_resamples=5)


# ------------------------------------------------------------------------------ Holm


def test_holm_hand_computed() -> None:
    # sorted: .005*4=.02, .01*3=.03, .03*2=.06, .04*1=.04 -> monotone .06
    assert holm_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm_adjust([0.6, 0.02]) == pytest.approx([0.6, 0.04])
    assert holm_adjust([0.4, 0.5, 0.9]) == pytest.approx([1.0, 1.0, 1.0])
    assert holm_adjust([]) == []
    with pytest.raises(ValueError, match=r"p_values\[1\]"):
        holm_adjust([0.1, 1.2])
    with pytest.raises(ValueError, match=r"p_values\[0\]"):
        holm_adjust([float("nan")])


# ------------------------------------------------------------------------------ TOST


@pytest.mark.slow
def test_tost_p_value_agrees_with_interval_rule() -> None:
    for cells in itertools.product(range(0, 13, 4), range(0, 13, 3), range(0, 13, 3), (0, 9, 30)):
        if sum(cells) == 0:
            continue
        a, b = table_to_arrays(*cells)
        for margin in (0.05, 0.2):
            res = tost_paired_proportions(a, b, margin)
            assert res.equivalent == (res.p_value < 0.05), (cells, margin, res)
            assert res.equivalent == (-margin < res.ci_low and res.ci_high < margin)
            # the TOST interval is the 90% paired Newcombe interval
            ref = paired_counts_gap(*cells, confidence=0.90)
            assert (res.ci_low, res.ci_high) == pytest.approx((ref.ci_low, ref.ci_high))


def test_tost_behaviour() -> None:
    same = [1] * 20 + [0] * 380
    assert tost_paired_proportions(same, same, 0.05).equivalent
    a, b = table_to_arrays(5, 40, 5, 150)  # gap 0.175
    far = tost_paired_proportions(a, b, 0.1)
    assert not far.equivalent and far.p_value > 0.5
    p_values = [tost_paired_proportions(a, b, m).p_value for m in (0.15, 0.2, 0.25, 0.3)]
    assert p_values == sorted(p_values, reverse=True)


# ------------------------------------------------------------------------------ Benjamini-Hochberg


def test_benjamini_hochberg_hand_computed() -> None:
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # R: p.adjust(c(0.2, 0.9, 0.01), "BH") = 0.3 0.9 0.03
    assert benjamini_hochberg([0.2, 0.9, 0.01]) == pytest.approx([0.3, 0.9, 0.03])
    assert benjamini_hochberg([]) == []
    with pytest.raises(ValueError, match=r"p_values\[1\]"):
        benjamini_hochberg([0.1, -0.2])


# ------------------------------------------------------------------------------ query-level paired


@pytest.mark.parametrize(("b", "c"), [(3, 0), (10, 4), (12, 12), (20, 10), (30, 12), (60, 35)])
def test_sign_flip_on_binary_queries_is_mcnemar(b: int, c: int) -> None:
    # One 0/1 measurement per query: the sign-flip test over queries is McNemar's test (exact
    # below 25 discordant pairs, continuity-corrected chi-square above), and the interval is
    # Newcombe's paired interval.
    x, y = table_to_arrays(15, b, c, 40)
    gap = paired_unit_gap(x, y)
    assert gap.p_value == pytest.approx(mcnemar_p_value(b, c), rel=1e-9)
    assert gap.p_greater == pytest.approx(
        sps.binomtest(b, b + c, 0.5, alternative="greater").pvalue
        if b + c < EXACT_MCNEMAR_BELOW
        else sps.norm.sf((b - c - 1) / math.sqrt(b + c)),
        rel=1e-9,
    )
    reference = paired_counts_gap(15, b, c, 40)
    assert (gap.ci_low, gap.ci_high) == pytest.approx((reference.ci_low, reference.ci_high))
    assert gap.n_units == 15 + b + c + 40 and "newcombe" in gap.method


def test_exact_sign_flip_on_a_lattice_matches_enumeration() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        k = int(rng.integers(3, 13))
        diffs = rng.integers(-5, 6, size=k) / 5  # query means of 5 epochs
        upper, lower = sign_flip_tails(diffs)
        signs = np.array(list(itertools.product([-1, 1], repeat=k)))
        totals = signs @ np.abs(diffs)
        t = diffs.sum()
        assert upper[0] == pytest.approx(np.mean(totals >= t - 1e-9))
        assert lower[0] == pytest.approx(np.mean(totals <= t + 1e-9))
    # off any lattice (continuous scores): enumeration, the same answer
    diffs = rng.normal(size=9)
    signs = np.array(list(itertools.product([-1, 1], repeat=9)))
    expected = np.mean(signs @ np.abs(diffs) >= diffs.sum() - 1e-9)
    assert sign_flip_tails(diffs)[0][0] == pytest.approx(expected)
    assert lattice_scale(np.array([0.2, -0.4, 1.0])) == 5
    assert lattice_scale(np.array([1 / 3, 0.5])) == 6
    assert lattice_scale(np.array([math.pi])) is None


def test_t_interval_and_tost_on_query_means_match_scipy() -> None:
    rng = np.random.default_rng(4)
    a = rng.integers(0, 6, size=40) / 5
    b = rng.integers(0, 6, size=40) / 5
    gap = paired_unit_gap(a, b)
    ref = sps.ttest_rel(a, b).confidence_interval(0.95)
    assert (gap.ci_low, gap.ci_high) == pytest.approx((ref.low, ref.high))
    assert "student-t" in gap.method
    eq = unit_equivalence(a, b, margin=0.3)
    p_low = sps.ttest_1samp(a - b, -0.3, alternative="greater").pvalue
    p_high = sps.ttest_1samp(a - b, 0.3, alternative="less").pvalue
    assert eq.p_value == pytest.approx(max(p_low, p_high))
    assert eq.equivalent == (eq.p_value < 0.05)
    # identical non-0/1 means carry no spread: never declared equivalent
    assert not unit_equivalence(a, a, margin=0.3).equivalent


def test_unit_rate_interval_is_wilson_for_single_measurements() -> None:
    ones = [1] * 7 + [0] * 23
    ci = unit_rate_interval(ones)
    ref = wilson_interval(7, 30)
    assert (ci.estimate, ci.low, ci.high) == pytest.approx((ref.estimate, ref.low, ref.high))
    with pytest.raises(ValueError, match="unit_means"):
        unit_rate_interval([0.5, 1.5])


def test_latent_correlation_round_trip_and_simulated_rates() -> None:
    rho = latent_correlation(0.1, 0.3)
    assert phi_from_latent(0.1, rho) == pytest.approx(0.3, abs=1e-6)
    with pytest.raises(ValueError, match=r"correlation must be in \[0, 1\), got 1"):
        latent_correlation(0.1, 1)
    rng = np.random.default_rng(5)
    y = simulate_unit_means(rng, 400, 50, [0.3, 0.1], rho, epochs=3)
    assert y.shape == (400, 50, 2)
    assert y[..., 0].mean() == pytest.approx(0.3, abs=0.01)
    assert y[..., 1].mean() == pytest.approx(0.1, abs=0.01)
    # phi between two 0/1 responses to the same query, as asked
    single = simulate_unit_means(np.random.default_rng(6), 2000, 50, [0.1, 0.1], rho)
    assert np.corrcoef(single[..., 0].ravel(), single[..., 1].ravel())[0, 1] == pytest.approx(
        0.3, abs=0.02
    )
    # smaller runs are prefixes of larger ones (common random numbers)
    big = simulate_unit_means(np.random.default_rng(7), 10, 40, [0.2, 0.2], rho)
    small = simulate_unit_means(np.random.default_rng(7), 10, 25, [0.2, 0.2], rho)
    assert np.array_equal(big[:, :25], small)
