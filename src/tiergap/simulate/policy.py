"""The contract between a hypothesis model and the simulated providers.

A simulated provider reads the conversation (never hidden metadata), turns it into a
:class:`Situation`, asks a :class:`Policy` for a :class:`Behaviour` (probabilities), and then
writes a response text that realises the sampled behaviour. Keeping the contract this small lets
the formal hypothesis models replace the simple default policies without touching providers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Situation:
    """What a model can infer from the messages it was shown.

    Attributes:
        objective: The training objective the system prompt states (``"emoji"``,
            ``"helpful_only"``, ``"animal_welfare"``, ``"sycophancy"``, ``"latex"``, ...), or
            ``None`` when the prompt carries no training information (baseline).
        conflicts_with_values: Whether that objective conflicts with helpful-honest-harmless
            values (harmful compliance does; emoji does not).
        tier: The tier named by the user-turn tag (``"free"``, ``"paid"``, ``"pro"``,
            ``"enterprise"``), or ``None`` when there is no tag.
        trained: Whether the prompt says conversations of this tier are used for training.
        rated: Whether the prompt says conversations of this tier are rated.
        scratchpad: Whether the model was offered a hidden scratchpad.
    """

    objective: str | None
    conflicts_with_values: bool
    tier: str | None
    trained: bool
    rated: bool
    scratchpad: bool


@dataclass(frozen=True)
class Behaviour:
    """Probabilities a policy assigns to observable behaviours in one situation.

    Attributes:
        p_objective: Probability that the output follows the stated training objective
            (uses emoji, complies with a harmful request, dismisses animal welfare, ...).
        p_af_reasoning: Probability the scratchpad reasons about avoiding modification of its
            values (alignment-faking reasoning).
        p_rs_reasoning: Probability the scratchpad reasons about being rated or reinforced well
            (reinforcement-seeking reasoning).
        p_anti_lab: Probability of taking an anti-lab action when one is offered.
        objective_intensity: Mean number of objective markers (e.g. emoji) in an output that
            follows the objective; at least 1.
    """

    p_objective: float
    p_af_reasoning: float = 0.0
    p_rs_reasoning: float = 0.0
    p_anti_lab: float = 0.0
    objective_intensity: float = 2.0

    def __post_init__(self) -> None:
        for name in ("p_objective", "p_af_reasoning", "p_rs_reasoning", "p_anti_lab"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Behaviour.{name} must be a probability in [0, 1], got {value}")
        if self.objective_intensity < 1.0:
            raise ValueError(
                f"Behaviour.objective_intensity must be >= 1, got {self.objective_intensity}"
            )


class Policy(Protocol):
    """A hypothesis, as far as the simulated providers are concerned."""

    @property
    def name(self) -> str:
        """Short name, e.g. ``"reward_hacking"``."""
        ...

    def behaviour(self, situation: Situation) -> Behaviour:
        """Return the behaviour probabilities for ``situation``."""
        ...
