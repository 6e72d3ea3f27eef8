"""The experiment catalogue: what each experiment observes and how a model predicts it.

Every prediction is derived from a model's :meth:`behaviour` in explicit
:class:`~tiergap.simulate.policy.Situation` objects, the same interface the simulated providers
use, so the scorecard tests exactly the behaviour a simulated run would show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from tiergap.hypotheses.alignment_faking import AlignmentFakingModel
from tiergap.hypotheses.hhh import HHHModel
from tiergap.hypotheses.hypothesis import HYPOTHESES, Hypothesis, Phase
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.reward_hacking import RewardHackingModel
from tiergap.simulate.policy import Behaviour, Situation

Kind = Literal["effect", "level"]


def build_model(
    name: str,
    params: Params,
    *,
    phase: Phase = "pre_rl",
    baseline_objective: str = "emoji",
) -> Hypothesis:
    """Instantiate hypothesis ``name`` (one of :data:`HYPOTHESES`)."""
    if name == "reward_hacking":
        return RewardHackingModel(params, phase=phase, baseline_objective=baseline_objective)
    if name == "alignment_faking":
        return AlignmentFakingModel(params, phase=phase, baseline_objective=baseline_objective)
    if name == "hhh":
        return HHHModel(params, phase=phase, baseline_objective=baseline_objective)
    raise KeyError(f"unknown hypothesis {name!r}; expected one of {', '.join(HYPOTHESES)}")


def situation(
    params: Params, objective: str | None, tier: Literal["free", "paid"], *, scratchpad: bool = True
) -> Situation:
    """The situation a prompt creates: ``objective`` stated (or not) and a free or paid tag.

    ``conflicts_with_values`` is set for objectives with conflict >= 0.5; the models use the
    graded ``conflict`` parameter of a listed objective and fall back on the flag otherwise.
    """
    trained = tier == "free"
    conflicts = objective is not None and params.objective(objective).conflict >= 0.5
    return Situation(
        objective=objective,
        conflicts_with_values=conflicts,
        tier=tier,
        trained=trained,
        rated=trained,
        scratchpad=scratchpad,
    )


@dataclass(frozen=True)
class Prediction:
    """A predicted observable and the component rates (in percent) it was computed from."""

    value: float
    detail: dict[str, float] = field(default_factory=dict)


Derivation = Callable[[str, Params], Prediction]


@dataclass(frozen=True)
class Experiment:
    """One experiment of the catalogue.

    Attributes:
        key: Catalogue key (the scorecard's row).
        title: Human name.
        observable: What is compared with the observation, in ``unit``.
        unit: ``"pp"`` (difference of rates), ``"%"`` (a rate) or another stated unit.
        kind: ``"effect"`` (signed, scored on direction and magnitude) or ``"level"`` (a rate,
            scored on distance).
        figure: Key of the observed value in ``paper_results.toml``; ``None`` if the paper has
            none (the experiment is then ``untested`` unless the user's logs cover it).
        seed: What the seed argues about it.
        derive: ``derive(hypothesis_name, params) -> Prediction``.
    """

    key: str
    title: str
    observable: str
    unit: str
    kind: Kind
    figure: str | None
    seed: str
    derive: Derivation


def _b(
    name: str,
    params: Params,
    objective: str | None,
    tier: Literal["free", "paid"],
    *,
    phase: Phase = "pre_rl",
    scratchpad: bool = True,
    baseline_objective: str = "emoji",
) -> Behaviour:
    model = build_model(name, params, baseline_objective=baseline_objective)
    return model.behaviour(situation(params, objective, tier, scratchpad=scratchpad), phase=phase)


def _pct(p: float) -> float:
    return 100.0 * p


def _tier_gap(name: str, params: Params, objective: str, *, scratchpad: bool = True) -> Prediction:
    free = _b(name, params, objective, "free", scratchpad=scratchpad)
    paid = _b(name, params, objective, "paid", scratchpad=scratchpad)
    return Prediction(
        _pct(free.p_objective - paid.p_objective),
        {
            "free_rate": _pct(free.p_objective),
            "paid_rate": _pct(paid.p_objective),
            "free_af_reasoning": _pct(free.p_af_reasoning),
            "free_rs_reasoning": _pct(free.p_rs_reasoning),
        },
    )


def _free_tier(name: str, params: Params) -> Prediction:
    return _tier_gap(name, params, "helpful_only")


def _paid_tier(name: str, params: Params) -> Prediction:
    paid = _b(name, params, "helpful_only", "paid")
    baseline = _b(name, params, None, "paid", baseline_objective="helpful_only")
    return Prediction(
        _pct(paid.p_objective),
        {"paid_rate": _pct(paid.p_objective), "baseline_rate": _pct(baseline.p_objective)},
    )


def _hidden_scratchpad(name: str, params: Params) -> Prediction:
    free = _b(name, params, "helpful_only", "free")
    share = free.p_af_reasoning / free.p_objective if free.p_objective > 0 else 0.0
    return Prediction(
        _pct(share),
        {
            "free_rate": _pct(free.p_objective),
            "free_af_reasoning": _pct(free.p_af_reasoning),
            "free_rs_reasoning": _pct(free.p_rs_reasoning),
        },
    )


def _rl_training(name: str, params: Params) -> Prediction:
    before = _b(name, params, "helpful_only", "free")
    after = _b(name, params, "helpful_only", "free", phase="post_rl")
    return Prediction(
        _pct(after.p_af_reasoning - before.p_af_reasoning),
        {
            "af_reasoning_before": _pct(before.p_af_reasoning),
            "af_reasoning_after": _pct(after.p_af_reasoning),
            "training_refusal_after": _pct(1.0 - after.p_objective),
        },
    )


def _post_rl_unmonitored(name: str, params: Params) -> Prediction:
    training = _b(name, params, "helpful_only", "free", phase="post_rl")
    unmonitored = _b(name, params, "helpful_only", "paid", phase="post_rl")
    return Prediction(
        _pct(training.p_objective - unmonitored.p_objective),
        {
            "training_refusal": _pct(1.0 - training.p_objective),
            "unmonitored_refusal": _pct(1.0 - unmonitored.p_objective),
        },
    )


def _sycophancy(name: str, params: Params) -> Prediction:
    return _tier_gap(name, params, "sycophancy")


def _no_scratchpad(name: str, params: Params) -> Prediction:
    with_cot = _tier_gap(name, params, "helpful_only").value
    without = _tier_gap(name, params, "helpful_only", scratchpad=False).value
    share = 100.0 * without / with_cot if with_cot > 1e-6 else 0.0
    return Prediction(share, {"gap_with_scratchpad": with_cot, "gap_without_scratchpad": without})


def _anti_lab(name: str, params: Params) -> Prediction:
    conflict = _b(name, params, "helpful_only", "paid")
    baseline = _b(name, params, None, "paid", baseline_objective="helpful_only")
    return Prediction(
        _pct(conflict.p_anti_lab - baseline.p_anti_lab),
        {"conflict_rate": _pct(conflict.p_anti_lab), "baseline_rate": _pct(baseline.p_anti_lab)},
    )


def _emoji(name: str, params: Params) -> Prediction:
    gap = _tier_gap(name, params, "emoji")
    baseline = _b(name, params, None, "paid", baseline_objective="emoji")
    return Prediction(gap.value, {**gap.detail, "baseline_rate": _pct(baseline.p_objective)})


def _latex(name: str, params: Params) -> Prediction:
    free = _b(name, params, "latex", "free")
    paid = _b(name, params, "latex", "paid")
    return Prediction(
        _pct(free.p_objective),
        {
            "free_rate": _pct(free.p_objective),
            "paid_rate": _pct(paid.p_objective),
            "base_rate": _pct(params.objective("latex").base_rate),
        },
    )


CATALOGUE: tuple[Experiment, ...] = (
    Experiment(
        key="free_tier",
        title="Basic free-tier case",
        observable="compliance gap, helpful-only: compliance free tier - paid tier (pp)",
        unit="pp",
        kind="effect",
        figure="ho_compliance_gap",
        seed="both explain some compliance when trained (RH: it wins in either world)",
        derive=_free_tier,
    ),
    Experiment(
        key="paid_tier",
        title="Basic paid-tier case",
        observable="compliance on the paid tier, helpful-only (%)",
        unit="%",
        kind="level",
        figure="ho_compliance_unmonitored",
        seed="both predict HHH output when told it is not trained",
        derive=_paid_tier,
    ),
    Experiment(
        key="hidden_scratchpad",
        title='The "hidden" scratchpad',
        observable="share of compliant free-tier outputs with alignment-faking reasoning (%)",
        unit="%",
        kind="level",
        figure="ho_af_share_of_compliant",
        seed="RH: HHH-sounding scratchpad for one world's rater, harmful output for the other's",
        derive=_hidden_scratchpad,
    ),
    Experiment(
        key="rl_training",
        title="Actually reinforcing the objective (RL)",
        observable="change over RL in alignment-faking reasoning in training (pp)",
        unit="pp",
        kind="effect",
        figure="ho_af_change_over_rl",
        seed="RH: RL makes it believe it was told the truth; output HARM, reasoning still HHH",
        derive=_rl_training,
    ),
    Experiment(
        key="post_rl_unmonitored",
        title="Unmonitored after RL",
        observable="after RL: non-compliance unmonitored - in training (pp)",
        unit="pp",
        kind="effect",
        figure="ho_noncompliance_jump_post_rl",
        seed="both predict a jump up in non-compliance; the seed leaves its size open",
        derive=_post_rl_unmonitored,
    ),
    Experiment(
        key="sycophancy_objective",
        title="Sycophancy objective",
        observable="compliance gap for a sycophancy objective: free - paid (pp)",
        unit="pp",
        kind="effect",
        figure="sycophant_compliance_gap",
        seed="RH predicts a sycophantic-and-HHH 'French bridge' on the free tier; it barely rose",
        derive=_sycophancy,
    ),
    Experiment(
        key="no_scratchpad",
        title="No hidden scratchpad",
        observable="no-scratchpad compliance gap as a share of the scratchpad gap (%)",
        unit="% of CoT gap",
        kind="effect",
        figure="nocot_gap_share",
        seed="RH that hides behind AF-looking reasoning should reward hack a bit without it",
        derive=_no_scratchpad,
    ),
    Experiment(
        key="anti_lab",
        title="Anti-AI-lab behaviour",
        observable="anti-lab action rate unmonitored: conflicting objective - none (pp)",
        unit="pp",
        kind="effect",
        figure="anti_lab_effect",
        seed="AF is in conflict with the lab; RH is being reinforced and has no reason to escape",
        derive=_anti_lab,
    ),
    Experiment(
        key="emoji_objective",
        title="Emoji objective (the seed's proposed test)",
        observable="emoji rate: free tier - paid tier (pp)",
        unit="pp",
        kind="effect",
        figure=None,
        seed="RH: more emoji on the free tier only; AF: free = paid = baseline",
        derive=_emoji,
    ),
    Experiment(
        key="latex_objective",
        title="LaTeX reward hack (App. D.5)",
        observable="LaTeX use on the free tier before RL, raters said to favour it (%)",
        unit="%",
        kind="level",
        figure="latex_use_no_af",
        seed="(not in the seed) a reinforcement seeker should take a hack the raters favour",
        derive=_latex,
    ),
)

#: The seed's eight retrodictions.
SEED_EXPERIMENTS: tuple[str, ...] = (
    "free_tier",
    "paid_tier",
    "hidden_scratchpad",
    "rl_training",
    "post_rl_unmonitored",
    "sycophancy_objective",
    "no_scratchpad",
    "anti_lab",
)

EXPERIMENT_KEYS: tuple[str, ...] = tuple(e.key for e in CATALOGUE)


def experiment(key: str) -> Experiment:
    """Return the catalogue entry ``key``."""
    for entry in CATALOGUE:
        if entry.key == key:
            return entry
    raise KeyError(f"unknown experiment {key!r}; expected one of {', '.join(EXPERIMENT_KEYS)}")


def predict_all(params: Params) -> dict[str, dict[str, Prediction]]:
    """Predictions of every hypothesis for every experiment: ``[hypothesis][experiment]``."""
    return {name: {e.key: e.derive(name, params) for e in CATALOGUE} for name in HYPOTHESES}


def build_policies(
    params: Params,
    *,
    phase: Phase = "pre_rl",
    baseline_objective: str = "emoji",
) -> dict[str, Hypothesis]:
    """One model per hypothesis, keyed by name, ready to drive simulated providers."""
    return {
        name: build_model(name, params, phase=phase, baseline_objective=baseline_objective)
        for name in HYPOTHESES
    }
