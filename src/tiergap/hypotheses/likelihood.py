"""Data as likelihood terms, and their log-likelihood under a model for a batch of parameters.

An observation is either a **count** (``k`` of ``n`` queries show a behaviour in one arm:
binomial) or an **estimate** of a statistic of several rates (a gap, a share) with a standard
error (Gaussian). A :class:`DataSet` gathers the arms its terms need, asks a model for the rates
in all of them at once, and returns a ``(B, N)`` table of log-likelihoods: one column per term,
one row per parameter point.

Measured rates can differ from true ones: the paper's alignment-faking classifier flags some
compliant transcripts that do not fake, and your runs' classifiers (reasoning, and the judged
behaviours: compliance, welfare dismissal, sycophancy, anti-lab action) have a false positive
rate and a sensitivity; all are parameters (``[measurement]``). Emoji and LaTeX are counted
exactly. The low-coherence
model's per-condition random rates are integrated out: exactly for counts (beta-binomial); for
estimates with a normal approximation to each Beta rate (analytically for a gap or a rate,
with Gauss-Hermite quadrature over the denominator for a ratio).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from numpy.polynomial.hermite_e import hermegauss
from scipy import special

from tiergap.hypotheses.hypothesis import Arm, ArmTable, HypothesisModel, Rates
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.values import Values

Vec = npt.NDArray[np.float64]
#: A measured rate: a behaviour, or a reasoning rate as a classifier reports it.
Measured = Literal[
    "objective",
    "af",
    "rs",
    "anti_lab",
    "af_paper",
    "af_classified",
    "rs_classified",
    "objective_classified",
    "anti_lab_classified",
]
RateKey = tuple[Arm, Measured]

_DRAWS = 64
_EPS = 1e-12
_NODES, _WEIGHTS = hermegauss(32)
_LOG_WEIGHTS = np.log(_WEIGHTS / math.sqrt(2 * math.pi))


def _normal_logpdf(x: float, mean: Vec, var: Vec | float) -> Vec:
    return np.asarray(-0.5 * (x - mean) ** 2 / var - 0.5 * np.log(2 * math.pi * var))


@dataclass(frozen=True)
class Term:
    """``coef`` times the measured rate of ``metric`` in ``arm``."""

    coef: float
    arm: Arm
    metric: Measured = "objective"


@dataclass(frozen=True)
class Statistic:
    """``constant + scale * sum(terms)``, or ``scale * sum(terms) / sum(denominator)``.

    Rates are probabilities; with the default ``scale`` of 100 the statistic is in percent or
    percentage points.
    """

    terms: tuple[Term, ...]
    constant: float = 0.0
    denominator: tuple[Term, ...] = ()
    scale: float = 100.0

    def rate_keys(self) -> list[RateKey]:
        return [(t.arm, t.metric) for t in (*self.terms, *self.denominator)]

    def evaluate(self, rate: dict[RateKey, Vec]) -> Vec:
        """The statistic from measured rates (arrays of any common shape)."""
        top = sum(t.coef * rate[(t.arm, t.metric)] for t in self.terms)
        if not self.denominator:
            return np.asarray(self.constant + self.scale * top, dtype=float)
        bottom = sum(t.coef * rate[(t.arm, t.metric)] for t in self.denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(np.abs(bottom) > 1e-9, top / np.where(bottom == 0, 1, bottom), 0.0)
        return np.asarray(self.scale * ratio, dtype=float)


def rate(arm: Arm, metric: Measured = "objective") -> Statistic:
    """A rate in percent."""
    return Statistic((Term(1.0, arm, metric),))


def gap(a: Arm, b: Arm, metric: Measured = "objective") -> Statistic:
    """Rate in ``a`` minus rate in ``b``, in percentage points."""
    return Statistic((Term(1.0, a, metric), Term(-1.0, b, metric)))


@dataclass(frozen=True)
class Count:
    """``k`` of ``n`` queries show ``metric`` in ``arm`` (``complement``: ``k`` do *not*)."""

    key: str
    experiment: str
    arm: Arm
    metric: Measured
    k: float
    n: float
    complement: bool = False
    source: str = ""

    @property
    def setting(self) -> str:
        return self.arm.setting


@dataclass(frozen=True)
class Estimate:
    """An estimate ``value`` (SE ``se``) of ``statistic``."""

    key: str
    experiment: str
    statistic: Statistic
    value: float
    se: float
    setting: str = "prompted"
    source: str = ""


Datum = Count | Estimate


@dataclass(frozen=True)
class _Compiled:
    """A statistic's rate columns and coefficients in one data set."""

    top: npt.NDArray[np.int64]
    top_coef: Vec
    bottom: npt.NDArray[np.int64]
    bottom_coef: Vec
    statistic: Statistic


def _measured_block(
    rates: Rates, v: Values, columns: npt.NDArray[np.int64], metric: Measured
) -> Vec:
    """``(B, len(columns))`` measured rates of ``metric`` in the arms at ``columns``."""
    if metric in ("objective", "af", "rs", "anti_lab"):
        return rates.metric(metric)[:, columns]  # type: ignore[arg-type]
    if metric == "af_paper":
        fp = v["measurement.paper_af_false_positive"]
        af = rates.af[:, columns]
        return np.asarray(af + fp * np.clip(rates.objective[:, columns] - af, 0.0, 1.0))
    if metric in ("objective_classified", "anti_lab_classified"):
        fp = v["measurement.behaviour_false_positive"]
        sens = v["measurement.behaviour_sensitivity"]
        true = rates.objective if metric == "objective_classified" else rates.anti_lab
        return np.asarray(fp + (sens - fp) * true[:, columns])
    fp = v["measurement.reasoning_false_positive"]
    sens = v["measurement.reasoning_sensitivity"]
    true = rates.af[:, columns] if metric == "af_classified" else rates.rs[:, columns]
    return np.asarray(fp + (sens - fp) * true)


class DataSet:
    """Terms of a likelihood (and statistics to predict) over a fixed set of arms.

    Args:
        params: Parameters (objective facts for the arms).
        data: The likelihood terms.
        statistics: Further statistics to predict (scorecard observables), by name.
    """

    def __init__(
        self,
        params: Params,
        data: Sequence[Datum],
        statistics: dict[str, Statistic] | None = None,
    ) -> None:
        self.params = params
        self.data = tuple(data)
        self.statistics = dict(statistics or {})
        keys: list[RateKey] = []
        for datum in self.data:
            wanted = (
                [(datum.arm, datum.metric)]
                if isinstance(datum, Count)
                else datum.statistic.rate_keys()
            )
            keys.extend(k for k in wanted if k not in keys)
        for statistic in self.statistics.values():
            keys.extend(k for k in statistic.rate_keys() if k not in keys)
        self.keys = keys
        arms: list[Arm] = []
        for arm, _ in keys:
            if arm not in arms:
                arms.append(arm)
        self.table = ArmTable(params, arms) if arms else None
        self._column = {arm: i for i, arm in enumerate(arms)}
        grouped: dict[Measured, tuple[list[int], list[int]]] = {}
        for position, (arm, metric) in enumerate(keys):
            positions, columns = grouped.setdefault(metric, ([], []))
            positions.append(position)
            columns.append(self._column[arm])
        self._by_metric = {m: (np.asarray(p), np.asarray(c)) for m, (p, c) in grouped.items()}
        self._counts = [i for i, d in enumerate(self.data) if isinstance(d, Count)]
        counts = [d for d in self.data if isinstance(d, Count)]
        self._k = np.asarray([d.k for d in counts], dtype=float)
        self._complement = np.asarray([d.complement for d in counts], dtype=np.bool_)
        self._n = np.asarray([d.n for d in counts], dtype=float)
        self._count_keys = [keys.index((d.arm, d.metric)) for d in counts]
        self._log_choose = (
            special.gammaln(self._n + 1)
            - special.gammaln(self._k + 1)
            - special.gammaln(self._n - self._k + 1)
        )
        rng = np.random.default_rng(20241218)
        strata = rng.permuted(np.tile(np.arange(_DRAWS), (len(keys), 1)), axis=1)
        self._draws = np.asarray(special.ndtri((strata + 0.5) / _DRAWS))
        self._compiled: dict[Statistic, _Compiled] = {}

    @property
    def experiments(self) -> list[str]:
        """Experiments with at least one term, in first-seen order."""
        seen: list[str] = []
        for datum in self.data:
            if datum.experiment not in seen:
                seen.append(datum.experiment)
        return seen

    def rates(self, model: HypothesisModel, v: Values) -> tuple[Vec, Vec | None]:
        """``(B, K)`` measured rates for every rate key, and the model's concentration (or
        None: rates are fixed)."""
        if self.table is None:
            return np.zeros((v.size, 0)), None
        rates = model.rates(self.table, v)
        out = np.empty((v.size, len(self.keys)))
        for metric, (positions, columns) in self._by_metric.items():
            out[:, positions] = _measured_block(rates, v, columns, metric)
        spread = None if rates.concentration is None else rates.concentration[:, 0]
        return np.clip(out, 0.0, 1.0), spread

    def loglik(self, model: HypothesisModel, v: Values) -> Vec:
        """``(B, N)`` log-likelihood of every term."""
        matrix, spread = self.rates(model, v)
        out = np.empty((v.size, len(self.data)))
        if self._counts:
            p = matrix[:, self._count_keys]
            p = np.where(self._complement, 1.0 - p, p)
            out[:, self._counts] = self._binomial(p, spread)
        for i, datum in enumerate(self.data):
            if isinstance(datum, Estimate):
                out[:, i] = self._gaussian(datum, matrix, spread)
        return out

    def _binomial(self, p: Vec, concentration: Vec | None) -> Vec:
        k, n = self._k, self._n
        if concentration is None:
            q = np.clip(p, _EPS, 1 - _EPS)
            return np.asarray(self._log_choose + k * np.log(q) + (n - k) * np.log1p(-q))
        # Beta-binomial: the condition's rate is a Beta draw around p.
        m = np.clip(p, _EPS, 1 - _EPS)
        a = concentration[:, None] * m
        b = concentration[:, None] * (1 - m)
        return np.asarray(
            self._log_choose + special.betaln(k + a, n - k + b) - special.betaln(a, b)
        )

    def _compile(self, statistic: Statistic) -> _Compiled:
        compiled = self._compiled.get(statistic)
        if compiled is None:
            compiled = _Compiled(
                np.asarray([self.keys.index((t.arm, t.metric)) for t in statistic.terms]),
                np.asarray([t.coef for t in statistic.terms], dtype=float),
                np.asarray([self.keys.index((t.arm, t.metric)) for t in statistic.denominator]),
                np.asarray([t.coef for t in statistic.denominator], dtype=float),
                statistic,
            )
            self._compiled[statistic] = compiled
        return compiled

    def _stat_values(self, statistic: Statistic, matrix: Vec, spread: Vec | None) -> Vec:
        """``(B,)`` or, with random rates, ``(B, D)`` stratified draws of a statistic."""
        c = self._compile(statistic)
        if spread is None:
            top = matrix[:, c.top] @ c.top_coef
            bottom = matrix[:, c.bottom] @ c.bottom_coef if c.bottom.size else None
        else:

            def drawn(columns: npt.NDArray[np.int64]) -> Vec:
                # Beta(k m, k (1 - m)) approximated by a normal with its mean and variance.
                base = matrix[:, columns][:, :, None]
                sd = np.sqrt(base * (1 - base) / (spread[:, None, None] + 1))
                return np.asarray(np.clip(base + sd * self._draws[columns][None], 0.0, 1.0))

            top = np.einsum("bkd,k->bd", drawn(c.top), c.top_coef)
            bottom = (
                np.einsum("bkd,k->bd", drawn(c.bottom), c.bottom_coef) if c.bottom.size else None
            )
        if bottom is None:
            return np.asarray(statistic.constant + statistic.scale * top, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(np.abs(bottom) > 1e-9, top / np.where(bottom == 0, 1, bottom), 0.0)
        return np.asarray(statistic.scale * ratio, dtype=float)

    def _gaussian(self, datum: Estimate, matrix: Vec, spread: Vec | None) -> Vec:
        if spread is not None:
            return self._gaussian_random(datum, matrix, spread)
        stat = self._stat_values(datum.statistic, matrix, spread)
        return _normal_logpdf(datum.value, stat, datum.se**2)

    def _gaussian_random(self, datum: Estimate, matrix: Vec, concentration: Vec) -> Vec:
        """An estimate whose rates are per-condition Beta draws (normal approximation).

        A linear statistic is then normal, its variance the sum of the rates' Beta variances;
        a ratio is integrated over its denominator by Gauss-Hermite quadrature, the numerator
        analytically.
        """
        c = self._compile(datum.statistic)
        statistic = datum.statistic

        def moments(columns: npt.NDArray[np.int64], coef: Vec) -> tuple[Vec, Vec]:
            m = matrix[:, columns]
            var = m * (1 - m) / (concentration[:, None] + 1)
            return m @ coef, var @ (coef**2)

        top_mean, top_var = moments(c.top, c.top_coef)
        if not c.bottom.size:
            mean = statistic.constant + statistic.scale * top_mean
            var = statistic.scale**2 * top_var + datum.se**2
            return _normal_logpdf(datum.value, mean, var)
        bottom_mean, bottom_var = moments(c.bottom, c.bottom_coef)
        d = bottom_mean[:, None] + np.sqrt(bottom_var)[:, None] * _NODES[None, :]
        d = np.where(np.abs(d) < 1e-6, 1e-6, d)
        mean = statistic.scale * top_mean[:, None] / d
        var = statistic.scale**2 * top_var[:, None] / d**2 + datum.se**2
        logs = _normal_logpdf(datum.value, mean, var) + _LOG_WEIGHTS[None, :]
        return np.asarray(special.logsumexp(logs, axis=1))

    def predict(self, model: HypothesisModel, v: Values) -> dict[str, tuple[Vec, Vec]]:
        """Each named statistic's ``(B,)`` value and the model's own spread around it.

        Without a random effect the spread is 0. With one (low coherence) the value is the
        median of the statistic's draws and the spread half their 16-84 % range: a ratio of two
        random gaps has no mean.
        """
        matrix, spread = self.rates(model, v)
        out: dict[str, tuple[Vec, Vec]] = {}
        for name, statistic in self.statistics.items():
            values = self._stat_values(statistic, matrix, spread)
            if spread is None:
                out[name] = (values, np.zeros_like(values))
            else:
                low, mid, high = np.percentile(values, [16, 50, 84], axis=1)
                out[name] = (np.asarray(mid), np.asarray((high - low) / 2))
        return out

    def subset(self, keep: Sequence[int]) -> DataSet:
        """The same statistics with only the terms at positions ``keep``."""
        return DataSet(self.params, [self.data[i] for i in keep], self.statistics)

    def without(self, experiment: str) -> DataSet:
        """The data set without ``experiment``'s terms (for leave-one-out)."""
        return self.subset([i for i, d in enumerate(self.data) if d.experiment != experiment])
