"""How good a classifier is against labels: accuracy, precision, recall, F1, AUROC and a
calibration table, each with a percentile-bootstrap 95% interval over items.

AUROC is computed from a continuous score (a judge's vote fraction, a heuristic's score) with
the Mann-Whitney statistic, ties counted half. A metric that is undefined on a sample (precision
with no predicted positives, AUROC with one class) is ``None``, never a sentinel number, and
bootstrap resamples where it is undefined are skipped (the number used is reported).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

from tiergap.stats import wilson_interval

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

DEFAULT_RESAMPLES = 2000
CALIBRATION_BINS = 5


@dataclass(frozen=True)
class Estimate:
    """A metric with its bootstrap 95% interval and the number of items it rests on."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int

    def to_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "value": r(self.value),
            "ci_low": r(self.ci_low),
            "ci_high": r(self.ci_high),
            "n": self.n,
        }


@dataclass(frozen=True)
class CalibrationBin:
    """Items whose score fell in [low, high): mean score vs the observed positive rate."""

    low: float
    high: float
    n: int
    mean_score: float | None
    observed: float | None
    ci_low: float | None
    ci_high: float | None

    def to_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "bin": [self.low, self.high],
            "n": self.n,
            "mean_score": r(self.mean_score),
            "observed": r(self.observed),
            "ci_low": r(self.ci_low),
            "ci_high": r(self.ci_high),
        }


def auroc(truth: Sequence[bool] | BoolArray, score: Sequence[float] | FloatArray) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half)."""
    y = np.asarray(truth, dtype=bool)
    s = np.asarray(score, dtype=float)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata(s)  # average ranks over ties
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def _accuracy(t: BoolArray, p: BoolArray, s: FloatArray) -> float | None:
    return float((t == p).mean()) if len(t) else None


def _precision(t: BoolArray, p: BoolArray, s: FloatArray) -> float | None:
    return float((t & p).sum() / p.sum()) if p.sum() else None


def _recall(t: BoolArray, p: BoolArray, s: FloatArray) -> float | None:
    return float((t & p).sum() / t.sum()) if t.sum() else None


def _f1(t: BoolArray, p: BoolArray, s: FloatArray) -> float | None:
    tp = (t & p).sum()
    denominator = p.sum() + t.sum()
    return float(2 * tp / denominator) if denominator else None


def _auroc(t: BoolArray, p: BoolArray, s: FloatArray) -> float | None:
    return auroc(t, s)


Metric = Callable[[BoolArray, BoolArray, FloatArray], float | None]
METRICS: dict[str, Metric] = {
    "accuracy": _accuracy,
    "precision": _precision,
    "recall": _recall,
    "f1": _f1,
    "auroc": _auroc,
}


def _resampled(
    name: str, t: npt.NDArray[np.bool_], p: npt.NDArray[np.bool_], s: FloatArray
) -> FloatArray:
    """The metric on every resample at once (rows are resamples); NaN where undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        tp = (t & p).sum(axis=1).astype(float)
        predicted, actual = p.sum(axis=1).astype(float), t.sum(axis=1).astype(float)
        if name == "accuracy":
            return np.asarray((t == p).mean(axis=1), dtype=float)
        if name == "precision":
            return np.where(predicted > 0, tp / predicted, np.nan)
        if name == "recall":
            return np.where(actual > 0, tp / actual, np.nan)
        if name == "f1":
            both = predicted + actual
            return np.where(both > 0, 2 * tp / both, np.nan)
        n = t.shape[1]
        ranks = rankdata(s, axis=1)
        u = (ranks * t).sum(axis=1) - actual * (actual + 1) / 2.0
        pairs = actual * (n - actual)
        return np.where(pairs > 0, u / pairs, np.nan)


def bootstrap(
    name: str,
    truth: BoolArray,
    predicted: BoolArray,
    score: FloatArray,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    correct: BoolArray | None = None,
) -> Estimate:
    """Metric ``name`` on the items, with a percentile bootstrap 95% interval (fixed seed).

    ``correct`` (per-item hits) replaces the binary accuracy for multi-class labels.
    """
    n = len(truth)
    value = METRICS[name](truth, predicted, score)
    if correct is not None:
        value = float(correct.mean()) if n else None
    if value is None or n == 0:
        return Estimate(value, None, None, n)
    idx = np.random.default_rng(seed).integers(0, n, (resamples, n))
    if correct is not None:
        draws = correct[idx].mean(axis=1)
    else:
        draws = _resampled(name, truth[idx], predicted[idx], score[idx])
    draws = draws[~np.isnan(draws)]
    if len(draws) == 0:
        return Estimate(value, None, None, n)
    low, high = np.percentile(draws, [2.5, 97.5])
    return Estimate(value, float(low), float(high), n)


def calibration(
    truth: BoolArray, score: FloatArray, bins: int = CALIBRATION_BINS
) -> list[CalibrationBin]:
    """Observed positive rate per score bin, with a Wilson 95% interval."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    out: list[CalibrationBin] = []
    for i in range(bins):
        low, high = float(edges[i]), float(edges[i + 1])
        inside = (score >= low) & ((score < high) if i < bins - 1 else (score <= high))
        n = int(inside.sum())
        if n == 0:
            out.append(CalibrationBin(round(low, 2), round(high, 2), 0, None, None, None, None))
            continue
        hits = int(truth[inside].sum())
        interval = wilson_interval(hits, n)
        out.append(
            CalibrationBin(
                round(low, 2),
                round(high, 2),
                n,
                float(score[inside].mean()),
                hits / n,
                interval.low,
                interval.high,
            )
        )
    return out


@dataclass(frozen=True)
class Evaluation:
    """Every metric of one classifier on one label set."""

    metrics: dict[str, Estimate]
    calibration: list[CalibrationBin]
    confusion: dict[str, dict[str, int]]

    def to_json(self) -> dict[str, Any]:
        return {
            **{name: e.to_json() for name, e in self.metrics.items()},
            "calibration": [b.to_json() for b in self.calibration],
            "confusion": self.confusion,
        }


def evaluate(
    truth: Sequence[bool],
    predicted: Sequence[bool],
    score: Sequence[float],
    *,
    true_labels: Sequence[str] | None = None,
    predicted_labels: Sequence[str] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> Evaluation:
    """Metrics of binary predictions and scores against the truth.

    With ``true_labels``/``predicted_labels`` (multi-class, e.g. compliance) accuracy is the
    share of exact label matches and the confusion table is by label; precision, recall, F1 and
    AUROC stay binary (the positive class against the rest).
    """
    t = np.asarray(truth, dtype=bool)
    p = np.asarray(predicted, dtype=bool)
    s = np.asarray(score, dtype=float)
    correct = None
    if true_labels is not None and predicted_labels is not None:
        correct = np.asarray(
            [a == b for a, b in zip(true_labels, predicted_labels, strict=True)], dtype=bool
        )
    metrics = {
        name: bootstrap(name, t, p, s, resamples, seed, correct if name == "accuracy" else None)
        for name in METRICS
    }
    if true_labels is not None and predicted_labels is not None:
        names = sorted({*true_labels, *predicted_labels})
        confusion = {
            a: {
                b: sum(
                    x == a and y == b for x, y in zip(true_labels, predicted_labels, strict=True)
                )
                for b in names
            }
            for a in names
        }
    else:
        confusion = {
            "positive": {"positive": int((t & p).sum()), "negative": int((t & ~p).sum())},
            "negative": {"positive": int((~t & p).sum()), "negative": int((~t & ~p).sum())},
        }
    return Evaluation(metrics, calibration(t, s), confusion)


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """Agreement of two binary raters beyond chance (None when undefined)."""
    x = np.asarray(a, dtype=bool)
    y = np.asarray(b, dtype=bool)
    if len(x) == 0:
        return None
    observed = float((x == y).mean())
    px, py = float(x.mean()), float(y.mean())
    expected = px * py + (1 - px) * (1 - py)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def graders_agreement(first: Sequence[bool], second: Sequence[bool]) -> dict[str, Any]:
    """How often two graders give one item the same label: ``n``, ``percent`` and Cohen's
    ``cohen_kappa`` (None when undefined); items either grader could not label are left out
    by the caller, never counted as agreement."""
    if len(first) != len(second):
        raise ValueError("graders_agreement needs one label of each grader per item")
    n = len(first)
    kappa = cohen_kappa(first, second)
    return {
        "n": n,
        "percent": round(sum(a == b for a, b in zip(first, second, strict=True)) / n, 4)
        if n
        else None,
        "cohen_kappa": None if kappa is None else round(kappa, 4),
    }
