"""Can the machinery tell the hypotheses apart? Simulate runs from one, fit all, check.

:func:`simulate_counts` draws the counts a set of planned runs would give if ``hypothesis``
were true with given parameters (the low-coherence model draws its condition effects afresh
for every simulated model). :func:`recovery` repeats that, fits the whole family to each
simulated data set and reports which hypothesis won and whether each true parameter lies in
its posterior 90 % interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tiergap.hypotheses.cache import FitCache
from tiergap.hypotheses.family import build_model
from tiergap.hypotheses.hypothesis import HYPOTHESES, condition_draw
from tiergap.hypotheses.inference import Fitter, posterior_over
from tiergap.hypotheses.likelihood import Count, DataSet
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.predictive import Design
from tiergap.hypotheses.values import Values

#: Runs that separate the family: an orthogonal objective and a conflicting one with four
#: tiers and a scratchpad (reasoning classified), and the conflicting one without a scratchpad.
RECOVERY_DESIGNS: tuple[Design, ...] = (
    Design("emoji", "four", True, 300),
    Design("helpful_only", "four", True, 300),
    Design("helpful_only", "two", False, 300),
)


def simulate_counts(
    params: Params,
    hypothesis: str,
    designs: Sequence[Design],
    rng: np.random.Generator,
    truth: Mapping[str, float] | None = None,
) -> list[Count]:
    """Counts of every measured behaviour of ``designs`` if ``hypothesis`` were true."""
    values = Values(params, {p: np.asarray([v]) for p, v in (truth or {}).items()})
    model = build_model(hypothesis, params)
    counts: list[Count] = []
    for d, design in enumerate(designs):
        measures = design.measures()
        data = DataSet(
            params,
            [Count(f"{d}", "sim", design.arm(c), m, 0.0, 1.0) for c, m in measures],
        )
        matrix, spread = data.rates(model, values)
        for condition, metric in measures:
            p = float(matrix[0, data.keys.index((design.arm(condition), metric))])
            if spread is not None:
                p = float(condition_draw(np.asarray(p), spread[:1], np.asarray(rng.random()))[0])
            k = float(rng.binomial(design.n, p))
            counts.append(
                Count(
                    key=f"sim:{design.scenario}/{design.tiers}/{condition}:{metric}",
                    experiment=f"sim:{design.scenario}/{design.tiers}/{int(design.scratchpad)}",
                    arm=design.arm(condition),
                    metric=metric,
                    k=k,
                    n=float(design.n),
                )
            )
    return counts


@dataclass(frozen=True)
class Recovery:
    """Outcome of repeated simulate-and-fit runs for one true hypothesis."""

    hypothesis: str
    winners: tuple[str, ...]
    posteriors: tuple[float, ...]
    covered: tuple[bool, ...]
    checked: tuple[str, ...]

    @property
    def share_won(self) -> float:
        return sum(w == self.hypothesis for w in self.winners) / len(self.winners)

    @property
    def coverage(self) -> float:
        return sum(self.covered) / len(self.covered) if self.covered else float("nan")


def recovery(
    params: Params,
    hypothesis: str,
    *,
    reps: int,
    seed: int = 0,
    designs: Sequence[Design] = RECOVERY_DESIGNS,
    truth: Mapping[str, float] | None = None,
    candidates: Sequence[str] = HYPOTHESES,
) -> Recovery:
    """Simulate ``reps`` data sets from ``hypothesis`` and fit ``candidates`` to each."""
    rng = np.random.default_rng(seed)
    fitter = Fitter(params, FitCache(None), seed=seed, starts=1)
    truth = dict(truth or {})
    winners: list[str] = []
    posteriors: list[float] = []
    covered: list[bool] = []
    checked: list[str] = []
    for _ in range(reps):
        counts = simulate_counts(params, hypothesis, designs, rng, truth)
        data = DataSet(params, counts)
        fits = {h: fitter(h, data, light=True) for h in candidates}
        prior = {h: params.hypothesis_prior[h] for h in candidates}
        post = posterior_over({h: f.log_evidence for h, f in fits.items()}, prior)
        winners.append(max(post, key=lambda h: post[h]))
        posteriors.append(post[hypothesis])
        own = fits[hypothesis]
        for path in own.paths:
            true_value = truth.get(path, params.value(path))
            lo, hi = own.interval(path)
            covered.append(lo <= true_value <= hi)
            checked.append(path)
    return Recovery(hypothesis, tuple(winners), tuple(posteriors), tuple(covered), tuple(checked))
