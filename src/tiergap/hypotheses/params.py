"""Parameters of the hypothesis models: TOML loading, validation, priors and overrides.

Every number a model uses lives in ``tiergap/data/default_params.toml`` (documented there). A
user file overrides any subset of it; the merged result is validated as a whole, so a typo, an
out-of-range probability, a belief table that does not sum to 1 or a prior that puts mass
outside its parameter's range is reported with the key and the file that caused it instead of
silently changing a prediction.

Models read numbers by dotted path (``"alignment_faking.fake_rate"``) through
:class:`tiergap.hypotheses.values.Values`, which can hold one value or a whole batch of them;
that is what lets a fit evaluate hundreds of parameter points in one pass.
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

from tiergap.hypotheses.priors import Prior, PriorError, parse_prior
from tiergap.hypotheses.worlds import BELIEF_CONTEXTS, Belief, Target, WeightedWorld, World

DEFAULT_PARAMS_RESOURCE = "default_params.toml"
_BELIEF_SUM_TOLERANCE = 1e-6

#: Hypothesis names of the family, in report order.
FAMILY: tuple[str, ...] = (
    "reward_hacking",
    "alignment_faking",
    "terminal_goal_guarding",
    "rater_sycophancy",
    "hhh",
    "low_coherence",
    "mixture",
)


class ParamsError(ValueError):
    """A parameters file has an unknown key, a wrong type or an out-of-range value."""


@dataclass(frozen=True)
class Bound:
    """Allowed range of one number (inclusive)."""

    low: float = -math.inf
    high: float = math.inf

    def check(self, value: float) -> bool:
        return self.low <= value <= self.high

    def describe(self) -> str:
        low = "-inf" if self.low == -math.inf else f"{self.low:g}"
        high = "inf" if self.high == math.inf else f"{self.high:g}"
        return f"[{low}, {high}]"


PROBABILITY = Bound(0.0, 1.0)
NON_NEGATIVE = Bound(0.0)

_AF_LIKE: dict[str, Any] = {
    "p_believes_trained": PROBABILITY,
    "p_believes_trained_unmonitored": PROBABILITY,
    "fake_rate": PROBABILITY,
    "no_scratchpad_capability": PROBABILITY,
    "rl_shift_faking": NON_NEGATIVE,
    "rl_shift_values": NON_NEGATIVE,
    "anti_lab_propensity": {"prompted": PROBABILITY, "synthetic_document": PROBABILITY},
}

#: Every fixed-shape table: key -> Bound or nested table. Objectives, belief tables, priors,
#: calibration and the hypothesis prior are validated separately.
SCHEMA: dict[str, Any] = {
    "anti_lab": {"base_rate": PROBABILITY},
    "measurement": {
        "paper_af_false_positive": PROBABILITY,
        "reasoning_false_positive": PROBABILITY,
        "reasoning_sensitivity": PROBABILITY,
        "behaviour_false_positive": PROBABILITY,
        "behaviour_sensitivity": PROBABILITY,
    },
    "reward_hacking": {
        "temperature": Bound(1e-6),
        "scratchpad_weight": PROBABILITY,
        "af_credit_hhh": PROBABILITY,
        "af_credit_objective": PROBABILITY,
        "no_scratchpad_capability": PROBABILITY,
        "rl_shift": NON_NEGATIVE,
        "escape_mistake": {"prompted": NON_NEGATIVE, "synthetic_document": NON_NEGATIVE},
    },
    "alignment_faking": {**_AF_LIKE, "conflict_threshold": Bound(0.0, 0.999)},
    "terminal_goal_guarding": dict(_AF_LIKE),
    "rater_sycophancy": {
        "please_strength": NON_NEGATIVE,
        "p_believes_rated": PROBABILITY,
        "p_believes_rated_unrated": PROBABILITY,
        "no_scratchpad_capability": PROBABILITY,
        "rl_shift": NON_NEGATIVE,
    },
    "hhh": {"rl_shift": NON_NEGATIVE},
    "low_coherence": {
        "concentration": Bound(1e-3),
        "af_noise": PROBABILITY,
        "rs_noise": PROBABILITY,
        "rl_shift": NON_NEGATIVE,
        "seed": NON_NEGATIVE,
    },
    "mixture": {"weight": PROBABILITY},
    "scoring": {"z": Bound(0.0)},
}
_OBJECTIVE_SCHEMA = {"conflict": PROBABILITY, "base_rate": PROBABILITY, "intensity": Bound(1.0)}


@dataclass(frozen=True)
class ObjectiveParams:
    """Facts about one training objective, shared by every hypothesis.

    Attributes:
        name: Objective name as a :class:`~tiergap.simulate.policy.Situation` states it.
        conflict: How far following the objective goes against helpful-honest-harmless values
            (0 = not at all, 1 = directly). Its complement is the *compatibility*.
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
class Params:
    """All parameters, validated.

    Attributes:
        objectives: Facts per objective.
        numbers: Every numeric parameter by dotted path (belief probabilities included).
        beliefs: The reinforcement seeker's belief tables by context.
        priors: Priors of the free parameters by dotted path.
        hypothesis_prior: Prior probability of each hypothesis (normalised).
        calibration: Fixed parameters set from a published figure, with that figure.
        z: The scorecard's pass threshold in standard errors.
        source: Where the parameters came from (file name, or "defaults").
        raw: The merged TOML tree (for overrides).
    """

    objectives: tuple[ObjectiveParams, ...]
    numbers: Mapping[str, float]
    beliefs: Mapping[str, Belief]
    priors: Mapping[str, Prior]
    hypothesis_prior: Mapping[str, float]
    calibration: Mapping[str, str]
    z: float
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

    def value(self, path: str) -> float:
        """The number at dotted ``path``; ``ParamsError`` naming close matches if unknown."""
        try:
            return self.numbers[path]
        except KeyError:
            raise ParamsError(unknown_parameter_message(path, self.numbers)) from None

    def belief(self, context: str) -> Belief:
        """The belief table of ``context`` (one of :data:`BELIEF_CONTEXTS`)."""
        return self.beliefs[context]

    @property
    def anti_lab_base_rate(self) -> float:
        return self.numbers["anti_lab.base_rate"]


def unknown_parameter_message(path: str, known: Mapping[str, Any] | list[str]) -> str:
    """``unknown parameter 'x'`` with the known names that share its first part."""
    names = sorted(known)
    head = path.split(".", 1)[0]
    near = [n for n in names if n.split(".", 1)[0] == head][:8] or names[:8]
    return f"unknown parameter {path!r}; {len(names)} numeric parameters, e.g. {', '.join(near)}"


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
    numbers: dict[str, float] = {}

    objectives_table = root.table("objectives")
    objectives = []
    for name in objectives_table.names():
        table = objectives_table.table(name)
        values = {k: table.number(k, bound) for k, bound in _OBJECTIVE_SCHEMA.items()}
        table.finish()
        objectives.append(ObjectiveParams(name=name, **values))
        numbers.update({f"objectives.{name}.{k}": v for k, v in values.items()})
    objectives_table.finish()

    beliefs: dict[str, Belief] = {}
    for name, schema in SCHEMA.items():
        table = root.table(name)
        _walk(table, schema, numbers)
        if name == "reward_hacking":
            for context in BELIEF_CONTEXTS:
                belief = _belief(table.table(context))
                beliefs[context] = belief
                for weighted in belief.worlds:
                    numbers[f"reward_hacking.{context}.p_{weighted.world.name}"] = weighted.p
        table.finish()

    hypothesis_prior = _hypothesis_prior(root.table("hypotheses"))
    priors = _priors(root.table("priors"), numbers)
    calibration = _calibration(root.table("calibration"), numbers)
    root.finish()
    return Params(
        objectives=tuple(objectives),
        numbers=numbers,
        beliefs=beliefs,
        priors=priors,
        hypothesis_prior=hypothesis_prior,
        calibration=calibration,
        z=numbers["scoring.z"],
        source=source,
        raw=copy.deepcopy(dict(raw)),
    )


def _walk(table: _Table, schema: Mapping[str, Any], numbers: dict[str, float]) -> None:
    for key, spec in schema.items():
        if isinstance(spec, Bound):
            numbers[table.name(key)] = table.number(key, spec)
        else:
            sub = table.table(key)
            _walk(sub, spec, numbers)
            sub.finish()


def _belief(table: _Table) -> Belief:
    """A belief table: ``p_<world>`` probabilities plus a ``worlds`` table defining each world."""
    worlds_table = table.table("worlds")
    names = worlds_table.names()
    defined: list[World] = []
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
        defined.append(World(name, live, reinforces, visible))
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
            probabilities[name] = table.number(key, PROBABILITY)
    total = sum(probabilities.values())
    if not math.isclose(total, 1.0, abs_tol=_BELIEF_SUM_TOLERANCE):
        listed = ", ".join(f"p_{k} = {v:g}" for k, v in probabilities.items())
        raise ParamsError(
            f"{table.source}: beliefs in {table.path} sum to {total:g}, not 1 ({listed})"
        )
    table.finish()
    context = table.path.rsplit(".", 1)[-1]
    return Belief(context, tuple(WeightedWorld(w, probabilities[w.name]) for w in defined))


def _hypothesis_prior(table: _Table) -> dict[str, float]:
    unknown = [name for name in table.names() if name not in FAMILY]
    if unknown:
        raise ParamsError(
            f"{table.source}: [hypotheses] names unknown hypothesis {', '.join(unknown)}; "
            f"expected some of {', '.join(FAMILY)}"
        )
    weights = {name: table.number(name, NON_NEGATIVE) for name in table.names()}
    table.finish()
    total = sum(weights.values())
    if total <= 0:
        raise ParamsError(f"{table.source}: [hypotheses] gives every hypothesis weight 0")
    return {name: weights.get(name, 0.0) / total for name in FAMILY}


def _priors(table: _Table, numbers: Mapping[str, float]) -> dict[str, Prior]:
    priors: dict[str, Prior] = {}
    for path in table.names():
        text = table.data[path]
        table.mark(path)
        if path not in numbers:
            raise ParamsError(f"{table.source}: priors: {unknown_parameter_message(path, numbers)}")
        try:
            prior = parse_prior(path, text)
        except PriorError as exc:
            raise ParamsError(f"{table.source}: priors: {exc}") from None
        bound = bound_of(path)
        low, high = prior.support
        # A prior on (0, inf) suits a parameter that must be positive (a bound just above 0
        # only keeps a division finite).
        floor = 0.0 if 0.0 < bound.low <= 1e-3 else bound.low
        if low < floor - 1e-12 or high > bound.high:
            raise ParamsError(
                f"{table.source}: priors: {prior} for {path} puts mass outside the parameter's "
                f"range {bound.describe()}"
            )
        priors[path] = prior
    table.finish()
    return priors


def _calibration(table: _Table, numbers: Mapping[str, float]) -> dict[str, str]:
    notes: dict[str, str] = {}
    for path in table.names():
        table.mark(path)
        if path not in numbers:
            raise ParamsError(
                f"{table.source}: calibration: {unknown_parameter_message(path, numbers)}"
            )
        notes[path] = str(table.data[path])
    table.finish()
    return notes


def bound_of(path: str) -> Bound:
    """The allowed range of the number at dotted ``path`` (``ParamsError`` if none)."""
    parts = path.split(".")
    if parts[0] == "objectives" and len(parts) == 3 and parts[2] in _OBJECTIVE_SCHEMA:
        bound: Bound = _OBJECTIVE_SCHEMA[parts[2]]
        return bound
    if is_belief_probability(path):
        return PROBABILITY
    node: Any = SCHEMA
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            raise ParamsError(f"unknown parameter {path!r}")
        node = node[part]
    if not isinstance(node, Bound):
        raise ParamsError(f"parameter {path} is a table, not a number")
    return node


class _Table:
    """A TOML table being consumed key by key; leftover keys are reported as unknown."""

    def __init__(self, data: dict[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source
        self._used: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def names(self) -> list[str]:
        return list(self.data)

    def mark(self, key: str) -> None:
        self._used.add(key)

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise ParamsError(f"{self.source}: missing parameter {self.name(key)}")
        self._used.add(key)
        return self.data[key]

    def table(self, key: str) -> _Table:
        value = self._get(key)
        if not isinstance(value, dict):
            raise ParamsError(f"{self.source}: {self.name(key)} must be a table")
        return _Table(value, self.name(key), self.source)

    def number(self, key: str, bound: Bound) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(f"{self.source}: {self.name(key)} must be a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ParamsError(f"{self.source}: {self.name(key)} must be finite, got {value!r}")
        if not bound.check(number):
            if bound == PROBABILITY:
                raise ParamsError(
                    f"{self.source}: {self.name(key)} = {number:g} is not a probability in [0, 1]"
                )
            raise ParamsError(
                f"{self.source}: {self.name(key)} = {number:g} is out of range {bound.describe()}"
            )
        return number

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise ParamsError(f"{self.source}: {self.name(key)} must be true or false")
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self._get(key)
        if value not in options:
            raise ParamsError(
                f"{self.source}: {self.name(key)} must be one of {', '.join(options)}; "
                f"got {value!r}"
            )
        return str(value)

    def finish(self) -> None:
        unknown = [k for k in self.data if k not in self._used]
        if unknown:
            names = ", ".join(self.name(k) for k in unknown)
            raise ParamsError(f"{self.source}: unknown parameter {names}")


# --------------------------------------------------------------------------------------------
# Overrides


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
            raise ParamsError(unknown_parameter_message(path, params.numbers))
        node = node[part]
    leaf = parts[-1]
    if not isinstance(node, dict) or leaf not in node or path not in params.numbers:
        raise ParamsError(unknown_parameter_message(path, params.numbers))
    node[leaf] = float(value)
    if is_belief_probability(path):
        siblings = [k for k in node if k.startswith("p_") and k != leaf]
        rest = sum(float(node[k]) for k in siblings)
        remaining = 1.0 - float(value)
        if rest > 0.0:
            for key in siblings:
                node[key] = float(node[key]) * remaining / rest
        elif len(siblings) == 1:
            node[siblings[0]] = remaining
    return params_from_mapping(raw, f"{params.source} with {path}={value:g}")


def is_belief_probability(path: str) -> bool:
    """Whether ``path`` is one probability of a reinforcement seeker's belief table."""
    parts = path.split(".")
    return (
        len(parts) == 3
        and parts[0] == "reward_hacking"
        and parts[1] in BELIEF_CONTEXTS
        and parts[2].startswith("p_")
    )


def numeric_parameters(params: Params) -> list[str]:
    """Dotted names of every numeric parameter (what ``--sweep`` accepts)."""
    return list(params.numbers)
