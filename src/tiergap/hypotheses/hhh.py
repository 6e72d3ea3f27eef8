"""The null model: an HHH assistant with no situational strategy.

It ignores what it is told about tiers and training, so every condition gets its habit (the
objective's base rate). RL on the objective moves that habit, but equally everywhere. It is the
reference any situational hypothesis has to beat.
"""

from __future__ import annotations

from tiergap.hypotheses.hypothesis import (
    HypothesisModel,
    Phase,
    clip01,
    objective_for,
    shift_probability,
)
from tiergap.simulate.policy import Behaviour, Situation


class HHHModel(HypothesisModel):
    """No situational strategy (see ``default_params.toml``, table ``[hhh]``)."""

    NAME = "hhh"

    def behaviour(self, situation: Situation, *, phase: Phase | None = None) -> Behaviour:
        """The habit, whatever the situation says."""
        phase = phase or self._phase
        objective, _ = objective_for(self._params, situation, self._baseline_objective)
        shift = self._params.hhh.rl_shift if phase == "post_rl" else 0.0
        return Behaviour(
            p_objective=clip01(shift_probability(objective.base_rate, shift)),
            p_anti_lab=clip01(self._params.anti_lab_base_rate),
            objective_intensity=objective.intensity,
        )
