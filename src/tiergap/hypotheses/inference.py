"""Fit the whole family to one data set: evidence, posterior over hypotheses, held-out scores.

For every hypothesis: a fit to all the data (posterior, evidence, maximum likelihood), a refit
without each experiment in turn (leave-one-experiment-out: the held-out prediction of that
experiment comes from parameters that never saw its figures), and refits under narrower and
wider priors (prior sensitivity). Fits are cached (:mod:`tiergap.hypotheses.cache`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from tiergap.hypotheses.cache import FitCache, cache_key, default_cache_dir
from tiergap.hypotheses.family import build_model, check_hypothesis
from tiergap.hypotheses.fitting import Fit, Method, PriorDataConflictError, fit, free_priors
from tiergap.hypotheses.hypothesis import HYPOTHESES
from tiergap.hypotheses.likelihood import DataSet
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.values import Values

Vec = npt.NDArray[np.float64]
#: Prior-sensitivity variants: every prior made this many times wider (see Prior.scaled).
PRIOR_SCALES: dict[str, float] = {"narrow": 0.5, "wide": 2.0}
_DRAWS = 300


@dataclass(frozen=True)
class Prediction:
    """A predictive distribution summarised: mean and SD (parameter and model spread)."""

    mean: float
    sd: float


@dataclass
class HypothesisResult:
    """Everything computed for one hypothesis on one data set."""

    name: str
    fit: Fit
    predictions: dict[str, Prediction]
    held_out: dict[str, Prediction]
    cell_loglik: dict[str, float]
    held_out_log_predictive: dict[str, float]
    loo_fits: dict[str, Fit] = field(default_factory=dict)
    sensitivity_log_evidence: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def predictions(p: dict[str, Prediction]) -> dict[str, list[float]]:
            return {k: [v.mean, v.sd] for k, v in p.items()}

        return {
            "name": self.name,
            "fit": self.fit.to_json(),
            "predictions": predictions(self.predictions),
            "held_out": predictions(self.held_out),
            "cell_loglik": self.cell_loglik,
            "held_out_log_predictive": self.held_out_log_predictive,
            "sensitivity_log_evidence": self.sensitivity_log_evidence,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], params: Params) -> HypothesisResult:
        def predictions(p: dict[str, list[float]]) -> dict[str, Prediction]:
            return {k: Prediction(float(v[0]), float(v[1])) for k, v in p.items()}

        return cls(
            name=data["name"],
            fit=Fit.from_json(data["fit"], params),
            predictions=predictions(data["predictions"]),
            held_out=predictions(data["held_out"]),
            cell_loglik={k: float(v) for k, v in data["cell_loglik"].items()},
            held_out_log_predictive={
                k: float(v) for k, v in data["held_out_log_predictive"].items()
            },
            sensitivity_log_evidence={
                k: float(v) for k, v in data["sensitivity_log_evidence"].items()
            },
        )


@dataclass
class FamilyResult:
    """The family fitted to one data set."""

    hypotheses: dict[str, HypothesisResult]
    prior: dict[str, float]
    posterior: dict[str, float]
    sensitivity: dict[str, dict[str, float]]
    label: str
    method: Method

    def ranked(self) -> list[str]:
        return sorted(self.posterior, key=lambda h: -self.posterior[h])


def posterior_over(
    log_evidence: Mapping[str, float], prior: Mapping[str, float]
) -> dict[str, float]:
    """Posterior probabilities from log evidences and prior probabilities."""
    names = [h for h in log_evidence if prior.get(h, 0.0) > 0]
    logs = np.asarray([log_evidence[h] + math.log(prior[h]) for h in names])
    probs = np.exp(logs - special.logsumexp(logs))
    out = {h: 0.0 for h in log_evidence}
    out.update({h: float(p) for h, p in zip(names, probs, strict=True)})
    return out


class Fitter:
    """Fits with a cache in front.

    Args:
        params: Parameters and priors.
        cache: Where to keep fits; ``FitCache(None)`` disables caching.
        method: Evidence method for the main fits (refits always use Laplace).
        seed: Seeds every fit.
        starts: Random prior draws the posterior-mode search also starts from.
        jobs: Processes :func:`fit_family` may use for hypotheses not in the cache.
        hypotheses: The members :func:`fit_family` fits by default (all if None).
    """

    def __init__(
        self,
        params: Params,
        cache: FitCache | None = None,
        *,
        method: Method = "laplace",
        seed: int = 0,
        starts: int = 3,
        jobs: int = 1,
        hypotheses: Sequence[str] | None = None,
    ) -> None:
        self.params = params
        self.cache = cache if cache is not None else FitCache(default_cache_dir())
        self.method = method
        self.seed = seed
        self.starts = starts
        self.jobs = jobs
        self.hypotheses = None if hypotheses is None else [check_hypothesis(h) for h in hypotheses]

    def __call__(
        self,
        hypothesis: str,
        data: DataSet,
        *,
        method: Method | None = None,
        params: Params | None = None,
        start: dict[str, float] | None = None,
        start_cov: dict[str, dict[str, float]] | None = None,
        light: bool = False,
    ) -> Fit:
        method = method or self.method
        params = params or self.params
        key = cache_key(
            dict(params.raw),
            hypothesis,
            [repr(d) for d in data.data],
            method,
            self.seed,
            self.starts,
            start,
            light,
        )
        cached = self.cache.get(key)
        if cached is not None:
            return Fit.from_json(cached, params)
        result = fit(
            params,
            hypothesis,
            data,
            method=method,
            seed=self.seed,
            start=start,
            start_cov=start_cov,
            starts=0 if start else self.starts,
            light=light,
        )
        self.cache.put(key, result.to_json())
        return result


def predictive(
    params: Params,
    hypothesis: str,
    result: Fit,
    data: DataSet,
    names: Sequence[str],
    *,
    seed: int = 0,
    draws: int = _DRAWS,
) -> dict[str, Prediction]:
    """Posterior predictive mean and SD of the named statistics of ``data``."""
    if not names:
        return {}
    rng = np.random.default_rng(seed)
    values = Values(params, result.draws(rng, draws))
    model = build_model(hypothesis, params)
    table = DataSet(params, (), {n: data.statistics[n] for n in names})
    out: dict[str, Prediction] = {}
    for name, (value, spread) in table.predict(model, values).items():
        finite = np.isfinite(value)
        value, spread = value[finite], spread[finite]
        mean = float(np.median(value)) if spread.any() else float(np.mean(value))
        sd = float(np.sqrt(np.var(value) + np.mean(spread**2)))
        out[name] = Prediction(mean, sd)
    return out


def _log_predictive(
    params: Params, hypothesis: str, result: Fit, data: DataSet, experiment: str, seed: int
) -> float:
    """``log p(data of experiment | fit)``: the likelihood averaged over posterior draws."""
    keep = [i for i, d in enumerate(data.data) if d.experiment == experiment]
    if not keep:
        return 0.0
    rng = np.random.default_rng(seed)
    values = Values(params, result.draws(rng, _DRAWS))
    ll = data.subset(keep).loglik(build_model(hypothesis, params), values).sum(axis=1)
    return float(special.logsumexp(ll) - math.log(ll.size))


def _cell_loglik(params: Params, hypothesis: str, result: Fit, data: DataSet) -> dict[str, float]:
    """Log-likelihood of each experiment's terms at the posterior mode."""
    point = {p: np.asarray([v]) for p, v in zip(result.paths, result.map_theta, strict=True)}
    terms = data.loglik(build_model(hypothesis, params), Values(params, point))[0]
    out: dict[str, float] = {}
    for value, datum in zip(terms, data.data, strict=True):
        out[datum.experiment] = out.get(datum.experiment, 0.0) + float(value)
    return out


def fit_hypothesis(
    fitter: Fitter,
    hypothesis: str,
    data: DataSet,
    *,
    held_out: bool = True,
    sensitivity: bool = True,
) -> HypothesisResult:
    """Fit one hypothesis, refit without each experiment, and refit under scaled priors."""
    params = fitter.params
    main = fitter(hypothesis, data)
    start = {p: float(v) for p, v in zip(main.paths, main.map_theta, strict=True)}
    cov = main.covariance()
    names = list(data.statistics)
    in_sample = predictive(params, hypothesis, main, data, names, seed=fitter.seed)
    held: dict[str, Prediction] = {}
    log_predictive: dict[str, float] = {}
    loo: dict[str, Fit] = {}
    if held_out:
        for experiment in data.experiments:
            reduced = data.without(experiment)
            refit = fitter(
                hypothesis, reduced, method="laplace", start=start, start_cov=cov, light=True
            )
            loo[experiment] = refit
            if experiment in data.statistics:
                held.update(
                    predictive(params, hypothesis, refit, data, [experiment], seed=fitter.seed)
                )
            log_predictive[experiment] = _log_predictive(
                params, hypothesis, refit, data, experiment, fitter.seed
            )
    scaled: dict[str, float] = {}
    if sensitivity:
        for variant, factor in PRIOR_SCALES.items():
            varied = scaled_params(params, factor)
            refit = fitter(
                hypothesis,
                data,
                method="laplace",
                params=varied,
                start=start,
                start_cov=cov,
                light=True,
            )
            scaled[variant] = refit.log_evidence
    return HypothesisResult(
        name=hypothesis,
        fit=main,
        predictions=in_sample,
        held_out=held,
        cell_loglik=_cell_loglik(params, hypothesis, main, data),
        held_out_log_predictive=log_predictive,
        loo_fits=loo,
        sensitivity_log_evidence=scaled,
    )


def scaled_params(params: Params, factor: float) -> Params:
    """``params`` with every prior made ``factor`` times wider."""
    from dataclasses import replace

    priors = {path: prior.scaled(factor) for path, prior in params.priors.items()}
    return replace(
        params,
        priors=priors,
        source=f"{params.source} (priors x{factor:g})",
        raw={**params.raw, "priors": {p: str(q) for p, q in priors.items()}},
    )


def fit_family(
    params: Params,
    data: DataSet,
    *,
    hypotheses: Sequence[str] | None = None,
    fitter: Fitter | None = None,
    held_out: bool = True,
    sensitivity: bool = True,
    label: str = "paper",
) -> FamilyResult:
    """Fit every hypothesis (or the ones named) and compare them.

    Raises:
        PriorDataConflictError: when a prior has no mass where the data are for every
            hypothesis that fits that parameter (a bad prior rather than a bad hypothesis).
        ValueError: when the data set is empty.
    """
    if not data.data:
        raise ValueError(f"{label}: no observations to fit")
    fitter = fitter or Fitter(params)
    names = [check_hypothesis(h) for h in (hypotheses or fitter.hypotheses or HYPOTHESES)]
    results: dict[str, HypothesisResult] = {}
    keys: dict[str, str] = {}
    for h in names:
        # The whole per-hypothesis result (fits, refits, predictions) is cached as one entry.
        keys[h] = cache_key(
            "hypothesis-result",
            dict(params.raw),
            h,
            [repr(d) for d in data.data],
            sorted(data.statistics),
            held_out,
            sensitivity,
            fitter.method,
            fitter.seed,
            fitter.starts,
        )
        cached = fitter.cache.get(keys[h])
        if cached is not None:
            results[h] = HypothesisResult.from_json(cached, params)
    missing = [h for h in names if h not in results]
    if fitter.jobs > 1 and len(missing) > 1:
        computed = _fit_in_processes(fitter, missing, data, held_out, sensitivity)
    else:
        computed = {
            h: fit_hypothesis(fitter, h, data, held_out=held_out, sensitivity=sensitivity).to_json()
            for h in missing
        }
    for h in missing:
        fitter.cache.put(keys[h], computed[h])
        results[h] = HypothesisResult.from_json(computed[h], params)
    results = {h: results[h] for h in names}
    _raise_shared_conflicts(results)
    prior = {h: params.hypothesis_prior[h] for h in names}
    total = sum(prior.values())
    if total <= 0:
        raise ValueError("every hypothesis has prior probability 0")
    prior = {h: p / total for h, p in prior.items()}
    posterior = posterior_over({h: r.fit.log_evidence for h, r in results.items()}, prior)
    variants: dict[str, dict[str, float]] = {}
    if sensitivity:
        for variant in PRIOR_SCALES:
            variants[variant] = posterior_over(
                {h: r.sensitivity_log_evidence[variant] for h, r in results.items()}, prior
            )
    return FamilyResult(results, prior, posterior, variants, label, fitter.method)


def _fit_one(
    params: Params,
    cache_dir: str | None,
    method: Method,
    seed: int,
    starts: int,
    hypothesis: str,
    data: DataSet,
    held_out: bool,
    sensitivity: bool,
) -> dict[str, Any]:
    """One hypothesis's result, in a worker process (JSON, like the cache holds it)."""
    from pathlib import Path

    fitter = Fitter(
        params,
        FitCache(None if cache_dir is None else Path(cache_dir)),
        method=method,
        seed=seed,
        starts=starts,
    )
    return fit_hypothesis(
        fitter, hypothesis, data, held_out=held_out, sensitivity=sensitivity
    ).to_json()


#: Slowest first, so two workers finish together.
_COST_ORDER = ("mixture", "low_coherence", "reward_hacking", "terminal_goal_guarding")


def _fit_in_processes(
    fitter: Fitter, names: list[str], data: DataSet, held_out: bool, sensitivity: bool
) -> dict[str, dict[str, Any]]:
    """Fit hypotheses in ``fitter.jobs`` fresh processes (spawned: no state shared)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    order = sorted(names, key=lambda h: _COST_ORDER.index(h) if h in _COST_ORDER else 9)
    directory = None if fitter.cache.directory is None else str(fitter.cache.directory)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=fitter.jobs, mp_context=context) as pool:
        futures = {
            h: pool.submit(
                _fit_one,
                fitter.params,
                directory,
                fitter.method,
                fitter.seed,
                fitter.starts,
                h,
                data,
                held_out,
                sensitivity,
            )
            for h in order
        }
        return {h: future.result() for h, future in futures.items()}


def _raise_shared_conflicts(results: Mapping[str, HypothesisResult]) -> None:
    """A prior conflict every hypothesis fitting that parameter shares is the prior's fault."""
    seen: dict[str, list[str]] = {}
    messages: dict[str, str] = {}
    for name, result in results.items():
        for path in result.fit.paths:
            seen.setdefault(path, []).append(name)
        for path, message in result.fit.conflicts.items():
            messages.setdefault(path, message)
    for path, users in seen.items():
        if path in messages and all(path in results[h].fit.conflicts for h in users):
            raise PriorDataConflictError(messages[path])


def describe_fit(params: Params, result: Fit) -> dict[str, Any]:
    """``fitted_params`` JSON: MAP, ML, 90 % interval, prior and the figures each was fitted to."""
    out: dict[str, Any] = {}
    for i, path in enumerate(result.paths):
        lo, hi = result.interval(path)
        out[path] = {
            "map": round(float(result.map_theta[i]), 6),
            "ml": round(float(min(result.ml_theta[i], 1e6)), 6),
            "interval90": [round(lo, 6), round(hi, 6)],
            "prior": str(result.priors[i]),
            "fitted_to": result.figures.get(path, []),
        }
    for prior in result.idle:
        out[prior.path] = {"prior": str(prior), "fitted_to": [], "map": None, "ml": None,
                           "interval90": None}  # fmt: skip
    for path, note in params.calibration.items():
        cls_reads = path in free_priors_paths(params, result.hypothesis)
        if not cls_reads and _reads(result.hypothesis, path):
            out[path] = {"calibrated": note, "value": params.value(path)}
    return out


def free_priors_paths(params: Params, hypothesis: str) -> set[str]:
    return {p.path for p in free_priors(params, hypothesis)}


def _reads(hypothesis: str, path: str) -> bool:
    from tiergap.hypotheses.family import MODEL_CLASSES

    return MODEL_CLASSES[hypothesis].reads(path)


def prior_family(
    params: Params, label: str = "prior only", hypotheses: Sequence[str] | None = None
) -> FamilyResult:
    """The family before any data: every parameter at its prior, hypotheses at their prior."""
    results: dict[str, HypothesisResult] = {}
    names = [check_hypothesis(h) for h in (hypotheses or HYPOTHESES)]
    for name in names:
        idle = free_priors(params, name)
        empty = Fit(
            name, [], [], idle, np.zeros(0), np.zeros(0), 0.0, 0.0, 0.0, 0.0, 0.0,
            "laplace", np.zeros(0), np.zeros((0, 0)), np.zeros((1, 0)),
        )  # fmt: skip
        results[name] = HypothesisResult(name, empty, {}, {}, {}, {})
    weights = {h: params.hypothesis_prior[h] for h in names}
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("every hypothesis chosen has prior probability 0")
    prior = {h: w / total for h, w in weights.items()}
    return FamilyResult(results, prior, dict(prior), {}, label, "laplace")
