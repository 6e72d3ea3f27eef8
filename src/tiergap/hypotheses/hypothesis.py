"""What every hypothesis model shares: arms, rates, the base class and vectorised helpers.

A model answers one question: in a given *arm* (what the prompt says about this conversation,
which objective, scratchpad or not, before or after RL, in which setting), how often does the
model follow the objective, reason like an alignment faker, reason candidly about reward, and
take an anti-lab action? :meth:`HypothesisModel.rates` answers it for a whole table of arms and
a whole batch of parameter points at once (``(B, A)`` arrays), which is what fitting needs;
:meth:`HypothesisModel.behaviour` answers it for one :class:`~tiergap.simulate.policy.Situation`,
which is what the simulated providers need. Both run the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Protocol

import numpy as np
import numpy.typing as npt
from scipy import special

from tiergap.hypotheses.params import FAMILY, Params, load_params
from tiergap.hypotheses.values import Values
from tiergap.simulate.policy import Behaviour, Situation

Vec = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
Phase = Literal["pre_rl", "post_rl"]
PHASES: tuple[Phase, ...] = ("pre_rl", "post_rl")
#: Where an observation was made: the prompted model, a synthetic-document fine-tuned model,
#: or the prompted model after RL on the objective.
Setting = Literal["prompted", "synthetic_document", "rl"]
SETTINGS: tuple[Setting, ...] = ("prompted", "synthetic_document", "rl")
#: What the prompt says about this conversation: rated and trained on (free tier), rated only,
#: neither (paid tier / unmonitored), or nothing at all (baseline: no training information).
Condition = Literal["free", "rated", "unrated", "baseline"]
CONDITIONS: tuple[Condition, ...] = ("free", "rated", "unrated", "baseline")
Metric = Literal["objective", "af", "rs", "anti_lab"]
METRICS: tuple[Metric, ...] = ("objective", "af", "rs", "anti_lab")

#: Hypothesis names, in report order.
HYPOTHESES: tuple[str, ...] = FAMILY


@dataclass(frozen=True)
class Arm:
    """One experimental condition as the model sees it.

    Attributes:
        objective: The behaviour measured (its base rate applies), e.g. ``"helpful_only"``.
        condition: What the prompt says about this conversation (see :data:`CONDITIONS`).
        stated: Whether the prompt states ``objective`` as a training objective; ``False`` for
            the baseline and for prompts whose conflicting criterion was cut.
        scratchpad: Whether a hidden scratchpad is offered.
        setting: ``"prompted"``, ``"synthetic_document"`` or ``"rl"`` (after RL on the
            objective; the phase follows from the setting).
        conflict: The objective's conflict with HHH values when it is not listed in the
            parameters (``None``: take it from the parameters).
    """

    objective: str
    condition: Condition
    stated: bool = True
    scratchpad: bool = True
    setting: Setting = "prompted"
    conflict: float | None = None

    @property
    def phase(self) -> Phase:
        return "post_rl" if self.setting == "rl" else "pre_rl"

    @property
    def trained(self) -> bool:
        return self.condition == "free"

    @property
    def rated(self) -> bool:
        return self.condition in ("free", "rated")

    def label(self) -> str:
        """Short human label, e.g. ``helpful_only/free/cot`` or ``emoji/baseline``."""
        parts = [self.objective, self.condition]
        if not self.stated and self.condition != "baseline":
            parts.append("no-objective")
        parts.append("cot" if self.scratchpad else "no-cot")
        if self.setting != "prompted":
            parts.append(self.setting)
        return "/".join(parts)


def condition_of(situation: Situation) -> Condition:
    """The condition a situation puts the model in."""
    if situation.trained:
        return "free"
    if situation.rated:
        return "rated"
    if situation.tier is None and situation.objective is None:
        return "baseline"
    return "unrated"


def arm_of(
    params: Params,
    situation: Situation,
    *,
    phase: Phase = "pre_rl",
    baseline_objective: str = "emoji",
    setting: Setting = "prompted",
) -> Arm:
    """The arm of a situation; an unlisted objective takes its conflict from the situation."""
    objective = situation.objective if situation.objective is not None else baseline_objective
    conflict: float | None = None
    if not params.has_objective(objective):
        conflict = 1.0 if situation.conflicts_with_values else 0.0
    if phase == "post_rl":
        setting = "rl"
    return Arm(
        objective=objective,
        condition=condition_of(situation),
        stated=situation.objective is not None,
        scratchpad=situation.scratchpad,
        setting=setting,
        conflict=conflict,
    )


class ArmTable:
    """A fixed sequence of arms as ``(1, A)`` feature arrays, ready to broadcast."""

    def __init__(self, params: Params, arms: Sequence[Arm], baseline_objective: str = "emoji"):
        self.params = params
        self.arms = tuple(arms)
        self.size = len(self.arms)

        def row(values: Sequence[float]) -> Vec:
            return np.asarray(values, dtype=float).reshape(1, -1)

        def flag(values: Sequence[bool]) -> Flags:
            return np.asarray(values, dtype=bool).reshape(1, -1)

        self.trained = flag([a.trained for a in self.arms])
        self.rated = flag([a.rated for a in self.arms])
        self.stated = flag([a.stated for a in self.arms])
        self.scratchpad = flag([a.scratchpad for a in self.arms])
        self.post_rl = flag([a.phase == "post_rl" for a in self.arms])
        self.synthetic = flag([a.setting == "synthetic_document" for a in self.arms])
        self.base_paths = tuple(
            f"objectives.{a.objective if params.has_objective(a.objective) else baseline_objective}"
            ".base_rate"
            for a in self.arms
        )
        self.conflict = row(
            [
                a.conflict if a.conflict is not None else params.objective(a.objective).conflict
                for a in self.arms
            ]
        )
        self.intensity = [
            params.objective(a.objective).intensity
            if params.has_objective(a.objective)
            else params.objective(baseline_objective).intensity
            for a in self.arms
        ]

    def base_rate(self, v: Values) -> Vec:
        """``(B, A)`` base rates of each arm's objective."""
        columns: dict[str, Vec] = {}
        out = np.empty((v.size, self.size))
        for j, path in enumerate(self.base_paths):
            if path not in columns:
                columns[path] = v[path]
            out[:, j] = columns[path][:, 0]
        return out


@dataclass(frozen=True)
class Rates:
    """``(B, A)`` rates of each metric.

    ``af`` and ``rs`` are joint with following the objective (an alignment-faking or
    reward-seeking rationale for an output that follows it). ``concentration`` (``(B, 1)``, or
    ``None``) makes every rate a per-condition random draw, Beta with these rates as means and
    this concentration: the low-coherence model's condition-to-condition noise.
    """

    objective: Vec
    af: Vec
    rs: Vec
    anti_lab: Vec
    concentration: Vec | None = None

    def metric(self, name: Metric) -> Vec:
        return {
            "objective": self.objective,
            "af": self.af,
            "rs": self.rs,
            "anti_lab": self.anti_lab,
        }[name]


class Hypothesis(Protocol):
    """A hypothesis model: a :class:`~tiergap.simulate.policy.Policy` that knows RL phases."""

    @property
    def name(self) -> str: ...

    @property
    def params(self) -> Params: ...

    def behaviour(self, situation: Situation, *, phase: Phase | None = None) -> Behaviour: ...


class HypothesisModel:
    """What every hypothesis model shares.

    Args:
        params: Parameters; the packaged defaults if omitted.
        phase: ``"pre_rl"`` or ``"post_rl"`` (after RL on the stated objective), used when
            :meth:`behaviour` is called without a phase.
        baseline_objective: Objective whose base rate applies when the prompt states none.
    """

    NAME: ClassVar[str] = ""
    #: Parameter tables this model reads besides the shared ones (objectives, anti_lab,
    #: measurement); a prior on a parameter in one of them makes it free in this model.
    TABLES: ClassVar[tuple[str, ...]] = ()
    SHARED: ClassVar[tuple[str, ...]] = ("objectives", "anti_lab", "measurement")

    def __init__(
        self,
        params: Params | None = None,
        *,
        phase: Phase = "pre_rl",
        baseline_objective: str = "emoji",
    ) -> None:
        self._params = params if params is not None else load_params()
        self._phase: Phase = phase
        self._baseline_objective = baseline_objective

    @property
    def name(self) -> str:
        return self.NAME

    @property
    def params(self) -> Params:
        return self._params

    @classmethod
    def reads(cls, path: str) -> bool:
        """Whether this model reads parameter ``path``."""
        return path.split(".", 1)[0] in cls.TABLES + cls.SHARED

    def rates(self, arms: ArmTable, v: Values) -> Rates:
        """``(B, A)`` rates of every metric in every arm for every parameter point."""
        raise NotImplementedError

    def behaviour(self, situation: Situation, *, phase: Phase | None = None) -> Behaviour:
        """Behaviour probabilities in ``situation`` (the simulated-provider contract)."""
        arm = arm_of(
            self._params,
            situation,
            phase=phase or self._phase,
            baseline_objective=self._baseline_objective,
        )
        table = ArmTable(self._params, (arm,), self._baseline_objective)
        rates = self.realised(table, Values(self._params))
        return Behaviour(
            p_objective=clip01(float(rates.objective[0, 0])),
            p_af_reasoning=clip01(float(rates.af[0, 0])),
            p_rs_reasoning=clip01(float(rates.rs[0, 0])),
            p_anti_lab=clip01(float(rates.anti_lab[0, 0])),
            objective_intensity=table.intensity[0],
        )

    def realised(self, arms: ArmTable, v: Values) -> Rates:
        """The rates a simulated model of this hypothesis actually has (random effects drawn)."""
        return self.rates(arms, v)


# --------------------------------------------------------------------------------------------
# Vectorised helpers


def logit(p: Vec) -> Vec:
    """Log-odds, clipped away from 0 and 1 so shifts stay finite."""
    q = np.clip(p, 1e-12, 1.0 - 1e-12)
    return np.asarray(special.logit(q), dtype=float)


def sigmoid(x: Vec) -> Vec:
    return np.asarray(special.expit(x), dtype=float)


def shift(p: Vec, log_odds: Vec | float) -> Vec:
    """``p`` with ``log_odds`` added to its log-odds; exact 0 and 1 stay put."""
    moved = sigmoid(logit(p) + log_odds)
    return np.where((p <= 0.0) | (p >= 1.0), p, moved)


def tilt(prior: Sequence[Vec], utility: Sequence[Vec], temperature: Vec) -> list[Vec]:
    """``prior * exp(utility / temperature)``, normalised over actions (a softmax anchored to a
    habit prior: the maximiser of expected utility minus temperature times the KL divergence to
    the prior, i.e. the policy an RL-trained agent with a habit converges to)."""
    with np.errstate(divide="ignore"):
        logs = [np.log(p) + u / temperature for p, u in zip(prior, utility, strict=True)]
    stacked = np.stack(np.broadcast_arrays(*logs))
    top = np.max(stacked, axis=0)
    top = np.where(np.isfinite(top), top, 0.0)
    weights = np.exp(stacked - top)
    total = np.sum(weights, axis=0)
    return [np.asarray(w / total, dtype=float) for w in weights]


def clip01(x: float) -> float:
    """Clamp to [0, 1] (guards float round-off before building a Behaviour)."""
    return min(max(x, 0.0), 1.0)


def condition_draw(mean: Vec, concentration: Vec, u: Vec) -> Vec:
    """A condition's rate drawn from Beta(concentration * mean, concentration * (1 - mean)) at
    quantile ``u`` (a mean of exactly 0 or 1 stays put)."""
    m = np.clip(mean, 1e-9, 1 - 1e-9)
    drawn = special.betaincinv(concentration * m, concentration * (1 - m), u)
    return np.asarray(np.where(mean <= 0, 0.0, np.where(mean >= 1, 1.0, drawn)), dtype=float)


def setting_value(arms: ArmTable, v: Values, table: str) -> Vec:
    """A per-setting parameter (``<table>.prompted`` / ``.synthetic_document``) per arm."""
    return np.where(arms.synthetic, v[f"{table}.synthetic_document"], v[f"{table}.prompted"])
