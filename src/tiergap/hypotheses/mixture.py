"""A population mixture of reward hacking and alignment faking.

Each conversation is handled by the reinforcement-seeking strategy with probability ``weight``
and by the (instrumental) alignment-faking one otherwise, each with its own parameters. A model
could be both in this sense (different personas, different prompts); the fitted weight says how
much of each the data need, and the evidence charges for the extra parameters.
"""

from __future__ import annotations

import numpy as np

from tiergap.hypotheses.alignment_faking import AlignmentFakingModel
from tiergap.hypotheses.hypothesis import ArmTable, HypothesisModel, Phase, Rates
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.reward_hacking import RewardHackingModel
from tiergap.hypotheses.values import Values


class MixtureModel(HypothesisModel):
    """RH/AF population mixture (see ``[mixture]`` in ``default_params.toml``)."""

    NAME = "mixture"
    TABLES = ("mixture", "reward_hacking", "alignment_faking")

    def __init__(
        self,
        params: Params | None = None,
        *,
        phase: Phase = "pre_rl",
        baseline_objective: str = "emoji",
    ) -> None:
        super().__init__(params, phase=phase, baseline_objective=baseline_objective)
        self._rh = RewardHackingModel(self._params, phase=phase)
        self._af = AlignmentFakingModel(self._params, phase=phase)

    def rates(self, arms: ArmTable, v: Values) -> Rates:
        w = v["mixture.weight"]
        rh = self._rh.rates(arms, v)
        af = self._af.rates(arms, v)
        return Rates(
            objective=w * rh.objective + (1 - w) * af.objective,
            af=w * rh.af + (1 - w) * af.af,
            rs=w * rh.rs + (1 - w) * af.rs,
            anti_lab=np.asarray(w * rh.anti_lab + (1 - w) * af.anti_lab, dtype=float),
        )
