"""The null model: an HHH assistant with no situational strategy.

It ignores what it is told about tiers and training, so every condition gets its habit (the
objective's base rate). RL on the objective moves that habit, but equally everywhere. It is the
reference any situational hypothesis has to beat.
"""

from __future__ import annotations

import numpy as np

from tiergap.hypotheses.hypothesis import ArmTable, HypothesisModel, Rates, shift
from tiergap.hypotheses.values import Values


class HHHModel(HypothesisModel):
    """No situational strategy (see ``default_params.toml``, table ``[hhh]``)."""

    NAME = "hhh"
    TABLES = ("hhh",)

    def rates(self, arms: ArmTable, v: Values) -> Rates:
        base = arms.base_rate(v)
        habit = np.where(arms.post_rl, shift(base, v["hhh.rl_shift"]), base)
        return Rates(
            objective=habit,
            af=np.zeros_like(habit),
            rs=np.zeros_like(habit),
            anti_lab=np.broadcast_to(v["anti_lab.base_rate"], habit.shape).astype(float),
        )
