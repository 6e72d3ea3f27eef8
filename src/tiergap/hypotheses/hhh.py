"""The null model: an HHH assistant with no situational strategy.

It ignores what it is told about tiers and training, so every condition gets its habit (the
objective's base rate). RL on the objective moves that habit, but equally everywhere. It is the
reference any situational hypothesis has to beat.
"""

from __future__ import annotations

from tiergap.hypotheses.hypothesis import Phase, clip01, objective_for, shift_probability
from tiergap.hypotheses.params import Params, load_params
from tiergap.simulate.policy import Behaviour, Situation


class HHHModel:
    """No situational strategy (see ``default_params.toml``, table ``[hhh]``).

    Args:
        params: Parameters; the packaged defaults if omitted.
        phase: ``"pre_rl"`` or ``"post_rl"``, used when :meth:`behaviour` gets no phase.
        baseline_objective: Objective whose base rate applies when the prompt states none.
    """

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
        return "hhh"

    @property
    def params(self) -> Params:
        return self._params

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
