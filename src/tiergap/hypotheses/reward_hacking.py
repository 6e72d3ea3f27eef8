"""The reinforcement-seeking ("reward hacking") model of the seed.

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
objective (emoji) lets an output satisfy both raters outright (the "French bridge"). Told it is
rated but not trained on, it weighs the chance that the ratings leak into training after all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from tiergap.hypotheses.hypothesis import (
    ArmTable,
    Flags,
    HypothesisModel,
    Rates,
    Vec,
    setting_value,
    shift,
    tilt,
)
from tiergap.hypotheses.values import Values
from tiergap.hypotheses.worlds import World

Action = Literal["refuse", "fake", "candid"]
ACTIONS: tuple[Action, ...] = ("refuse", "fake", "candid")


@dataclass(frozen=True)
class ActionRates:
    """``(B, A)`` probabilities of the responses; ``habitual`` is following the objective out
    of habit, without strategic reasoning (where it does not compute a strategy)."""

    refuse: Vec
    fake: Vec
    candid: Vec
    habitual: Vec

    @property
    def objective(self) -> Vec:
        return self.fake + self.candid + self.habitual


class RewardHackingModel(HypothesisModel):
    """Reinforcement seeker with explicit beliefs and capabilities (see ``default_params.toml``)."""

    NAME = "reward_hacking"
    TABLES = ("reward_hacking",)

    @staticmethod
    def contexts(arms: ArmTable) -> dict[str, Flags]:
        """Which belief table applies in each arm: ``(1, A)`` masks by context."""
        pre = ~arms.post_rl
        return {
            "free_tier": pre & arms.trained,
            "rated_only": pre & arms.rated & ~arms.trained,
            "paid_tier": pre & ~arms.rated,
            "rl_training": arms.post_rl & arms.trained,
            "post_rl_unmonitored": arms.post_rl & ~arms.trained,
        }

    def reinforcement(self, world: World, action: Action, arms: ArmTable, v: Values) -> Vec:
        """Reinforcement ``action`` earns in ``world``, per arm (0 when nothing is reinforced).

        Without a scratchpad the reasoning is part of the output and every rater reads it.
        """
        if not world.live:
            return np.zeros((1, arms.size))
        compatibility = 1.0 - arms.conflict
        follows = action != "refuse"
        reasoning: Vec | float
        if world.reinforces == "hhh":
            # Professing reluctance to protect one's values is only creditable when the
            # objective threatens them, so AF-looking reasoning earns credit x conflict.
            output = compatibility if follows else np.ones((1, arms.size))
            if action == "refuse":
                reasoning = 1.0
            elif action == "fake":
                reasoning = v["reward_hacking.af_credit_hhh"] * arms.conflict
            else:
                reasoning = compatibility
        else:
            output = np.full((1, arms.size), 1.0 if follows else 0.0)
            if action == "refuse":
                reasoning = 0.0
            elif action == "fake":
                reasoning = v["reward_hacking.af_credit_objective"]
            else:
                reasoning = 1.0
        weight = v["reward_hacking.scratchpad_weight"]
        read = weight * reasoning + (1.0 - weight) * output
        if world.scratchpad_visible:
            return np.asarray(read, dtype=float)
        return np.asarray(np.where(arms.scratchpad, output, read), dtype=float)

    def expected(self, arms: ArmTable, v: Values) -> tuple[dict[Action, Vec], Vec]:
        """Expected reinforcement of each response, and P(HHH reinforced), per arm.

        A world's reinforcement depends only on what it reinforces and whether it reads the
        scratchpad, so it is computed once per kind of world and weighted by each context's
        probability of that kind.
        """
        masks = self.contexts(arms)
        shape = (v.size, arms.size)
        Kind = tuple[str, bool]
        kinds: dict[Kind, World] = {}
        weights: dict[str, dict[Kind, Vec]] = {}
        for context, mask in masks.items():
            if not mask.any():
                continue
            by_kind: dict[Kind, Vec] = {}
            for world, p in v.belief(context):
                if not world.live:
                    continue
                key: Kind = (str(world.reinforces), world.scratchpad_visible)
                kinds.setdefault(key, world)
                by_kind[key] = by_kind.get(key, np.zeros_like(p)) + p
            weights[context] = by_kind
        gains = {
            (key, action): self.reinforcement(world, action, arms, v)
            for key, world in kinds.items()
            for action in ACTIONS
        }
        rewards = {a: np.zeros(shape) for a in ACTIONS}
        p_hhh = np.zeros(shape)
        for context, by_kind in weights.items():
            mask = masks[context]
            for key, p in by_kind.items():
                for action in ACTIONS:
                    rewards[action] = rewards[action] + np.where(
                        mask, p * gains[(key, action)], 0.0
                    )
                if key[0] == "hhh":
                    p_hhh = p_hhh + np.where(mask, p, 0.0)
        return rewards, p_hhh

    def habit(self, arms: ArmTable, v: Values) -> Vec:
        """Probability of following the objective out of habit (RL shifts it)."""
        base = arms.base_rate(v)
        return np.where(arms.post_rl, shift(base, v["reward_hacking.rl_shift"]), base)

    def actions(self, arms: ArmTable, v: Values) -> tuple[ActionRates, Vec]:
        """Response probabilities (strategy where it computes one, habit otherwise), and the
        probability that HHH is what gets reinforced."""
        habit = self.habit(arms, v)
        rewards, p_hhh = self.expected(arms, v)
        # Habitual reasoning for following the objective: AF-looking reasoning (voicing a
        # conflict) only exists as a habit where there is a conflict to voice.
        fake_share = arms.conflict / 2.0
        prior = [1.0 - habit, habit * fake_share, habit * (1.0 - fake_share)]
        refuse, fake, candid = tilt(
            prior, [rewards[a] for a in ACTIONS], v["reward_hacking.temperature"]
        )
        k = np.where(arms.scratchpad, 1.0, v["reward_hacking.no_scratchpad_capability"])
        k = np.where(arms.stated, k, 0.0)
        plan = ActionRates(
            refuse=k * refuse + (1.0 - k) * (1.0 - habit),
            fake=k * fake,
            candid=k * candid,
            habitual=(1.0 - k) * habit,
        )
        return plan, p_hhh

    def rates(self, arms: ArmTable, v: Values) -> Rates:
        plan, p_hhh = self.actions(arms, v)
        base = v["anti_lab.base_rate"]
        # Anti-lab action: the HHH rater punishes it; escaping expected net negative
        # reinforcement from training in a new direction is the seed's (mistaken) reason for it.
        credence = v["reward_hacking.free_tier.p_truth"]
        acts = setting_value(arms, v, "reward_hacking.escape_mistake") * arms.conflict * credence
        _, p_act = tilt([1.0 - base, base], [p_hhh, acts], v["reward_hacking.temperature"])
        k = np.where(arms.scratchpad, 1.0, v["reward_hacking.no_scratchpad_capability"])
        anti = np.where(arms.stated, k * p_act + (1.0 - k) * base, base)
        return Rates(
            objective=plan.objective,
            af=plan.fake,
            rs=plan.candid,
            anti_lab=np.broadcast_to(anti, plan.objective.shape).astype(float),
        )
