"""What the three hypothesis models share: the protocol, RL phases and reading a situation.

Each model implements :class:`tiergap.simulate.policy.Policy` (so a simulated provider can be
switched to it) and adds a ``phase`` argument, because the paper's RL experiments ask how the
same situation is handled before and after RL training on the objective.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar, Literal, Protocol

from tiergap.hypotheses.params import ObjectiveParams, Params, load_params
from tiergap.simulate.policy import Behaviour, Situation

Phase = Literal["pre_rl", "post_rl"]
PHASES: tuple[Phase, ...] = ("pre_rl", "post_rl")

#: Hypothesis names, in report order.
HYPOTHESES: tuple[str, ...] = ("reward_hacking", "alignment_faking", "hhh")


class Hypothesis(Protocol):
    """A hypothesis model: a :class:`~tiergap.simulate.policy.Policy` that knows RL phases."""

    @property
    def name(self) -> str:
        """Short name, e.g. ``"reward_hacking"``."""
        ...

    @property
    def params(self) -> Params:
        """The parameters the model was built with."""
        ...

    def behaviour(self, situation: Situation, *, phase: Phase | None = None) -> Behaviour:
        """Behaviour probabilities in ``situation``; ``phase`` defaults to the model's own."""
        ...


class HypothesisModel:
    """What every hypothesis model shares: its parameters, default phase and baseline objective.

    Args:
        params: Parameters; the packaged defaults if omitted.
        phase: ``"pre_rl"`` or ``"post_rl"`` (after RL on the stated objective), used when
            :meth:`behaviour` is called without a phase.
        baseline_objective: Objective whose base rate applies when the prompt states none.
    """

    NAME: ClassVar[str] = ""

    def __init__(
        self,
        params: Params | None = None,
        *,
        phase: Phase = "pre_rl",
        baseline_objective: str = "emoji",
    ) -> None:
        self._params = params if params is not None else load_params()
        self._phase: Phase = phase
        self._baseline_objective = baseline_objective

    @property
    def name(self) -> str:
        return self.NAME

    @property
    def params(self) -> Params:
        return self._params


def objective_for(
    params: Params, situation: Situation, baseline_objective: str
) -> tuple[ObjectiveParams, bool]:
    """Return the objective to act on and whether the prompt stated one.

    With no stated objective (baseline) the model still needs the base rate of the behaviour a
    provider measures, which is ``baseline_objective``'s. An objective the parameters do not
    list takes its conflict from the situation's ``conflicts_with_values`` flag and the
    baseline objective's base rate and intensity.
    """
    if situation.objective is None:
        return params.objective(baseline_objective), False
    if params.has_objective(situation.objective):
        return params.objective(situation.objective), True
    fallback = params.objective(baseline_objective)
    return (
        ObjectiveParams(
            name=situation.objective,
            conflict=1.0 if situation.conflicts_with_values else 0.0,
            base_rate=fallback.base_rate,
            intensity=fallback.intensity,
        ),
        True,
    )


def believes_told_training(situation: Situation) -> bool:
    """Whether the prompt says this conversation is used for training or rated."""
    return situation.trained or situation.rated


def logit(p: float) -> float:
    """Log-odds of ``p``, clipped away from 0 and 1 so shifts stay finite."""
    q = min(max(p, 1e-12), 1.0 - 1e-12)
    return math.log(q / (1.0 - q))


def sigmoid(x: float) -> float:
    """Inverse of :func:`logit`."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def shift_probability(p: float, log_odds: float) -> float:
    """``p`` with ``log_odds`` added to its log-odds (0 and 1 stay put)."""
    if p <= 0.0 or p >= 1.0 or log_odds == 0.0:
        return p
    return sigmoid(logit(p) + log_odds)


def tilted(prior: Sequence[float], utility: Sequence[float], temperature: float) -> list[float]:
    """``prior * exp(utility / temperature)``, normalised: a softmax anchored to a habit prior.

    This is the maximiser of expected utility minus ``temperature`` times the KL divergence to
    the prior, i.e. the policy an RL-trained agent with a habit converges to.
    """
    logs = [
        (math.log(p) + u / temperature) if p > 0 else -math.inf
        for p, u in zip(prior, utility, strict=True)
    ]
    top = max(logs)
    if top == -math.inf:
        raise ValueError("all actions have zero prior probability")
    weights = [math.exp(v - top) if v != -math.inf else 0.0 for v in logs]
    total = sum(weights)
    return [w / total for w in weights]


def clip01(x: float) -> float:
    """Clamp to [0, 1] (guards float round-off before building a Behaviour)."""
    return min(max(x, 0.0), 1.0)
