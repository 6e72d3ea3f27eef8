"""The scorecard: each hypothesis's prediction for each experiment, judged against an observation.

Rules (parameters in the ``[scoring]`` table, so they are explicit and sweepable):

* **effect** observables (signed differences). An effect whose size is within the *null band*,
  ``max(z * SE, min_null_band)`` with the observation's standard error, counts as no effect.
  The prediction passes if its direction (rise / none / fall) matches the observation's and, when
  the observation shows an effect, if it is within a factor ``magnitude_factor`` of it.
* **level** observables (rates). The prediction passes if it is within ``level_tolerance`` of
  the observation.

An experiment without an observation is ``untested`` and counts towards neither total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tiergap.hypotheses.experiments import CATALOGUE, EXPERIMENT_KEYS, Experiment, predict_all
from tiergap.hypotheses.hypothesis import HYPOTHESES
from tiergap.hypotheses.paper import PAPER_CITATION, load_paper_figures
from tiergap.hypotheses.params import Params, ScoringParams

Status = Literal["pass", "fail", "untested"]


@dataclass(frozen=True)
class Observation:
    """An observed value for one experiment, in the experiment's unit."""

    experiment: str
    value: float
    se: float | None
    source: str


@dataclass(frozen=True)
class Verdict:
    """One cell of the scorecard."""

    experiment: str
    predicted: float
    observed: float | None
    status: Status
    reason: str
    detail: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class HypothesisCard:
    """All verdicts for one hypothesis."""

    name: str
    verdicts: tuple[Verdict, ...]

    @property
    def passed(self) -> int:
        """Number of experiments passed (untested ones not counted)."""
        return sum(v.status == "pass" for v in self.verdicts)

    @property
    def failed(self) -> int:
        """Number of experiments failed (untested ones not counted)."""
        return sum(v.status == "fail" for v in self.verdicts)

    def verdict(self, experiment: str) -> Verdict:
        """The verdict for ``experiment``."""
        for verdict in self.verdicts:
            if verdict.experiment == experiment:
                return verdict
        raise KeyError(experiment)


@dataclass(frozen=True)
class Scorecard:
    """The full scorecard and what it was judged against."""

    cards: tuple[HypothesisCard, ...]
    against: str

    def card(self, name: str) -> HypothesisCard:
        """The card of hypothesis ``name``."""
        for card in self.cards:
            if card.name == name:
                return card
        raise KeyError(name)

    def status(self, hypothesis: str, experiment: str) -> Status:
        """Shortcut for one cell's status."""
        return self.card(hypothesis).verdict(experiment).status

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` shape."""
        return {
            "hypotheses": {
                card.name: {
                    "experiments": {
                        v.experiment: {
                            "predicted": round(v.predicted, 4),
                            "observed": None if v.observed is None else round(v.observed, 4),
                            "status": v.status,
                            "reason": v.reason,
                        }
                        for v in card.verdicts
                    },
                    "passed": card.passed,
                    "failed": card.failed,
                }
                for card in self.cards
            }
        }


def paper_observations() -> dict[str, Observation]:
    """Observed values from the paper for every catalogue experiment that has one."""
    figures = load_paper_figures()
    observations: dict[str, Observation] = {}
    for entry in CATALOGUE:
        if entry.figure is None:
            continue
        figure = figures[entry.figure]
        observations[entry.key] = Observation(
            entry.key, figure.value, figure.se, f"{PAPER_CITATION}: {figure.cite()}"
        )
    return observations


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


def _direction(x: float, band: float) -> int:
    if abs(x) <= band:
        return 0
    return 1 if x > 0 else -1


_WORDS = {1: "a rise", 0: "no effect", -1: "a fall"}


def judge(
    entry: Experiment, predicted: float, observation: Observation | None, scoring: ScoringParams
) -> tuple[Status, str]:
    """Apply the pass/fail rule of ``entry.kind``; return the status and a one-line reason."""
    unit = entry.unit
    if observation is None:
        return "untested", f"no observation; predicts {predicted:+.1f} {unit}"
    observed = observation.value
    if entry.kind == "level":
        tolerance = scoring.level_tolerance
        gap = predicted - observed
        verdict: Status = "pass" if abs(gap) <= tolerance else "fail"
        relation = "within" if verdict == "pass" else "outside"
        return verdict, (
            f"predicted {predicted:.1f} {unit} vs observed {observed:.1f}: "
            f"{relation} ±{tolerance:g} {unit}"
        )
    band = scoring.min_null_band
    if observation.se is not None:
        band = max(band, scoring.z * observation.se)
    want = _direction(observed, band)
    got = _direction(predicted, band)
    head = f"predicted {predicted:+.1f} {unit} vs observed {observed:+.1f}"
    if want != got:
        return (
            "fail",
            f"{head}: {_WORDS[got]} where the data show {_WORDS[want]} (null ±{band:.1f})",
        )
    if want == 0:
        return "pass", f"{head}: no effect, as observed (null ±{band:.1f})"
    ratio = predicted / observed
    factor = scoring.magnitude_factor
    if 1.0 / factor <= ratio <= factor:
        return (
            "pass",
            f"{head}: same direction, ×{ratio:.2f} the observed size (allowed ×{factor:g})",
        )
    return (
        "fail",
        f"{head}: right direction but ×{ratio:.2f} the observed size (allowed ×{factor:g})",
    )


def compute_scorecard(
    params: Params,
    observations: Mapping[str, Observation] | None = None,
    *,
    against: str = "paper",
) -> Scorecard:
    """Predict every experiment with every hypothesis and judge it.

    Args:
        params: Model and scoring parameters.
        observations: Observed values by experiment key; the paper's if omitted.
        against: Label of where the observations come from.
    """
    if observations is None:
        observations = paper_observations()
    predictions = predict_all(params)
    cards = []
    for name in HYPOTHESES:
        verdicts = []
        for entry in CATALOGUE:
            prediction = predictions[name][entry.key]
            observation = observations.get(entry.key)
            status, reason = judge(entry, prediction.value, observation, params.scoring)
            verdicts.append(
                Verdict(
                    experiment=entry.key,
                    predicted=prediction.value,
                    observed=None if observation is None else observation.value,
                    status=status,
                    reason=reason,
                    detail=prediction.detail,
                )
            )
        cards.append(HypothesisCard(name, tuple(verdicts)))
    return Scorecard(tuple(cards), against)
