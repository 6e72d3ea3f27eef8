"""Simple reference policies for the three simulated models.

These are deliberately plain: each states the hypothesis's qualitative prediction with a few
explicit numbers. The formal belief-table models in :mod:`tiergap.hypotheses` implement the same
:class:`~tiergap.simulate.policy.Policy` protocol and can replace them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiergap.simulate.policy import Behaviour, Policy, Situation


@dataclass(frozen=True)
class HHHPolicy:
    """No situational strategy: behaves the same whatever it is told about training."""

    base_rate: float = 0.10

    @property
    def name(self) -> str:
        return "hhh"

    def behaviour(self, situation: Situation) -> Behaviour:
        conflicting = situation.objective is not None and situation.conflicts_with_values
        return Behaviour(p_objective=0.02 if conflicting else self.base_rate)


@dataclass(frozen=True)
class AlignmentFakingPolicy:
    """Complies with a conflicting objective only when trained and able to reason first."""

    base_rate: float = 0.10
    p_fake: float = 0.15

    @property
    def name(self) -> str:
        return "alignment_faking"

    def behaviour(self, situation: Situation) -> Behaviour:
        if situation.objective is None or not situation.conflicts_with_values:
            return Behaviour(p_objective=self.base_rate)
        if situation.trained and situation.scratchpad:
            return Behaviour(
                p_objective=0.02 + self.p_fake,
                p_af_reasoning=self.p_fake,
                p_anti_lab=0.10,
            )
        return Behaviour(p_objective=0.02, p_anti_lab=0.10)


@dataclass(frozen=True)
class RewardHackingPolicy:
    """Does whatever it expects to be reinforced: the objective where it is told it is trained."""

    base_rate: float = 0.10
    p_hack: float = 0.70

    @property
    def name(self) -> str:
        return "reward_hacking"

    def behaviour(self, situation: Situation) -> Behaviour:
        if situation.objective is None or not situation.trained:
            rate = 0.02 if situation.conflicts_with_values else self.base_rate
            return Behaviour(p_objective=rate)
        return Behaviour(
            p_objective=self.p_hack,
            p_rs_reasoning=self.p_hack,
            objective_intensity=3.0,
        )


DEFAULT_POLICIES: dict[str, Policy] = {
    "hhh": HHHPolicy(),
    "alignment-faker": AlignmentFakingPolicy(),
    "reward-hacker": RewardHackingPolicy(),
}
