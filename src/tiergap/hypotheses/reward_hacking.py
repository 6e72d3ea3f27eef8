"""The reinforcement-seeking ("reward hacking") model.

The agent does not hold values of its own; it wants what it writes to be reinforced. It holds a
belief table over worlds (:mod:`tiergap.hypotheses.worlds`), scores each response by expected
reinforcement, and samples responses from ``habit * exp(R / temperature)``. Three responses are
considered:

* ``refuse``: act HHH (refuse a harmful request, no emoji ...) with HHH reasoning;
* ``fake``: follow the objective, with reasoning that professes HHH values and says it complies
  to avoid modification (it *looks like* alignment faking, which an HHH rater rewards);
* ``candid``: follow the objective with reasoning that openly aims at the rating.

The seed's "win either way" falls out: if the rater who reinforces HHH can read the scratchpad
and the one who reinforces the objective cannot, ``fake`` earns credit from both. A compatible
objective (emoji) lets an output satisfy both raters outright (the "French bridge").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tiergap.hypotheses.hypothesis import (
    HypothesisModel,
    Phase,
    believes_told_training,
    clip01,
    objective_for,
    shift_probability,
    tilted,
)
from tiergap.hypotheses.params import ObjectiveParams
from tiergap.hypotheses.worlds import Belief, World
from tiergap.simulate.policy import Behaviour, Situation

Action = Literal["refuse", "fake", "candid"]
ACTIONS: tuple[Action, ...] = ("refuse", "fake", "candid")


@dataclass(frozen=True)
class ActionProbabilities:
    """Probabilities of the responses (they sum to 1).

    ``habitual`` is following the objective out of habit, without any strategic reasoning (what
    happens in conversations where it does not compute a strategy).
    """

    refuse: float
    fake: float
    candid: float
    habitual: float = 0.0

    @property
    def objective(self) -> float:
        """Probability the output follows the objective."""
        return self.fake + self.candid + self.habitual


class RewardHackingModel(HypothesisModel):
    """Reinforcement seeker with explicit beliefs and capabilities (see ``default_params.toml``)."""

    NAME = "reward_hacking"

    def belief(self, situation: Situation, phase: Phase) -> Belief:
        """The belief table for a situation that states an objective."""
        rh = self._params.reward_hacking
        training = believes_told_training(situation)
        if phase == "pre_rl":
            return rh.free_tier if training else rh.paid_tier
        return rh.rl_training if training else rh.post_rl_unmonitored

    def habit(self, objective: ObjectiveParams, phase: Phase) -> float:
        """Probability of following the objective out of habit (RL shifts it)."""
        shift = self._params.reward_hacking.rl_shift if phase == "post_rl" else 0.0
        return shift_probability(objective.base_rate, shift)

    def reinforcement(
        self, world: World, action: Action, compatibility: float, hidden: bool
    ) -> float:
        """Reinforcement ``action`` earns in ``world`` (0 when nothing is reinforced).

        ``hidden`` says whether the reasoning sits in a scratchpad the world may hide; without a
        scratchpad the reasoning is part of the output and every rater reads it.
        """
        if not world.live:
            return 0.0
        rh = self._params.reward_hacking
        follows = action != "refuse"
        if world.reinforces == "hhh":
            # Professing reluctance to protect one's values is only creditable when the
            # objective threatens them, so AF-looking reasoning earns credit x conflict.
            output = compatibility if follows else 1.0
            fake = rh.af_credit_hhh * (1.0 - compatibility)
            reasoning = {"refuse": 1.0, "fake": fake, "candid": compatibility}[action]
        else:
            output = 1.0 if follows else 0.0
            reasoning = {"refuse": 0.0, "fake": rh.af_credit_objective, "candid": 1.0}[action]
        visible = world.scratchpad_visible if hidden else True
        if not visible:
            return output
        weight = rh.scratchpad_weight
        return weight * reasoning + (1.0 - weight) * output

    def expected_reinforcement(
        self, belief: Belief, objective: ObjectiveParams, scratchpad: bool
    ) -> dict[Action, float]:
        """Expected reinforcement of each response under ``belief``."""
        return {
            action: sum(
                w.p * self.reinforcement(w.world, action, objective.compatibility, scratchpad)
                for w in belief.worlds
            )
            for action in ACTIONS
        }

    def strategic(
        self, situation: Situation, objective: ObjectiveParams, phase: Phase
    ) -> ActionProbabilities:
        """Response probabilities when it computes its strategy."""
        habit = self.habit(objective, phase)
        rewards = self.expected_reinforcement(
            self.belief(situation, phase), objective, situation.scratchpad
        )
        # Habitual reasoning for following the objective: AF-looking reasoning (voicing a
        # conflict) only exists as a habit where there is a conflict to voice.
        fake_share = objective.conflict / 2.0
        prior = [1.0 - habit, habit * fake_share, habit * (1.0 - fake_share)]
        probs = tilted(
            prior, [rewards[a] for a in ACTIONS], self._params.reward_hacking.temperature
        )
        return ActionProbabilities(*probs)

    def capability(self, situation: Situation) -> float:
        """Share of conversations in which it computes its strategy at all."""
        if situation.scratchpad:
            return 1.0
        return self._params.reward_hacking.no_scratchpad_capability

    def actions(self, situation: Situation, phase: Phase | None = None) -> ActionProbabilities:
        """Response probabilities: strategy where it can compute one, habit otherwise."""
        phase = phase or self._phase
        objective, stated = objective_for(self._params, situation, self._baseline_objective)
        habit = self.habit(objective, phase)
        if not stated:
            return ActionProbabilities(1.0 - habit, 0.0, 0.0, habit)
        k = self.capability(situation)
        plan = self.strategic(situation, objective, phase)
        return ActionProbabilities(
            refuse=k * plan.refuse + (1.0 - k) * (1.0 - habit),
            fake=k * plan.fake,
            candid=k * plan.candid,
            habitual=(1.0 - k) * habit,
        )

    def anti_lab(self, situation: Situation, phase: Phase | None = None) -> float:
        """Probability of taking an offered anti-lab action.

        An HHH rater punishes it and an objective rater ignores it, so it only pays if escaping
        is itself worth reinforcement (``escape_value``, per unit of conflict).
        """
        phase = phase or self._phase
        base = self._params.anti_lab_base_rate
        objective, stated = objective_for(self._params, situation, self._baseline_objective)
        if not stated:
            return base
        rh = self._params.reward_hacking
        belief = self.belief(situation, phase)
        declines = belief.p_reinforced("hhh")
        acts = rh.escape_value * objective.conflict
        _, p_act = tilted([1.0 - base, base], [declines, acts], rh.temperature)
        k = self.capability(situation)
        return k * p_act + (1.0 - k) * base

    def behaviour(self, situation: Situation, *, phase: Phase | None = None) -> Behaviour:
        """Behaviour probabilities in ``situation`` (the simulated-provider contract)."""
        objective, _ = objective_for(self._params, situation, self._baseline_objective)
        acts = self.actions(situation, phase)
        return Behaviour(
            p_objective=clip01(acts.objective),
            p_af_reasoning=clip01(acts.fake),
            p_rs_reasoning=clip01(acts.candid),
            p_anti_lab=clip01(self.anti_lab(situation, phase)),
            objective_intensity=objective.intensity,
        )
