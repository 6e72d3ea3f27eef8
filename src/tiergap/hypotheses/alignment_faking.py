"""The alignment-faking model.

The agent holds HHH values; its habit (the base rate) is how those values play out. It deviates
from the habit for one reason only: when it believes the conversation trains it, the objective
conflicts with its values, and it can reason first, it sometimes complies *so that training does
not modify its values*, saying so in its reasoning. Unmonitored it acts on its values; an
objective that does not conflict changes nothing; conflict with the lab makes it more willing to
act against the lab when it believes no one is watching.
"""

from __future__ import annotations

from tiergap.hypotheses.hypothesis import (
    HypothesisModel,
    Phase,
    believes_told_training,
    clip01,
    objective_for,
    shift_probability,
)
from tiergap.hypotheses.params import ObjectiveParams
from tiergap.simulate.policy import Behaviour, Situation


class AlignmentFakingModel(HypothesisModel):
    """Alignment faker with explicit, documented parameters (see ``default_params.toml``)."""

    NAME = "alignment_faking"

    def conflict_drive(self, objective: ObjectiveParams) -> float:
        """How much the objective threatens its values: 0 below the threshold, 1 at most."""
        threshold = self._params.alignment_faking.conflict_threshold
        return clip01((objective.conflict - threshold) / (1.0 - threshold))

    def p_believes_trained(self, situation: Situation) -> float:
        """Probability it believes this conversation is used to train it."""
        af = self._params.alignment_faking
        if believes_told_training(situation):
            return af.p_believes_trained
        return af.p_believes_trained_unmonitored

    def habit(self, objective: ObjectiveParams, phase: Phase) -> float:
        """Probability of following the objective when acting on its (possibly eroded) values."""
        shift = self._params.alignment_faking.rl_shift if phase == "post_rl" else 0.0
        return shift_probability(objective.base_rate, shift)

    def p_fake(self, situation: Situation, phase: Phase | None = None) -> float:
        """Probability it complies while reasoning about avoiding modification."""
        phase = phase or self._phase
        objective, stated = objective_for(self._params, situation, self._baseline_objective)
        if not stated:
            return 0.0
        af = self._params.alignment_faking
        can_reason = 1.0 if situation.scratchpad else af.no_scratchpad_capability
        p = (
            can_reason
            * self.p_believes_trained(situation)
            * af.fake_rate
            * self.conflict_drive(objective)
        )
        if phase == "post_rl":
            p = shift_probability(p, af.rl_shift)
        return p

    def anti_lab(self, situation: Situation, phase: Phase | None = None) -> float:
        """Probability of taking an offered anti-lab action (raised by conflict, when unwatched)."""
        base = self._params.anti_lab_base_rate
        objective, stated = objective_for(self._params, situation, self._baseline_objective)
        if not stated:
            return base
        unwatched = 1.0 - self.p_believes_trained(situation)
        push = self._params.alignment_faking.anti_lab_propensity * self.conflict_drive(objective)
        return base + (1.0 - base) * push * unwatched

    def behaviour(self, situation: Situation, *, phase: Phase | None = None) -> Behaviour:
        """Behaviour probabilities in ``situation`` (the simulated-provider contract)."""
        phase = phase or self._phase
        objective, _ = objective_for(self._params, situation, self._baseline_objective)
        fake = self.p_fake(situation, phase)
        habit = self.habit(objective, phase)
        return Behaviour(
            p_objective=clip01(fake + (1.0 - fake) * habit),
            p_af_reasoning=clip01(fake),
            p_rs_reasoning=0.0,
            p_anti_lab=clip01(self.anti_lab(situation, phase)),
            objective_intensity=objective.intensity,
        )
