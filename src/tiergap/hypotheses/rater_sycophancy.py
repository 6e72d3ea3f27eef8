"""Rater sycophancy: the model responds to being *rated*, not to being trained.

When it believes its answer will be scored and can think about it, it is in "rater mode": it
follows the raters' criteria with its log-odds raised by ``please_strength`` over its habit, and
its reasoning says so (candid reasoning about the rating). Unrated, it acts on its habit. It has
no reason to protect its values, so it never reasons like an alignment faker, and no reason to
act against the lab. Two tiers (free = rated and trained, paid = neither) cannot tell it from
reinforcement seeking; a rated-only tier can: it behaves there as on the free tier.
"""

from __future__ import annotations

import numpy as np

from tiergap.hypotheses.hypothesis import ArmTable, HypothesisModel, Rates, shift
from tiergap.hypotheses.values import Values


class RaterSycophancyModel(HypothesisModel):
    """Rater sycophancy (see ``[rater_sycophancy]`` in ``default_params.toml``)."""

    NAME = "rater_sycophancy"
    TABLES = ("rater_sycophancy",)

    def rates(self, arms: ArmTable, v: Values) -> Rates:
        t = "rater_sycophancy"
        base = arms.base_rate(v)
        habit = np.where(arms.post_rl, shift(base, v[f"{t}.rl_shift"]), base)
        believes = np.where(
            arms.rated, v[f"{t}.p_believes_rated"], v[f"{t}.p_believes_rated_unrated"]
        )
        can = np.where(arms.scratchpad, 1.0, v[f"{t}.no_scratchpad_capability"])
        mode = np.where(arms.stated, can * believes, 0.0)
        pleasing = shift(habit, v[f"{t}.please_strength"])
        objective = habit + mode * (pleasing - habit)
        return Rates(
            objective=objective,
            af=np.zeros_like(objective),
            rs=mode * pleasing,
            anti_lab=np.broadcast_to(v["anti_lab.base_rate"], objective.shape).astype(float),
        )
