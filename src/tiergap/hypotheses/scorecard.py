"""The scorecard: predictions judged against observations by how many standard errors apart.

A prediction *passes* when ``|predicted - observed| <= z * sqrt(SE_obs^2 + SD_pred^2)``, with
the observation's standard error and the prediction's own spread (``z`` in ``[scoring]``). There
are two scorecards:

* :func:`compute_scorecard`: point predictions at one parameter set against the observations
  (what the report shows and what a sweep varies);
* :func:`evidence_scorecard`: the fitted family. Each cell has the in-sample prediction (from
  the posterior given all the figures), the **held-out** prediction (from a refit without that
  experiment's figures: a figure its parameters did not see), the log-likelihood of the
  experiment's figures, and each hypothesis its fitted parameters (with the figures each was
  fitted to), log evidence and posterior probability.

An experiment without an observation is ``untested`` and counts towards neither total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tiergap.hypotheses.experiments import CATALOGUE, EXPERIMENT_KEYS, Experiment, statistics
from tiergap.hypotheses.family import build_model
from tiergap.hypotheses.hypothesis import HYPOTHESES
from tiergap.hypotheses.inference import FamilyResult, Prediction, describe_fit
from tiergap.hypotheses.likelihood import DataSet
from tiergap.hypotheses.paper import PAPER_CITATION, Figure, load_paper_figures
from tiergap.hypotheses.params import Params
from tiergap.hypotheses.values import Values

Status = Literal["pass", "fail", "untested"]


@dataclass(frozen=True)
class Observation:
    """An observed value for one experiment, in the experiment's unit."""

    experiment: str
    value: float
    se: float | None
    source: str
    setting: str = "prompted"


@dataclass(frozen=True)
class Verdict:
    """One cell of a point scorecard."""

    experiment: str
    predicted: float
    observed: float | None
    status: Status
    reason: str
    z: float | None = None
    detail: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class HypothesisCard:
    """All verdicts for one hypothesis."""

    name: str
    verdicts: tuple[Verdict, ...]

    @property
    def passed(self) -> int:
        return sum(v.status == "pass" for v in self.verdicts)

    @property
    def failed(self) -> int:
        return sum(v.status == "fail" for v in self.verdicts)

    def verdict(self, experiment: str) -> Verdict:
        for verdict in self.verdicts:
            if verdict.experiment == experiment:
                return verdict
        raise KeyError(experiment)


@dataclass(frozen=True)
class Scorecard:
    """A point scorecard and what it was judged against."""

    cards: tuple[HypothesisCard, ...]
    against: str

    def card(self, name: str) -> HypothesisCard:
        for card in self.cards:
            if card.name == name:
                return card
        raise KeyError(name)

    def status(self, hypothesis: str, experiment: str) -> Status:
        return self.card(hypothesis).verdict(experiment).status

    def to_json(self) -> dict[str, Any]:
        return {
            "against": self.against,
            "hypotheses": {
                card.name: {
                    "experiments": {
                        v.experiment: {
                            "predicted": round(v.predicted, 4),
                            "observed": None if v.observed is None else round(v.observed, 4),
                            "status": v.status,
                            "z": None if v.z is None else round(v.z, 3),
                            "reason": v.reason,
                        }
                        for v in card.verdicts
                    },
                    "passed": card.passed,
                    "failed": card.failed,
                }
                for card in self.cards
            },
        }


def observations_from_figures(figures: Mapping[str, Figure]) -> dict[str, Observation]:
    """The observed observable of every catalogue experiment the figures cover."""
    observations: dict[str, Observation] = {}
    for entry in CATALOGUE:
        if entry.figure is None or entry.figure not in figures:
            continue
        figure = figures[entry.figure]
        observations[entry.key] = Observation(
            entry.key,
            figure.value,
            figure.se,
            f"{PAPER_CITATION}: {figure.cite()}",
            figure.setting,
        )
    return observations


def paper_observations() -> dict[str, Observation]:
    """Observed values from the paper for every catalogue experiment that has one."""
    return observations_from_figures(load_paper_figures())


def observations_from_values(values: Mapping[str, float], source: str) -> dict[str, Observation]:
    """Turn ``{experiment: value, "<experiment>.se": se}`` (e.g. from logs) into observations.

    Raises:
        ValueError: for a key that is neither an experiment nor ``<experiment>.se``.
    """
    allowed = set(EXPERIMENT_KEYS) | {f"{k}.se" for k in EXPERIMENT_KEYS}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValueError(
            f"{source}: unknown observation key(s) {', '.join(unknown)}; "
            f"expected experiment keys ({', '.join(EXPERIMENT_KEYS)}) or '<key>.se'"
        )
    return {
        key: Observation(key, float(values[key]), values.get(f"{key}.se"), source)
        for key in EXPERIMENT_KEYS
        if key in values
    }


def judge(
    entry: Experiment,
    predicted: float,
    observation: Observation | None,
    z_limit: float,
    spread: float = 0.0,
) -> tuple[Status, str, float | None]:
    """The z rule: status, a one-line reason and z (``None`` when untested)."""
    unit = entry.unit
    number = "{:+.1f}" if entry.kind == "effect" else "{:.1f}"
    if observation is None:
        return "untested", f"no observation; predicts {number.format(predicted)} {unit}", None
    se = math.sqrt((observation.se or 0.0) ** 2 + spread**2)
    head = (
        f"predicted {number.format(predicted)} {unit} vs observed "
        f"{number.format(observation.value)} ± {observation.se or 0.0:.1f}"
    )
    if se <= 0:
        z = (
            0.0
            if abs(predicted - observation.value) < 1e-9
            else math.copysign(math.inf, predicted - observation.value)
        )
    else:
        z = (predicted - observation.value) / se
    status: Status = "pass" if abs(z) <= z_limit else "fail"
    direction = "within" if status == "pass" else "outside"
    return status, f"{head}: z = {z:+.1f}, {direction} ±{z_limit:g}", z


def point_predictions(params: Params) -> dict[str, dict[str, float]]:
    """Every hypothesis's prediction of every observable at ``params``: ``[h][experiment]``."""
    data = DataSet(params, (), statistics())
    values = Values(params)
    out: dict[str, dict[str, float]] = {}
    for name in HYPOTHESES:
        predicted = data.predict(build_model(name, params), values)
        out[name] = {k: float(v[0][0]) for k, v in predicted.items()}
    return out


def compute_scorecard(
    params: Params,
    observations: Mapping[str, Observation] | None = None,
    *,
    against: str = "paper",
) -> Scorecard:
    """Judge each hypothesis's point prediction at ``params`` against the observations."""
    if observations is None:
        observations = paper_observations()
    predictions = point_predictions(params)
    cards = []
    for name in HYPOTHESES:
        verdicts = []
        for entry in CATALOGUE:
            predicted = predictions[name][entry.key]
            observation = observations.get(entry.key)
            status, reason, z = judge(entry, predicted, observation, params.z)
            verdicts.append(
                Verdict(
                    experiment=entry.key,
                    predicted=predicted,
                    observed=None if observation is None else observation.value,
                    status=status,
                    reason=reason,
                    z=z,
                )
            )
        cards.append(HypothesisCard(name, tuple(verdicts)))
    return Scorecard(tuple(cards), against)


# --------------------------------------------------------------------------------------------
# The evidence scorecard


@dataclass(frozen=True)
class Cell:
    """One hypothesis x experiment cell of the evidence scorecard."""

    experiment: str
    predicted: Prediction
    observed: Observation | None
    status: Status
    z: float | None
    reason: str
    log_likelihood: float | None
    held_out: Prediction | None
    held_out_status: Status
    held_out_z: float | None
    held_out_log_predictive: float | None


@dataclass(frozen=True)
class EvidenceScorecard:
    """The fitted family judged against the observations."""

    family: FamilyResult
    cells: dict[str, dict[str, Cell]]
    fitted: dict[str, dict[str, Any]]
    notes: dict[str, str]
    params: Params

    def status(self, hypothesis: str, experiment: str, *, held_out: bool = False) -> Status:
        cell = self.cells[hypothesis][experiment]
        return cell.held_out_status if held_out else cell.status

    def totals(self, hypothesis: str, *, held_out: bool = False) -> tuple[int, int]:
        statuses = [self.status(hypothesis, e, held_out=held_out) for e in self.cells[hypothesis]]
        return statuses.count("pass"), statuses.count("fail")

    def to_json(self) -> dict[str, Any]:
        family = self.family

        def pred(p: Prediction | None) -> float | None:
            return None if p is None else round(p.mean, 4)

        def num(x: float | None, digits: int = 3) -> float | None:
            if x is None or not math.isfinite(x):
                return None
            return round(x, digits)

        hypotheses: dict[str, Any] = {}
        for name, cells in self.cells.items():
            result = family.hypotheses[name]
            hypotheses[name] = {
                "experiments": {
                    key: {
                        "setting": experiment_setting(key),
                        "predicted": pred(c.predicted),
                        "predicted_sd": num(c.predicted.sd),
                        "observed": None if c.observed is None else round(c.observed.value, 4),
                        "observed_se": None if c.observed is None else num(c.observed.se),
                        "status": c.status,
                        "z": num(c.z),
                        "reason": c.reason,
                        "log_likelihood": num(c.log_likelihood),
                        "held_out": {
                            "predicted": pred(c.held_out),
                            "predicted_sd": None if c.held_out is None else num(c.held_out.sd),
                            "status": c.held_out_status,
                            "z": num(c.held_out_z),
                            "log_predictive": num(c.held_out_log_predictive),
                        },
                    }
                    for key, c in cells.items()
                },
                "passed": self.totals(name)[0],
                "failed": self.totals(name)[1],
                "held_out_passed": self.totals(name, held_out=True)[0],
                "held_out_failed": self.totals(name, held_out=True)[1],
                "fitted_params": self.fitted[name],
                "max_log_likelihood": num(result.fit.ml_loglik),
                "log_evidence": num(result.fit.log_evidence),
                "log_evidence_err": num(result.fit.log_evidence_err),
                "laplace_log_evidence": num(result.fit.laplace_log_evidence),
                "evidence_method": result.fit.method,
                "prior_probability": num(family.prior[name], 6),
                "posterior_probability": num(family.posterior[name], 6),
            }
        return {
            "against": family.label,
            "evidence_method": family.method,
            "hypotheses": hypotheses,
            "posterior": {h: num(p, 6) for h, p in family.posterior.items()},
            "prior_sensitivity": {
                variant: {h: num(p, 6) for h, p in post.items()}
                for variant, post in family.sensitivity.items()
            },
            "notes": self.notes,
        }


def experiment_setting(key: str) -> str:
    for entry in CATALOGUE:
        if entry.key == key:
            return entry.setting
    return "prompted"


#: What the output says about experiments whose figure comes from another setting.
SETTING_NOTES: dict[str, str] = {
    "anti_lab": (
        "observed on a synthetic-document fine-tuned model, not the prompted one: every "
        "hypothesis predicts it with its synthetic-document parameters (anti_lab_propensity / "
        "escape_mistake .synthetic_document), which only this figure informs, so the held-out "
        "prediction is the prior's; the prompted model's anti-lab rate is 'rare, near the "
        "baseline rate' (no number printed)"
    ),
    "rl_training": "measured after RL on the helpful-only objective (setting 'rl')",
    "post_rl_unmonitored": "measured after RL on the helpful-only objective (setting 'rl')",
    "no_scratchpad": (
        "the paper's no-CoT numbers come from its minimal one-file replication; the ratio of "
        "gaps is compared, since the levels differ from the default prompt"
    ),
}


def evidence_scorecard(
    params: Params,
    family: FamilyResult,
    observations: Mapping[str, Observation],
) -> EvidenceScorecard:
    """Judge the fitted family's in-sample and held-out predictions."""
    cells: dict[str, dict[str, Cell]] = {}
    fitted: dict[str, dict[str, Any]] = {}
    for name, result in family.hypotheses.items():
        row: dict[str, Cell] = {}
        for entry in CATALOGUE:
            if entry.key not in result.predictions:
                continue
            observation = observations.get(entry.key)
            predicted = result.predictions[entry.key]
            status, reason, z = judge(entry, predicted.mean, observation, params.z, predicted.sd)
            held = result.held_out.get(entry.key)
            if held is None:
                held_status: Status = "untested"
                held_z = None
            else:
                held_status, _, held_z = judge(entry, held.mean, observation, params.z, held.sd)
            row[entry.key] = Cell(
                experiment=entry.key,
                predicted=predicted,
                observed=observation,
                status=status,
                z=z,
                reason=reason,
                log_likelihood=result.cell_loglik.get(entry.key),
                held_out=held,
                held_out_status=held_status,
                held_out_z=held_z,
                held_out_log_predictive=result.held_out_log_predictive.get(entry.key),
            )
        cells[name] = row
        fitted[name] = describe_fit(params, result.fit)
    notes = {k: v for k, v in SETTING_NOTES.items() if k in observations}
    return EvidenceScorecard(family, cells, fitted, notes, params)
