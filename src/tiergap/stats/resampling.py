"""Cluster-aware paired mean gaps: bootstrap and sign-flip permutation over clusters."""

from __future__ import annotations

import numpy as np

from tiergap.stats._common import (
    EXACT_PERMUTATION_MAX_CLUSTERS,
    ClusterInput,
    FloatArray,
    NumericInput,
    _as_1d,
    _check_probability_open,
    _check_same_length,
)
from tiergap.stats.proportions import GapResult


def _cluster_sums(diff: FloatArray, clusters: ClusterInput | None) -> tuple[FloatArray, FloatArray]:
    """Per-cluster sums of differences and per-cluster observation counts."""
    if clusters is None:
        return diff, np.ones_like(diff)
    labels = np.asarray(clusters)
    if labels.ndim != 1:
        raise ValueError(f"clusters must be 1-D, got shape {labels.shape}")
    if labels.shape[0] != diff.shape[0]:
        raise ValueError(
            f"clusters must have one label per pair, got len(clusters)={labels.shape[0]}, "
            f"len(a)={diff.shape[0]}"
        )
    if labels.dtype.kind == "f" and np.isnan(labels).any():
        raise ValueError(f"clusters must not contain NaN, got {clusters!r}")
    _, inverse = np.unique(labels, return_inverse=True)
    sums = np.bincount(inverse, weights=diff).astype(np.float64)
    counts = np.bincount(inverse).astype(np.float64)
    return sums, counts


def _sign_flip_p(sums: FloatArray, n_resamples: int, rng: np.random.Generator) -> float:
    """Two-sided sign-flip p-value for T = sum of cluster difference totals."""
    k = sums.shape[0]
    observed = abs(float(sums.sum()))
    tol = 1e-9 * max(1.0, observed)
    if k <= EXACT_PERMUTATION_MAX_CLUSTERS:
        codes = np.arange(2**k, dtype=np.int64)[:, None]
        signs = ((codes >> np.arange(k, dtype=np.int64)) & 1) * 2 - 1
        t = signs.astype(np.float64) @ sums
        return float(np.mean(np.abs(t) >= observed - tol))
    hits = 0
    chunk = max(1, min(n_resamples, 4_000_000 // k))
    done = 0
    while done < n_resamples:
        m = min(chunk, n_resamples - done)
        signs = rng.integers(0, 2, size=(m, k), dtype=np.int8) * 2 - 1
        t = signs.astype(np.float64) @ sums
        hits += int(np.sum(np.abs(t) >= observed - tol))
        done += m
    return (hits + 1) / (n_resamples + 1)


def paired_mean_gap(
    a: NumericInput,
    b: NumericInput,
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    seed: int = 0,
    clusters: ClusterInput | None = None,
) -> GapResult:
    """Paired difference of means, mean(a - b), for counts such as emoji per response.

    Interval: percentile bootstrap that resamples whole queries (or, with ``clusters``, whole
    clusters such as one query's several epochs), so within-query dependence is kept; each
    replicate's estimate is sum(diff) / sum(count) over the resampled clusters.
    p-value: sign-flip permutation test. Under H0 the condition labels are exchangeable within
    a query, so each cluster's difference total D_g may flip sign; the statistic is
    T = sum_g D_g (= N * mean(a - b), i.e. cluster mean differences weighted by cluster size),
    two-sided. All 2**G patterns are enumerated when G <= 16, otherwise ``n_resamples`` random
    patterns are drawn and p = (1 + hits) / (1 + n_resamples).
    """
    a_arr = _as_1d("a", a)
    b_arr = _as_1d("b", b)
    _check_same_length(a=a_arr, b=b_arr)
    conf = _check_probability_open("confidence", confidence)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int) or n_resamples < 100:
        raise ValueError(f"n_resamples must be an integer >= 100, got {n_resamples!r}")
    diff = a_arr - b_arr
    sums, counts = _cluster_sums(diff, clusters)
    k = sums.shape[0]
    estimate = float(diff.mean())
    rng = np.random.default_rng(seed)

    # Bootstrap in chunks of multinomial cluster weights: estimate* = (w @ sums) / (w @ counts).
    boot = np.empty(n_resamples, dtype=np.float64)
    chunk = max(1, min(n_resamples, 4_000_000 // k))
    uniform = np.full(k, 1.0 / k)
    for start in range(0, n_resamples, chunk):
        m = min(chunk, n_resamples - start)
        w = rng.multinomial(k, uniform, size=m).astype(np.float64)
        boot[start : start + m] = (w @ sums) / (w @ counts)
    tail = (1.0 - conf) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])

    p = _sign_flip_p(sums, n_resamples, rng)
    unit = "query" if clusters is None else "cluster"
    test = "exact" if k <= EXACT_PERMUTATION_MAX_CLUSTERS else "monte-carlo"
    return GapResult(
        estimate=estimate,
        ci_low=float(low),
        ci_high=float(high),
        p_value=p,
        n_pairs=int(diff.shape[0]),
        method=f"{unit}-bootstrap percentile CI ({k} {unit}s); sign-flip-{test} p",
    )
