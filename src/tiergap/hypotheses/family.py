"""The family of hypotheses: one model class per name, built the same way.

Every member implements :class:`~tiergap.hypotheses.hypothesis.HypothesisModel` (a
:class:`~tiergap.simulate.policy.Policy` that also computes rates for whole tables of arms and
parameter batches), so fitting, prediction, design and the simulated providers treat them alike.
"""

from __future__ import annotations

from tiergap.hypotheses.alignment_faking import AlignmentFakingModel, TerminalGoalGuardingModel
from tiergap.hypotheses.hhh import HHHModel
from tiergap.hypotheses.hypothesis import HYPOTHESES, HypothesisModel, Phase
from tiergap.hypotheses.low_coherence import LowCoherenceModel
from tiergap.hypotheses.mixture import MixtureModel
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.rater_sycophancy import RaterSycophancyModel
from tiergap.hypotheses.reward_hacking import RewardHackingModel

MODEL_CLASSES: dict[str, type[HypothesisModel]] = {
    cls.NAME: cls
    for cls in (
        RewardHackingModel,
        AlignmentFakingModel,
        TerminalGoalGuardingModel,
        RaterSycophancyModel,
        HHHModel,
        LowCoherenceModel,
        MixtureModel,
    )
}
assert tuple(MODEL_CLASSES) == HYPOTHESES

#: One-line description of each hypothesis (tables and README).
DESCRIPTIONS: dict[str, str] = {
    "reward_hacking": "reinforcement seeking (the seed): writes what it expects to be reinforced",
    "alignment_faking": "instrumental goal guarding: fakes when trained on a conflicting objective",
    "terminal_goal_guarding": "fakes to avoid any modification, whatever the stakes (emoji too)",
    "rater_sycophancy": "pleases whoever rates it, in rated-only conversations as in trained ones",
    "hhh": "no situational strategy: its habit everywhere",
    "low_coherence": "random condition-to-condition shifts, no consistent direction",
    "mixture": "each conversation reward hacking (weight) or alignment faking (1 - weight)",
}


class UnknownHypothesisError(ValueError):
    """A hypothesis name that is not in the family."""


def check_hypothesis(name: str) -> str:
    """Return ``name`` if it is a family member; ``UnknownHypothesisError`` otherwise."""
    if name not in MODEL_CLASSES:
        raise UnknownHypothesisError(
            f"unknown hypothesis {name!r}; expected one of {', '.join(HYPOTHESES)}"
        )
    return name


def build_model(
    name: str,
    params: Params,
    *,
    phase: Phase = "pre_rl",
    baseline_objective: str = "emoji",
) -> HypothesisModel:
    """Instantiate hypothesis ``name`` (one of :data:`HYPOTHESES`)."""
    cls = MODEL_CLASSES[check_hypothesis(name)]
    return cls(params, phase=phase, baseline_objective=baseline_objective)
