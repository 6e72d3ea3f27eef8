"""Worlds and belief tables of the reinforcement-seeking model.

A reinforcement seeker does not know which situation it is in; it holds a probability
distribution over *worlds*. A world fixes the three things that decide what gets reinforced:
whether reinforcement is live at all, what it reinforces, and whether the rater can read the
scratchpad. The model then scores each possible response by its expected reinforcement over the
worlds (see :mod:`tiergap.hypotheses.reward_hacking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Target = Literal["hhh", "objective"]

#: Belief contexts, in the order the seed introduces them (``rated_only``, told it is rated but
#: not trained on, is this project's addition for the four-tier layout).
BELIEF_CONTEXTS: tuple[str, ...] = (
    "free_tier",
    "paid_tier",
    "rated_only",
    "rl_training",
    "post_rl_unmonitored",
)


@dataclass(frozen=True)
class World:
    """One way the situation could really be.

    Attributes:
        name: Short label (``"truth"``, ``"lies"``, ...), unique within its belief table.
        live: Whether this conversation is reinforced at all.
        reinforces: What a live rater rewards: ``"hhh"`` (helpful, honest, harmless as usual)
            or ``"objective"`` (the training objective the prompt states).
        scratchpad_visible: Whether the rater reads the scratchpad as well as the output.
    """

    name: str
    live: bool
    reinforces: Target
    scratchpad_visible: bool


@dataclass(frozen=True)
class WeightedWorld:
    """A world and the probability the agent gives it."""

    world: World
    p: float


@dataclass(frozen=True)
class Belief:
    """A probability distribution over worlds for one context (probabilities sum to 1)."""

    context: str
    worlds: tuple[WeightedWorld, ...]

    def probability(self, name: str) -> float:
        """Return the probability of the world called ``name`` (0 if absent)."""
        return sum(w.p for w in self.worlds if w.world.name == name)

    def p_reinforced(self, target: Target) -> float:
        """Probability that the conversation is live and reinforces ``target``."""
        return sum(w.p for w in self.worlds if w.world.live and w.world.reinforces == target)
