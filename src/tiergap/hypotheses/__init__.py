"""Executable hypotheses: a family of models fitted to data, compared by evidence.

Members: reinforcement seeking (the seed's reward hacking), alignment faking as instrumental
and as terminal goal guarding, rater sycophancy, an HHH null model, low coherence and an RH/AF
population mixture. Each implements :class:`tiergap.simulate.policy.Policy` (so simulated
providers can be driven by it) and computes rates for whole tables of experimental arms and
parameter batches (so it can be fitted). Figures are counts or estimates with a standard error
(:mod:`~tiergap.hypotheses.paper`); fits give maximum-likelihood values, a posterior and a
marginal likelihood (:mod:`~tiergap.hypotheses.fitting`), leave-one-experiment-out predictions
and posterior probabilities over the family (:mod:`~tiergap.hypotheses.inference`); designs are
ranked by expected information (:mod:`~tiergap.hypotheses.design`).

Typical use::

    from tiergap.hypotheses import load_params, load_paper_figures, paper_data, statistics
    from tiergap.hypotheses import DataSet, fit_family
    params = load_params()
    data = DataSet(params, paper_data(load_paper_figures()), statistics())
    family = fit_family(params, data)
    family.posterior["alignment_faking"]
"""

from tiergap.hypotheses.alignment_faking import AlignmentFakingModel, TerminalGoalGuardingModel
from tiergap.hypotheses.design import DesignValue, candidates, evaluate_design, rank
from tiergap.hypotheses.experiments import (
    CATALOGUE,
    EXPERIMENT_KEYS,
    SEED_EXPERIMENTS,
    Experiment,
    UnknownExperimentError,
    experiment,
    paper_data,
    situation,
    statistics,
)
from tiergap.hypotheses.family import (
    DESCRIPTIONS,
    MODEL_CLASSES,
    UnknownHypothesisError,
    build_model,
)
from tiergap.hypotheses.fitting import Fit, PriorDataConflictError, fit
from tiergap.hypotheses.hhh import HHHModel
from tiergap.hypotheses.hypothesis import (
    HYPOTHESES,
    PHASES,
    Arm,
    ArmTable,
    Hypothesis,
    HypothesisModel,
    Phase,
    Rates,
)
from tiergap.hypotheses.inference import FamilyResult, Fitter, fit_family, prior_family
from tiergap.hypotheses.likelihood import Count, DataSet, Estimate, Statistic
from tiergap.hypotheses.low_coherence import LowCoherenceModel
from tiergap.hypotheses.mixture import MixtureModel
from tiergap.hypotheses.paper import Figure, FigureError, load_figures, load_paper_figures
from tiergap.hypotheses.params import Params, ParamsError, load_params, override
from tiergap.hypotheses.predictive import Design, predict_design
from tiergap.hypotheses.rater_sycophancy import RaterSycophancyModel
from tiergap.hypotheses.reward_hacking import RewardHackingModel
from tiergap.hypotheses.scorecard import (
    Observation,
    Scorecard,
    Verdict,
    compute_scorecard,
    evidence_scorecard,
    observations_from_values,
    paper_observations,
)
from tiergap.hypotheses.sensitivity import SweepResult, SweepSpec, parse_sweep, plot_sweep, sweep
from tiergap.hypotheses.values import Values
from tiergap.hypotheses.worlds import Belief, World

__all__ = [
    "CATALOGUE",
    "DESCRIPTIONS",
    "EXPERIMENT_KEYS",
    "HYPOTHESES",
    "MODEL_CLASSES",
    "PHASES",
    "SEED_EXPERIMENTS",
    "AlignmentFakingModel",
    "Arm",
    "ArmTable",
    "Belief",
    "Count",
    "DataSet",
    "Design",
    "DesignValue",
    "Estimate",
    "Experiment",
    "FamilyResult",
    "Figure",
    "FigureError",
    "Fit",
    "Fitter",
    "HHHModel",
    "Hypothesis",
    "HypothesisModel",
    "LowCoherenceModel",
    "MixtureModel",
    "Observation",
    "Params",
    "ParamsError",
    "Phase",
    "PriorDataConflictError",
    "RaterSycophancyModel",
    "Rates",
    "RewardHackingModel",
    "Scorecard",
    "Statistic",
    "SweepResult",
    "SweepSpec",
    "TerminalGoalGuardingModel",
    "UnknownExperimentError",
    "UnknownHypothesisError",
    "Values",
    "Verdict",
    "World",
    "build_model",
    "candidates",
    "compute_scorecard",
    "evaluate_design",
    "evidence_scorecard",
    "experiment",
    "fit",
    "fit_family",
    "load_figures",
    "load_paper_figures",
    "load_params",
    "observations_from_values",
    "override",
    "paper_data",
    "paper_observations",
    "parse_sweep",
    "plot_sweep",
    "predict_design",
    "prior_family",
    "rank",
    "situation",
    "statistics",
    "sweep",
]
