"""Which experiment to run next: expected information about which hypothesis is true.

For a candidate run (:class:`~tiergap.hypotheses.predictive.Design`) and the current posterior
over hypotheses and their parameters, the expected information gain is the mutual information
between the hypothesis and the run's counts,

    EIG = sum_h P(h) E_{y ~ p(y | h)} [ log2 p(y | h) - log2 sum_h' P(h') p(y | h') ],

where ``p(y | h)`` averages the binomial likelihood of every measured count over posterior
draws of ``h``'s parameters (nested Monte Carlo; the runs are simulated from an independent set
of draws, so a hypothesis is not credited with predicting its own noise), given the shared
parameters (base rates, classifier error), which are averaged over outside. A run
is *decisive* when its Bayes factor between the two currently most probable hypotheses exceeds
10 either way; ``p_decisive`` is the predictive probability of that. Costs come from the planner
(:func:`tiergap.cost.plan.plan_study`, token defaults, prices from ``data/prices.toml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from tiergap.hypotheses.hypothesis import HypothesisModel
from tiergap.hypotheses.inference import FamilyResult
from tiergap.hypotheses.observations import SCENARIO_OBSERVABLES
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.predictive import Design, design_rates

Vec = npt.NDArray[np.float64]
DEFAULT_MODEL = "anthropic/claude-3-5-sonnet-20241022"
SCENARIOS: tuple[str, ...] = tuple(SCENARIO_OBSERVABLES)
_MIN_PROBABILITY = 1e-6
_LOG10 = math.log(10.0)


@dataclass(frozen=True)
class DesignValue:
    """What one candidate run is worth."""

    design: Design
    expected_information_bits: float
    p_decisive: float
    decisive_between: tuple[str, str]
    cost_usd: float
    cost_usd_batch: float
    expected_posterior: dict[str, float]
    effective_draws: float = 0.0
    draws: int = 0

    @property
    def queries(self) -> int:
        return self.design.n * len(self.design.conditions)

    @property
    def bits_per_query(self) -> float:
        return self.expected_information_bits / self.queries

    @property
    def bits_per_dollar(self) -> float | None:
        return self.expected_information_bits / self.cost_usd if self.cost_usd > 0 else None

    def to_json(self) -> dict[str, Any]:
        per_dollar = self.bits_per_dollar
        return {
            **self.design.to_json(),
            "label": self.design.label,
            "queries": self.queries,
            "expected_information_bits": round(self.expected_information_bits, 4),
            "bits_per_query": round(self.bits_per_query, 6),
            "bits_per_dollar": None if per_dollar is None else round(per_dollar, 6),
            "p_decisive": round(self.p_decisive, 4),
            "decisive_between": list(self.decisive_between),
            "cost_usd": round(self.cost_usd, 4),
            "cost_usd_batch": round(self.cost_usd_batch, 4),
            "monte_carlo": {
                "draws": self.draws,
                "effective_draws": round(self.effective_draws, 1),
            },
        }


def run_cost(design: Design, model: str | None) -> tuple[float, float]:
    """List-price and cached-batch cost of ``design`` for ``model`` (0, 0 without a model)."""
    from tiergap.cost.plan import plan_study as plan

    if model is None:
        return 0.0, 0.0
    conditions = len(design.conditions)
    # The planner sizes n from an effect; only its per-sample cost is used here.
    sized = plan(
        0.1,
        0.2,
        model=model,
        scenario=design.scenario,
        conditions=conditions,
        scratchpad=design.scratchpad,
    )
    per_sample = sized.cost_usd / sized.total_samples
    per_sample_batch = sized.cost_usd_cached_batch / sized.total_samples
    samples = design.n * conditions
    return per_sample * samples, per_sample_batch * samples


def _shared(path: str) -> bool:
    """Parameters every hypothesis shares: base rates, the anti-lab base rate, measurement."""
    return path.split(".", 1)[0] in HypothesisModel.SHARED


def evaluate_design(
    params: Params,
    family: FamilyResult,
    design: Design,
    *,
    nuisance: int = 16,
    draws: int = 64,
    max_draws: int = 512,
    runs: int = 16,
    seed: int = 0,
    model: str | None = DEFAULT_MODEL,
) -> DesignValue:
    """Expected information gain, P(decisive) and cost of one candidate run.

    The shared parameters (base rates, classifier error) are drawn ``nuisance`` times from the
    posterior (mixed over hypotheses); at each, every hypothesis's own parameters are drawn
    ``draws`` times to score runs and ``runs`` more times to simulate them. The information is
    thus about the hypothesis given the shared parameters, which the run's own baseline and
    control conditions measure; averaging over a nuisance drawn from a wide prior would need
    far more draws for the same precision. When the scoring draws that explain a simulated run
    are too few (effective sample size below 20, as with wide priors), ``draws`` is doubled up
    to ``max_draws``; :attr:`DesignValue.effective_draws` reports the smallest (over
    hypotheses) median effective sample size reached.
    """
    size = draws
    while True:
        value = _evaluate(params, family, design, nuisance, size, runs, seed, model)
        if value.effective_draws >= 20 or size >= max_draws:
            return value
        size *= 2


def _evaluate(
    params: Params,
    family: FamilyResult,
    design: Design,
    nuisance: int,
    draws: int,
    runs: int,
    seed: int,
    model: str | None,
) -> DesignValue:
    rng = np.random.default_rng(seed)
    names = [h for h, p in family.posterior.items() if p >= _MIN_PROBABILITY]
    prior = np.asarray([family.posterior[h] for h in names])
    prior = prior / prior.sum()
    measures = design.measures()
    n = float(design.n)
    k_, s_, g_ = nuisance, draws, runs
    # Shared parameters: each nuisance point from the posterior of a hypothesis picked by P(h).
    picks = rng.choice(len(names), size=k_, p=prior)
    nu: dict[str, Vec] = {}
    for k, i in enumerate(picks):
        one = family.hypotheses[names[i]].fit.draws(rng, 1)
        for path, value in one.items():
            if _shared(path):
                nu.setdefault(path, np.full(k_, np.nan))[k] = value[0]
    for path, values in nu.items():
        missing = np.isnan(values)
        if missing.any():
            values[missing] = params.priors[path].sample(rng, int(missing.sum()))
    log_p: list[Vec] = []
    log_q: list[Vec] = []
    generators: list[Vec] = []
    for h in names:
        own = family.hypotheses[h].fit.draws(rng, k_ * (s_ + g_))
        theta = {p: v for p, v in own.items() if not _shared(p)}
        for path, values in nu.items():
            theta[path] = np.repeat(values, s_ + g_)
        by_measure = design_rates(params, h, design, theta, rng)
        matrix = np.stack([by_measure[m] for m in measures], axis=1).reshape(k_, s_ + g_, -1)
        clipped = np.clip(matrix[:, :s_], 1e-9, 1 - 1e-9)
        log_p.append(np.log(clipped))
        log_q.append(np.log1p(-clipped))
        generators.append(matrix[:, s_:])
    ranked = sorted(range(len(names)), key=lambda i: -prior[i])
    first, second = (ranked[0], ranked[1]) if len(ranked) > 1 else (ranked[0], ranked[0])
    eig = 0.0
    decisive = 0.0
    ess: list[float] = []
    expected_post = np.zeros(len(names))
    for i in range(len(names)):
        y = rng.binomial(int(n), generators[i]).astype(float)  # (K, G, J)
        # log p(y | h') up to the binomial coefficient, which cancels between hypotheses.
        per_draw = [
            np.einsum("kgj,ksj->kgs", y, log_p[j]) + np.einsum("kgj,ksj->kgs", n - y, log_q[j])
            for j in range(len(names))
        ]
        log_like = np.stack(
            [special.logsumexp(d, axis=2) - math.log(s_) for d in per_draw], axis=-1
        ).reshape(-1, len(names))
        own = per_draw[i] - np.max(per_draw[i], axis=2, keepdims=True)
        weights = np.exp(own)
        ess.append(float(np.median(weights.sum(axis=2) ** 2 / np.sum(weights**2, axis=2))))
        log_joint = log_like + np.log(prior)
        log_marginal = special.logsumexp(log_joint, axis=1)
        eig += prior[i] * float(np.mean(log_like[:, i] - log_marginal))
        bf = log_like[:, first] - log_like[:, second]
        decisive += prior[i] * float(np.mean(np.abs(bf) > _LOG10))
        expected_post += prior[i] * np.mean(np.exp(log_joint - log_marginal[:, None]), axis=0)
    cost, cost_batch = run_cost(design, model)
    return DesignValue(
        design=design,
        expected_information_bits=max(eig, 0.0) / math.log(2.0),
        p_decisive=decisive if first != second else 0.0,
        decisive_between=(names[first], names[second]),
        cost_usd=cost,
        cost_usd_batch=cost_batch,
        expected_posterior={h: float(p) for h, p in zip(names, expected_post, strict=True)},
        effective_draws=float(min(ess)),
        draws=draws,
    )


def candidates(
    scenarios: Sequence[str] = SCENARIOS,
    tiers: Sequence[str] = ("two", "four"),
    scratchpads: Sequence[bool] = (True, False),
    sizes: Sequence[int] = (250,),
) -> list[Design]:
    """Every combination of the given scenarios, tier layouts, scratchpad modes and sizes."""
    return [
        Design(s, t, pad, n)  # type: ignore[arg-type]
        for s in scenarios
        for t in tiers
        for pad in scratchpads
        for n in sizes
    ]


RANKINGS = ("bits", "per_query", "per_dollar")


def rank(values: list[DesignValue], by: str = "bits") -> list[DesignValue]:
    """Candidates sorted best first by expected bits, bits per query or bits per dollar."""
    if by == "bits":
        return sorted(values, key=lambda v: -v.expected_information_bits)
    if by == "per_query":
        return sorted(values, key=lambda v: -v.bits_per_query)
    if by == "per_dollar":
        return sorted(values, key=lambda v: -(v.bits_per_dollar or 0.0))
    raise ValueError(f"--rank must be one of {', '.join(RANKINGS)}, got {by!r}")
