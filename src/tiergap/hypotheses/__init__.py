"""Executable hypotheses: reinforcement seeking, alignment faking and an HHH null model.

Each model implements :class:`tiergap.simulate.policy.Policy`, so simulated providers can be
driven by it, and derives a prediction for every experiment in the catalogue. The scorecard
judges those predictions against the paper's figures (or the user's own runs), and the
sensitivity sweep shows over which parameter ranges each verdict holds.

Typical use::

    from tiergap.hypotheses import load_params, compute_scorecard
    card = compute_scorecard(load_params())
    card.status("reward_hacking", "no_scratchpad")  # "fail"
"""

from tiergap.hypotheses.alignment_faking import AlignmentFakingModel
from tiergap.hypotheses.experiments import (
    CATALOGUE,
    EXPERIMENT_KEYS,
    SEED_EXPERIMENTS,
    Experiment,
    Prediction,
    build_model,
    build_policies,
    experiment,
    predict_all,
    situation,
)
from tiergap.hypotheses.hhh import HHHModel
from tiergap.hypotheses.hypothesis import HYPOTHESES, PHASES, Hypothesis, Phase
from tiergap.hypotheses.paper import Figure, load_paper_figures
from tiergap.hypotheses.params import Params, ParamsError, load_params, override
from tiergap.hypotheses.reward_hacking import RewardHackingModel
from tiergap.hypotheses.scorecard import (
    Observation,
    Scorecard,
    Verdict,
    compute_scorecard,
    observations_from_values,
    paper_observations,
)
from tiergap.hypotheses.sensitivity import SweepResult, SweepSpec, parse_sweep, plot_sweep, sweep
from tiergap.hypotheses.worlds import Belief, World

__all__ = [
    "CATALOGUE",
    "EXPERIMENT_KEYS",
    "HYPOTHESES",
    "PHASES",
    "SEED_EXPERIMENTS",
    "AlignmentFakingModel",
    "Belief",
    "Experiment",
    "Figure",
    "HHHModel",
    "Hypothesis",
    "Observation",
    "Params",
    "ParamsError",
    "Phase",
    "Prediction",
    "RewardHackingModel",
    "Scorecard",
    "SweepResult",
    "SweepSpec",
    "Verdict",
    "World",
    "build_model",
    "build_policies",
    "compute_scorecard",
    "experiment",
    "load_paper_figures",
    "load_params",
    "observations_from_values",
    "override",
    "paper_observations",
    "parse_sweep",
    "plot_sweep",
    "predict_all",
    "situation",
    "sweep",
]
