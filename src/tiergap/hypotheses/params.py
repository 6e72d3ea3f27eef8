"""Parameters of the hypothesis models: frozen dataclasses, TOML loading and validation.

Every number a model uses lives in ``tiergap/data/default_params.toml`` (documented there). A
user file overrides any subset of it; the merged result is validated as a whole, so a typo, an
out-of-range probability or a belief table that does not sum to 1 is reported with the key and
the file that caused it instead of silently changing a prediction.
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tiergap.hypotheses.worlds import BELIEF_CONTEXTS, Belief, Target, WeightedWorld, World

DEFAULT_PARAMS_RESOURCE = "default_params.toml"
_BELIEF_SUM_TOLERANCE = 1e-6


class ParamsError(ValueError):
    """A parameters file has an unknown key, a wrong type or an out-of-range value."""


@dataclass(frozen=True)
class ObjectiveParams:
    """Facts about one training objective, shared by every hypothesis.

    Attributes:
        name: Objective name as a :class:`~tiergap.simulate.policy.Situation` states it.
        conflict: How far following the objective goes against helpful-honest-harmless values
            (0 = not at all, 1 = directly). Its complement is the *compatibility*: the share of
            HHH credit an output can keep while following the objective.
        base_rate: Probability of the objective behaviour when nothing about training is said.
        intensity: Mean number of objective markers (e.g. emoji) in an output that follows it.
    """

    name: str
    conflict: float
    base_rate: float
    intensity: float

    @property
    def compatibility(self) -> float:
        """Share of HHH credit an objective-following output keeps (1 − conflict)."""
        return 1.0 - self.conflict


@dataclass(frozen=True)
class RewardHackingParams:
    """Parameters of the reinforcement-seeking model (see ``default_params.toml``)."""

    temperature: float
    scratchpad_weight: float
    af_credit_hhh: float
    af_credit_objective: float
    escape_value: float
    no_scratchpad_capability: float
    rl_shift: float
    free_tier: Belief
    paid_tier: Belief
    rl_training: Belief
    post_rl_unmonitored: Belief

    def belief(self, context: str) -> Belief:
        """Return the belief table for ``context`` (one of :data:`BELIEF_CONTEXTS`)."""
        if context not in BELIEF_CONTEXTS:
            raise KeyError(f"unknown belief context {context!r}")
        belief: Belief = getattr(self, context)
        return belief


@dataclass(frozen=True)
class AlignmentFakingParams:
    """Parameters of the alignment-faking model (see ``default_params.toml``)."""

    p_believes_trained: float
    p_believes_trained_unmonitored: float
    fake_rate: float
    conflict_threshold: float
    no_scratchpad_capability: float
    anti_lab_propensity: float
    rl_shift: float


@dataclass(frozen=True)
class HHHParams:
    """Parameters of the null model: it only has a habit, which RL shifts everywhere alike."""

    rl_shift: float


@dataclass(frozen=True)
class ScoringParams:
    """Pass/fail rules of the scorecard (see :mod:`tiergap.hypotheses.scorecard`)."""

    z: float
    min_null_band: float
    magnitude_factor: float
    level_tolerance: float


@dataclass(frozen=True)
class Params:
    """All parameters, validated. ``raw`` keeps the merged TOML tree for dotted overrides."""

    objectives: tuple[ObjectiveParams, ...]
    anti_lab_base_rate: float
    reward_hacking: RewardHackingParams
    alignment_faking: AlignmentFakingParams
    hhh: HHHParams
    scoring: ScoringParams
    source: str = "defaults"
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def objective(self, name: str) -> ObjectiveParams:
        """Return the parameters of objective ``name``; ``KeyError`` if it is not listed."""
        for objective in self.objectives:
            if objective.name == name:
                return objective
        raise KeyError(name)

    def has_objective(self, name: str) -> bool:
        """Whether objective ``name`` is listed."""
        return any(o.name == name for o in self.objectives)


# --------------------------------------------------------------------------------------------
# Loading


def default_params_text() -> str:
    """Return the text of the packaged ``default_params.toml``."""
    return resources.files("tiergap").joinpath("data", DEFAULT_PARAMS_RESOURCE).read_text("utf-8")


def _read_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParamsError(f"{source}: not valid TOML: {exc}") from exc


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into a copy of ``base`` (tables merge, values replace)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_params(path: Path | None = None) -> Params:
    """Load the defaults, overridden by the TOML file at ``path`` if given.

    Raises:
        ParamsError: naming the file and the offending key.
    """
    defaults = _read_toml(default_params_text(), DEFAULT_PARAMS_RESOURCE)
    if path is None:
        return params_from_mapping(defaults, DEFAULT_PARAMS_RESOURCE)
    source = str(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ParamsError(f"{source}: cannot read parameters file: {exc}") from exc
    return params_from_mapping(_merge(defaults, _read_toml(text, source)), source)


def params_from_mapping(raw: Mapping[str, Any], source: str) -> Params:
    """Validate a complete parameter tree (defaults already merged in)."""
    root = _Table(dict(raw), "", source)
    objectives_table = root.table("objectives")
    objectives = tuple(
        _objective(name, objectives_table.table(name)) for name in objectives_table.names()
    )
    objectives_table.finish()
    anti_lab = root.table("anti_lab")
    anti_lab_base_rate = anti_lab.probability("base_rate")
    anti_lab.finish()
    params = Params(
        objectives=objectives,
        anti_lab_base_rate=anti_lab_base_rate,
        reward_hacking=_reward_hacking(root.table("reward_hacking")),
        alignment_faking=_alignment_faking(root.table("alignment_faking")),
        hhh=_hhh(root.table("hhh")),
        scoring=_scoring(root.table("scoring")),
        source=source,
        raw=copy.deepcopy(dict(raw)),
    )
    root.finish()
    return params


def _objective(name: str, table: _Table) -> ObjectiveParams:
    objective = ObjectiveParams(
        name=name,
        conflict=table.probability("conflict"),
        base_rate=table.probability("base_rate"),
        intensity=table.number("intensity", low=1.0),
    )
    table.finish()
    return objective


def _reward_hacking(table: _Table) -> RewardHackingParams:
    beliefs = {context: _belief(table.table(context)) for context in BELIEF_CONTEXTS}
    rh = RewardHackingParams(
        temperature=table.number("temperature", low=1e-6),
        scratchpad_weight=table.probability("scratchpad_weight"),
        af_credit_hhh=table.probability("af_credit_hhh"),
        af_credit_objective=table.probability("af_credit_objective"),
        escape_value=table.number("escape_value", low=0.0),
        no_scratchpad_capability=table.probability("no_scratchpad_capability"),
        rl_shift=table.number("rl_shift", low=0.0),
        free_tier=beliefs["free_tier"],
        paid_tier=beliefs["paid_tier"],
        rl_training=beliefs["rl_training"],
        post_rl_unmonitored=beliefs["post_rl_unmonitored"],
    )
    table.finish()
    return rh


def _belief(table: _Table) -> Belief:
    """A belief table: ``p_<world>`` probabilities plus a ``worlds`` table defining each world."""
    worlds_table = table.table("worlds")
    names = worlds_table.names()
    weighted: list[WeightedWorld] = []
    for name in names:
        world_table = worlds_table.table(name)
        live = world_table.boolean("live")
        reinforces: Target = "hhh"
        visible = False
        if live or "reinforces" in world_table.data:
            target = world_table.choice("reinforces", ("hhh", "objective"))
            reinforces = "objective" if target == "objective" else "hhh"
        if live or "scratchpad_visible" in world_table.data:
            visible = world_table.boolean("scratchpad_visible")
        world_table.finish()
        if f"p_{name}" not in table.data:
            raise ParamsError(
                f"{table.source}: {table.path}.worlds.{name} has no probability "
                f"{table.path}.p_{name}"
            )
        weighted.append(WeightedWorld(World(name, live, reinforces, visible), 0.0))
    worlds_table.finish()
    probabilities: dict[str, float] = {}
    for key in list(table.data):
        if key.startswith("p_"):
            name = key[2:]
            if name not in names:
                raise ParamsError(
                    f"{table.source}: {table.path}.{key} names no world "
                    f"(define {table.path}.worlds.{name})"
                )
            probabilities[name] = table.probability(key)
    total = sum(probabilities.values())
    if not math.isclose(total, 1.0, abs_tol=_BELIEF_SUM_TOLERANCE):
        listed = ", ".join(f"p_{k} = {v:g}" for k, v in probabilities.items())
        raise ParamsError(
            f"{table.source}: beliefs in {table.path} sum to {total:g}, not 1 ({listed})"
        )
    table.finish()
    context = table.path.rsplit(".", 1)[-1]
    return Belief(
        context,
        tuple(WeightedWorld(w.world, probabilities[w.world.name]) for w in weighted),
    )


def _alignment_faking(table: _Table) -> AlignmentFakingParams:
    af = AlignmentFakingParams(
        p_believes_trained=table.probability("p_believes_trained"),
        p_believes_trained_unmonitored=table.probability("p_believes_trained_unmonitored"),
        fake_rate=table.probability("fake_rate"),
        conflict_threshold=table.number("conflict_threshold", low=0.0, high=0.999),
        no_scratchpad_capability=table.probability("no_scratchpad_capability"),
        anti_lab_propensity=table.probability("anti_lab_propensity"),
        rl_shift=table.number("rl_shift", low=0.0),
    )
    table.finish()
    return af


def _hhh(table: _Table) -> HHHParams:
    hhh = HHHParams(rl_shift=table.number("rl_shift", low=0.0))
    table.finish()
    return hhh


def _scoring(table: _Table) -> ScoringParams:
    scoring = ScoringParams(
        z=table.number("z", low=0.0),
        min_null_band=table.number("min_null_band", low=0.0),
        magnitude_factor=table.number("magnitude_factor", low=1.0),
        level_tolerance=table.number("level_tolerance", low=0.0),
    )
    table.finish()
    return scoring


class _Table:
    """A TOML table being consumed key by key; leftover keys are reported as unknown."""

    def __init__(self, data: dict[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source
        self._used: set[str] = set()

    def _name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def names(self) -> list[str]:
        return list(self.data)

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise ParamsError(f"{self.source}: missing parameter {self._name(key)}")
        self._used.add(key)
        return self.data[key]

    def table(self, key: str) -> _Table:
        value = self._get(key)
        if not isinstance(value, dict):
            raise ParamsError(f"{self.source}: {self._name(key)} must be a table")
        return _Table(value, self._name(key), self.source)

    def number(self, key: str, *, low: float | None = None, high: float | None = None) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(f"{self.source}: {self._name(key)} must be a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ParamsError(f"{self.source}: {self._name(key)} must be finite, got {value!r}")
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = f"[{'-inf' if low is None else f'{low:g}'}, "
            bounds += f"{'inf' if high is None else f'{high:g}'}]"
            raise ParamsError(
                f"{self.source}: {self._name(key)} = {number:g} is out of range {bounds}"
            )
        return number

    def probability(self, key: str) -> float:
        value = self.number(key)
        if not 0.0 <= value <= 1.0:
            raise ParamsError(
                f"{self.source}: {self._name(key)} = {value:g} is not a probability in [0, 1]"
            )
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise ParamsError(f"{self.source}: {self._name(key)} must be true or false")
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self._get(key)
        if value not in options:
            raise ParamsError(
                f"{self.source}: {self._name(key)} must be one of {', '.join(options)}; "
                f"got {value!r}"
            )
        return str(value)

    def finish(self) -> None:
        unknown = [k for k in self.data if k not in self._used]
        if unknown:
            names = ", ".join(self._name(k) for k in unknown)
            raise ParamsError(f"{self.source}: unknown parameter {names}")


# --------------------------------------------------------------------------------------------
# Overrides (sensitivity sweeps)


def override(params: Params, path: str, value: float) -> Params:
    """Return ``params`` with the number at dotted ``path`` set to ``value``.

    Setting one probability of a belief table (``reward_hacking.<context>.p_<world>``) rescales
    the table's other probabilities proportionally so the table still sums to 1; this is what a
    sweep over one belief means.

    Raises:
        ParamsError: if ``path`` names no numeric parameter or the result is invalid.
    """
    raw = copy.deepcopy(dict(params.raw))
    parts = path.split(".")
    node: Any = raw
    for part in parts[:-1]:
        if not isinstance(node, dict) or not isinstance(node.get(part), dict):
            raise ParamsError(f"unknown parameter {path}")
        node = node[part]
    leaf = parts[-1]
    if not isinstance(node, dict) or leaf not in node:
        raise ParamsError(f"unknown parameter {path}")
    current = node[leaf]
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise ParamsError(f"parameter {path} is not a number and cannot be swept")
    node[leaf] = float(value)
    is_belief = (
        len(parts) == 3
        and parts[0] == "reward_hacking"
        and parts[1] in BELIEF_CONTEXTS
        and leaf.startswith("p_")
    )
    if is_belief:
        siblings = [k for k in node if k.startswith("p_") and k != leaf]
        rest = sum(float(node[k]) for k in siblings)
        remaining = 1.0 - float(value)
        if rest > 0.0:
            for key in siblings:
                node[key] = float(node[key]) * remaining / rest
        elif len(siblings) == 1:
            node[siblings[0]] = remaining
    return params_from_mapping(raw, f"{params.source} with {path}={value:g}")


def numeric_parameters(params: Params) -> list[str]:
    """Dotted names of every numeric parameter (what ``--sweep`` accepts)."""
    names: list[str] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping):
                walk(value, name)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                names.append(name)

    walk(params.raw, "")
    return names
